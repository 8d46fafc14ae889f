"""Validating a registry: find the files, read them, check each, check across them.

``validate(Options(...))`` is the whole job; the CLI only builds the options and formats the
report. Entity files (tasks, datasets, metrics, methods, areas) are read first since they make the
vocabulary every paper is checked against; papers are then checked in parallel worker processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import layout
from .check import (
    Entry,
    Vocabulary,
    check_identifiers,
    check_names,
    check_record,
    check_task_tree,
    entry_of,
    position_finder,
)
from .diagnostics import Diagnostic
from .load import Document, read

#: Below this many papers, worker processes cost more than they save.
PARALLEL_THRESHOLD = 400


@dataclasses.dataclass(frozen=True)
class Options:
    registry: Path
    #: Check only these files or folders (others are still read for the vocabulary).
    paths: tuple[Path, ...] | None = None
    #: Check only the files changed since this git ref (merge base with HEAD, plus the work tree).
    changed_since: str | None = None
    jobs: int | None = None
    today: dt.date | None = None


@dataclasses.dataclass
class Report:
    diagnostics: list[Diagnostic]
    checked: Counter[str]
    scope: str

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)


class UsageError(Exception):
    """A problem with how the tool was called, not with the registry (exit code 2)."""


def validate(options: Options) -> Report:
    registry = options.registry.resolve()
    if not registry.is_dir():
        raise UsageError(f"no registry folder at {options.registry}")
    today = options.today or dt.datetime.now(dt.timezone.utc).date()
    everything, strays = layout.discover(registry)

    scope = "all files"
    selected: set[str] | None = None
    if options.changed_since is not None:
        from .gitrefs import changed_paths

        changed = changed_paths(registry, options.changed_since)
        scope = f"files changed since {options.changed_since}"
        files, strays = layout.discover(registry, [p for p in changed if p.exists()
                                                   or p.is_symlink()])
        selected = {f.name for f in files}
    elif options.paths is not None:
        missing = [p for p in options.paths if not p.exists() and not p.is_symlink()]
        if missing:
            raise UsageError(f"no such file or folder: {missing[0]}")
        files, strays = layout.discover(registry, [p.absolute() for p in options.paths])
        selected = {f.name for f in files}
        scope = "selected files"

    # An entity change can affect any paper that refers to it: check them all then.
    if selected is not None and any(f.kind != layout.PAPER for f in everything
                                    if f.name in selected):
        selected = {f.name for f in everything if f.kind == layout.PAPER} | selected
        scope += " and every paper (an entity changed)"

    entity_files = [f for f in everything if f.kind != layout.PAPER]
    paper_files = [f for f in everything if f.kind == layout.PAPER]
    entity_docs = {f.name: read(f.name, f.read_bytes()) for f in entity_files}
    entries = [entry_of(f, entity_docs[f.name].data) for f in entity_files]
    entries += [Entry(layout.PAPER, f.stem, f.name) for f in paper_files]
    vocabulary = Vocabulary.build(entries)

    def wanted(name: str) -> bool:
        return selected is None or name in selected

    diagnostics: list[Diagnostic] = list(strays)
    checked: Counter[str] = Counter()
    for f in entity_files:
        if wanted(f.name):
            diagnostics += check_record(f, entity_docs[f.name], vocabulary, today)
            checked[f.kind] += 1

    papers_to_check = [f for f in paper_files if wanted(f.name)]
    paper_diagnostics, identifiers = _check_papers(papers_to_check, vocabulary, today,
                                                   options.jobs)
    diagnostics += paper_diagnostics
    checked[layout.PAPER] += len(papers_to_check)
    if len(papers_to_check) < len(paper_files):
        checked_names = {f.name for f in papers_to_check}
        identifiers += _scan_identifiers(f for f in paper_files if f.name not in checked_names)

    locate = position_finder(registry.parent)
    owners: dict[tuple[str, str], list[str]] = {}
    for name, scheme, value in identifiers:
        owners.setdefault((scheme, value.casefold()), []).append(name)
    cross = check_identifiers(owners, locate)
    entities = [e for e in entries if e.kind != layout.PAPER]
    cross += check_names(entities, locate)
    cross += check_task_tree(vocabulary.entries["task"], locate)
    diagnostics += [d for d in cross if wanted(d.file)]

    return Report(sorted(set(diagnostics), key=Diagnostic.sort_key), checked, scope)


# --- papers, in parallel ----------------------------------------------------------------

Identifier = tuple[str, str, str]  # file, scheme, value

_VOCABULARY: Vocabulary | None = None
_TODAY: dt.date | None = None


def _check_papers(files: Sequence[layout.RegistryFile], vocabulary: Vocabulary, today: dt.date,
                  jobs: int | None) -> tuple[list[Diagnostic], list[Identifier]]:
    global _VOCABULARY, _TODAY
    _VOCABULARY, _TODAY = vocabulary, today
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(files) < PARALLEL_THRESHOLD or "fork" not in \
            multiprocessing.get_all_start_methods():
        return _check_chunk(files)
    chunks = [files[i::jobs * 4] for i in range(jobs * 4)]
    diagnostics: list[Diagnostic] = []
    identifiers: list[Identifier] = []
    # Forked workers inherit the vocabulary instead of unpickling it.
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        for found, ids in pool.map(_check_chunk, chunks):
            diagnostics += found
            identifiers += ids
    return diagnostics, identifiers


def _check_chunk(files: Sequence[layout.RegistryFile]) -> tuple[list[Diagnostic],
                                                                 list[Identifier]]:
    assert _VOCABULARY is not None and _TODAY is not None
    gc.disable()  # many small objects, no cycles: collection only costs time here
    try:
        diagnostics: list[Diagnostic] = []
        identifiers: list[Identifier] = []
        for f in files:
            doc = read(f.name, f.read_bytes())
            diagnostics += check_record(f, doc, _VOCABULARY, _TODAY)
            identifiers += _identifiers_of(f.name, doc)
        return diagnostics, identifiers
    finally:
        gc.enable()


def _identifiers_of(name: str, doc: Document) -> list[Identifier]:
    ids = doc.data.get("identifiers") if isinstance(doc.data, dict) else None
    if not isinstance(ids, dict):
        return []
    return [(name, scheme, value) for scheme, value in sorted(ids.items())
            if isinstance(value, str)]


_IDENTIFIERS_BLOCK = re.compile(r"^identifiers:[ \t]*\n((?:[ \t]+.*\n?)*)", re.MULTILINE)
_IDENTIFIER_LINE = re.compile(r"^[ \t]+([a-z_]+):[ \t]*[\"']?([^\"'\s#]+)", re.MULTILINE)


def _scan_identifiers(files: Iterable[layout.RegistryFile]) -> list[Identifier]:
    """Identifiers of papers that are not being checked, read from the text without parsing.

    A partial validation (``--changed-since``) must still find an arXiv id that a changed paper
    shares with an unchanged one, without reading 50,000 papers as YAML. Unchanged papers were
    validated when they changed, so they are in the canonical block layout this scan reads.
    """
    out: list[Identifier] = []
    for f in files:
        text = f.read_bytes().decode("utf-8", errors="replace")
        m = _IDENTIFIERS_BLOCK.search(text)
        if m:
            out += [(f.name, scheme, value) for scheme, value in
                    _IDENTIFIER_LINE.findall(m.group(1))]
    return out


def summary_counts(report: Report) -> dict[str, Any]:
    return {"checked": dict(sorted(report.checked.items())), "errors": report.errors,
            "warnings": report.warnings}
