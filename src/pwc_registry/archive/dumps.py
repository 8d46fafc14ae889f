"""Reading the archive's dumps: JSON arrays, plain or gzipped, streamed record by record.

``papers-with-abstracts.json`` holds 576,000 papers; it is never held in memory whole, and no
dump, however hostile, makes the importer hold more than one record of it: a scanner finds where
each record of the top-level array ends (it skips strings and counts brackets, never building
anything) and only that record is parsed, by Python's ``json``. So:

- a record nested deeper than :attr:`Limits.depth`, or longer than :attr:`Limits.record_bytes`,
  is skipped and reported (A017, A018) while the scanner counts on to its end; the rest of the
  dump is read. (A streaming parser that builds prefixes took more than 6 GB for 100 KB of
  ``[``: each level's prefix is a string as long as the depth.)
- numbers are read by :func:`..values.exact_number`: one a float cannot hold as written
  (``1e400``, 5,000 digits, ``1e-400``, 20 significant digits, ``NaN``) becomes an
  :class:`OutOfRange` for the converter to report, not an error of the dump (nor a crash:
  Python refuses to read integers of more than 4,300 digits);
- white space between records is never kept, so a gzip of gigabytes of spaces streams through
  in constant memory; and a syntax error is located as the scanner meets it, with no second
  reading of the dump.

A dump that is not valid JSON stops at its first error, reported with line and column (A001);
columns count bytes.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import itertools
import json
import re
import zlib
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, Any

from ..diagnostics import Diagnostic
from ..layout import Unreadable, open_regular
from ..utf8 import not_utf8, other_encoding
from ..values import exact_number

Progress = Callable[[int, int], None]
#: Where a dump's problems go that do not stop it (a record skipped at a limit).
Report = Callable[[Diagnostic], None]
#: A place in a dump: (line, column), the column in bytes as for a syntax error (A001).
Place = tuple[int, int]


class Places:
    """Where the values of the record a dump's reader has just handed over are: what is said
    of a record's field (its row's metric, a paper's date) can then name its line and column,
    as what is said of a YAML file's does. Only while the reader waits at that record (its text
    is kept by nobody after); None for any other record, or a Parquet dump (no lines)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._find: Callable[[tuple[str | int, ...]], Place | None] | None = None

    def __call__(self, file: str, pointer: tuple[str | int, ...]) -> Place | None:
        if self._find is None or file != self.name or not pointer:
            return None
        return self._find(pointer)


def value_at(text: str, begin: int, path: tuple[str | int, ...]) -> int:
    """Where in ``text`` the value at ``path`` (keys and indexes) of the JSON value beginning at
    ``begin`` begins; where the deepest part of ``path`` it holds begins, when it does not hold
    all of it (a field the reader found absent is placed at what should hold it). The values
    passed over are decoded by the C decoder, not scanned."""
    at = begin
    try:
        for step in path:
            i = _TEXT_SPACE.match(text, at).end()  # type: ignore[union-attr]
            if text[i] == "{" and isinstance(step, str):
                i += 1
                while True:
                    i = _TEXT_SPACE.match(text, i).end()  # type: ignore[union-attr]
                    if text[i] != '"':
                        return at
                    key, i = _scanstring(text, i + 1)
                    i = _TEXT_SPACE.match(text, i).end() + 1  # type: ignore[union-attr]
                    i = _TEXT_SPACE.match(text, i).end()  # type: ignore[union-attr]
                    if key == step:
                        break
                    i = _skip_value(text, i)
            elif text[i] == "[" and isinstance(step, int):
                i += 1
                for _ in range(step):
                    i = _skip_value(text, _TEXT_SPACE.match(text, i).end())  # type: ignore[union-attr]
                i = _TEXT_SPACE.match(text, i).end()  # type: ignore[union-attr]
                if text[i] == "]":
                    return at
            else:
                return at
            at = i
    except (ValueError, IndexError, RecursionError):
        pass
    return _TEXT_SPACE.match(text, at).end()  # type: ignore[union-attr]


