"""What a change does to the leaderboards: ONE comparison, used by CI's guard and by `pwc diff`.

``compare(registry, "origin/main")`` compiles the leaderboards a change can touch at the merge
base and at the head (a commit, or the work tree), and lists every difference between them
(:mod:`.delta`). :mod:`.guards` turns the differences that are not additions and that no
correction covers into errors; :mod:`.render` writes the report. Because both read the same
:class:`Delta`, what CI refuses and what the pull request's comment shows cannot disagree.

Which leaderboards a change can touch: every board on a dataset that a changed paper has
results on (at either version), that a changed dataset or benchmark file names, or that a paper
using a changed metric or task (or a subtask of it, at either version) has results on. Each such
board is compiled whole — every paper with results on its dataset is read — so its ranks are
the real ones. The cost follows the size of the change, not of the registry; an entity used
everywhere (a common metric) makes a change to it cost about a leaderboard build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path

from .. import layout, paper_index
from ..diagnostics import shown_name
from ..gitrefs import Changes, GitError, Version, changed_between, merge_base
from ..ids import CITES_SCHEME, fold, identifier_key
from ..leaderboard import Leaderboard, Row, benchmark_of, group_results, rank
from ..load import read
from ..registry import Holder, Registry
from ..source import Record, RegistryAt, registry_folder
from .corrections import Correction, corrections_of, is_new
from .delta import Difference, MetricSettings, board_differences, holder_differences

#: The most leaderboards one change may add (H017). The site writes about a dozen files for
#: each (its page, the whole table, the API's files, the downloads' rows), so a change of
#: thousands of new splits (each a leaderboard, each copied up a task tree of ten) would pass
#: review as one file and then write millions. A real paper's results lie on tens of boards;
#: the archive's largest, a few hundred.
MAX_NEW_LEADERBOARDS = 1000


@dataclasses.dataclass
class Side:
    """A changed file at one version: its paper or source (if it is a valid one) and its
    data."""

    present: bool
    data: Record | None
    holder: Holder | None = None


@dataclasses.dataclass
class Changed:
    """A changed registry file: its kind and id, and what it is at each version."""

    path: str
    kind: str
    id: str
    base: Side
    head: Side


@dataclasses.dataclass
class Delta:
    base: RegistryAt
    head: RegistryAt
    #: Every path under the registry folder that differs (relative to the top of the work tree).
    files: list[str]
    changed: dict[str, Changed]
    #: A renamed paper's old id → its new id.
    renamed: dict[str, str]
    #: Renames that cannot be taken: (the claiming file's path, correction index, why).
    bad_renames: list[tuple[str, int, str]]
    base_boards: dict[str, Leaderboard]
    head_boards: dict[str, Leaderboard]
    differences: list[Difference]
    #: The corrections each changed file adds in this change.
    new_corrections: list[Correction]
    #: Registries (the part read) at each version, for names.
    base_registry: Registry
    head_registry: Registry
    #: Changed paper files that exist at the head but do not pass validation: not compared.
    invalid: list[str]
    display_prefix: str = "registry"

    def display(self, path: str) -> str:
        """How a path is shown to people: from the registry folder's name."""
        return shown_name(self.display_prefix + path[len(self.head.folder):])

    def file_of(self, kind: str, record_id: str) -> str:
        """The file of a record: for a changed paper or source, the file it is in (which may not
        be where its id says: the validator reports that, I001), else where its id places it."""
        if kind in layout.HOLDER_KINDS:
            for change in self.changed.values():
                if change.kind == kind and change.head.holder is not None \
                        and change.head.holder.id == record_id:
                    return change.path
        return self.head.path_of(kind, record_id)

    def file_of_holder(self, holder_id: str) -> str:
        """The file of the paper or source with this id (one set of ids holds both)."""
        # Where it is now first: a paper becoming a source under the same id is in both.
        for change in self.changed.values():
            if change.head.holder is not None and change.head.holder.id == holder_id:
                return self.file_of(change.kind, holder_id)
        for change in self.changed.values():
            if change.base.holder is not None and change.base.holder.id == holder_id:
                return self.head.path_of(change.kind, holder_id)
        # A changed file of that id that is no valid record (at either version): the file.
        for change in self.changed.values():
            if change.kind in layout.HOLDER_KINDS and change.id == holder_id:
                return change.path
        kind = layout.SOURCE if holder_id in self.head_registry.sources or \
            holder_id in self.base_registry.sources else layout.PAPER
        return self.file_of(kind, holder_id)


