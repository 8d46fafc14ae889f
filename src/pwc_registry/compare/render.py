"""`pwc diff`: the comparison as the Markdown comment a pull request gets, or as JSON.

It reads the same verdicts as the guard (:func:`pwc_registry.compare.guards.judge`): a change
the guard refuses is listed first, under its own heading, and every correction that covers a
change is shown with its reason.

The comment opens with one summary line (results added, changed, removed; new bests; entities
added or changed; the validation's verdict), so that a reviewer knows at a glance what to look
at. Long parts are folded (``<details>``), and the whole never exceeds what GitHub posts: parts
that do not fit are left out with a line that says so and where the full report is.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Collection, Iterable
from typing import Any

from .. import layout
from ..diagnostics import Diagnostic
from ..gitrefs import Version
from ..ids import identifier_page
from ..leaderboard import FAR_ABOVE, Leaderboard, Row, better, far_above, is_reference
from ..markdown import cell, code_span, number, table
from ..patterns import ARXIV_ID
from ..registry import Holder, Paper, Result, Value, paper_label
from . import Changed, Delta
from .corrections import FIELDS
from .delta import DETAIL_KINDS, NOTICE_KINDS, Difference, row_key
from .guards import Verdict, check_history, judge

_ARXIV_ID = re.compile(ARXIV_ID)


@dataclasses.dataclass(frozen=True)
class NewBest:
    board: Leaderboard
    row: Row
    previous: Row | None


@dataclasses.dataclass(frozen=True)
class EntityChange:
    """A task, dataset, metric, method, area or benchmark file added, changed or deleted, with
    the leaderboards (at the head) it bears on."""

    kind: str
    id: str
    name: str
    status: str  # added | changed | deleted
    file: str
    boards: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Placement:
    """Where an added result enters its own leaderboard."""

    board: str
    rank: int | None
    rows: int


@dataclasses.dataclass(frozen=True)
class Validation:
    """The verdict of `pwc validate --changed-since` on the same change, for the summary."""

    errors: int
    #: Warnings on the change's own files.
    warnings: int
    #: Warnings on files the change does not touch (not the contributor's to fix).
    other_warnings: int = 0
    #: The warnings on the change's own files, for the reviewer to confirm (V003: a fraction
    #: where a percentage belongs...): the comment lists them.
    shown: tuple[Diagnostic, ...] = ()


@dataclasses.dataclass
class Report:
    delta: Delta
    verdicts: list[Verdict]
    added: list[Result]
    removed: list[Result]
    #: Results that come onto (or leave) an ancestor task's boards only: the task tree changed.
    rolled_up: list[Result]
    rolled_off: list[Result]
    new_best: list[NewBest]
    far_above: list[NewBest]
    #: (file, field, before, after) of each changed setting of a task, metric or benchmark,
    #: whether or not a leaderboard shows it yet.
    settings: list[tuple[str, str, Any, Any]] = dataclasses.field(default_factory=list)
    #: What the guard refuses beyond the leaderboards: deleted papers, rewritten or idle
    #: corrections, renames, a flood of new leaderboards (H003, H007, H008, H009, H017).
    history: list[Diagnostic] = dataclasses.field(default_factory=list)
    #: New bests among the rows that used no extra training data.
    new_best_clean: list[NewBest] = dataclasses.field(default_factory=list)
    entities: list[EntityChange] = dataclasses.field(default_factory=list)
    #: Each added result's place on its own leaderboard, by result key.
    placed: dict[tuple[str, str, str, str, str], Placement] = dataclasses.field(
        default_factory=dict)
    #: Boards whose best is another row now though no new best came (a best removed, corrected,
    #: made a point of reference or flagged extra data): the row first now, and the one before.
    leaders: list[NewBest] = dataclasses.field(default_factory=list)

    @property
    def refused(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.allowed]

    @property
    def corrected(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.correction is not None]


def report(delta: Delta) -> Report:
    verdicts, used = judge(delta)
    added_rows = [d.head for d in delta.differences if d.kind == "row-added" and d.head]
    removed_rows = [d.base for d in delta.differences if d.kind == "row-removed" and d.base]
    # A value a correction changes is explained by it: not a new number to question.
    corrected = {(v.difference.board, v.difference.head.result.key, v.difference.metric)
                 for v in verdicts if v.correction is not None and v.difference.kind == "value"
                 and v.difference.head is not None}
    new_best, far, leaders = _records(delta, corrected=corrected)
    history = [d for d in check_history(delta, (verdicts, used))
               if d.code in ("H003", "H007", "H008", "H009", "H017")]
    placed = {row.result.key: Placement(d.board, row.rank, len(delta.head_boards[d.board].rows))
              for d in delta.differences if d.kind == "row-added" and (row := d.head)
              and row.via is None and d.board in delta.head_boards}
    return Report(delta, verdicts, _results(added_rows), _results(removed_rows),
                  _results(added_rows, via=True), _results(removed_rows, via=True),
                  new_best, far, _settings(delta), history,
                  _records(delta, clean=True, corrected=corrected)[0],
                  _entities(delta), placed, leaders)


def _entities(delta: Delta) -> list[EntityChange]:
    out: list[EntityChange] = []
    boards = delta.head_boards
    for path, change in sorted(delta.changed.items()):
        if change.kind in layout.HOLDER_KINDS:
            continue
        status = "added" if not change.base.present else "deleted" if not change.head.present \
            else "changed"
        data = change.head.data or change.base.data or {}
        name = data.get("name") if isinstance(data.get("name"), str) else change.id
        touched = sorted(b.benchmark.name for b in boards.values() if _bears_on(b, change))
        out.append(EntityChange(change.kind, change.id, str(name), status,
                                delta.display(path), tuple(touched)))
    return out


def _bears_on(board: Leaderboard, change: Changed) -> bool:
    b = board.benchmark
    hit = {"task": b.task == change.id, "dataset": b.dataset == change.id,
           "metric": change.id in b.metrics, layout.BENCHMARK: b.id == change.id}
    return hit.get(change.kind, False)


def _settings(delta: Delta) -> list[tuple[str, str, Any, Any]]:
    out: list[tuple[str, str, Any, Any]] = []
    for path, change in sorted(delta.changed.items()):
        if change.kind in layout.HOLDER_KINDS:
            continue
        for field in sorted(FIELDS.get(change.kind, ())):
            key = "directions" if change.kind == layout.BENCHMARK and field == "direction" \
                else field
            before = (change.base.data or {}).get(key)
            after = (change.head.data or {}).get(key)
            if before != after:
                out.append((delta.display(path), key, before, after))
    return out


def _results(rows: Iterable[Row], *, via: bool = False) -> list[Result]:
    """The results of ``rows`` filed on the board's task (or, with ``via``, those that only
    come to a board from a subtask), each once."""
    direct: dict[tuple[str, ...], Result] = {}
    rolled: dict[tuple[str, ...], Result] = {}
    for row in rows:
        (rolled if row.via else direct).setdefault(row.result.key, row.result)
    chosen = {k: r for k, r in rolled.items() if k not in direct} if via else direct
    return [chosen[k] for k in sorted(chosen)]


def _best_of(board: Leaderboard, clean: bool) -> Row | None:
    if not clean:
        return board.best
    return next((r for r in board.rows if r.rank_without_extra_data == 1), None)


def _records(delta: Delta, *, clean: bool = False,
             corrected: Collection[tuple[str, tuple[str, ...], str | None]] = ()
             ) -> tuple[list[NewBest], list[NewBest], list[NewBest]]:
    """New bests (``clean``: among rows without extra training data), values far above the
    previous best, and boards whose best is another row with no new best; ``corrected``:
    (board, result key, metric) of the values corrections change, which are neither (a board
    ranked anew by another metric has no new best either)."""
    changed_papers = {c.id for c in delta.changed.values()
                      if c.kind in layout.HOLDER_KINDS and c.head.holder is not None}
    old_values = {(d.board, d.head.result.key, d.metric): d.before for d in delta.differences
                  if d.kind == "value" and d.head is not None}
    new_best: list[NewBest] = []
    far: list[NewBest] = []
    leaders: list[NewBest] = []
    for board_id, board in sorted(delta.head_boards.items()):
        metric = board.benchmark.primary
        direction = board.direction(metric) if metric else None
        best = _best_of(board, clean)
        if metric is None or direction is None or best is None:
            continue
        base = delta.base_boards.get(board_id)
        if base is not None and (base.benchmark.primary != metric
                                 or base.direction(metric) != direction):
            # Ranked by another metric, or the other way, now: a setting changed, said with
            # them (the old best is no measure of the new order's).
            continue
        previous = _best_of(base, clean) if base is not None else None
        if previous is not None and metric not in previous.result.metrics:
            previous = None
        prior = previous.result.metrics[metric].value if previous else None
        # A best that already was the best (its value corrected or changed) sets no new state
        # of the art: its change is listed with the other changes.
        if best.holder.id in changed_papers and not (
                previous is not None and previous.result.key == best.result.key) and (
                prior is None or better(direction, best.result.metrics[metric].value, prior)):
            new_best.append(NewBest(board, best, previous))
        elif previous is not None and row_key(previous, delta.renamed) != row_key(best, {}):
            # Another row leads with no new best (helper-113: MT-DNN made a reference, SNLI's
            # best fell from 91.1 to 90.1 and the comment said "0 new bests").
            leaders.append(NewBest(board, best, previous))
        if prior is None or clean or (
                previous is not None and (board_id, previous.result.key, metric) in corrected):
            continue  # (a corrected previous best is no measure of what is far above it)
        published = {r.result.key for r in base.rows} if base else set()
        for row in board.rows:
            value = row.result.metrics.get(metric)
            # A point of reference (human performance, an oracle) is above the best by nature.
            if row.holder.id not in changed_papers or value is None or is_reference(row.result):
                continue
            key = (board_id, row.result.key, metric)
            if key in corrected:
                continue
            is_new = key in old_values or row.result.key not in published
            if is_new and far_above(direction, value.value, prior):
                far.append(NewBest(board, row, previous))
    return new_best, far, leaders


# --- Markdown -------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if isinstance(value, Value):
        return number(value.value) + (f" ± {number(value.spread)}"
                                      if value.spread is not None else "")
    if value is None:
        return "—"
    if isinstance(value, list):  # a result's links
        return ", ".join(map(str, value))
    return str(value)


def _plain(value: Any) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True) \
        if isinstance(value, dict | list) else str(value)


def _holder_title(r: Report, holder_id: str) -> str:
    holder = r.delta.head_registry.holder(holder_id) or r.delta.base_registry.holder(holder_id)
    return paper_label(holder) if holder else holder_id


_WHAT = {"value": "value", "extra-data": "extra training data", "date": "date",
         "reference": "point of reference (never ranked)",
         "row-removed": "result removed", "direction": "direction", "unit": "unit",
         "range": "range", "primary": "primary metric", "rank": "rank", "name": "model name",
         "board-name": "leaderboard name", "metric-name": "metric's name",
         "board-notes": "leaderboard's notes",
         "provenance": "provenance", "source-provenance": "source's provenance",
         "holder-date": "date of the paper or source",
         "details": "shown beside the numbers", "holder-code": "code of the paper or source",
         "holder-details": "what the paper or source shows",
         "paper": "paper credited", "title": "paper's title",
         "history": "new bests no longer so", "scale": "on another scale than the board's",
         "copy": "the same name and values as a row of",
         "identifier": "paper's identifier"}


def _difference_line(r: Report, d: Difference) -> list[str]:
    reg = r.delta.head_registry
    row = d.row
    what = _WHAT.get(d.kind, d.kind)
    if d.metric:
        # Which identifier, or which field of the provenance; else a metric, by its name.
        named = d.metric if d.kind in ("identifier", "provenance", "source-provenance",
                                       *DETAIL_KINDS) \
            else reg.name("metric", d.metric)
        what += f": {named}"
    # Plain text: the table escapes each cell once.
    holder = d.holder or (row.holder.id if row else None)
    # A copy's other row is named by its holder's title, as every row's holder is.
    before = _holder_title(r, d.before) if d.kind == "copy" else _shown(d.before)
    return [d.board, _holder_title(r, holder) if holder else "",
            row.result.model if row else "", what, before, _shown(d.after)]


def _unique(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """One verdict per fact: a value that changes on a board and on its task's ancestors'
    boards is one change."""
    seen: dict[tuple[Any, ...], Verdict] = {}
    for v in verdicts:
        d = v.difference
        row = d.row
        if d.holder is not None:
            # What a paper is known by (its title, authors...) is one fact whichever row places
            # it: a holder's and a paper its row credits are two (helper-111: one was dropped).
            key: tuple[Any, ...] = (d.kind, d.holder, d.metric)
        elif row is not None:
            key = (d.kind, row.holder.id, row.result.key, d.metric)
        else:
            key = (d.kind, d.board, d.metric)
        seen.setdefault(key, v)
    return list(seen.values())


def _holder_ref(holder: Holder) -> str:
    """A holder named in a line of the comment, linked to its arXiv abstract where it has an
    arXiv id (the schema's pattern lets no character through that could break the link)."""
    label = cell(paper_label(holder))
    arxiv = holder.identifiers.get("arxiv") if isinstance(holder, Paper) else None
    if arxiv and _ARXIV_ID.fullmatch(arxiv):
        return f"[{label}]({identifier_page('arxiv', arxiv)})"
    return label


def _best_line(r: Report, n: NewBest) -> str:
    reg = r.delta.head_registry
    metric = n.board.benchmark.primary or ""
    value = n.row.result.metrics[metric].value
    text = (f"**{cell(n.board.benchmark.name)}** — {cell(reg.name('metric', metric))} "
            f"{number(value)} by {cell(n.row.result.model)} ({_holder_ref(n.row.holder)})")
    if n.previous is None:
        return text + ", the first result"
    prior = n.previous.result.metrics[metric].value
    return text + (f", previous best {number(prior)} by {cell(n.previous.result.model)} "
                   f"({_holder_ref(n.previous.holder)})")


def _result_line(r: Report, result: Result) -> list[str]:
    reg = r.delta.head_registry if r.delta.head_registry.holder(result.holder) else \
        r.delta.base_registry
    metrics = ", ".join(f"{reg.name('metric', m)} {_shown(v)}" for m, v in result.metrics.items())
    # The paper a result credits, when not its holder: its page gets the row's rank (helper-79).
    credited = f" (credited to {_holder_title(r, result.paper)})" if result.paper else ""
    return [_holder_title(r, result.holder) + credited, reg.name("task", result.task),
            reg.name("dataset", result.dataset) + (f" ({result.split})" if result.split else ""),
            result.model, metrics]


#: What GitHub posts: a comment holds at most 65,536 characters, and comment.yml cuts the body at
#: 60,000 before adding its marker. The comment is made to fit well inside that.
COMMENT_LIMIT = 58_000
#: A part with more rows than this is folded (``<details>``).
FOLD = 12


@dataclasses.dataclass
class _Part:
    """One part of the comment: a heading, its text, and how many rows it lists."""

    heading: str
    body: list[str]
    rows: int = 0
    #: Parts a reviewer must see are never left out, and come first: the invalid files, refused
    #: changes, and every change to what published leaderboards show (corrected or not).
    required: bool = False


#: Differences that change no value but what a published result shows beside it (its
#: provenance, notes, links, the spelling of its names): a warning each, listed in the comment.
_SHOWN_OTHERWISE = NOTICE_KINDS - {"history"}


def summary(r: Report, validation: Validation | None = None) -> str:
    """The comment's first line: what the change does, at a glance."""
    changed = [v for v in _unique(r.verdicts) if v.difference.kind == "value"
               and not v.difference.addition]
    corrected = sum(1 for v in changed if v.correction is not None)
    fixed = _unique(r.corrected)
    # A removal a correction covers is counted with the removed rows, as a value with the
    # changed ones (it was counted twice: removed, and an other corrected change; helper-77).
    removed = len({v.difference.base.result.key for v in fixed
                   if v.difference.kind == "row-removed" and v.difference.base is not None})
    parts = [f"{len(r.added)} result{'s' if len(r.added) != 1 else ''} added",
             f"{len(changed)} changed" + (f" ({corrected} corrected)" if corrected else ""),
             f"{len(r.removed)} removed" + (f" ({removed} corrected)" if removed else "")]
    bests = len(_keys(r.new_best) | _keys(r.new_best_clean))
    line = ", ".join(parts)
    # Every other change to what published rows show, counted here too: a flood of added
    # files may leave its part only a few rows of the comment.
    other = [v for v in fixed if v.difference.kind not in ("value", "row-removed")]
    if other:
        # Counted by correction: one range given covers each board of the metric.
        n = len({(v.correction.path, v.correction.index) for v in other if v.correction})
        line += (f" · ✏️ {n} other correction{'s' if n != 1 else ''}"
                 + (f" ({len(other)} leaderboard changes)" if len(other) != n else ""))
    shown = len(_unique(v for v in r.verdicts if v.correction is None
                        and v.difference.kind in _SHOWN_OTHERWISE))
    if shown:
        line += (f" · ⚠️ {shown} change{'s' if shown != 1 else ''} to what published results "
                 "show")
    if r.far_above:
        line += f" · ⚠️ {len(r.far_above)} far above the previous best"
    line += f" · {bests} new best{'s' if bests != 1 else ''}"
    for status in ("added", "changed", "deleted"):
        n = sum(1 for e in r.entities if e.status == status)
        if n:
            line += f" · {n} task/dataset/metric/benchmark file{'s' if n != 1 else ''} {status}"
    if r.delta.renamed:
        line += f" · {len(r.delta.renamed)} renamed"
    refused = len(_unique(r.refused)) + len(r.history)
    if refused:
        line += f" · ⛔ {refused} refused"
    if validation is None:
        line += " · validation not run"
    elif validation.errors:
        line += (f" · ❌ validation failed: {validation.errors} error"
                 f"{'s' if validation.errors != 1 else ''}")
    else:
        line += " · ✅ valid" + (f" ({validation.warnings} warning"
                                f"{'s' if validation.warnings != 1 else ''} on its files)"
                                if validation.warnings else "")
    return f"**{line}**"


def markdown(r: Report, validation: Validation | None = None,
             limit: int = COMMENT_LIMIT) -> str:
    """The pull request's comment, at most ``limit`` characters (UTF-16 code units)."""
    d = r.delta
    head = [f"## Leaderboard changes: {cell(_version(d.base.version))} → "
            f"{cell(_version(d.head.version))}", "", summary(r, validation), ""]
    parts = _parts(r, validation)
    if not r.verdicts and not r.entities and not d.invalid and not d.renamed:
        head += ["No results are added, removed or changed.", ""]
    text, left_out = _fit(head, parts, limit)
    if left_out:
        text += (f"\n*{left_out} more part{'s' if left_out != 1 else ''} left out to keep this "
                 "comment within GitHub's limit: the full report is in the pull request's "
                 "checks (the job summary, and the `leaderboard-diff` artifact).*\n")
    return text


def _version(version: Version) -> str:
    """A version as the comment names it: its ref, with the commit it was (a comment left from
    an earlier push is told from the current one by it)."""
    commit = version.commit or version.named
    if commit is None or version.label.startswith(commit[:7]):
        return version.label
    return f"{version.label} ({commit[:12]})"


def _size(text: str) -> int:
    """``text``'s length as GitHub and comment.yml count it: UTF-16 code units (an emoji is
    two), so that the comment fits what they take, not only what Python counts."""
    return len(text.encode("utf-16-le")) // 2


#: What each part is given first when not all fit: its heading and first rows, so that no
#: part's flood (hundreds of added files) pushes another out of the comment.
PREVIEW = 2_000


def _fit(head: list[str], parts: list[_Part], limit: int) -> tuple[str, int]:
    """The parts that fit in ``limit``, required ones first, and how many were left out. When
    not all fit whole, each part is given a preview (:data:`PREVIEW`) before any is given more,
    then more a preview's worth at a time, in turns; a part cut short says how many of its
    rows are not shown; a required part is never left out (its heading at least)."""
    text = "\n".join(head) + "\n"
    ordered = sorted(parts, key=lambda x: not x.required)
    # The closing note, and each required part's heading with its note should no row fit.
    reserve = 400 + sum(_size(p.heading) + 120 for p in ordered if p.required)
    blocks = [_block(part) for part in ordered]
    room = limit - reserve - _size(text)
    sizes = [_size(block) for block in blocks]
    if sum(sizes) <= room:
        return text + "".join(blocks).rstrip("\n") + "\n", 0
    given = [0] * len(ordered)
    for i, size in enumerate(sizes):  # previews, in order
        given[i] = min(size, PREVIEW, max(room, 0))
        room -= given[i]
    while room > 0 and any(g < size for g, size in zip(given, sizes, strict=True)):
        for i, size in enumerate(sizes):  # then the rest, a preview's worth each in turn
            more = min(size - given[i], PREVIEW, max(room, 0))
            given[i] += more
            room -= more
    left_out = 0
    for part, block, size, allowed in zip(ordered, blocks, sizes, given, strict=True):
        shown = block if allowed >= size else _cut(part, allowed)
        if shown is None:
            left_out += 1
        else:
            text += shown
    return text.rstrip("\n") + "\n", left_out


def _block(part: _Part) -> str:
    if part.rows > FOLD:
        return "\n".join([part.heading, "", "<details><summary>Show all "
                          f"{part.rows}</summary>", "", *part.body, "</details>", "", ""])
    return "\n".join([part.heading, "", *part.body, "", ""])


def _cut(part: _Part, room: int) -> str | None:
    """As many of the part's lines as fit in ``room``, with a note of how many rows are not
    shown; None if not even its heading and first rows fit."""
    lines: list[str] = []
    size = _size(part.heading) + 200
    for line in part.body:
        if size + _size(line) + 1 > room:
            break
        lines.append(line)
        size += _size(line) + 1
    # A table's rows are the lines after its rule (|---|); a list's, its items.
    rule = next((i for i, x in enumerate(lines) if x.startswith("|-")), None)
    shown = sum(1 for x in lines[rule + 1:] if x.startswith("|")) if rule is not None \
        else sum(1 for x in lines if x.startswith("- "))
    if shown == 0:
        if not part.required:
            return None
        # A part the reviewer must see is never left out: its heading, and where its rows are.
        rows = f"{part.rows} rows are" if part.rows != 1 else "row is"
        return "\n".join([part.heading, "", f"*Its {rows} too long for the comment: see the "
                          "full report.*", "", ""])
    note = f"*… and {part.rows - shown} more, in the full report.*"
    return "\n".join([part.heading, "", *lines, "", note, "", ""])


def _parts(r: Report, validation: Validation | None) -> list[_Part]:
    d = r.delta
    parts: list[_Part] = []
    if d.invalid:
        parts.append(_Part(
            f"### ⚠️ {len(d.invalid)} changed paper or source file"
            f"{'s' if len(d.invalid) != 1 else ''} not compared",
            ["They do not pass validation (run `pwc validate`):", "",
             *(f"- {cell(d.display(name))}" for name in d.invalid)], len(d.invalid), True))
    refused = _unique(r.refused)
    if refused:
        parts.append(_Part(
            f"### ⛔ {len(refused)} change{'s' if len(refused) != 1 else ''} to published "
            "leaderboards without a correction",
            ["Each changes what readers already saw; CI fails until a correction with the "
             "reason covers it or it is undone.", "",
             *_table(["leaderboard", "paper or source", "model", "what", "before", "after"],
                     [_difference_line(r, v.difference) for v in refused])],
            len(refused), True))
    if r.history:
        parts.append(_Part(
            f"### ⛔ {len(r.history)} refused change{'s' if len(r.history) != 1 else ''} to "
            "papers, corrections and leaderboards",
            [f"- {cell(x.file)} line {x.line}: {x.code} {cell(x.message)}"
             for x in r.history], len(r.history), True))
    corrected = _unique(r.corrected)
    if corrected:
        parts.append(_Part(
            f"### ✏️ {len(corrected)} corrected change{'s' if len(corrected) != 1 else ''}",
            ["Changes to published leaderboards, each with the reason its correction gives.",
             "",
             *_table(["leaderboard", "paper or source", "model", "what", "before", "after", "reason"],
                     [[*_difference_line(r, v.difference),
                       v.correction.reason if v.correction else ""]
                      for v in corrected])], len(corrected), True))
    uncorrected_far = [n for n in r.far_above]
    if uncorrected_far:
        parts.append(_Part(
            f"### ⚠️ Far above the previous best (by more than {FAR_ABOVE:.0%})",
            ["Often a unit or typo error (a fraction for a percentage, a misplaced digit): "
             "check the number against its source.", "",
             *(f"- {_best_line(r, n)}" for n in uncorrected_far)], len(uncorrected_far),
            True))
    if d.renamed:
        parts.append(_Part(
            f"### Renamed ({len(d.renamed)})",
            ["Their rows are compared as one holder's under the new id (a paper that was "
             "really a leaderboard submission may become a source so).", "",
             *_table(["was", "is now", "file"],
                     [[old, new, d.display(d.file_of_holder(new))]
                      for old, new in sorted(d.renamed.items())])], len(d.renamed), True))
    if r.entities:
        parts.append(_Part(
            f"### Tasks, datasets, metrics and benchmarks ({len(r.entities)})",
            ["A new one may duplicate one the registry has under another name: check the "
             "names.", "",
             *_table(["file", "what", "name", "leaderboards it bears on"],
                     [[e.file, f"{e.kind} {e.status}", e.name,
                       ", ".join(e.boards[:8]) + (f" and {len(e.boards) - 8} more"
                                                  if len(e.boards) > 8 else "")
                       if e.boards else "none yet"] for e in r.entities])],
            len(r.entities)))
    rewritten = _unique(v for v in r.verdicts if v.difference.kind == "history")
    if rewritten:
        parts.append(_Part(
            f"### ⚠️ {len(rewritten)} state{'s' if len(rewritten) != 1 else ''} of the art over "
            "time rewritten",
            ["Published new bests that no longer are: a result added or dated before them now "
             "sets the best first. Check its date against the paper.", "",
             *_table(["leaderboard", "metric", "no longer new bests"],
                     [[v.difference.board, r.delta.head_registry.name(
                         "metric", v.difference.metric or ""), _shown(v.difference.before)]
                      for v in rewritten])],
            len(rewritten), True))
    # The notices' sections: each the differences of its kinds, a line each.
    sections: list[tuple[frozenset[str], Callable[[int], str], str, tuple[str, str]]] = [
        (frozenset({"copy"}),
         lambda n: f"{n} result{'s' if n != 1 else ''} added with the name and values of "
                   "another paper's row",
         "One result filed twice, shown as two papers' (H019): a quote names the paper it is "
         "from (`paper:` its id, and `kind: baseline` in its `source`). Check each against the "
         "paper.",
         ("paper or source", "its model")),
        (frozenset({"scale"}),
         lambda n: f"{n} value{'s' if n != 1 else ''} on another scale than the leaderboard's",
         "A fraction of 1 among percents, or the reverse: ranked out of place (a word error "
         "rate of 0.37 leads a board of 18.5s). Check each against the paper.",
         ("the board's other values", "this value")),
        (frozenset({"provenance", "source-provenance"}),
         lambda n: f"Where {n} published result{'s come' if n != 1 else ' comes'} from changes",
         "No value changes: check the new provenance against the paper or the source.",
         ("before", "after")),
        (frozenset(DETAIL_KINDS),
         lambda n: f"{n} change{'s' if n != 1 else ''} to what published results show beside "
                   "their numbers",
         "No value changes: check the new notes and links against the paper or the source.",
         ("before", "after")),
        (NOTICE_KINDS - {"history", "provenance", "source-provenance", *DETAIL_KINDS, "scale",
                         "copy"},
         lambda n: f"{n} name{'s' if n != 1 else ''} spelt otherwise",
         "The same result or leaderboard, shown with another spelling: check it is meant.",
         ("before", "after")),
    ]
    for kinds, heading, intro, values in sections:
        found = _unique(v for v in r.verdicts if v.difference.kind in kinds)
        if found:
            parts.append(_Part(
                f"### ⚠️ {heading(len(found))}",
                [intro, "", *_table(["leaderboard", "paper or source", "model", "what", *values],
                                    [_difference_line(r, v.difference) for v in found])],
                len(found), True))
    ranked = _unique(v for v in r.verdicts if v.difference.addition
                     and v.difference.kind == "direction")
    if ranked:
        parts.append(_Part("### Leaderboards ranked for the first time", _table(
            ["leaderboard", "paper or source", "model", "what", "before", "after"],
            [_difference_line(r, v.difference) for v in ranked]), len(ranked)))
    if r.settings:
        parts.append(_Part(
            "### Settings changed (tasks, metrics, benchmarks)",
            ["What compiles the leaderboards; each change they make is listed above.", "",
             *_table(["file", "field", "before", "after"],
                     [[f, k, _plain(b), _plain(a)] for f, k, b, a in r.settings])],
            len(r.settings), True))
    if r.new_best or r.new_best_clean:
        overall = {(n.board.benchmark.id, n.row.result.key) for n in r.new_best}
        clean = _keys(r.new_best_clean)  # once: made for each best, 8,000 took 3 minutes
        lines = [f"- {_best_line(r, n)}" + (
            "; also the best without extra training data"
            if (n.board.benchmark.id, n.row.result.key) in clean else "")
            for n in r.new_best]
        clean_only = [n for n in r.new_best_clean
                      if (n.board.benchmark.id, n.row.result.key) not in overall]
        if clean_only:
            lines += ["", "Without extra training data:", "",
                      *(f"- {_best_line(r, n)}" for n in clean_only)]
        parts.append(_Part("### New state of the art", lines,
                           len(r.new_best) + len(r.new_best_clean)))
    if r.leaders:
        parts.append(_Part(
            f"### ⚠️ Another best on {len(r.leaders)} leaderboard"
            f"{'s' if len(r.leaders) != 1 else ''}, with no new best",
            ["The row that led is removed, corrected or made a point of reference, or a tie "
             "at the top is ordered otherwise (its change is listed with the others); the row "
             "first now:", "",
             *(f"- {_best_line(r, n)}" for n in r.leaders)], len(r.leaders), True))
    filled = _unique(v for v in r.verdicts if v.difference.addition
                     and v.difference.kind in ("value", "date"))
    if filled:
        parts.append(_Part(f"### Values given where there were none ({len(filled)})", _table(
            ["leaderboard", "paper or source", "model", "what", "before", "after"],
            [_difference_line(r, v.difference) for v in filled]), len(filled)))
    if r.added:
        parts.append(_Part(f"### Results added ({len(r.added)})", _table(
            ["paper or source", "task", "dataset", "model", "values", "enters at"],
            [[*_result_line(r, x), _placement(r, x)] for x in r.added]), len(r.added)))
    # The guard's own warnings (H) are the differences listed above: not twice (helper-80).
    warned = [d for d in validation.shown if d.severity == "warning"
              and not d.code.startswith("H")] if validation else []
    if warned:
        parts.append(_Part(
            f"### ⚠️ {len(warned)} warning{'s' if len(warned) != 1 else ''} on its files",
            ["CI lets these through for a reviewer to confirm (each code's page is in "
             "docs/diagnostics.md).", "",
             *(f"- {code_span(f'{d.file}:{d.line}:{d.column}')} {d.code} {cell(d.message)}"
               + (f" ({cell(d.hint)})" if d.hint else "") for d in warned)], len(warned), True))
    # Rows leaving published leaderboards are for a reviewer to see; rows joining are not.
    for title, results, required in (
            ("Results removed", r.removed, True),
            ("Results newly counted on an ancestor task's leaderboards", r.rolled_up, False),
            ("Results no longer counted on an ancestor task's leaderboards", r.rolled_off,
             True)):
        if results:
            parts.append(_Part(f"### {title} ({len(results)})", _table(
                ["paper or source", "task", "dataset", "model", "values"],
                [_result_line(r, x) for x in results]), len(results), required))
    return parts


def _keys(bests: list[NewBest]) -> set[tuple[str, tuple[str, ...]]]:
    return {(n.board.benchmark.id, n.row.result.key) for n in bests}


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return table(header, rows).rstrip("\n").split("\n")


def _placement(r: Report, result: Result) -> str:
    placed = r.placed.get(result.key)
    if placed is None:
        return ""
    if is_reference(result):
        return f"a point of reference, not ranked, among {placed.rows}"
    where = "unranked" if placed.rank is None else f"rank {placed.rank}"
    return f"{where} of {placed.rows}"


# --- JSON -----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Value):
        return {"value": value.value, "spread": value.spread}
    return value


def _result_json(r: Result) -> dict[str, Any]:
    return {"holder": r.holder, "paper": r.paper, "task": r.task, "dataset": r.dataset,
            "split": r.split, "model": r.model, "values": {m: v.value for m, v in r.metrics.items()},
            "spreads": {m: v.spread for m, v in r.metrics.items() if v.spread is not None}}


def _best_json(n: NewBest) -> dict[str, Any]:
    metric = n.board.benchmark.primary or ""
    return {"benchmark": n.board.benchmark.id, "metric": metric,
            "value": n.row.result.metrics[metric].value, "model": n.row.result.model,
            "holder": n.row.holder.id,
            "previous": None if n.previous is None else {
                "value": n.previous.result.metrics[metric].value,
                "model": n.previous.result.model, "holder": n.previous.holder.id}}


def _difference_json(v: Verdict) -> dict[str, Any]:
    d = v.difference
    row = d.row
    return {"kind": d.kind, "benchmark": d.board, "metric": d.metric,
            "before": _json_value(d.before), "after": _json_value(d.after),
            "addition": d.addition, "allowed": v.allowed,
            "correction": None if v.correction is None else {
                "file": v.correction.path, "index": v.correction.index,
                "reason": v.correction.reason},
            "result": None if row is None else {**_result_json(row.result), "via": row.via}}


def as_json(r: Report, validation: Validation | None = None) -> dict[str, Any]:
    d = r.delta
    return {
        "version": 3, "base": d.base.label, "head": d.head.label,
        "summary": summary(r, validation).strip("*"),
        "validation": None if validation is None else {
            "errors": validation.errors, "warnings": validation.warnings,
            "other_warnings": validation.other_warnings,
            "shown": [d.record() for d in validation.shown]},
        "files": [d.display(f) for f in d.files],
        "differences": [_difference_json(v) for v in r.verdicts],
        "refused": len(_unique(r.refused)) + len(r.history),
        "refused_beyond_leaderboards": [{"file": x.file, "line": x.line, "code": x.code,
                                         "message": x.message} for x in r.history],
        "added": [_result_json(x) for x in r.added],
        "removed": [_result_json(x) for x in r.removed],
        "changed": [{**_result_json(v.difference.head.result), "metric": v.difference.metric,
                     "before": _json_value(v.difference.before),
                     "after": _json_value(v.difference.after)}
                    for v in _unique(r.verdicts) if v.difference.kind == "value"
                    and v.difference.head is not None and not v.difference.addition],
        "new_state_of_the_art": [_best_json(n) for n in r.new_best],
        "new_state_of_the_art_without_extra_data": [_best_json(n) for n in r.new_best_clean],
        "another_best_without_a_new_one": [_best_json(n) for n in r.leaders],
        "entities": [dataclasses.asdict(e) for e in r.entities],
        "added_placement": [{**_result_json(x), **dataclasses.asdict(r.placed[x.key]),
                             "reference": is_reference(x)}
                            for x in r.added if x.key in r.placed],
        "far_above_previous_best": [_best_json(n) for n in r.far_above],
        "far_above_threshold": FAR_ABOVE,
        "not_compared_invalid_files": [d.display(f) for f in d.invalid],
        "settings_changed": [{"file": f, "field": k, "before": b, "after": a}
                             for f, k, b, a in r.settings],
    }
