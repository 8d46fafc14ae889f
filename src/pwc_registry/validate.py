"""Validating a registry: find the files, read them, check each, check across them.

``validate(Options(...))`` is the whole job; the CLI only builds the options and formats the
report. Entity files (tasks, datasets, metrics, methods, areas) are read first since they make the
vocabulary every paper is checked against; papers are then checked in parallel worker processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import os
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from . import layout, paper_index, schema
from .check import (
    BoardMetric,
    SplitSpelling,
    board_metrics,
    check_holder_ids,
    check_identifiers,
    check_names,
    check_near_names,
    check_primary_metrics,
    check_record,
    check_split_spellings,
    check_task_tree,
    parent_cycles,
    position_finder,
    split_spellings,
)
from .diagnostics import Diagnostic, Pointer, count, shown_name
from .gitrefs import Changes
from .ids import CITES_SCHEME, TITLE_SCHEME, fold, identifier_key
from .load import Document, read
from .paper_index import blob_id
from .parallel import fork_map, gc_paused, shared
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
    #: Keep what was read (a whole registry's validation only): :attr:`Report.records`.
    records: bool = False


@dataclasses.dataclass
class Report:
    diagnostics: list[Diagnostic]
    checked: Counter[str]
    scope: str
    #: With --changed-since, or files named: the files the change touches, or those named (as
    #: diagnostics name them). Their problems come first; warnings on other files are old news,
    #: summarised by reporters.
    changed: frozenset[str] | None = None
    #: With :attr:`Options.records`: the data of every file as read, None where it is not
    #: schema-valid — the entity files', and the papers' in marshal bytes (one part a worker),
    #: for :func:`.registry.registry_from_records`, so that a build reads the registry once.
    records: tuple[list[tuple[layout.RegistryFile, Any]], list[bytes]] | None = None

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
    if options.registry.absolute().is_symlink():
        # Followed, it would make the files git knows as registry/ "outside" and the folder it
        # points to new: every change would pass as an addition.
        return Report([Diagnostic("Y012", "the registry folder is a symbolic link",
                                  options.registry.name, hint="the registry is a folder of "
                                  "regular files: replace the link with the folder")],
                      Counter(), "the registry folder")
    today = options.today or dt.datetime.now(dt.timezone.utc).date()

    selected: list[layout.RegistryFile] | None = None
    strays: list[Diagnostic] = []
    scope = "all files"
    changes = None
    entity_deleted = False
    gone_papers: list[str] = []
    if options.changed_since is not None:
        from .gitrefs import changes_since

        changes = changes_since(registry, options.changed_since)
        folder = registry.relative_to(changes.top.resolve()).as_posix()
        present: list[Path] = []
        gone: list[str] = []
        for name in changes.under(folder):
            path = changes.top / name
            if path.exists() or path.is_symlink():
                present.append(path)
            else:
                gone.append(name)
        selected, strays = layout.discover(registry, present)
        scope = f"files changed since {options.changed_since}"
        # A deleted (or renamed-away) entity leaves the papers that name it dangling; a deleted
        # paper, the datasets and methods that name it (`paper:`).
        kinds = {name: layout.kind_of(tuple(name[len(folder) + 1:].split("/")))
                 for name in gone}
        entity_deleted = any(kind in layout.ENTITY_KINDS for kind in kinds.values())
        gone_papers = sorted(name.rsplit("/", 1)[-1].removesuffix(layout.SUFFIX)
                             for name, kind in kinds.items() if kind == layout.PAPER)
    elif options.paths is not None:
        missing = [p for p in options.paths if not p.exists() and not p.is_symlink()]
        if missing:
            raise UsageError(f"no such file or folder: {missing[0]}")
        selected, strays = layout.discover(registry, options.paths)
        scope = "selected files"

    named = [p for p in options.paths or () if p.is_dir()] if changes is None else []
    rewritten = _checked_out_otherwise(registry, selected, changes, named)  # git answers meanwhile
    if selected is not None and not entity_deleted \
            and all(f.kind in layout.HOLDER_KINDS for f in selected):
        report = _validate_papers(registry, selected, today, options.jobs, changes,
                                  gone_papers)
    else:
        # Everything, or an entity changed, which can affect any file that refers to it:
        # papers, sources and the other entities (a benchmark naming a deleted dataset, a
        # source reporting a metric whose range changed) are all checked, so that a change CI
        # passes cannot leave main invalid (warnings on files it does not touch are counted,
        # not listed).
        report, all_strays = _validate_all(registry, today, options.jobs,
                                           keep=options.records and selected is None)
        if selected is None:
            strays = all_strays
        else:
            scope += " and every file (an entity changed)"
    strays += rewritten()
    if changes is not None:
        history = _history(registry, options.changed_since or "", changes)
        strays = [*strays, *history, *_changed_split_spellings(registry, selected or [])]
    if changes is not None or options.paths is not None:
        # The files named (or changed) are the ones asked about: when an entity among them
        # has every file checked again, the others' warnings are counted, not listed.
        report.changed = frozenset({shown_name(f.name) for f in selected or ()}
                                   | {d.file for d in strays})
    report.diagnostics = sorted(set(report.diagnostics) | set(strays), key=Diagnostic.sort_key)
    report.scope = scope
    return report


@gc_paused()
def _validate_all(registry: Path, today: dt.date, jobs: int | None,
                  keep: bool = False) -> tuple[Report, list[Diagnostic]]:
    """Every file of the registry; with its strays. Workers read the entities, then scan and check the
    papers' shard folders, so that little but the checks across files is left to one process."""
    found = layout.outline(registry)
    paper_ids: set[str] = set()
    # Workers check papers before the ids of all are known; a result naming a paper (rare)
    # makes each list them once.
    vocabulary = Vocabulary(found.entities, lambda: paper_ids or {
        f.stem for f in layout.discover_shards(registry, found.shards)[0]})
    documents = _read_entities(found.entities, jobs)
    vocabulary.add_documents(documents)
    papers = fork_map(_check_shards, found.shards, share=(registry, vocabulary, today, keep),
                      jobs=1 if _papers_estimate(registry, found.shards) < PARALLEL_THRESHOLD
                      else jobs, threshold=0)
    diagnostics = [d for part in papers for d in part.diagnostics]
    paper_ids.update(stem for part in papers for stem in part.stems)
    strays = [*found.strays, *(d for part in papers for d in part.strays)]
    checked: Counter[str] = Counter({layout.PAPER: sum(len(part.stems) for part in papers)})
    for f, doc in documents.items():
        diagnostics += check_record(f, doc, vocabulary, today)
        checked[f.kind] += 1

    locate = position_finder(registry.parent)
    cross = check_identifiers(_owners(i for part in papers for i in part.identifiers), locate)
    everything = [e for kind in layout.ENTITY_KINDS for e in vocabulary.entries(kind).values()]
    cross += check_names(everything, locate)
    cross += check_near_names(everything, locate)
    cross += check_task_tree(vocabulary.entries("task"), locate)
    cross += parent_cycles(vocabulary.entries("dataset"), "dataset", locate)
    cross += check_holder_ids(documents, paper_ids, locate)
    cross += check_primary_metrics(vocabulary.entries(layout.BENCHMARK),
                                   vocabulary.entries("task"), vocabulary.ids("metric"),
                                   (m for part in papers for m in part.boards), locate)
    cross += check_split_spellings(
        [*(s for part in papers for s in part.splits),
         *(s for f, doc in documents.items() if f.kind == layout.SOURCE
           for s in split_spellings(f.name, doc.data))], locate)
    diagnostics += cross
    paper_index.save(registry, [part.remembered for part in papers])
    report = Report(diagnostics, checked, "")
    if keep:
        report.records = ([(f, _valid(f, doc)) for f, doc in documents.items()],
                          [part.records for part in papers])
    return report, strays