def compare(registry: Path, base_ref: str, head_ref: str | None = None, *,
            whole_boards: bool = True, changes: Changes | None = None) -> Delta:
    """The comparison of the merge base of ``base_ref`` and ``head_ref`` (default: the work
    tree) with the head.

    ``whole_boards=False`` is for the guard alone: when only papers change and every board
    they are on has its primary metric set in its benchmark file, every difference that is not
    an addition lies on the changed papers' own rows (their values, flags, dates, presence), so
    the boards are compiled from the changed papers only. (Without a set primary metric, the
    first metric of the board's oldest paper is primary, and a changed paper can change which
    that is: then whole boards.) The verdicts are the same (tests hold it); the report of new
    states of the art needs whole boards.
    ``changes``: what `validate --changed-since` already found (the merge base and the paths),
    so that git is not asked twice."""
    if registry.absolute().is_symlink():
        raise GitError(f"{registry} is a symbolic link: the registry is a folder")
    head_version = Version(registry, head_ref)
    if changes is not None:
        base_version = Version(registry, changes.base)
        base_version.label = base_ref
    else:
        base_version = merge_base(base_ref, head_version)
    try:
        folder = registry_folder(registry, head_version.top)
        files = changes.under(folder) if changes is not None else \
            changed_between(base_version, head_version, folder)
        head_version.use_work_tree_if_same(folder)
        delta = _compare(registry, base_version, head_version, files, whole_boards)
        # A board's name (its split as its oldest row spells it) and its default primary
        # metric come from all its rows: found otherwise on the changed papers' rows alone,
        # whole boards say (a newer paper's "Test" beside an older "test" renames nothing).
        if not whole_boards and (not _primaries_pinned(delta) or any(
                d.kind == "board-name" for d in delta.differences)):
            delta = _compare(registry, base_version, head_version, files, True)
        return delta
    finally:
        base_version.close()
        head_version.close()


def _primaries_pinned(delta: Delta) -> bool:
    """Whether no board's primary metric can differ from what the changed papers' rows alone
    show: set in its benchmark file (``primary_metric``, or the first of ``metrics``) at both
    versions, or else the board's first entry (oldest paper, first result) the same at both
    versions — the default primary metric is that entry's first metric, and an unchanged paper
    older than it is older than it at both versions."""
    for board in delta.base_boards.keys() | delta.head_boards.keys():
        if all(_set_primary(registry, board)
               for registry in (delta.base_registry, delta.head_registry)):
            continue
        # By the ids as they are: a renamed paper may sort on the other side of an unchanged
        # one of the same date, so it is not the same first entry.
        firsts = [_first_entry(boards.get(board))
                  for boards in (delta.base_boards, delta.head_boards)]
        if firsts[0] is None or firsts[0] != firsts[1]:
            return False
    return True


def _set_primary(registry: Registry, board: str) -> bool:
    settings = registry.entities.get(layout.BENCHMARK, {}).get(board, {})
    metrics = settings.get("metrics")
    return isinstance(settings.get("primary_metric"), str) or bool(metrics)


def _first_entry(board: Leaderboard | None) -> tuple[str, ...] | None:
    """The entry that sets a board's default primary metric (group_results' order: papers by
    date then id, results in file order), as comparable across versions."""
    if board is None or not board.rows:
        return None
    row = min(board.rows, key=lambda r: (r.holder.date or "9999", r.holder.id, r.result.index))
    return (row.holder.date or "9999", row.holder.id, row.result.task, fold(row.result.model),
            next(iter(row.result.metrics), ""))