def _skip_value(text: str, i: int) -> int:
    """Past the value at ``i`` and the comma after it; ValueError at a closing bracket."""
    _, i = _PLAIN.raw_decode(text, i)
    i = _TEXT_SPACE.match(text, i).end()  # type: ignore[union-attr]
    return i + 1 if text[i] == "," else i


_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
class _Budget:
    """How far the places of one record may walk its text: 64 times its length, and 8 MiB. Each place
    is found from the record's start, so a record of many problems (10,000 rows whose values
    are no numbers) would cost the square of its length: past the budget, its other problems
    keep their pointer alone."""

    def __init__(self) -> None:
        self.record = -1
        self.left = 0

    def allows(self, record: int, size: int) -> bool:
        if record != self.record:
            self.record, self.left = record, 64 * size + (8 << 20)
        return self.left > 0

    def spend(self, walked: int) -> None:
        self.left -= walked


#: Decodes values only to pass over them (keys twice are the record reader's business).
_PLAIN = json.JSONDecoder()

_CHUNK = 1 << 20  # a chunk that holds most records whole: see _whole
_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
# Up to the next bracket or quote that is not inside a complete string: inside a record, and at
# the top level, where a comma also ends a record.
_INSIDE = re.compile(rb'[^"\[\]{}]*(?:' + _STRING + rb'[^"\[\]{}]*)*')
_TOP = re.compile(rb'[^"\[\]{},]*(?:' + _STRING + rb'[^"\[\]{},]*)*')
_STRING_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*')
_SPACE = re.compile(rb"[ \t\r\n]*")
_BOM = b"\xef\xbb\xbf"
_CLOSER = {0x5B: 0x5D, 0x7B: 0x7D}  # [ → ], { → }
_TEXT_SPACE = re.compile(r"[ \t\r\n]*")
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


@dataclasses.dataclass(frozen=True)
class Limits:
    """How much of a dump the importer holds at once. The archive's records are far below each
    (the deepest in the corpus nests 12 levels; the largest is well under a megabyte)."""

    #: Levels of lists and mappings inside one record.
    depth: int = 64
    #: Bytes of one record's JSON text (of one line of JSON Lines; of one Parquet row in
    #: memory).
    record_bytes: int = 64 << 20
    #: Uncompressed bytes of one column of one Parquet row group: one of its pages may be
    #: that large, and a page is read whole.
    column_bytes: int = 512 << 20


@dataclasses.dataclass(frozen=True)
class OutOfRange:
    """A number of a dump that no float holds as written; ``problem`` says why."""

    problem: str


class DumpError(Exception):
    """A dump cannot be read; ``diagnostic`` says where."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def number(text: str) -> int | float | OutOfRange:
    if len(text) <= 15 and "e" not in text and "E" not in text:
        # The usual case, which exact_number would accept: at most 15 digits, no exponent.
        return float(text) if "." in text else int(text)
    try:
        return exact_number(text)
    except ValueError as exc:
        shown = text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"
        return OutOfRange(f"{shown} {exc}")


def _constant(text: str) -> OutOfRange:
    return OutOfRange(f"{text} is not a number")


class _KeyTwice(ValueError):
    """An object of a record names a key twice: JSON readers keep the last value, silently."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _KeyTwice(key)
            seen.add(key)
    return found


# object_pairs_hook costs ~50 % more decoding (a Python call an object), ~3 s on the archive's
# dumps: a key given twice would otherwise leave the last value in place of the first, unsaid.
_DECODER = json.JSONDecoder(parse_int=number, parse_float=number, parse_constant=_constant,
                            object_pairs_hook=_object)


_SNIFFER = json.JSONDecoder(parse_int=number, parse_float=number, parse_constant=_constant)


def _twice(name: str, index: int, key: str, line: int, column: int) -> Diagnostic:
    shown = key if len(key) <= 60 else key[:57] + "..."
    return Diagnostic("A021", f"record {index} gives the key {shown!r} twice in one object; "
                      "skipped", name, line, column, pointer=(index,),
                      hint="which value the source means is a guess: fix the dump, or file "
                      "the record by hand")


#: What :meth:`_Scanner._parse` gives for a record skipped as it was parsed.
_SKIPPED = object()