def _checked_out_otherwise(registry: Path, selected: list[layout.RegistryFile] | None,
                           changes: Changes | None, named: list[Path]
                           ) -> Callable[[], list[Diagnostic]]:
    """H016 for each registry file git checks out as other bytes than it stores: of the
    selected files, or of every tracked one on a full validation or when a change touches a
    ``.gitattributes`` (such a change alone moved a value with nothing else changed). Asked
    now, answered by the function returned. And Y016 for a submodule in the registry: a
    checkout leaves an empty folder, which nothing validates, and a recursive clone fills it
    with files nobody checked (in a change, on a full validation, and under a folder named).
    Outside git there is nothing to ask."""
    from .gitrefs import (
        GitError,
        checkout_attributes,
        gitlinks_since,
        tracked_files,
        work_tree_top,
    )

    try:
        top = changes.top if changes is not None else work_tree_top(registry)
        folder = registry.relative_to(top.resolve()).as_posix()
        attributes_changed = changes is not None and any(
            p.rsplit("/", 1)[-1] == ".gitattributes" for p in changes.paths)
        if selected is None or attributes_changed:
            paths, links = tracked_files(top, folder)
        else:
            prefix = registry.parent
            paths = [(prefix / f.name).relative_to(top.resolve()).as_posix() for f in selected]
            if changes is not None:
                links = gitlinks_since(top, changes.base, folder)
            else:  # the folders named, as far as they are the registry's
                inside = [f for f in (_within(p, top) for p in named) if f is not None]
                links = [link for link in tracked_files(top, *inside)[1]
                         if link.startswith(folder + "/")] if inside else []
        answer = checkout_attributes(top, paths)
    except (GitError, ValueError):
        return list

    def shown(path: str) -> str:
        return f"{registry.name}/{path[len(folder) + 1:]}" if path.startswith(folder + "/") \
            else path

    def found() -> list[Diagnostic]:
        submodules = [Diagnostic("Y016", "git holds this path as a submodule (a commit of "
                                 "another repository), not as registry files", shown(path),
                                 hint="remove it: git rm --cached PATH")
                      for path in sorted(links)]
        try:
            rewritten = answer()
        except GitError:
            return submodules
        return submodules + [
            Diagnostic("H016", f"git checks this file out through {', '.join(attrs)}: "
                       "the validator reads other bytes than git stores", shown(path),
                       hint="remove the attribute for registry files (from the "
                       ".gitattributes that sets it; git check-attr -a FILE says which)")
            for path, attrs in sorted(rewritten.items())]

    return found