def _kind_and_id(folder: str, path: str) -> tuple[str, str] | None:
    parts = tuple(path[len(folder) + 1:].split("/"))
    kind = layout.kind_of(parts)
    return (kind, parts[-1][: -len(layout.SUFFIX)]) if kind else None


def _compare(registry: Path, base_version: Version, head_version: Version, files: list[str],
             whole_boards: bool) -> Delta:
    folder = registry_folder(registry, head_version.top)
    base, head = RegistryAt(base_version, folder), RegistryAt(head_version, folder)

    changed = _read_changed(base, head, folder, files)
    renamed, absorbed, bad_renames = _renames(changed, base, folder)
    # An absorbed record held no rows; a row crediting it credits the paper that stays only
    # with its own correction (field: paper), as any change of credit (helper-112).
    compared = {old: new for old, new in renamed.items() if old not in absorbed}
    invalid = sorted(c.path for c in changed.values()
                     if c.kind in layout.HOLDER_KINDS and c.head.present and c.head.holder is None)
    papers = {c.path: c for c in changed.values() if c.kind in layout.HOLDER_KINDS}
    entities = [c for c in changed.values() if c.kind not in layout.HOLDER_KINDS]

    datasets = _datasets_touched(base, head, folder, papers.values(), entities)
    citing = _citing_papers(base_version, head, folder, papers)
    datasets |= {r.dataset for holder in citing for r in holder.results}
    context = _context_papers(base_version, head_version, head, folder, set(papers), datasets) \
        if whole_boards or entities else []
    known = {h.id for h in context}
    context += [h for h in citing if h.id not in known]
    context += _named_papers(head, folder, papers.values(), context)
    # A changed paper invalid at the head is left out of both versions: the validator says what
    # is wrong with it, and comparing it would report each of its results as removed.
    skip = set(invalid)
    before = [c.base.holder for c in papers.values() if c.base.holder and c.path not in skip]
    after = [c.head.holder for c in papers.values() if c.head.holder]
    base_registry = base.registry([*context, *before], datasets)
    head_registry = head.registry([*context, *after], datasets)
    base_boards = _boards(base, base_registry, datasets)
    head_boards = _boards(head, head_registry, datasets)

    base_settings = _metric_settings(base_registry)
    head_settings = _metric_settings(head_registry)
    differences = [d for board in sorted(base_boards.keys() | head_boards.keys())
                   for d in board_differences(base_boards.get(board), head_boards.get(board),
                                              compared, base_settings, head_settings)]
    differences += _identity_differences(papers.values(), compared, changed, folder,
                                        head_boards)
    new_corrections = [c for change in changed.values()
                       for carried in [_absorbed_history(change, changed, renamed, folder)]
                       for c in corrections_of(change.kind, _holder(change), change.path,
                                               change.head.data)
                       if is_new(c, _before(change, changed, renamed, folder))
                       and c.data not in carried]
    return Delta(base=base, head=head, files=files, changed=changed, renamed=renamed,
                 bad_renames=bad_renames, base_boards=base_boards, head_boards=head_boards,
                 differences=differences, new_corrections=new_corrections,
                 base_registry=base_registry, head_registry=head_registry, invalid=invalid,
                 display_prefix=registry.name)


