"""``pwc import pwc-archive``: the archive's dumps into registry files.

The order keeps memory to the size of the results, not of the papers: methods, datasets and
evaluation tables are read whole (they are needed before any paper is written) and code links
are streamed into the paper drafts; then papers-with-abstracts is streamed, and each paper is
written as soon as its record completes its draft, in batches spread over worker processes.
Papers that only rows or code links name are written last, then the boards' sources (rows
that name no paper). Entities are written at the end.

A dump that cannot be read (not valid JSON, a broken Parquet file) stops the import before
anything is written, except for the papers dump, which is streamed: its papers up to the bad
spot are written (and the shards after a bad one are read), and importing again after the dump
is fixed picks up where it stopped (importing is idempotent).

Every file is written by :func:`write_record`, which never writes through a symbolic link: a
link in the registry (the file or a folder on its way) is reported (A013) and left alone, a new
file is created exclusively, and a file merged into is replaced by a fresh file renamed over it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import errno
import gc
import multiprocessing
import os
import stat
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any

from .. import canonical, layout
from ..diagnostics import CATALOGUE, Diagnostic
from ..ids import fold
from ..load import read, read_rich
from ..registry import load_registry
from .convert import (
    Conversion,
    Names,
    PaperDraft,
    Problems,
    SourceDraft,
    Where,
    capped_slug,
    new_id,
    paper_record,
    source_record,
)
from .dumps import DumpError, Limits, Progress, records
from .merge import NOT_HELD, merge

BATCH = 4000

Stage = Callable[[str], Progress | None]


@dataclasses.dataclass
class Options:
    registry: Path
    #: Each dump's files: one JSON file, or a dataset's Parquet shards in order.
    evaluation_tables: Sequence[Path] = ()
    papers: Sequence[Path] = ()
    links: Sequence[Path] = ()
    methods: Sequence[Path] = ()
    datasets: Sequence[Path] = ()
    synonyms: Path | None = None
    jobs: int | None = None
    today: dt.date | None = None
    #: Called with a stage's name; returns what to tell of that stage's progress, if anything.
    progress: Stage | None = None
    limits: Limits = dataclasses.field(default_factory=Limits)


@dataclasses.dataclass
class ImportReport:
    sources: list[str]
    #: What the dumps held and what became of it: rows, results, merged rows, skipped rows...
    counts: Counter[str]
    #: Files by kind and outcome: ("paper", "created"), ("task", "unchanged")...
    files: Counter[tuple[str, str]]
    #: The problems listed in full: the first of each code (see :class:`.convert.Problems`).
    diagnostics: list[Diagnostic]
    #: Metrics imported without a direction, for a maintainer to decide.
    undecided_metrics: list[str]
    #: Problems by code, listed or not.
    totals: Counter[str] = dataclasses.field(default_factory=Counter)

    def __post_init__(self) -> None:
        if not self.totals:
            self.totals = Counter(d.code for d in self.diagnostics)

    @property
    def errors(self) -> int:
        return sum(n for code, n in self.totals.items() if CATALOGUE[code].severity == "error")

    @property
    def warnings(self) -> int:
        return sum(n for code, n in self.totals.items()
                   if CATALOGUE[code].severity == "warning")


def read_synonyms(path: Path) -> dict[str, list[str]]:
    """``synonyms.csv`` (task,synonym): each spelling points at the others."""
    pairs: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            a, b = (row.get("task") or "").strip(), (row.get("synonym") or "").strip()
            if a and b and fold(a) != fold(b):
                pairs.setdefault(fold(a), []).append(b)
                pairs.setdefault(fold(b), []).append(a)
    return pairs


class _Existing:
    """What the registry holds before the import: names of entities, papers' identities."""

    def __init__(self, registry: Path, jobs: int | None) -> None:
        self.names = Names()
        loaded = load_registry(registry, jobs=jobs, abstracts=False)
        for kind, entities in loaded.entities.items():
            for entity_id, data in entities.items():
                names = [data.get("name", ""), *data.get("aliases", [])]
                self.names.know(kind, entity_id, [n for n in names if n])
        files, _ = layout.discover(registry)
        for f in files:
            # invalid files too: their ids stay theirs; papers and sources share one set of ids
            self.names.take(layout.PAPER if f.kind in layout.HOLDER_KINDS else f.kind, f.stem)
        self.papers: dict[tuple[str, str], str] = {}
        for paper in loaded.papers.values():
            if paper.title is not None:  # else known by its identifiers alone
                self.papers.setdefault(("title", fold(paper.title)), paper.id)
            for scheme, value in paper.identifiers.items():
                self.papers.setdefault((scheme, value), paper.id)
        #: The sources the registry holds, by folded title: a board's source is found again.
        self.sources = {fold(s.title): s.id for s in loaded.sources.values()}

    def paper_id(self, draft: PaperDraft) -> str:
        for scheme in ("arxiv", "pwc", "doi", "acl", "openreview"):
            found = self.papers.get((scheme, draft.identifiers.get(scheme, "")))
            if found:
                return found
        found = self.papers.get(("title", fold(draft.title))) if draft.title else None
        if found:
            return found
        paper_id = new_id(draft.label, self.names.taken(layout.PAPER), draft.identifiers.get("pwc"))
        self.names.take(layout.PAPER, paper_id)
        return paper_id

    def source_id(self, draft: SourceDraft) -> str:
        """The id of a board's source: the one the registry holds under its title, or
        ``<task>-<dataset>-leaderboard``, in the ids of papers and sources."""
        found = self.sources.get(fold(draft.title))
        if found:
            return found
        preferred = capped_slug(f"{draft.task}-{draft.dataset}-leaderboard")
        source_id = new_id(draft.title, self.names.taken(layout.PAPER), preferred)
        self.names.take(layout.PAPER, source_id)
        self.sources[fold(draft.title)] = source_id
        return source_id


