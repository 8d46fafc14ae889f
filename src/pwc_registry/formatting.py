"""``pwc fmt``: every registry file in the canonical layout (see :mod:`.canonical`), comments
kept, so that a diff shows only what changed in the data.

A file that cannot be read is not touched: ``pwc validate`` says why. Formatting is a fixed
point: a formatted file formats to itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import canonical, layout
from .diagnostics import Diagnostic
from .load import read, read_rich
from .parallel import fork_map, shared

PARALLEL_THRESHOLD = 400


@dataclasses.dataclass
class Outcome:
    #: Files not in the canonical layout (rewritten, unless checking).
    changed: list[str]
    #: Files that could not be read, so were left alone.
    unreadable: list[Diagnostic]
    checked: int


def formatted(name: str, raw: bytes, kind: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The canonical bytes of a file; None and the reasons when it cannot be read."""
    if not canonical.may_hold_comments(raw):
        doc = read(name, raw)
        if not isinstance(doc.data, dict):
            return None, doc.diagnostics
        return canonical.dump(doc.data, kind).encode("utf-8"), []
    rich = read_rich(name, raw)
    if not isinstance(rich.data, dict):
        return None, rich.diagnostics
    comments = canonical.comments_of(raw.decode("utf-8"), rich.positions, rich.key_positions)
    return canonical.dump(rich.data, kind, comments).encode("utf-8"), []


def _format_files(files: Sequence[layout.RegistryFile]
                  ) -> list[tuple[str, bool, list[Diagnostic]]]:
    write: bool = shared()
    out = []
    for f in files:
        raw = f.read_bytes()
        text, problems = formatted(f.name, raw, f.kind)
        changed = text is not None and text != raw
        if changed and write and text is not None:
            Path(f.path).write_bytes(text)
        out.append((f.name, changed, problems))
    return out


def format_registry(registry: Path, paths: Iterable[Path] | None = None, *, check: bool = False,
                    jobs: int | None = None) -> Outcome:
    files, strays = layout.discover(registry.resolve(), paths)
    parts = fork_map(_format_files, files, jobs=jobs, threshold=PARALLEL_THRESHOLD,
                     share=not check)
    changed: list[str] = []
    unreadable: list[Diagnostic] = list(strays)
    for part in parts:
        for name, was_changed, problems in part:
            if was_changed:
                changed.append(name)
            unreadable.extend(problems)
    return Outcome(sorted(changed), sorted(unreadable, key=Diagnostic.sort_key), len(files))