def _citing_papers(base_version: Version, head: RegistryAt, folder: str,
                   papers: Mapping[str, Changed]) -> list[Holder]:
    """The unchanged papers and sources whose results credit (``paper:``) a changed paper, at
    either of its ids: their rows say whose a number is, so a paper that changes its title or
    its id (a rename leaves them naming the old one) changes rows that are not its own.
    From the index a full validation leaves, else by a search of the files' text."""
    # Only a paper that goes (deleted, renamed) or is known otherwise (title, identifiers,
    # date: a row shows its paper's) changes what rows crediting it say: the usual change,
    # results added, searches nothing.
    ids = sorted({c.base.holder.id for c in papers.values()
                  if c.kind == layout.PAPER and c.base.holder is not None and (
                      c.head.holder is None or c.head.holder.id != c.base.holder.id
                      or c.head.holder.title != c.base.holder.title
                      or c.head.holder.date != c.base.holder.date
                      or c.head.holder.identifiers != c.base.holder.identifiers)})
    if not ids:
        return []
    papers_folder = f"{folder}/{layout.FOLDERS[layout.PAPER]}"
    assert base_version.commit is not None
    found = paper_index.papers_holding(
        base_version.top, base_version.commit, papers_folder, set(papers),
        {(CITES_SCHEME, i) for i in ids},
        lambda path, raw: paper_index.holdings(read(path, raw).data))
    # As a result's `paper:` is written (an id alone is a word many files hold: "6", "bert").
    lines = [f"paper: {quote}{i}{quote}" for i in ids for quote in ("", '"', "'")]
    paths = [p for p, _, _ in found] if found is not None else \
        [f for f in head.version.grep(papers_folder, lines, untracked=False) if f not in papers]
    paths += [f for f in head.version.grep(f"{folder}/{layout.FOLDERS[layout.SOURCE]}", lines,
                                           untracked=False) if f not in papers]
    wanted = set(ids)
    return [h for h, _ in head.holders(paths).values()
            if h is not None and any(r.paper in wanted for r in h.results)]


def _named_papers(head: RegistryAt, folder: str, papers: Iterable[Changed],
                  context: list[Holder]) -> list[Holder]:
    """The unchanged papers that a changed paper's or source's results credit (``paper:``),
    read so that each row's paper is known at both versions (without them, a result given to
    a paper outside the change was compared as credited to none)."""
    papers = list(papers)
    held = {side.holder.id for c in papers for side in (c.base, c.head) if side.holder}
    held |= {h.id for h in context}
    named = sorted({r.paper for c in papers for side in (c.base, c.head) if side.holder
                    for r in side.holder.results if r.paper and r.paper not in held})
    paths = [f"{folder}/{layout.relative_path(layout.PAPER, p)}" for p in named]
    return [h for h, _ in head.holders(paths).values() if h is not None]


def _identity_differences(papers: Iterable[Changed], renamed: Mapping[str, str],
                          changed: Mapping[str, Changed], folder: str,
                          head_boards: Mapping[str, Leaderboard]) -> list[Difference]:
    """How each changed paper with rows on the boards (held, or credited by others' results) is
    known, compared at both versions (a renamed one with the one it was): placed at its first
    row."""
    first_row: dict[str, tuple[str, Row]] = {}
    for board_id, board in sorted(head_boards.items()):
        for row in board.rows:
            first_row.setdefault(row.holder.id, (board_id, row))
            if row.paper is not None:  # a paper credited with rows it does not hold
                first_row.setdefault(row.paper.id, (board_id, row))
    old_of = {new: old for old, new in renamed.items()}
    out: list[Difference] = []
    for change in papers:
        new = change.head.holder
        if new is None or new.id not in first_row:
            continue
        old = change.base.holder
        if old is None and new.id in old_of:
            gone = _deleted_holder(changed, folder, old_of[new.id])
            old = gone.base.holder if gone else None
        if old is not None:
            board_id, row = first_row[new.id]
            out += holder_differences(board_id, old, new, row)
    return out


def _before(change: Changed, changed: Mapping[str, Changed], renamed: Mapping[str, str],
            folder: str) -> Record | None:
    """What a changed file was at the base: for a renamed paper, the paper it was."""
    if change.base.present:
        return change.base.data
    for old, new in renamed.items():
        if new == _holder(change):
            gone = _deleted_holder(changed, folder, old)
            return gone.base.data if gone else None
    return None


def _absorbed_history(change: Changed, changed: Mapping[str, Changed],
                      renamed: Mapping[str, str], folder: str) -> list[object]:
    """The published corrections of the papers a paper that exists absorbs: carried over into
    its file, they are its history, not new corrections."""
    if not change.base.present:
        return []
    out: list[object] = []
    for old, new in renamed.items():
        gone = _deleted_holder(changed, folder, old) if new == _holder(change) else None
        history = (gone.base.data or {}).get("corrections") if gone else None
        out += history if isinstance(history, list) else []
    return out


