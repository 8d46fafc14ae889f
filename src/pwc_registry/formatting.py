"""``pwc fmt``: every registry file in the canonical layout (see :mod:`.canonical`), comments kept,
so that a diff shows only what changed in the data.

Formatting never changes what a file says, with one exception that is mechanical: a plain value
of the wrong type where the schema says which type belongs (``arxiv: 2405.01234`` is quoted,
``extra_training_data: no`` becomes ``false``; see :mod:`.plain`). A file with other errors (it
cannot be read, or breaks its schema) is not touched but reported with them: rewriting it could
change its meaning. The mechanical fix writes a value's text as the file gives it (``model: 1.10``
becomes ``"1.10"``, never the number's ``"1.1"``).
Numbers keep the digits the file gives (``66.360``); one written otherwise (``0x42``, ``+66``,
``.5``) is written in decimal digits, its digits and type kept (``66.`` is ``66.0``). A rewrite
is checked before it is written: the same data, every comment, every number's text, or the
file is left alone (F001). Formatting is a fixed point: a formatted file formats to itself.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import canonical, layout, plain, schema, writing
from .diagnostics import Diagnostic, Pointer
from .load import Document, read, read_rich
from .parallel import fork_map, shared

PARALLEL_THRESHOLD = 400


@dataclasses.dataclass
class Outcome:
    #: Files not in the canonical layout (rewritten, unless checking).
    changed: list[str]
    #: Why files were left alone: their errors (reading, schema), or F001.
    not_formatted: list[Diagnostic]
    checked: int
    #: When checking: each changed file's unified diff, by name.
    diffs: dict[str, str] = dataclasses.field(default_factory=dict)


def formatted(name: str, raw: bytes, kind: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The canonical bytes of a file; None and the reasons when it is not to be rewritten."""
    if not canonical.may_hold_comments(raw):
        doc = read(name, raw)
        if isinstance(doc.data, dict) and schema.is_valid(kind, doc.data) and \
                canonical.dump(doc.data, kind).encode("utf-8") == raw:
            return raw, []  # the usual case: already canonical
    rich = read_rich(name, raw)
    data = rich.data if rich.data is not None else rich.ambiguous
    if not isinstance(data, dict):
        return None, rich.diagnostics
    found: dict[Pointer, plain.Fix] = {}
    if rich.data is None or not schema.is_valid(kind, data):
        # Plain values of the wrong type are fixed where that is mechanical (see .plain);
        # anything else leaves the file as it is, with its problems.
        found = plain.fixes(kind, data, rich, name)
        left = [d for d in rich.diagnostics if d.pointer not in found]
        if left:
            return None, left
        data = plain.apply(data, found)
        if not schema.is_valid(kind, data):
            fixed = dataclasses.replace(rich, data=data, diagnostics=[], ambiguous=None)
            return None, (schema.explain(kind, fixed, name)
                          or [Diagnostic("S004", "the record does not match its schema", name)])
    source = canonical.comments_of(raw.decode("utf-8"), rich.positions, rich.key_positions)
    # A number made text keeps its digits as the text itself.
    source = dataclasses.replace(source, numbers={
        p: t for p, t in source.numbers.items() if p not in found})
    text = canonical.dump(data, kind, source).encode("utf-8")
    lost = _lost(name, text, data, source)
    if lost:
        return None, [Diagnostic(
            "F001", f"formatting would change {lost}, so the file is left as it is", name,
            hint="put the comment on a line of its own above the value, or lay the file out "
            "by hand")]
    return text, []


def rewritten(name: str, raw: bytes, rich: Document, kind: str, data: Mapping[str, Any]
              ) -> tuple[bytes | None, str | None]:
    """The file ``raw`` (read as ``rich``) in the canonical layout holding ``data`` instead,
    its comments and numbers' text kept; or None and what the rewrite would lose (for a tool
    that changes a record, as `pwc fmt` checks its own rewrites)."""
    source = canonical.comments_of(raw.decode("utf-8"), rich.positions, rich.key_positions)
    text = canonical.dump(data, kind, source).encode("utf-8")
    lost = _lost(name, text, data, source)
    return (None, lost) if lost else (text, None)


def _lost(name: str, text: bytes, data: Any, source: canonical.Comments) -> str | None:
    """What the rewrite ``text`` of a file would not keep: its data, a comment or how a number
    is written (None when it keeps all)."""
    again = read_rich(name, text)
    if not _same(again.data, data):
        return "the data"
    kept = canonical.comments_of(text.decode("utf-8"), again.positions, again.key_positions)
    if sorted(kept.texts()) != sorted(source.texts()):
        return "a comment"
    # Every number of the file as it was written (a tool that adds one, an import merging a
    # result in, writes the new one its own way), but one in another form than decimal digits
    # (0x42), which is written in them: the data above is the same.
    if any(kept.numbers.get(pointer) != text for pointer, text in source.numbers.items()
           if canonical.in_decimal_digits(text)):
        return "how a number is written"
    return None


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types throughout (``1 == 1.0 == True`` in Python, not here), but
    that a number may be an integer on one side and a float on the other: the file holds the
    number, and a float with nothing after the point (80.0 from a table) is written as the
    integer it is, which every reader of the registry reads as the same value."""
    if _number(a) and _number(b):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _format_files(files: Sequence[layout.RegistryFile]
                  ) -> list[tuple[str, bool, list[Diagnostic], str]]:
    write: bool = shared()
    out = []
    for f in files:
        raw = f.read_bytes()
        text, problems = formatted(f.name, raw, f.kind)
        changed = text is not None and text != raw
        diff = ""
        if changed and write and text is not None:
            # A new file renamed over the old: a run killed half-way (or a disk that fills)
            # leaves the person's file whole, and a hard link to it keeps its bytes.
            writing.replace(Path(f.path), text)
        elif changed and text is not None:
            # Line endings are said once, not shown as every line removed and added again
            # (the two look the same on screen).
            crlf = b"\r\n" in raw
            diff = (f"# {f.name}: its line endings are CRLF (Windows); pwc fmt writes LF\n"
                    if crlf else "") + "".join(difflib.unified_diff(
                        raw.replace(b"\r\n", b"\n").decode("utf-8").splitlines(keepends=True),
                        text.decode("utf-8").splitlines(keepends=True), f.name,
                        f"{f.name} (pwc fmt)"))
        out.append((f.name, changed, problems, diff))
    return out


def format_registry(registry: Path, paths: Iterable[Path] | None = None, *, check: bool = False,
                    jobs: int | None = None) -> Outcome:
    files, strays = layout.discover(registry.resolve(), paths)
    parts = fork_map(_format_files, files, jobs=jobs, threshold=PARALLEL_THRESHOLD,
                     share=not check)
    changed: list[str] = []
    not_formatted: list[Diagnostic] = list(strays)
    diffs: dict[str, str] = {}
    for part in parts:
        for name, was_changed, problems, diff in part:
            if was_changed:
                changed.append(name)
            if diff:
                diffs[name] = diff
            not_formatted.extend(problems)
    return Outcome(sorted(changed), sorted(not_formatted, key=Diagnostic.sort_key), len(files),
                   diffs)
