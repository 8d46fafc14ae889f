"""Bytes that should be UTF-8 text, and what they are when they are not: one wording for every
reader (registry files, metafiles, model cards, tables, the archive's dumps).

"byte 0xff is not valid UTF-8" sent people looking for a stray byte in a file that an editor
had saved whole as UTF-16; and UTF-16 without a byte-order mark is valid UTF-8 (every other
byte a NUL), so the YAML reader called it a control character.
"""

from __future__ import annotations

import codecs

#: Byte-order marks of other encodings, longest first (UTF-32's begins as UTF-16's does).
_MARKS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
          (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
#: How many bytes at the start tell UTF-16 without a mark.
_SAMPLE = 64


def other_encoding(raw: bytes) -> str | None:
    """What ``raw`` is said to be when it starts as UTF-16 or UTF-32 text does (a byte-order
    mark, or every other byte 0); None otherwise."""
    sample = raw[:_SAMPLE]
    for mark, name in _MARKS:
        if sample.startswith(mark):
            return f"the file is {name} (it starts with a {name} byte-order mark)"
    pairs = len(sample) // 2
    if pairs >= 2:
        even = sum(1 for b in sample[0:pairs * 2:2] if b == 0)
        odd = sum(1 for b in sample[1:pairs * 2:2] if b == 0)
        if max(even, odd) * 4 >= pairs * 3 and min(even, odd) * 4 < pairs:
            return "the file looks like UTF-16 (every other byte is 0)"
    return None


def not_utf8(raw: bytes, error: UnicodeDecodeError) -> str:
    """Why ``raw`` failed to decode as UTF-8 with ``error``: another encoding's byte-order mark,
    UTF-16's pattern, or the first byte that is not UTF-8 and what it would be in
    Windows-1252 (the usual other encoding of text from Windows)."""
    wide = other_encoding(raw)
    if wide is not None:
        return wide
    byte = raw[error.start:error.start + 1]
    message = f"byte 0x{byte.hex()} is not valid UTF-8"
    try:
        meant = byte.decode("cp1252")
    except UnicodeDecodeError:
        return message
    return f"{message} (in Windows-1252 or Latin-1 it would be {meant!r})" if meant.isprintable() \
        else message


def nul_text(raw: bytes) -> str | None:
    """For bytes that decoded as UTF-8 but hold NUL characters: UTF-16 without a byte-order
    mark, said so; None for anything else (a stray NUL is the reader's to report)."""
    return other_encoding(raw) if b"\x00" in raw[:_SAMPLE] else None


HINT = "re-save the file as UTF-8"


class NotUTF8(ValueError):
    """Bytes that are not UTF-8 text: why (:func:`not_utf8`), and the offset of the first bad
    byte (0 when the whole file is in another encoding)."""

    def __init__(self, message: str, start: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start


def decode(raw: bytes, *, mark: bool = False) -> str:
    """``raw`` as text, if it is UTF-8 (with ``mark``, after a UTF-8 byte-order mark if any) and
    not UTF-16 that happens to be valid UTF-8; else :class:`NotUTF8`."""
    try:
        text = raw.decode("utf-8-sig" if mark else "utf-8")
    except UnicodeDecodeError as exc:
        whole = other_encoding(raw) is not None
        raise NotUTF8(not_utf8(raw, exc), 0 if whole else exc.start) from None
    if (wide := nul_text(raw)) is not None:
        raise NotUTF8(wide, 0)
    return text