def _deleted_holder(changed: Mapping[str, Changed], folder: str, holder_id: str
                    ) -> Changed | None:
    """The paper or source file with this id that the change deletes, if any."""
    for kind in layout.HOLDER_KINDS:
        gone = changed.get(f"{folder}/{layout.relative_path(kind, holder_id)}")
        if gone is not None and gone.base.present and not gone.head.present:
            return gone
    return None


def _read_changed(base: RegistryAt, head: RegistryAt, folder: str, files: list[str]
                  ) -> dict[str, Changed]:
    placed = {path: k for path in files if (k := _kind_and_id(folder, path))}
    papers = [p for p, (kind, _) in placed.items() if kind in layout.HOLDER_KINDS]
    base_raw = base.version.read(placed)
    head_raw = head.version.read(placed)
    base_papers, head_papers = base.holders(papers), head.holders(papers)
    out: dict[str, Changed] = {}
    for path, (kind, record_id) in placed.items():
        if kind in layout.HOLDER_KINDS:
            sides = [Side(raw[path] is not None, parsed[path][1], parsed[path][0])
                     for raw, parsed in ((base_raw, base_papers), (head_raw, head_papers))]
        else:
            sides = [_entity_side(path, raw[path]) for raw in (base_raw, head_raw)]
        out[path] = Changed(path, kind, record_id, sides[0], sides[1])
    return out


def _holder(change: Changed) -> str:
    """The id a changed record holds its rows under: a holder's own id, else its file's."""
    return change.head.holder.id if change.head.holder is not None else change.id


def _entity_side(path: str, raw: bytes | None) -> Side:
    data = read(path, raw).data if raw is not None else None
    return Side(raw is not None, data if isinstance(data, dict) else None)


def _renames(changed: Mapping[str, Changed], base: RegistryAt, folder: str
             ) -> tuple[dict[str, str], set[str], list[tuple[str, int, str]]]:
    """Renames claimed by ``renamed_from``, the ids of those that are absorptions, and the
    claims refused. A rename is taken only from a paper or source file
    new in this change, naming a paper or source whose file this change deletes (a paper that
    was really a leaderboard submission becomes a source so); a holder is renamed from one, and
    to one. A paper that exists may absorb one whose file this change deletes if that one
    holds no results (the same paper filed twice). The ``renamed_from`` entries a renamed
    holder carries over from the one it was (its history) are not claims."""
    renamed: dict[str, str] = {}
    absorbed: set[str] = set()
    bad: list[tuple[str, int, str]] = []

    def deleted(old: str) -> Changed | None:
        return _deleted_holder(changed, folder, old)

    for change in sorted(changed.values(), key=lambda c: c.path):
        if change.kind not in layout.HOLDER_KINDS or change.head.data is None:
            continue
        claims = [c for c in corrections_of(change.kind, change.id, change.path,
                                            change.head.data) if c.renamed_from is not None]
        if change.base.present:
            # A paper that exists absorbs only a record of the same paper that holds no
            # results (the archive filed some papers twice, the rows since moved to one):
            # with none, no row of it is compared, and rows crediting it are.
            for c in claims:
                if not is_new(c, change.base.data):
                    continue
                old = c.renamed_from or ""
                gone = deleted(old)
                why = _absorb_refused(change, gone, old, renamed)
                if why is None:
                    renamed[old] = _holder(change)
                    absorbed.add(old)
                else:
                    bad.append((change.path, c.index, why))
            continue
        taken = [c for c in claims if deleted(c.renamed_from or "") is not None]
        source = taken[-1] if taken else None
        history = None
        if source is not None:
            old = source.renamed_from or ""
            gone = deleted(old)
            history = gone.base.data if gone else None
            if old in renamed:
                bad.append((change.path, source.index, f"'{old}' is already claimed as renamed "
                            f"to '{renamed[old]}'"))
            else:
                renamed[old] = _holder(change)
        for c in claims:
            if c is source or not is_new(c, history):
                continue
            if source is not None and c.renamed_from and deleted(c.renamed_from):
                why = (f"'{_holder(change)}' is renamed from '{source.renamed_from}' already: a "
                       "paper is renamed from one paper; merge papers with corrections that "
                       "remove the results they give up")
            else:
                why = (f"this change does not delete the paper '{c.renamed_from}': a rename "
                       "deletes the old file in the same change")
            bad.append((change.path, c.index, why))
    return renamed, absorbed, bad


