"""Writing records into the registry: every importer's files go through :func:`write_record`.

It never writes through a symbolic link: a link in the registry (the file or a folder on its
way) is reported (A013) and left alone, a new file is created exclusively, and a file merged
into (:mod:`.merge`: never overwriting a maintainer's value) is replaced by a fresh file renamed
over it. :class:`BatchWriter` writes many records in batches, in worker processes forked once.

``speaker`` names the import in messages ("the archive says 'nlp'"), so that a maintainer
reading the report knows whose value was not taken.
"""

from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import stat
from collections import Counter, deque
from collections.abc import Sequence
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any

from .. import canonical, layout
from ..diagnostics import Diagnostic
from ..formatting import rewritten
from ..load import read, read_rich
from ..writing import NEW, Folders, replace, write_all
from .merge import NOT_HELD, REMOVED, Moved, merge
from .report import Problems

BATCH = 4000
#: How an import is named in its messages when it does not say.
SPEAKER = "the import"

#: What writing one record came to: its outcome and the problems met.
Outcome = tuple[str, list[Diagnostic]]


class BatchWriter:
    """Writes records of one kind in batches: in worker processes forked once, while this
    process goes on reading; here when one job is asked for or there are few records."""

    def __init__(self, registry: Path, kind: str, jobs: int | None,
                 files: Counter[tuple[str, str]], diagnostics: Problems,
                 speaker: str = SPEAKER, moved: Moved | None = None) -> None:
        self.registry = registry
        self.moved = moved
        self.kind = kind
        self.jobs = jobs or os.cpu_count() or 1
        self.files = files
        self.diagnostics = diagnostics
        self.speaker = speaker
        self.batch: list[dict[str, Any]] = []
        self.pending: deque[AsyncResult[list[Outcome]]] = deque()
        self.pool: Pool | None = None

    def start(self) -> None:
        """Fork the workers now, while this process is small: a worker forked later would
        share a large heap copy-on-write, and every page this process then touches is copied."""
        if self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)

    def file_of(self, record_id: str) -> str:
        """The file a record of this kind with ``record_id`` is written to, as reported."""
        return f"{self.registry.name}/{layout.relative_path(self.kind, record_id)}"

    def add(self, record: dict[str, Any]) -> None:
        self.batch.append(record)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        args = (self.registry, batch, self.kind, self.speaker, self.moved)
        if self.pool is None:
            self._collect(write_records(*args))
            return
        self.pending.append(self.pool.apply_async(write_records, args))
        while len(self.pending) > 2 * self.jobs:  # bounded: batches wait in memory
            self._collect(self.pending.popleft().get())

    def _collect(self, outcomes: list[Outcome]) -> None:
        for outcome, found in outcomes:
            self.files[(self.kind, outcome)] += 1
            self.diagnostics.extend(found)

    def close(self) -> None:
        if self.batch:
            self.flush()
        while self.pending:
            self._collect(self.pending.popleft().get())
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


def write_records(registry: Path, records: Sequence[dict[str, Any]], kind: str,
                  speaker: str = SPEAKER, moved: Moved | None = None) -> list[Outcome]:
    gc.disable()  # many small objects, no cycles: see parallel._without_gc
    folders = Folders(registry)
    try:
        return [write_record(registry, kind, record, folders, speaker, moved)
                for record in records]
    finally:
        gc.enable()


def _linked(registry: Path, where: str, relative: str, what: str) -> Diagnostic:
    inside = "" if where == relative else f"; it holds {registry.name}/{relative}"
    return Diagnostic("A013", f"{what}: the import does not write there{inside}",
                      f"{registry.name}/{where}",
                      hint="replace the link with the file or folder itself and import again")


def write_record(registry: Path, kind: str, record: dict[str, Any],
                 folders: Folders | None = None, speaker: str = SPEAKER,
                 moved: Moved | None = None) -> Outcome:
    """Write ``record`` in its place, merged into what is there (``moved``: see
    :func:`.merge.merge`): ``created``, ``updated``, ``unchanged``, ``kept`` (not merged: see
    the diagnostics) or ``not written``."""
    relative = layout.relative_path(kind, record["id"])
    name = f"{registry.name}/{relative}"
    try:
        return _write(registry, kind, record, relative, name, folders or Folders(registry),
                      speaker, moved)
    except OSError as exc:
        return "not written", [Diagnostic("A014", f"cannot write the file: {exc.strerror or exc}",
                                          name)]