def import_archive(options: Options) -> ImportReport:
    registry = options.registry
    existing = _Existing(registry, options.jobs)
    synonyms = read_synonyms(options.synonyms) if options.synonyms else {}
    conversion = Conversion(existing.names, synonyms, options.today)
    files: Counter[tuple[str, str]] = Counter()
    diagnostics = conversion.diagnostics  # one list, so that one limit bounds it
    dumps = [str(p) for p in (*options.evaluation_tables, *options.papers, *options.links,
                              *options.methods, *options.datasets, options.synonyms) if p]

    writer = _PaperWriter(registry, existing, options.jobs, files, diagnostics)
    if options.papers:  # enough papers to be worth workers
        writer.start()

    def stage(name: str) -> Progress | None:
        return options.progress(name) if options.progress else None

    def report() -> ImportReport:
        undecided = sorted(conversion.undecided_metrics)
        for metric_id in undecided:
            name = conversion.entities["metric"].get(metric_id, {}).get("name", metric_id)
            diagnostics.add(Diagnostic(
                "A010", f"metric '{name}' is not in the table of known metrics: imported "
                "without a direction", f"{registry.name}/{layout.relative_path('metric', metric_id)}",
                hint="add direction: higher or lower to the file, from the metric's definition"))
        listed, totals = diagnostics.report(registry.name)
        return ImportReport(dumps, conversion.counts, files, listed, undecided, totals)

    def dump(path: Path, name: str) -> Iterator[tuple[int, Any]]:
        return records(path, diagnostics.add, stage(name), options.limits)

    # Conversion writes nothing: a dump that is not JSON stops the import here with no file
    # written. The dumps are streamed; only what they convert to is held.
    try:
        for path in options.methods:
            conversion.add_methods(dump(path, f"methods {path.name}"), str(path))
        for path in options.datasets:
            conversion.add_datasets(dump(path, f"datasets {path.name}"), str(path))
        for path in options.evaluation_tables:
            conversion.add_tasks(dump(path, f"tables {path.name}"), str(path))
        for path in options.links:
            conversion.add_code_links(dump(path, f"code links {path.name}"), str(path))
    except DumpError as exc:
        diagnostics.add(exc.diagnostic)
        writer.close()
        return report()

    for path in options.papers:  # a shard that cannot be read stops; the next is read
        try:
            for i, item in dump(path, f"papers {path.name}"):
                where = Where(str(path), (i,))
                draft = conversion.add_paper(item, where)
                if draft is not None and writer.done(draft):
                    conversion.report("A002", f"the paper '{draft.label}' appears again; the "
                                      "first record was imported", where)
                elif draft is not None:
                    writer.add(draft)
        except DumpError as exc:
            diagnostics.add(exc.diagnostic)
    for draft in conversion.papers():
        writer.add(draft)
    writer.close()
    folders = _Folders(registry)
    for source in conversion.sources():
        outcome, found = write_record(registry, layout.SOURCE,
                                      source_record(source, existing.source_id(source)), folders)
        files[(layout.SOURCE, outcome)] += 1
        diagnostics.extend(found)
    for kind in layout.ENTITY_KINDS:
        for entity_id in sorted(conversion.entities[kind]):
            outcome, found = write_record(registry, kind, conversion.entities[kind][entity_id],
                                          folders)
            files[(kind, outcome)] += 1
            diagnostics.extend(found)
    return report()