def _absorb_refused(change: Changed, gone: Changed | None, old: str,
                    renamed: Mapping[str, str]) -> str | None:
    """Why the paper ``change`` may not absorb ``old`` (deleted as ``gone``), or None: only a
    paper, only a paper's record that this change deletes, that holds no results and that is
    the same paper (an identifier or the title in common; helper-112: ResNet absorbed Deep
    Image, and its title, arXiv id and history vanished with a "renamed" line)."""
    if change.kind == layout.PAPER and gone is not None and gone.kind == layout.PAPER \
            and _holds_results(gone.base.data):
        return (f"'{old}' still holds results: move them into '{change.id}' first, each with "
                "its correction, and absorb the emptied record in a later change (absorbing is "
                "judged against the base)")
    if change.kind != layout.PAPER or gone is None or gone.kind != layout.PAPER:
        return (f"'{change.id}' existed before this change: only a paper file new in this "
                "change can be a renamed paper, or a paper that absorbs a record of itself "
                "whose file this change deletes and which holds no results (move its results "
                "first, each with its correction)")
    if old in renamed:
        return f"'{old}' is already claimed as renamed to '{renamed[old]}'"
    if not _known_alike(gone.base.data, change.head.data):
        return (f"'{old}' shares no identifier and not its title with '{change.id}': a paper "
                "absorbs only a record of itself")
    return None


def _known_alike(one: Mapping[str, object] | None, other: Mapping[str, object] | None) -> bool:
    """Whether two papers' records share an identifier or their title (as Q013 and I003
    compare them)."""
    def known(data: Mapping[str, object] | None) -> set[tuple[str, str]]:
        return {identifier_key(scheme, value)
                for scheme, value in paper_index.holdings(data).identifiers
                if scheme != CITES_SCHEME}
    return bool(known(one) & known(other))


def _holds_results(data: Mapping[str, object] | None) -> bool:
    results = (data or {}).get("results")
    return results is not None and (not isinstance(results, list) or bool(results))


def _datasets_touched(base: RegistryAt, head: RegistryAt, folder: str,
                      papers: Iterable[Changed], entities: list[Changed]) -> set[str]:
    datasets = {r.dataset for c in papers for side in (c.base, c.head) if side.holder
                for r in side.holder.results}
    words: set[str] = set()
    tasks: set[str] = set()
    for change in entities:
        if change.kind == "dataset":
            datasets.add(change.id)
        elif change.kind == layout.BENCHMARK:
            for side in (change.base, change.head):
                target = (side.data or {}).get("dataset")
                if isinstance(target, str):
                    datasets.add(target)
            parts = change.id.split("--")
            if len(parts) > 1:
                datasets.add(parts[1])
        elif change.kind == "metric":
            words.add(change.id)
        elif change.kind == "task":
            tasks.add(change.id)
    if words:  # a metric a benchmark file lists is on its board even with no value yet
        for version in (base, head):
            for board, record in _all_benchmarks(version).items():
                if words & _metrics_named(record):
                    dataset = record.get("dataset")
                    datasets.add(dataset if isinstance(dataset, str) else board.split("--")[1])
    if tasks:
        words |= _with_subtasks(base, tasks) | _with_subtasks(head, tasks)
    if words:
        found = [f for kind in layout.HOLDER_KINDS for f in head.version.grep(
            f"{folder}/{layout.FOLDERS[kind]}", sorted(words), untracked=True)]
        for holder, _ in head.holders(found).values():
            if holder is not None:
                datasets |= {r.dataset for r in holder.results}
    return datasets