def _within(path: Path, top: Path) -> str | None:
    """``path`` relative to the work tree ``top``; None when it lies outside it."""
    try:
        return path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return None


def _history(registry: Path, ref: str, changes: Changes) -> list[Diagnostic]:
    """The guard on history (every change to published leaderboards covered by a correction),
    and files outside the registry changed together with its data (H004)."""
    from .compare import compare
    from .compare.guards import check_history

    folder = registry.relative_to(changes.top.resolve()).as_posix()
    found = check_history(compare(registry, ref, whole_boards=False, changes=changes)) \
        if changes.under(folder) else []
    outside = [p for p in changes.paths if not p.startswith(folder + "/")]
    if changes.under(folder) and outside:
        found += [Diagnostic("H004", "changed together with registry data: a maintainer "
                             "reviews tool and data changes separately", p) for p in outside]
    return found


def _changed_split_spellings(registry: Path, changed: list[layout.RegistryFile]
                             ) -> list[Diagnostic]:
    """Q011 for a change: a changed result whose split is written otherwise than by results of
    unchanged papers or sources on the same leaderboard (one split, ranked together: "C" filed
    with "C++"), reported at the changed result whatever spelling is the more common. Only
    results that name a split make the unchanged files on their datasets be read."""
    mine = [s for f in changed if f.kind in layout.HOLDER_KINDS and _plain_file(f.path)
            for s in split_spellings(f.name, read(f.name, f.read_bytes()).data)]
    if not mine:
        return []
    datasets = sorted({s[1] for s in mine})
    checked = {f.name for f in changed}
    others = [f for f in _files_mentioning(registry, datasets, untracked=False,
                                           kinds=layout.HOLDER_KINDS)
              if f.name not in checked and _plain_file(f.path)]
    theirs: dict[tuple[str, str, str], dict[str, str]] = {}
    for f in others:
        for task, dataset, key, split, _, _ in split_spellings(
                f.name, read(f.name, f.read_bytes()).data):
            theirs.setdefault((task, dataset, key), {}).setdefault(fold(split), split)
    locate = position_finder(registry.parent)
    out = []
    for task, dataset, key, split, file, i in mine:
        other = next((written for folded, written in sorted(theirs.get((task, dataset, key),
                                                                        {}).items())
                      if folded != fold(split)), None)
        if other is None:
            continue
        pointer: Pointer = ("results", i, "split")
        line, column = locate(file, pointer)
        out.append(Diagnostic(
            "Q011", f"results[{i}]: split {split!r} is on the leaderboard "
            f"{layout.benchmark_id(task, dataset, key)} with results that write it {other!r}: "
            "one split, ranked together", file, line, column, pointer=pointer,
            hint=f"write it {other!r}, or, if it is another split, a name whose slug differs"))
    return out