def _decompressed(raw: IO[bytes]) -> IO[bytes]:
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def _end(pattern: re.Pattern[bytes], buf: bytearray, at: int) -> int:
    # No match object may outlive this call: a bytearray with a live export cannot be resized.
    match = pattern.match(buf, at)
    return match.end() if match else at


class _Scanner:
    """The state of one pass over a dump: the unread part of the text in ``buf``, and enough
    about the bytes already dropped to give any position as line and column."""

    def __init__(self, name: str, stream: IO[bytes], limits: Limits, report: Report) -> None:
        self.name = name
        self.stream = stream
        self.limits = limits
        self.report = report
        self.index = 0  # of the record being parsed, for what is said of it
        self.buf = bytearray()
        self.offset = 0  # of buf[0] in the dump
        self.line = 1  # of buf[0]
        self.line_start = 0  # offset of the start of that line
        self.reads = 0
        self.mark = (0, 1, 0)  # a position in buf, its line and the offset where that begins
        #: The record handed over and not yet passed: (index, text holding it, where in the text
        #: it begins, the offset in buf where the text begins), for :meth:`place`.
        self.current: tuple[int, str, int, int] | None = None
        self._bytes = ("", 0, 0)  # a text, a character offset in it and its UTF-8 offset
        self._budget = _Budget()

    def place(self, pointer: tuple[str | int, ...]) -> Place | None:
        """The line and column of the value at ``pointer`` (from the record's index) in the
        record handed over."""
        if self.current is None or pointer[0] != self.current[0]:
            return None
        index, text, begin, at = self.current
        if not self._budget.allows(index, len(text) - begin):
            return None
        char = value_at(text, begin, pointer[1:])
        self._budget.spend(char - begin)
        known, char_at, byte_at = self._bytes
        if known is not text or char_at > char:  # counted on from the last place asked for
            char_at = byte_at = 0
        byte_at += len(text[char_at:char].encode("utf-8", "surrogatepass"))
        self._bytes = (text, char, byte_at)
        return self.where(at + byte_at)

    def more(self, keep_from: int) -> bool:
        """Drop ``buf[:keep_from]`` and read on; False at the end of the dump."""
        if keep_from:
            newlines = self.buf.count(b"\n", 0, keep_from)
            if newlines:
                self.line += newlines
                self.line_start = self.offset + self.buf.rindex(b"\n", 0, keep_from) + 1
            del self.buf[:keep_from]
            self.offset += keep_from
        self.mark = (0, self.line, self.line_start)
        chunk = self.stream.read(_CHUNK)
        self.reads += 1
        self.buf += chunk
        return bool(chunk)

    def where(self, at: int) -> tuple[int, int]:
        # Counted on from the last position asked for in this chunk: a dump of many skipped
        # records asks for each one's.
        begin, line, line_start = self.mark
        if at < begin:
            begin, line, line_start = 0, self.line, self.line_start
        newlines = self.buf.count(b"\n", begin, at)
        if newlines:
            line += newlines
            line_start = self.offset + self.buf.rindex(b"\n", begin, at) + 1
        self.mark = (at, line, line_start)
        return line, self.offset + at - line_start + 1

    def error(self, message: str, at: int) -> DumpError:
        line, column = self.where(at)
        return DumpError(Diagnostic("A001", f"not valid JSON: {message}", self.name, line, column))

    def records(self) -> Iterator[tuple[int, Any]]:
        buf = self.buf
        while len(buf) < len(_BOM) and self.more(0):
            pass
        i = len(_BOM) if buf.startswith(_BOM) else 0
        while True:  # white space before the array
            i = _end(_SPACE, buf, i)
            if i < len(buf):
                break
            if not self.more(i):
                raise self.error("the dump is empty", 0)
            i = 0
        # A dump that is not an array is scanned as one record all the same, to tell where
        # its first syntax error is (the archive's own example file is an object with one).
        array = buf[i] == ord("[")
        base = 1 if array else 0  # brackets open between records
        depth = base
        if array:
            i += 1
        start = i  # where the text of the current record begins
        closers = bytearray()  # what closes each bracket open in the record, up to the limit
        in_string = False
        index = 0
        skipped: tuple[str, int, int] | None = None  # why the current record is skipped, where
        # _whole is tried once a chunk: where it stops, the scanner goes on to the chunk's end
        # (trying again at each record would decode the rest of the chunk again each time).
        tried = -1
        # The patterns always match (perhaps nothing). Bound here, and the match kept in ``m``
        # rather than in a call of _end: a fifth of the time of a dump of small records.
        rest, top, inside = _STRING_REST.match, _TOP.match, _INSIDE.match
        m: re.Match[bytes] | None = None
        while True:
            n = len(buf)
            while i < n:
                if i == start and depth == base and array and not in_string \
                        and skipped is None and tried != self.reads:
                    tried = self.reads
                    i, index, ended = yield from self._whole(i, index)
                    if ended:
                        self._tail(i)
                        return
                    start = i
                    if i >= n:
                        break
                if in_string:
                    m = rest(buf, i)
                    i = m.end()  # type: ignore[union-attr]
                    if i >= n or buf[i] != 0x22:  # the string goes on in the next chunk
                        break
                    i += 1
                    in_string = False
                    continue
                m = top(buf, i) if depth == base else inside(buf, i)
                i = m.end()  # type: ignore[union-attr]
                if i >= n:
                    break
                c = buf[i]
                if c == 0x22:  # "
                    in_string = True
                elif c in _CLOSER:  # [ {
                    depth += 1
                    if depth - base > self.limits.depth:
                        if skipped is None:
                            skipped = ("A017", *self.where(_end(_SPACE, buf, start)))
                    else:
                        closers.append(_CLOSER[c])
                elif depth > base:  # ] }
                    if depth - base <= self.limits.depth and closers.pop() != c:
                        raise self.error(f"'{chr(c)}' does not close the bracket open "
                                         "before it", i)
                    depth -= 1
                    if depth == 0:  # the one value of a dump that is not an array
                        if skipped is None:
                            self._parse(start, i + 1, False)
                        raise self.error("the dump is not a JSON array", 0)
                elif not array or c == 0x7D:
                    raise self.error(f"'{chr(c)}' where a value, ',' or ']' was expected", i)
                else:  # , or the array's ]
                    last = c == 0x5D
                    if skipped is None and i - start > self.limits.record_bytes:
                        first = _end(_SPACE, buf, start)  # the record, not the space before
                        if i - first > self.limits.record_bytes:
                            skipped = ("A018", *self.where(first))
                    if skipped is not None:
                        self._skip(index, skipped)
                        skipped = None
                        closers.clear()
                        index += 1
                    else:
                        self.index = index
                        item = self._parse(start, i, last and index == 0)
                        if item is not None:
                            if item[0] is not _SKIPPED:
                                yield index, item[0]
                                self.current = None
                            index += 1
                    start = i + 1
                    if last:
                        self._tail(start)
                        return
                i += 1
            # The chunk is used up: keep only what a record in progress needs, and read on.
            m = None  # a bytearray with a live match cannot be resized
            if skipped is None and depth == base and not in_string \
                    and _end(_SPACE, buf, start) >= i:
                start = i  # only white space so far: nothing to keep
            if skipped is None and i - start > self.limits.record_bytes:
                skipped = ("A018", *self.where(_end(_SPACE, buf, start)))
            keep = i if skipped is not None else start
            if not self.more(keep):
                if not array:
                    if skipped is None:
                        self._parse(start, len(buf), False)
                    raise self.error("the dump is not a JSON array", 0)
                raise self.error("the dump ends inside the array", len(buf))
            i -= keep
            start = max(start - keep, 0)

    def _whole(self, at: int, index: int) -> Generator[tuple[int, Any], None, tuple[int, int, bool]]:
        """The records that are whole in ``buf`` from ``at``, parsed by the C decoder with no
        scanning: most records of a dump, at a third of the scanner's cost. It stops at a
        record that ends beyond ``buf``, may nest deeper than the limit, or is not valid: the
        scanner takes that one over. Returns where it stopped, the next index, and whether the
        array ended."""
        try:
            text, _ = codecs.utf_8_decode(self.buf[at:], "strict", False)
        except UnicodeDecodeError:
            return at, index, False
        n = len(text)
        done = 0  # characters of text read: the records before
        while True:
            begin = _TEXT_SPACE.match(text, done).end()  # type: ignore[union-attr]
            try:
                value, end = _DECODER.raw_decode(text, begin)
            except (ValueError, RecursionError):
                break
            after = _TEXT_SPACE.match(text, end).end()  # type: ignore[union-attr]
            # A number at the end of buf may go on in the next chunk: the delimiter decides.
            if after >= n or text[after] not in ",]" or not self._shallow(text, begin, end) \
                    or 4 * (end - begin) > self.limits.record_bytes:  # UTF-8: up to 4 bytes each
                break
            self.current = (index, text, begin, at)
            yield index, value
            self.current = None
            index += 1
            done = after + 1
            if text[after] == "]":
                return at + len(text[:done].encode("utf-8")), index, True
        return at + len(text[:done].encode("utf-8")), index, False

    def _shallow(self, text: str, begin: int, end: int) -> bool:
        """Whether the record in ``text[begin:end]`` surely nests no deeper than the limit:
        counting brackets in strings too can only overstate its depth."""
        if text.count("[", begin, end) + text.count("{", begin, end) <= self.limits.depth:
            return True
        steps = map(_STEP.__getitem__, _BRACKETS.findall(text, begin, end))
        return max(itertools.accumulate(steps)) <= self.limits.depth

    def _parse(self, start: int, end: int, may_be_empty: bool) -> tuple[Any] | None:
        """The record in ``buf[start:end]`` (as a 1-tuple); None for the nothing of ``[]``."""
        raw = bytes(self.buf[start:end])
        if not raw.strip(b" \t\r\n"):
            if may_be_empty:
                return None
            raise self.error("a value is missing", end)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.error(not_utf8(raw, exc), start + exc.start) from None
        try:
            # raw_decode, not loads: loads would take space before the record as an error
            skip = len(text) - len(text.lstrip(" \t\r\n"))
            value, stop = _DECODER.raw_decode(text, skip)
        except json.JSONDecodeError as exc:
            raise self.error(_json_message(exc), start + len(text[: exc.pos].encode("utf-8"))) \
                from None
        except _KeyTwice as exc:
            self.report(_twice(self.name, self.index, exc.key,
                               *self.where(start + len(text[:skip].encode("utf-8")))))
            return (_SKIPPED,)
        if text[stop:].strip(" \t\r\n"):
            raise self.error("',' or ']' expected after a record",
                             start + len(text[:stop].encode("utf-8")))
        self.current = (self.index, text, skip, start)
        return (value,)

    def _skip(self, index: int, why: tuple[str, int, int]) -> None:
        code, line, column = why
        if code == "A017":
            message = f"record {index} nests deeper than {self.limits.depth} levels; skipped"
        else:
            message = (f"record {index} is larger than {self.limits.record_bytes:,} bytes; "
                       "skipped")
        self.report(Diagnostic(code, message, self.name, line, column, pointer=(index,)))

    def _tail(self, i: int) -> None:
        """After the array: only white space, read through without being kept."""
        while True:
            i = _end(_SPACE, self.buf, i)
            if i < len(self.buf):
                raise self.error("data after the array", i)
            if not self.more(i):
                return
            i = 0


