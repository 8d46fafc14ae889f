"""Validating a registry: find the files, read them, check each, check across them.

``validate(Options(...))`` is the whole job; the CLI only builds the options and formats the
report. Entity files (tasks, datasets, metrics, methods, areas) are read first since they make the
vocabulary every paper is checked against; papers are then checked in parallel worker processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import layout
from .check import (
    check_identifiers,
    check_names,
    check_record,
    check_task_tree,
    position_finder,
)
from .diagnostics import Diagnostic, count
from .load import Document, read
from .parallel import fork_map, shared
from .vocabulary import Vocabulary

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
        return count(self.diagnostics, "error")

    @property
    def warnings(self) -> int:
        return count(self.diagnostics, "warning")


class UsageError(Exception):
    """A problem with how the tool was called, not with the registry (exit code 2)."""


def validate(options: Options) -> Report:
    registry = options.registry.resolve()
    if not registry.is_dir():
        raise UsageError(f"no registry folder at {options.registry}")
    today = options.today or dt.datetime.now(dt.timezone.utc).date()

    selected: list[layout.RegistryFile] | None = None
    strays: list[Diagnostic] = []
    scope = "all files"
    changes = None
    if options.changed_since is not None:
        from .gitrefs import changes_since

        changes = changes_since(registry, options.changed_since)
        folder = registry.relative_to(changes.top.resolve()).as_posix()
        changed = [changes.top / p for p in changes.under(folder)]
        selected, strays = layout.discover(registry, [p for p in changed
                                                      if p.exists() or p.is_symlink()])
        scope = f"files changed since {options.changed_since}"
    elif options.paths is not None:
        missing = [p for p in options.paths if not p.exists() and not p.is_symlink()]
        if missing:
            raise UsageError(f"no such file or folder: {missing[0]}")
        selected, strays = layout.discover(registry, [p.absolute() for p in options.paths])
        scope = "selected files"

    if selected is not None and all(f.kind == layout.PAPER for f in selected):
        report = _validate_papers(registry, selected, today, options.jobs)
    else:
        # Everything, or an entity changed, which can affect any paper that refers to it.
        everything, all_strays = layout.discover(registry)
        if selected is None:
            strays = all_strays
        else:
            scope += " and every paper (an entity changed)"
        wanted = None if selected is None else {f.name for f in selected} | {
            f.name for f in everything if f.kind == layout.PAPER}
        report = _validate_all(registry, everything, wanted, today, options.jobs)
    if changes is not None:
        from .history import check_history

        strays = [*strays, *check_history(registry, changes)]
    report.diagnostics = sorted(set(report.diagnostics) | set(strays), key=Diagnostic.sort_key)
    report.scope = scope
    return report


def _validate_all(registry: Path, everything: list[layout.RegistryFile],
                  wanted: set[str] | None, today: dt.date, jobs: int | None) -> Report:
    entity_files = [f for f in everything if f.kind != layout.PAPER]
    paper_files = [f for f in everything if f.kind == layout.PAPER]
    vocabulary = Vocabulary(entity_files, lambda: {f.stem for f in paper_files})
    documents = {f: read(f.name, f.read_bytes()) for f in entity_files}
    vocabulary.add_documents(documents)

    diagnostics: list[Diagnostic] = []
    checked: Counter[str] = Counter()
    for f, doc in documents.items():
        if wanted is None or f.name in wanted:
            diagnostics += check_record(f, doc, vocabulary, today)
            checked[f.kind] += 1
    found, identifiers = _check_papers(paper_files, vocabulary, today, jobs)
    diagnostics += found
    checked[layout.PAPER] += len(paper_files)

    locate = position_finder(registry.parent)
    cross = check_identifiers(_owners(identifiers), locate)
    entities = [e for kind in layout.ENTITY_KINDS for e in vocabulary.entries(kind).values()]
    cross += check_names(entities, locate)
    cross += check_task_tree(vocabulary.entries("task"), locate)
    diagnostics += [d for d in cross if wanted is None or d.file in wanted]
    return Report(diagnostics, checked, "")


def _validate_papers(registry: Path, papers: list[layout.RegistryFile], today: dt.date,
                     jobs: int | None) -> Report:
    """Only papers changed: entities are read as the papers need them, and an identifier is
    looked for in the other papers' text instead of reading every paper."""
    vocabulary = Vocabulary(layout.discover_entities(registry),
                            lambda: {f.stem for f in layout.discover(registry)[0]
                                     if f.kind == layout.PAPER})
    diagnostics, identifiers = _check_papers(papers, vocabulary, today, jobs)
    checked = {f.name for f in papers}
    values = sorted({value for _, _, value in identifiers})
    others = [f for f in _files_mentioning(registry, values) if f.name not in checked]
    identifiers += [i for f in others for i in _identifiers_of(f.name, read(f.name,
                                                                            f.read_bytes()))]
    cross = check_identifiers(_owners(identifiers), position_finder(registry.parent))
    diagnostics += [d for d in cross if d.file in checked]
    return Report(diagnostics, Counter({layout.PAPER: len(papers)}), "")


def _owners(identifiers: Iterable[Identifier]) -> dict[tuple[str, str], list[str]]:
    owners: dict[tuple[str, str], list[str]] = {}
    for name, scheme, value in identifiers:
        owners.setdefault((scheme, value.casefold()), []).append(name)
    return owners


def _files_mentioning(registry: Path, values: list[str]) -> list[layout.RegistryFile]:
    """Paper files whose text contains any of ``values``: ``git grep`` where the registry is in
    a git work tree, a scan of every paper otherwise."""
    if not values:
        return []
    from .gitrefs import files_containing

    found = files_containing(registry / layout.FOLDERS[layout.PAPER], values)
    if found is not None:
        return layout.discover(registry, found)[0]
    folded = [v.casefold() for v in values]
    return [f for f in layout.discover(registry)[0] if f.kind == layout.PAPER
            and any(v in f.read_bytes().decode("utf-8", "replace").casefold() for v in folded)]


# --- papers, in parallel ----------------------------------------------------------------

Identifier = tuple[str, str, str]  # file, scheme, value

def _check_papers(files: Sequence[layout.RegistryFile], vocabulary: Vocabulary, today: dt.date,
                  jobs: int | None) -> tuple[list[Diagnostic], list[Identifier]]:
    parts = fork_map(_check_chunk, files, jobs=jobs, threshold=PARALLEL_THRESHOLD,
                     share=(vocabulary, today))
    return ([d for found, _ in parts for d in found], [i for _, ids in parts for i in ids])


def _check_chunk(files: Sequence[layout.RegistryFile]) -> tuple[list[Diagnostic],
                                                                 list[Identifier]]:
    vocabulary, today = shared()
    diagnostics: list[Diagnostic] = []
    identifiers: list[Identifier] = []
    for f in files:
        doc = read(f.name, f.read_bytes())
        diagnostics += check_record(f, doc, vocabulary, today)
        identifiers += _identifiers_of(f.name, doc)
    return diagnostics, identifiers


def _identifiers_of(name: str, doc: Document) -> list[Identifier]:
    ids = doc.data.get("identifiers") if isinstance(doc.data, dict) else None
    if not isinstance(ids, dict):
        return []
    return [(name, scheme, value) for scheme, value in sorted(ids.items())
            if isinstance(value, str)]