class _PaperWriter:
    """Writes finished papers in batches: in worker processes forked once, while this process
    goes on reading the dumps; here when one job is asked for or there are few papers."""

    def __init__(self, registry: Path, existing: _Existing, jobs: int | None,
                 files: Counter[tuple[str, str]], diagnostics: Problems) -> None:
        self.registry = registry
        self.existing = existing
        self.jobs = jobs or os.cpu_count() or 1
        self.files = files
        self.diagnostics = diagnostics
        self.batch: list[dict[str, Any]] = []
        self.written: set[int] = set()
        self.pending: deque[AsyncResult[list[tuple[str, list[Diagnostic]]]]] = deque()
        self.pool: Pool | None = None

    def start(self) -> None:
        """Fork the workers now, while this process is small: a worker forked later would
        share a large heap copy-on-write, and every page this process then touches is copied."""
        if self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)

    def done(self, draft: PaperDraft) -> bool:
        return id(draft) in self.written

    def add(self, draft: PaperDraft) -> None:
        if self.done(draft):
            return
        self.written.add(id(draft))
        record = paper_record(draft, self.existing.paper_id(draft))
        draft.record.clear()  # the file holds it now; a draft only keeps the paper's identity
        draft.results.clear()
        draft.code.clear()
        self.batch.append(record)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if self.pool is None:
            self._collect(write_papers(self.registry, batch))
            return
        self.pending.append(self.pool.apply_async(write_papers, (self.registry, batch)))
        while len(self.pending) > 2 * self.jobs:  # bounded: batches wait in memory
            self._collect(self.pending.popleft().get())

    def _collect(self, outcomes: list[tuple[str, list[Diagnostic]]]) -> None:
        for outcome, found in outcomes:
            self.files[(layout.PAPER, outcome)] += 1
            self.diagnostics.extend(found)

    def close(self) -> None:
        if self.batch:
            self.flush()
        while self.pending:
            self._collect(self.pending.popleft().get())
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


def write_papers(registry: Path, records: Sequence[dict[str, Any]]
                 ) -> list[tuple[str, list[Diagnostic]]]:
    gc.disable()  # many small objects, no cycles: see parallel._without_gc
    folders = _Folders(registry)
    try:
        return [write_record(registry, layout.PAPER, record, folders) for record in records]
    finally:
        gc.enable()


_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