def _write(registry: Path, kind: str, record: dict[str, Any], relative: str, name: str,
           folders: Folders, speaker: str, moved: Moved | None) -> Outcome:
    problem = folders.problem(relative)
    if problem is not None:
        # Not "kept": nothing of the record is anywhere (the link's target is left alone).
        return "not written", [_linked(registry, problem[0], relative, problem[1])]
    path = registry / relative
    text = canonical.dump(record, kind).encode("utf-8")
    if len(text) > layout.MAX_FILE_BYTES:
        return "not written", [_too_large(name, len(text))]
    try:
        # Creating exclusively is one system call when the file is new, as most are; it fails
        # on any name that exists, a link included.
        fd = os.open(path, NEW, 0o644)
    except FileExistsError:
        fd = -1
    if fd >= 0:
        try:
            write_all(fd, text)
        finally:
            os.close(fd)
        return "created", []
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "not written", [_linked(registry, relative, relative, "is a symbolic link")]
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return "not written", [_linked(registry, relative, relative,
                                           "is not a regular file")]
        with os.fdopen(os.dup(fd), "rb") as f:
            raw = f.read()
    finally:
        os.close(fd)
    if raw == text:
        return "unchanged", []
    doc = read(name, raw)
    if not isinstance(doc.data, dict):
        return "kept", [Diagnostic("A008", "the file is not valid, so the import cannot merge "
                                   "into it", name, hint="fix it (pwc validate) and import again")]
    merged, conflicts = merge(doc.data, record, entity=kind not in layout.HOLDER_KINDS,
                              moved=moved)
    found: list[Diagnostic] = []
    if conflicts:
        located = read_rich(name, raw)
        for pointer, mine, theirs in conflicts:
            if mine is REMOVED:
                line, column = located.locate(pointer)
                found.append(Diagnostic(
                    "A053", f"{speaker}'s result {_show(theirs.get('model'))} on "
                    f"{theirs.get('task')} / {theirs.get('dataset')} is not added back: this "
                    "correction removed it", name, line, column, pointer=pointer))
                continue
            if mine is NOT_HELD:
                line, column = located.locate(pointer[:-1])
                found.append(Diagnostic(
                    "A016", f"the result has no {pointer[-1]}; {speaker}'s {_show(theirs)} is "
                    "not added", name, line, column, pointer=pointer))
                continue
            line, column = located.locate(pointer)
            found.append(Diagnostic("A007", f"kept {_show(mine)}; {speaker} says {_show(theirs)}",
                                    name, line, column, pointer=pointer))
    if merged == doc.data:
        return "unchanged", found
    if canonical.may_hold_comments(raw):
        found.append(Diagnostic("A008", "the file has comments, which rewriting would lose; "
                                f"{speaker}'s additions are not written", name,
                                hint="add them by hand: " + ", ".join(
                                    k for k in merged if merged[k] != doc.data.get(k))))
        return "kept", found
    # The person's numbers as they wrote them (77.120, 1.0e+2): the same rewrite `pwc fmt`
    # makes, which says what it would lose rather than lose it.
    new_text, lost = rewritten(name, raw, read_rich(name, raw), kind, merged)
    if new_text is None:
        found.append(Diagnostic("A008", f"rewriting the file would lose {lost}; {speaker}'s "
                                "additions are not written", name, hint="add them by hand: "
                                + ", ".join(k for k in merged if merged[k] != doc.data.get(k))))
        return "kept", found
    if len(new_text) > layout.MAX_FILE_BYTES:
        return "not written", [*found, _too_large(name, len(new_text))]
    replace(path, new_text, stat.S_IMODE(mode))
    return "updated", found


def _too_large(name: str, size: int) -> Diagnostic:
    # Written, it would fail validation at once (Y010): the registry reads no larger file.
    return Diagnostic("A014", f"the file would be {size:,} bytes, over the registry's limit of "
                      f"{layout.MAX_FILE_BYTES:,}: not written, nor any of its results", name,
                      line=0, column=0,
                      hint="import fewer results into one source (split the table, or give "
                      "each part of the library a source of its own)")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