def _plain_file(path: str) -> bool:
    """A regular file, not a link (which validation reports, and which is never followed)."""
    return os.path.isfile(path) and not os.path.islink(path)


def _papers_estimate(registry: Path, shards: list[str]) -> int:
    """About how many papers there are, from the first shard folder (they fill evenly)."""
    if not shards:
        return 0
    with os.scandir(registry / layout.FOLDERS[layout.PAPER] / shards[0]) as entries:
        return sum(1 for _ in entries) * len(shards)


def _read_entities(files: list[layout.RegistryFile], jobs: int | None
                   ) -> dict[layout.RegistryFile, Document]:
    parts = fork_map(_read_chunk, files, jobs=jobs, threshold=PARALLEL_THRESHOLD * 5)
    return dict(sorted(((f, doc) for part in parts for f, doc in part), key=lambda p: p[0].name))


def _read_chunk(files: Sequence[layout.RegistryFile]
                ) -> list[tuple[layout.RegistryFile, Document]]:
    return [(f, read(f.name, f.read_bytes())) for f in files]


def _validate_papers(registry: Path, holders: list[layout.RegistryFile], today: dt.date,
                     jobs: int | None, changes: Changes | None,
                     gone_papers: Sequence[str] = ()) -> Report:
    """Only papers and sources changed: entities are read as they need them, and the other
    papers' identifiers come from the index a full validation left (with ``changes``), or are
    looked for in their text, instead of reading every paper. The datasets and methods that
    name a paper ``gone_papers`` lists (deleted, or renamed away) are checked too: they would
    name no paper once the change is merged."""
    vocabulary = Vocabulary(layout.discover_entities(registry),
                            lambda: {f.stem for f in layout.discover(registry)[0]
                                     if f.kind == layout.PAPER})
    naming = _files_mentioning(registry, list(gone_papers), untracked=changes is None,
                               kinds=("dataset", "method"))
    diagnostics: list[Diagnostic] = [d for f in naming
                                     for d in check_record(f, read(f.name, f.read_bytes()),
                                                           vocabulary, today)]
    found, identifiers = _check_papers(holders, vocabulary, today, jobs)
    diagnostics += found
    checked = {f.name for f in holders}
    # Identifiers name one paper each (I003); a source's (a Hugging Face model) are its own.
    papers_prefix = f"{registry.name}/{layout.FOLDERS[layout.PAPER]}/"
    identifiers = [i for i in identifiers if i[0].startswith(papers_prefix)
                   and i[1] != CITES_SCHEME]
    if identifiers:
        identifiers += _others_holding(registry, changes, identifiers, checked)
    locate = position_finder(registry.parent)
    cross = check_identifiers(_owners(identifiers), locate)
    # One set of ids for papers and sources (I011), reported at the source's file: a changed
    # source whose id a paper has, or a changed paper whose id a source has.
    ids = {f.stem for f in holders if layout.SLUG.match(f.stem)}  # others are not ids (I001)
    sources = [registry / layout.relative_path(layout.SOURCE, i) for i in ids]
    taken = {i for i in ids if (registry / layout.relative_path(layout.PAPER, i)).exists()}
    cross += check_holder_ids(layout.discover(registry, [s for s in sources if s.exists()])[0],
                              {f.stem for f in holders if f.kind == layout.PAPER} | taken,
                              locate)
    shown = {shown_name(name) for name in checked}  # as diagnostics name files
    diagnostics += [d for d in cross if d.file in shown or d.code == "I011"]
    return Report(diagnostics, Counter(f.kind for f in [*holders, *naming]), "")