class _Folders:
    """The registry's folders known to be folders, not links (checked once per process and
    batch, so that writing 576,000 papers costs no extra system call a file)."""

    def __init__(self, registry: Path) -> None:
        self.registry = registry
        self.checked: set[str] = set()

    def prepare(self, relative: str) -> Diagnostic | None:
        """Make the folders of ``relative`` that are missing; a diagnostic if one on the way is
        a link or not a folder."""
        parts = relative.split("/")[:-1]
        for n in range(1, len(parts) + 1):
            folder = "/".join(parts[:n])
            if folder in self.checked:
                continue
            path = self.registry / folder
            try:
                os.mkdir(path)
            except FileExistsError:
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    return _linked(self.registry, folder, relative, "is a symbolic link")
                if not stat.S_ISDIR(mode):
                    return _linked(self.registry, folder, relative, "is not a folder")
            self.checked.add(folder)
        return None


def _linked(registry: Path, where: str, relative: str, what: str) -> Diagnostic:
    inside = "" if where == relative else f"; it holds {registry.name}/{relative}"
    return Diagnostic("A013", f"{what}: the import does not write there{inside}",
                      f"{registry.name}/{where}",
                      hint="replace the link with the file or folder itself and import again")


def write_record(registry: Path, kind: str, record: dict[str, Any],
                 folders: _Folders | None = None) -> tuple[str, list[Diagnostic]]:
    """Write ``record`` in its place, merged into what is there: ``created``, ``updated``,
    ``unchanged``, ``kept`` (not merged: see the diagnostics) or ``not written``."""
    relative = layout.relative_path(kind, record["id"])
    name = f"{registry.name}/{relative}"
    try:
        return _write(registry, kind, record, relative, name, folders or _Folders(registry))
    except OSError as exc:
        return "not written", [Diagnostic("A014", f"cannot write the file: {exc.strerror or exc}",
                                          name)]


def _write(registry: Path, kind: str, record: dict[str, Any], relative: str, name: str,
           folders: _Folders) -> tuple[str, list[Diagnostic]]:
    problem = folders.prepare(relative)
    if problem is not None:
        return "kept", [problem]
    path = registry / relative
    text = canonical.dump(record, kind).encode("utf-8")
    try:
        # Creating exclusively is one system call when the file is new, as most are; it fails
        # on any name that exists, a link included.
        fd = os.open(path, _NEW, 0o644)
    except FileExistsError:
        fd = -1
    if fd >= 0:
        try:
            _write_all(fd, text)
        finally:
            os.close(fd)
        return "created", []
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "kept", [_linked(registry, relative, relative, "is a symbolic link")]
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return "kept", [_linked(registry, relative, relative, "is not a regular file")]
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
    merged, conflicts = merge(doc.data, record, entity=kind not in layout.HOLDER_KINDS)
    found: list[Diagnostic] = []
    if conflicts:
        located = read_rich(name, raw)
        for pointer, mine, theirs in conflicts:
            if mine is NOT_HELD:
                line, column = located.locate(pointer[:-1])
                found.append(Diagnostic(
                    "A016", f"the result has no {pointer[-1]}; the archive's {_show(theirs)} is "
                    "not added", name, line, column, pointer=pointer))
                continue
            line, column = located.locate(pointer)
            found.append(Diagnostic("A007", f"kept {_show(mine)}; the archive says {_show(theirs)}",
                                    name, line, column, pointer=pointer))
    if merged == doc.data:
        return "unchanged", found
    if canonical.may_hold_comments(raw):
        found.append(Diagnostic("A008", "the file has comments, which rewriting would lose; "
                                "the archive's additions are not written", name,
                                hint="add them by hand: " + ", ".join(
                                    k for k in merged if merged[k] != doc.data.get(k))))
        return "kept", found
    _replace(path, canonical.dump(merged, kind).encode("utf-8"), stat.S_IMODE(mode))
    return "updated", found


def _write_all(fd: int, text: bytes) -> None:
    view = memoryview(text)
    while view:
        view = view[os.write(fd, view):]


def _replace(path: Path, text: bytes, mode: int) -> None:
    """Put ``text`` at ``path`` as a new file renamed over the old one: whatever is at
    ``path`` (a link put there since it was read, too) is replaced, never written through, and
    a reader sees the old file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, _NEW, mode)
    try:
        try:
            os.fchmod(fd, mode)  # as the file was, whatever the umask
            _write_all(fd, text)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