#: What a file is, by its first bytes, when it is not a dump: told instead of a JSON error.
_NOT_DUMPS = (
    (b"PK\x03\x04", "a ZIP archive; unzip it and pass the dumps inside"),
    (b"version https://git-lfs", "a Git LFS pointer, not the data; fetch the file itself "
     "(git lfs pull, or download it from the dataset's page)"),
    (b"BZh", "a bzip2 archive; decompress it (only gzip is read as it is)"),
    (b"\xfd7zXZ\x00", "an xz archive; decompress it (only gzip is read as it is)"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive; decompress it (only gzip is read as it is)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract the dumps inside"),
    (b"SQLite format 3\x00", "an SQLite database, not a dump"),
    (b"<", "an HTML or XML page, not a dump (a web page saved in place of the file?)"),
)
_SNIFF = 8 << 20  # the most of a file read to tell JSON Lines from JSON: one line
_JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _opened(path: Path) -> IO[bytes]:
    try:
        # A named pipe given as the dump is refused, not waited on (it hung).
        return open_regular(path)
    except Unreadable as exc:
        raise DumpError(Diagnostic("A001", f"cannot read the dump: it is {exc.strerror}",
                                   str(path))) from None
    except OSError as exc:
        raise DumpError(Diagnostic("A001", f"cannot open the dump: {exc.strerror}",
                                   str(path))) from None


def dump_format(path: Path) -> str:
    """``json``, ``jsonl`` or ``parquet``: how ``path`` is read, by its first bytes (after
    gzip) and, for one record on a line, its name. A file that is none of them raises a
    :class:`DumpError` (A050) saying what it is."""
    with _opened(path) as raw:
        head = raw.read(4)
        if head == b"PAR1":
            return "parquet"
        raw.seek(0)
        stream = _decompressed(raw)
        try:
            start = stream.read(64)
        except (OSError, EOFError, zlib.error) as exc:
            raise DumpError(Diagnostic("A001", f"cannot read the dump: {exc}", str(path))) \
                from None
        gzipped = stream is not raw
        if start.startswith(b"PAR1"):
            raise _not_a_dump(path, "a gzipped Parquet file; decompress it (Parquet is read "
                              "as it is, not gzipped)")
        if (wide := other_encoding(start)) is not None:
            raise _not_a_dump(path, f"{wide}; re-save it as UTF-8")
        text = start[len(_BOM):] if start.startswith(_BOM) else start
        for magic, what in _NOT_DUMPS:
            if text.lstrip(b" \t\r\n").startswith(magic):
                raise _not_a_dump(path, ("gzipped: " if gzipped else "") + what)
        first = text.lstrip(b" \t\r\n")[:1]
        word = text.lstrip(b" \t\r\n")[:5]
        if first and (first not in b'[{"-0123456789tfn' or (first in b"tfn" and not any(
                word.startswith(w[:len(word)]) for w in (b"true", b"false", b"null")))):
            shown = text.split(b"\n", 1)[0][:40].decode("utf-8", "replace")
            raise _not_a_dump(path, f"it is not JSON, JSON Lines or Parquet; it starts with "
                              f"{shown!r}")
        if first != b"{":
            return "json"
        name = path.name.removesuffix(".gz")
        if name.endswith(_JSON_LINES_SUFFIXES):
            return "jsonl"
        stream.seek(0)
        line = stream.readline(_SNIFF)
    # One JSON value alone on the first line, and it is a record: JSON Lines. A JSON object
    # laid out on many lines is left to the JSON reader, which says it is not an array.
    try:
        text_line = line.decode("utf-8")
        begin = len(text_line) - len(text_line.lstrip(" \t\r\n\ufeff"))
        # Without the hook: a key given twice on the first line is that record's problem
        # (A021), not a sign that the file is not JSON Lines.
        value, end = _SNIFFER.raw_decode(text_line, begin)
    except (ValueError, RecursionError):
        return "json"
    return "jsonl" if isinstance(value, dict) and not text_line[end:].strip(" \t\r\n") \
        else "json"


def _not_a_dump(path: Path, what: str) -> DumpError:
    return DumpError(Diagnostic("A050", f"this is not a dump: {what}", str(path)))


def records(path: Path, report: Report, progress: Progress | None = None,
            limits: Limits | None = None, places: Places | None = None
            ) -> Iterator[tuple[int, Any]]:
    """The records of the dump ``path`` with their index, one at a time: the items of a JSON
    array, the lines of JSON Lines, the rows of a Parquet file (each plain or gzipped but
    Parquet); ``report`` is told of each record skipped at a limit; ``progress`` is told now
    and then how far the file has been read, of how far; ``places`` tells, while a record is
    handed over, where its values are."""
    limits = limits or Limits()
    kind = dump_format(path)
    if kind == "parquet":
        from . import parquet  # pyarrow is imported only for Parquet

        yield from parquet.records(path, report, progress, limits)
        return
    total = path.stat().st_size
    with _opened(path) as raw:
        try:
            if kind == "jsonl":
                lines = _json_lines(str(path), _decompressed(raw), limits, report, places)
                for count, (index, item) in enumerate(lines, 1):
                    if progress is not None and count % 2000 == 0:
                        progress(raw.tell(), total)
                    yield index, item
            else:
                scanner = _Scanner(str(path), _decompressed(raw), limits, report)
                if places is not None:
                    places._find = scanner.place
                for count, (index, item) in enumerate(scanner.records(), 1):
                    if progress is not None and count % 2000 == 0:
                        progress(raw.tell(), total)
                    yield index, item
            if progress is not None:
                progress(total, total)
        except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt gzip
            raise DumpError(Diagnostic("A001", f"cannot read the dump: {exc}", str(path))) \
                from None


def _json_lines(name: str, stream: IO[bytes], limits: Limits, report: Report,
                places: Places | None = None) -> Iterator[tuple[int, Any]]:
    """The records of JSON Lines, a line each (blank lines are none). A line is read up to
    the record limit and no further: a longer one is skipped (A018) as it is read on."""
    index = 0
    line_number = 0
    current: tuple[int, str, int, int] | None = None  # index, line, its number, where it begins

    budget = _Budget()

    def place(pointer: tuple[str | int, ...]) -> Place | None:
        if current is None or pointer[0] != current[0]:
            return None
        index, text, number, begin = current
        if not budget.allows(index, len(text)):
            return None
        char = value_at(text, begin, pointer[1:])
        budget.spend(2 * char)  # the walk, and the encoding of what comes before
        return number, len(text[:char].encode("utf-8", "surrogatepass")) + 1

    if places is not None:
        places._find = place
    while True:
        line = stream.readline(limits.record_bytes + 1)
        if not line:
            return
        line_number += 1
        if len(line) > limits.record_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # the rest of the line, never kept
                line = stream.readline(_CHUNK)
            report(Diagnostic("A018", f"record {index} is larger than "
                              f"{limits.record_bytes:,} bytes; skipped", name, line_number, 1,
                              pointer=(index,)))
            index += 1
            continue
        if line_number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        if not line.strip(b" \t\r\n"):
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _line_error(name, not_utf8(line, exc), line_number, exc.start) from None
        begin = len(text) - len(text.lstrip(" \t\r\n"))
        if _too_deep(text, begin, len(text), limits.depth):
            report(Diagnostic("A017", f"record {index} nests deeper than {limits.depth} "
                              "levels; skipped", name, line_number, begin + 1, pointer=(index,)))
            index += 1
            continue
        try:
            value, end = _DECODER.raw_decode(text, begin)
        except json.JSONDecodeError as exc:
            raise _line_error(name, _json_message(exc), line_number,
                              len(text[: exc.pos].encode("utf-8"))) from None
        except _KeyTwice as exc:
            report(_twice(name, index, exc.key, line_number, begin + 1))
            index += 1
            continue
        if text[end:].strip(" \t\r\n"):
            raise _line_error(name, "a second value on the line (JSON Lines holds one a line)",
                              line_number, len(text[:end].encode("utf-8")))
        current = (index, text, line_number, begin)
        yield index, value
        current = None
        index += 1


def _json_message(exc: json.JSONDecodeError) -> str:
    """The decoder's message without its dangling "at" ("Invalid control character at"): the
    place is the diagnostic's line and column."""
    return exc.msg.removesuffix(" at")


def _line_error(name: str, message: str, line: int, at: int) -> DumpError:
    return DumpError(Diagnostic("A001", f"not valid JSON Lines: {message}", name, line, at + 1))


def _too_deep(text: str, begin: int, end: int, limit: int) -> bool:
    """Whether the value in ``text[begin:end]`` nests deeper than ``limit`` (brackets inside
    strings are not counted)."""
    if text.count("[", begin, end) + text.count("{", begin, end) <= limit:
        return False
    depth = deepest = 0
    for match in _DEPTH_TOKENS.finditer(text, begin, end):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest > limit


_DEPTH_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
