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

Names, holders, merging, writing and the report are the imports' shared path
(:mod:`pwc_registry.imports`): every file is written by :func:`..imports.write.write_record`,
which never writes through a symbolic link and never overwrites a maintainer's value.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import layout
from ..diagnostics import Diagnostic
from ..ids import fold
from ..imports.formats import FORMATS
from ..imports.holders import PaperDraft, paper_record, title_left_out
from ..imports.records import Origin
from ..imports.report import ImportReport
from ..imports.resolve import Known, capped_slug
from ..imports.write import BatchWriter, write_record
from ..utf8 import NotUTF8, decode
from ..writing import Folders
from .convert import Conversion, SourceDraft, source_record
from .dumps import DumpError, Limits, Places, Progress, records

#: How the archive is named in the report's messages ("the archive says 'nlp'").
SPEAKER = FORMATS["pwc-archive"].speaker

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


#: A synonyms file larger than this is refused (the archive's is 648 bytes).
MAX_SYNONYMS_BYTES = 16 * 1024 * 1024


def read_synonyms(path: Path) -> dict[str, list[str]]:
    """``synonyms.csv`` (task,synonym): each spelling points at the others. A file that cannot
    be read as that (not a regular file, too large, not UTF-8, not CSV) raises
    :class:`.dumps.DumpError` saying where (A052), before anything is imported."""
    shown = str(path)

    def refused(message: str, line: int = 1) -> DumpError:
        return DumpError(Diagnostic("A052", message, shown, line))

    try:
        # O_NONBLOCK: a named pipe given as the file is refused, not waited on.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise refused("the synonyms file is not a regular file")
            raw = f.read(MAX_SYNONYMS_BYTES + 1)
    except OSError as exc:
        raise refused(f"the synonyms file cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_SYNONYMS_BYTES:
        raise refused(f"the synonyms file is over the limit of {MAX_SYNONYMS_BYTES:,} bytes")
    try:
        text = decode(raw, mark=True)
    except NotUTF8 as exc:
        raise refused(exc.message, raw[: exc.start].count(b"\n") + 1) from None
    pairs: dict[str, list[str]] = {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            a, b = (row.get("task") or "").strip(), (row.get("synonym") or "").strip()
            if a and b and fold(a) != fold(b):
                pairs.setdefault(fold(a), []).append(b)
                pairs.setdefault(fold(b), []).append(a)
    except csv.Error as exc:  # a field over csv's limit, a NUL
        raise refused(f"the synonyms file is not CSV as the archive writes it: {exc}",
                      reader.line_num + 1) from None  # the record it was reading
    return pairs


def import_archive(options: Options) -> ImportReport:
    registry = options.registry
    existing = Known(registry, options.jobs)
    refused: Diagnostic | None = None
    try:
        synonyms = read_synonyms(options.synonyms) if options.synonyms else {}
    except DumpError as exc:
        synonyms, refused = {}, exc.diagnostic
    conversion = Conversion(existing.names, synonyms, options.today, existing.limits)
    files: Counter[tuple[str, str]] = Counter()
    diagnostics = conversion.diagnostics  # one list, so that one limit bounds it
    dumps = [str(p) for p in (*options.evaluation_tables, *options.papers, *options.links,
                              *options.methods, *options.datasets, options.synonyms) if p]

    batches = BatchWriter(registry, layout.PAPER, options.jobs, files, diagnostics, SPEAKER,
                          existing.moved)
    writer = _PaperWriter(batches, existing, conversion.counts)
    if options.papers:  # enough papers to be worth workers
        batches.start()

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
        conversion.place = places = Places(str(path))
        return records(path, diagnostics.add, stage(name), options.limits, places)

    # Conversion writes nothing: a dump that is not JSON (or synonyms that are not CSV) stops
    # the import here with no file written. The dumps are streamed; only what they convert to
    # is held.
    try:
        if refused is not None:
            raise DumpError(refused)
        for path in options.methods:
            conversion.add_methods(dump(path, f"methods {path.name}"), str(path))
        for path in options.datasets:
            conversion.add_datasets(dump(path, f"datasets {path.name}"), str(path))
        for path in options.evaluation_tables:
            conversion.add_tasks(dump(path, f"tables {path.name}"), str(path))
        for path in options.links:
            conversion.add_code_links(dump(path, f"code links {path.name}"), str(path))
    except DumpError as exc:
        # The counts are of the records read before it; none of them is written.
        stopped = exc.diagnostic
        diagnostics.add(dataclasses.replace(stopped, message=f"{stopped.message}; the import "
                                            "stopped here and wrote nothing"))
        writer.close()
        return report()

    for path in options.papers:  # a shard that cannot be read stops; the next is read
        try:
            for i, item in dump(path, f"papers {path.name}"):
                where = Origin(str(path), (i,))
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
    folders = Folders(registry)
    for source in conversion.sources():
        outcome, found = write_record(registry, layout.SOURCE,
                                      source_record(source, _source_id(existing, source)), folders,
                                      SPEAKER, existing.moved)
        files[(layout.SOURCE, outcome)] += 1
        diagnostics.extend(found)
    for kind in layout.ENTITY_KINDS:
        for entity_id in sorted(conversion.entities[kind]):
            outcome, found = write_record(registry, kind, conversion.entities[kind][entity_id],
                                          folders, SPEAKER)
            files[(kind, outcome)] += 1
            diagnostics.extend(found)
    return report()


def _source_id(existing: Known, source: SourceDraft) -> str:
    """The id of a board's source: the one the registry holds under its title, or
    ``<task>-<dataset>-leaderboard``."""
    return existing.source_id(source.title,
                              capped_slug(f"{source.task}-{source.dataset}-leaderboard"))


class _PaperWriter:
    """Finished paper drafts as records, written in batches; each draft once."""

    def __init__(self, batches: BatchWriter, existing: Known, counts: Counter[str]) -> None:
        self.batches = batches
        self.existing = existing
        self.counts = counts
        self.written: set[int] = set()

    def done(self, draft: PaperDraft) -> bool:
        return id(draft) in self.written

    def add(self, draft: PaperDraft) -> None:
        if self.done(draft):
            return
        self.written.add(id(draft))
        paper_id = self.existing.paper_id(draft.identifiers, draft.title, draft.label)
        renamed = self.existing.renamed_into_source(paper_id, draft.label, len(draft.results))
        if renamed is not None:
            self.batches.diagnostics.add(renamed)
            self.counts["result"] -= len(draft.results)
            self.counts["skipped row"] += len(draft.results)
            return
        left_out = title_left_out(draft, self.batches.file_of(paper_id))
        if left_out is not None:
            self.batches.diagnostics.add(left_out)
        record = paper_record(draft, paper_id)
        draft.record.clear()  # the file holds it now; a draft only keeps the paper's identity
        draft.results.clear()
        draft.code.clear()
        self.batches.add(record)

    def close(self) -> None:
        self.batches.close()