def _others_holding(registry: Path, changes: Changes | None, identifiers: list[Identifier],
                    checked: set[str]) -> list[Identifier]:
    """The identifiers of the papers not in ``checked`` that share a value with
    ``identifiers``: from the index of papers when it can say, else by searching their text."""
    found = _unchanged_identifiers(registry, changes, identifiers) if changes else None
    if found is not None:
        return found
    # One search for all: an identifier as written; a title by its words with anything but
    # letters and digits between them, as title_key reads it.
    patterns = sorted({re.escape(value) if scheme != TITLE_SCHEME else
                       r"[\W_]+".join(map(re.escape, value.split()))
                       for _, scheme, value in identifiers})
    # Files changed since a ref include every untracked one: those are checked already.
    others = [f for f in _files_mentioning(registry, patterns, untracked=changes is None,
                                           regex=True) if f.name not in checked]
    return [i for f in others for i in _identifiers_of(
        f.name, paper_index.holdings(read(f.name, f.read_bytes()).data))]


def _unchanged_identifiers(registry: Path, changes: Changes,
                           identifiers: list[Identifier]) -> list[Identifier] | None:
    """Papers that ``changes`` leaves alone holding any of ``identifiers``, from the index."""
    folder = registry.resolve().relative_to(changes.top.resolve()).as_posix()
    wanted = {identifier_key(scheme, value) for _, scheme, value in identifiers}
    found = paper_index.papers_holding(
        changes.top, changes.base, f"{folder}/{layout.FOLDERS[layout.PAPER]}",
        set(changes.paths), wanted, lambda path, raw: paper_index.holdings(read(path, raw).data))
    if found is None:
        return None
    return [(f"{registry.name}{path[len(folder):]}", scheme, value)
            for path, scheme, value in found]


def _owners(identifiers: Iterable[Identifier]) -> dict[tuple[str, str], list[str]]:
    owners: dict[tuple[str, str], list[str]] = {}
    for name, scheme, value in identifiers:
        owners.setdefault(identifier_key(scheme, value), []).append(name)
    return owners