def _all_benchmarks(side: RegistryAt) -> dict[str, Record]:
    folder = f"{side.folder}/{layout.FOLDERS[layout.BENCHMARK]}"
    side.load(layout.BENCHMARK, [p[len(folder) + 1:-len(layout.SUFFIX)]
                                 for p in side.version.files(folder)
                                 if p.endswith(layout.SUFFIX) and "/" not in p[len(folder) + 1:]])
    return side.entities(layout.BENCHMARK)


def _metrics_named(settings: Record) -> set[str]:
    """The metrics a benchmark file names: its order, its primary metric, its overrides."""
    named = {m for m in settings.get("metrics", ()) if isinstance(m, str)}
    primary = settings.get("primary_metric")
    directions = settings.get("directions")
    return named | ({primary} if isinstance(primary, str) else set()) | (
        {m for m in directions if isinstance(m, str)} if isinstance(directions, dict) else set())


def _with_subtasks(side: RegistryAt, tasks: set[str]) -> set[str]:
    """``tasks`` and every task below one of them at this version."""
    prefix = f"{side.folder}/{layout.FOLDERS['task']}/"
    side.load("task", [p[len(prefix):-len(layout.SUFFIX)]
                       for p in side.version.files(prefix.rstrip("/"))
                       if p.endswith(layout.SUFFIX) and "/" not in p[len(prefix):]])
    parent = {t: r.get("parent") for t, r in side.entities("task").items()}
    out = set(tasks)
    grew = True
    while grew:
        below = {t for t, p in parent.items() if p in out and t not in out}
        out |= below
        grew = bool(below)
    return out


def _context_papers(base_version: Version, head_version: Version, head: RegistryAt,
                    folder: str, changed: set[str], datasets: set[str]) -> list[Holder]:
    """The unchanged papers and sources with results on ``datasets`` (the same at both
    versions): papers from the index a full validation leaves, else found by a search of their
    text; sources (few) by a search of their text."""
    if not datasets:
        return []
    papers_folder = f"{folder}/{layout.FOLDERS[layout.PAPER]}"
    assert base_version.commit is not None
    found = paper_index.papers_on(base_version.top, base_version.commit, papers_folder, changed,
                                  datasets,
                                  lambda path, raw: paper_index.holdings(read(path, raw).data))
    if found is None:  # untracked files are all among the changed ones
        found = [f for f in head_version.grep(papers_folder, sorted(datasets), untracked=False)
                 if f not in changed]
    found += [f for f in head_version.grep(f"{folder}/{layout.FOLDERS[layout.SOURCE]}",
                                           sorted(datasets), untracked=False) if f not in changed]
    return [p for p, _ in head.holders(found).values() if p is not None]


def _boards(side: RegistryAt, registry: Registry, datasets: set[str]) -> dict[str, Leaderboard]:
    """The leaderboards on ``datasets`` at one version (of the papers in ``registry``)."""
    groups = group_results(registry)
    wanted = sorted(key for key, entries in groups.items() if entries[0][0].dataset in datasets)
    side.load(layout.BENCHMARK, wanted)
    registry.entities[layout.BENCHMARK] = side.entities(layout.BENCHMARK)
    side.load("metric", {m for key in wanted
                         for m in _metrics_named(registry.entities[layout.BENCHMARK].get(key, {}))})
    registry.entities["metric"] = side.entities("metric")
    return {key: rank(benchmark_of(registry, key, groups[key]), groups[key], registry.papers)
            for key in wanted}


def _metric_settings(registry: Registry) -> MetricSettings:
    return {m: (r.get("direction"), r.get("unit"), r.get("range"), r.get("name"))
            for m, r in registry.entities.get("metric", {}).items()}


__all__ = ["Changed", "Delta", "Difference", "Side", "compare"]