def _files_mentioning(registry: Path, values: list[str], *, untracked: bool = True,
                      kinds: Collection[str] = (layout.PAPER,), regex: bool = False
                      ) -> list[layout.RegistryFile]:
    """Files of ``kinds`` (papers) whose text contains any of ``values`` (ignoring case; with
    ``regex``, Perl-compatible expressions matched within a line): ``git grep`` where the
    registry is in a git work tree (untracked files too, unless not ``untracked``), a scan of
    every such file otherwise."""
    if not values:
        return []
    from .gitrefs import files_containing

    found: list[Path] = []
    for kind in kinds:
        if not (registry / layout.FOLDERS[kind]).is_dir():
            continue  # none of that kind
        listed = files_containing(registry / layout.FOLDERS[kind], values, untracked=untracked,
                                  regex=regex)
        if listed is None:
            if regex:
                expressions = [re.compile(v, re.IGNORECASE | re.MULTILINE) for v in values]
                return [f for f in layout.discover(registry)[0] if f.kind in kinds and any(
                    e.search(f.read_bytes().decode("utf-8", "replace")) for e in expressions)]
            folded = [v.casefold() for v in values]
            return [f for f in layout.discover(registry)[0] if f.kind in kinds and any(
                v in f.read_bytes().decode("utf-8", "replace").casefold() for v in folded)]
        found += listed
    return layout.discover(registry, found)[0]


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
    return _check_files(files, vocabulary, today)


def _check_files(files: Iterable[layout.RegistryFile], vocabulary: Vocabulary, today: dt.date,
                 remember: paper_index.Recorder | None = None,
                 boards: set[BoardMetric] | None = None,
                 records: list[tuple[str, Any]] | None = None,
                 splits: list[SplitSpelling] | None = None
                 ) -> tuple[list[Diagnostic], list[Identifier]]:
    """Check each file; with ``remember``, also note what each paper holds by blob id; with
    ``boards``, the metrics its results report on each board; with ``records``, its data as
    :func:`.registry.load_registry` reads it."""
    diagnostics: list[Diagnostic] = []
    identifiers: list[Identifier] = []
    for f in files:
        raw = f.read_bytes()
        doc = read(f.name, raw)
        if records is not None:  # the checks only read the data (tests compare the two)
            records.append((f.name, _valid(f, doc)))
        diagnostics += check_record(f, doc, vocabulary, today)
        held = paper_index.holdings(doc.data)
        identifiers += _identifiers_of(f.name, held)
        if remember is not None and isinstance(doc.data, dict):
            remember.add(blob_id(raw), held)
        if boards is not None:
            boards |= board_metrics(doc.data)
        if splits is not None:
            splits += split_spellings(f.name, doc.data)
    return diagnostics, identifiers


@dataclasses.dataclass
class _Shards:
    """What a worker found in its shard folders of papers."""

    diagnostics: list[Diagnostic]
    identifiers: list[Identifier]
    stems: list[str]
    strays: list[Diagnostic]
    #: The lines of the index of papers for the papers read (see paper_index.Recorder).
    remembered: tuple[str, str, str]
    #: The metrics the papers' results report, by board (for Q007).
    boards: list[BoardMetric]
    #: The splits the papers' results write (for Q011).
    splits: list[SplitSpelling]
    #: With ``keep``: [(file name, data or None)] of its papers, as marshal bytes.
    records: bytes


def _check_shards(shards: Sequence[str]) -> _Shards:
    registry, vocabulary, today, keep = shared()
    files, strays = layout.discover_shards(registry, shards)
    recorder = paper_index.Recorder()
    boards: set[BoardMetric] = set()
    records: list[tuple[str, Any]] | None = [] if keep else None
    splits: list[SplitSpelling] = []
    diagnostics, identifiers = _check_files(files, vocabulary, today, recorder, boards, records,
                                            splits)
    kept = b"" if records is None else marshal.dumps(records)
    return _Shards(diagnostics, identifiers, [f.stem for f in files], strays, recorder.lines(),
                   sorted(boards), splits, kept)


def _valid(file: layout.RegistryFile, doc: Document) -> Any:
    """The record's data if it passes its kind's schema (as load_registry keeps it), else None."""
    return doc.data if doc.data is not None and schema.is_valid(file.kind, doc.data) else None


def _identifiers_of(name: str, held: paper_index.Holdings) -> list[Identifier]:
    return [(name, scheme, value) for scheme, value in held.identifiers]
