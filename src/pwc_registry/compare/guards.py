"""CI's guard on history: every difference a change makes to the leaderboards is an addition or
is covered by a correction added in the same change, with its reason. Anything else is an error
at the file and line that caused it (the changed paper, or the entity file).

Also: a paper file is never deleted but by a rename (H003); published corrections are never
edited or removed (H007); a new correction must explain a change this change makes (H008); a
rename is claimed once, by a new file, for a paper this change deletes (H009).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from .. import layout
from ..diagnostics import Diagnostic, Pointer
from ..ids import ResultIdentity, result_identity
from ..leaderboard import REFERENCE, Row, ancestors
from ..load import Document, read_rich
from ..markdown import number
from ..registry import Result, Value
from . import MAX_NEW_LEADERBOARDS, Changed, Delta
from .corrections import FIELDS, IDENTIFIER_SCHEMES, Correction, published_changes
from .delta import NOTICE_KINDS, Difference


@dataclasses.dataclass(frozen=True)
class Verdict:
    difference: Difference
    #: The correction that covers it; None for an addition or an uncovered change.
    correction: Correction | None

    @property
    def allowed(self) -> bool:
        return self.difference.addition or self.correction is not None \
            or self.difference.kind in NOTICE_KINDS


def _identity(result: Result) -> ResultIdentity:
    return result_identity(result.task, result.dataset, result.split, result.model)


#: No result given to :meth:`_Judge._find`: any correction of the holder.
_ANY = object()


class _Judge:
    def __init__(self, delta: Delta) -> None:
        self.delta = delta
        self.by_holder: dict[tuple[str, str], list[Correction]] = {}
        #: The same by the result each names (None: the holder's own), so that a change of
        #: thousands of rows looks through its own corrections only, not all of them per row.
        self.by_result: dict[tuple[str, str, ResultIdentity | None], list[Correction]] = {}
        for c in delta.new_corrections:
            # Papers and sources share one set of ids: a holder's corrections by its id alone.
            kind = _HOLDER if c.kind in layout.HOLDER_KINDS else c.kind
            self.by_holder.setdefault((kind, c.holder), []).append(c)
            self.by_result.setdefault((kind, c.holder, c.result), []).append(c)
        self.used: set[tuple[str, int]] = set()
        #: Each holder's result identities in the head version (a removal's "still there?").
        self.held: dict[str, set[ResultIdentity]] = {}

    def _find(self, kind: str, holder: str, test: Any,
              result: object = _ANY) -> Correction | None:
        """The first correction of ``holder`` passing ``test``; of those naming ``result``
        only, when given."""
        found = self.by_holder.get((kind, holder), ()) if result is _ANY \
            else self.by_result.get((kind, holder, result), ())  # type: ignore[arg-type]
        for c in found:
            if test(c):
                self.used.add((c.path, c.index))
                return c
        return None

    def _still_held(self, holder: str, target: ResultIdentity) -> bool:
        if holder not in self.held:
            now = self.delta.head_registry.holder(holder)
            self.held[holder] = {_identity(r) for r in now.results} if now is not None \
                else set()
        return target in self.held[holder]

    def cover(self, d: Difference) -> Correction | None:
        if d.addition:
            return None
        method = getattr(self, "_" + d.kind.replace("-", "_"), None)
        return method(d) if method is not None else None

    def _value(self, d: Difference) -> Correction | None:
        assert d.base is not None and d.head is not None
        target = _identity(d.base.result)
        return self._find(_HOLDER, d.head.holder.id, result=target,
                          test=lambda c: c.metric == d.metric and c.field is None
                          and c.says_values(d.before, d.after))

    def _extra_data(self, d: Difference) -> Correction | None:
        return self._result_field(d, "extra_training_data")

    def _reference(self, d: Difference) -> Correction | None:
        return self._result_field(d, "source_kind")

    def _result_field(self, d: Difference, field: str) -> Correction | None:
        """The correction of the result's ``field`` that states this change."""
        assert d.base is not None and d.head is not None
        target = _identity(d.base.result)
        return self._find(_HOLDER, d.head.holder.id, result=target,
                          test=lambda c: c.field == field and c.says(d.before, d.after))

    def _date(self, d: Difference) -> Correction | None:
        assert d.base is not None and d.head is not None
        old, new = d.base, d.head
        if old.result.date != new.result.date:
            target = _identity(old.result)
            return self._find(_HOLDER, new.holder.id, result=target,
                              test=lambda c: c.field == "date"
                              and c.says(old.result.date, new.result.date))
        return self._find(_HOLDER, new.holder.id, result=None,
                          test=lambda c: c.field == "date"
                          and c.says(old.holder.date, new.holder.date))

    def _paper(self, d: Difference) -> Correction | None:
        assert d.base is not None and d.head is not None
        target = _identity(d.base.result)
        return self._find(_HOLDER, d.head.holder.id, result=target,
                          test=lambda c: c.field == "paper" and c.says(d.before, d.after))

    def _holder_date(self, d: Difference) -> Correction | None:
        assert d.holder is not None
        return self._find(_HOLDER, d.holder, result=None,
                          test=lambda c: c.field == "date" and c.says(d.before, d.after))

    def _title(self, d: Difference) -> Correction | None:
        assert d.holder is not None
        return self._find(_HOLDER, d.holder, result=None,
                          test=lambda c: c.field == "title" and c.says(d.before, d.after))

    def _identifier(self, d: Difference) -> Correction | None:
        assert d.holder is not None
        return self._find(_HOLDER, d.holder, result=None,
                          test=lambda c: c.field == d.metric and c.says(d.before, d.after))

    def _row_removed(self, d: Difference) -> Correction | None:
        assert d.base is not None
        row = d.base
        holder = self.delta.renamed.get(row.holder.id, row.holder.id)
        target = _identity(row.result)
        # A removal is corrected only where the result is really gone.
        if not self._still_held(holder, target):
            found = self._find(_HOLDER, holder, result=target,
                               test=lambda c: c.metric is None and c.field is None)
            if found is not None:
                return found
        if row.via is None:
            return None
        # A row rolled up from a subtask leaves a board when the task tree changes: corrected
        # by the correction of that change only if the board's task is no longer above it.
        board_task = d.board.split("--")[0]
        if board_task in _ancestors(self.delta.head_registry.entities, row.via):
            return None
        # Only a task on the old path from the subtask up to the board's task can have cut
        # it: one whose parent was the next task on that path and is no longer.
        above = _ancestors(self.delta.base_registry.entities, row.via)
        if board_task not in above:
            return None
        path = [row.via, *above[:above.index(board_task) + 1]]
        for task, old_parent in itertools.pairwise(path):
            change = self._changed("task", task)
            if change is None:
                continue
            before, after = ((change.base.data or {}).get("parent"),
                             (change.head.data or {}).get("parent"))
            if before != old_parent or after == before:
                continue
            found = self._find("task", task, lambda c, b=before, a=after: c.field == "parent"
                               and c.says(b, a))
            if found is not None:
                return found
        return None

    def _setting(self, d: Difference) -> Correction | None:
        assert d.metric is not None
        metric = d.metric
        # A correction covers the board only when its own file makes the change it states: a
        # metric's direction changed in the metric's file, a benchmark's own override in its.
        found = self._find("metric", metric, lambda c: c.field == d.kind
                           and c.says(d.before, d.after) and _states_own_change(self.delta, c))
        if found is None and d.kind == "direction":
            found = self._find(layout.BENCHMARK, d.board, lambda c: c.field == "direction"
                               and c.metric == metric and c.says(d.before, d.after)
                               and _states_own_change(self.delta, c))
        return found

    _direction = _unit = _range = _setting

    def _primary(self, d: Difference) -> Correction | None:
        return self._find(layout.BENCHMARK, d.board, lambda c: c.field == "primary_metric"
                          and c.says(d.before, d.after))

    def _changed(self, kind: str, record_id: str) -> Changed | None:
        return self.delta.changed.get(self.delta.file_of(kind, record_id))


def _ancestors(entities: Mapping[str, Mapping[str, Mapping[str, Any]]], task: str
               ) -> list[str]:
    return ancestors(entities.get("task", {}), task)


def judge(delta: Delta) -> tuple[list[Verdict], set[tuple[str, int]]]:
    """Each difference with the correction covering it; and the corrections used."""
    judge = _Judge(delta)
    verdicts = [Verdict(d, judge.cover(d)) for d in delta.differences]
    return verdicts, judge.used


# --- diagnostics ----------------------------------------------------------------------


class _Locator:
    def __init__(self, delta: Delta) -> None:
        self.delta = delta
        self.docs: dict[str, Document | None] = {}

    def at(self, code: str, message: str, path: str, pointer: Pointer, hint: str | None
           ) -> Diagnostic:
        if path not in self.docs:
            raw = self.delta.head.version.read([path]).get(path)
            self.docs[path] = read_rich(self.delta.display(path), raw) if raw is not None else None
        doc = self.docs[path]
        line, column = doc.locate(pointer) if doc is not None and doc.data is not None else (1, 1)
        return Diagnostic(code, message, self.delta.display(path), line, column, hint,
                          pointer if doc is not None else None)


def _label(result: Result) -> str:
    split = f", {result.split}" if result.split else ""
    return f"'{result.model}' on {result.dataset}{split} ({result.task})"


def _shown(value: Any) -> str:
    if isinstance(value, Value):
        text = number(value.value)
        return text + (f" ± {number(value.spread)}" if value.spread is not None else "")
    if value is None:
        return "nothing"
    return str(value)


#: The kind under which corrections of papers and sources are found (they share ids).
_HOLDER = "holder"

_FIX = ("if the source says so, add a correction with the reason, the old and the new value "
        "(see docs/registry.md, Corrections); otherwise restore it")


def check_history(delta: Delta,
                  judged: tuple[list[Verdict], set[tuple[str, int]]] | None = None
                  ) -> list[Diagnostic]:
    """Every error of the guard on history, located; ``judged``: what :func:`judge` gave for
    ``delta``, when the caller has it already."""
    verdicts, used = judged if judged is not None else judge(delta)
    where = _Locator(delta)
    out: set[Diagnostic] = set()
    deleted = {c.id for c in delta.changed.values() if c.kind in layout.HOLDER_KINDS
               and c.base.present and not c.head.present and c.id not in delta.renamed}
    boards: dict[tuple[str, str, str], set[str]] = {}
    ranks_changed: dict[str, list[Difference]] = {}
    scaled: set[tuple[str, int, str | None]] = set()
    for v in verdicts:
        d = v.difference
        if d.kind == "scale":  # once a value, though its ancestors' boards judge it too
            assert d.head is not None
            fact = (d.head.holder.id, d.head.result.index, d.metric)
            if fact in scaled:
                continue
            scaled.add(fact)
        if d.kind in NOTICE_KINDS:
            out.add(_notice(where, delta, d))
            continue
        if v.allowed:
            continue
        if d.kind == "rank":
            ranks_changed.setdefault(d.board, []).append(d)
            continue
        if d.kind in ("direction", "unit", "range", "primary"):
            key = (d.kind, d.metric or "", f"{_shown(d.before)} → {_shown(d.after)}")
            boards.setdefault(key, set()).add(d.board)
            continue
        row = d.row
        assert row is not None
        holder = delta.renamed.get(row.holder.id, row.holder.id)
        if holder in deleted:
            continue  # H003 says it once for the paper
        out.add(_row_error(where, delta, d, holder))
    for (kind, metric, change), names in sorted(boards.items()):
        out.add(_board_error(where, delta, kind, metric, change, sorted(names)))
    for board, changes in sorted(ranks_changed.items()):
        out.add(_unexplained_ranks(where, delta, board, changes))
    for gone in delta.changed.values():
        if gone.kind in layout.HOLDER_KINDS and gone.id in deleted and gone.base.data is not None:
            results = gone.base.data.get("results")
            count = len(results) if isinstance(results, list) else 0
            out.add(Diagnostic(
                "H003", f"the {gone.kind} '{gone.id}' is removed, with its {count} "
                f"result{'s' if count != 1 else ''}", delta.display(gone.path),
                hint="papers are never deleted; if it was renamed, add a correction with "
                f"renamed_from: {json.dumps(gone.id)} to the paper under its new id; if it is a "
                "second record of a paper that stays, move its results there first (each with "
                "its correction), then absorb it (docs/registry.md, One paper filed twice)"))
    out |= _append_only(where, delta)
    out |= _too_many_boards(where, delta)
    for path, index, why in delta.bad_renames:
        out.add(where.at("H009", f"corrections[{index}].renamed_from: {why}", path,
                         ("corrections", index, "renamed_from"), None))
    for c in delta.new_corrections:
        renaming = c.renamed_from is not None and c.field is None and c.metric is None \
            and c.result is None
        if (c.path, c.index) in used or renaming or _states_own_change(delta, c):
            continue
        if c.path in delta.invalid:
            continue
        text = next((f"{key} is text ({c.data[key]!r}), not a number: write the number as "
                     "the file writes it" for key in ("old", "new")
                     if c.metric is not None and isinstance(c.data.get(key), str)), None)
        out.add(where.at("H008", f"corrections[{c.index}] explains no change that this change "
                         f"makes{_near_miss(verdicts, c)}", c.path, ("corrections", c.index),
                         text or "a correction names the result (or field) and the old and new "
                         "value exactly as they change; remove it, or fix what it names"))
    return sorted(out, key=Diagnostic.sort_key)


def _too_many_boards(where: _Locator, delta: Delta) -> set[Diagnostic]:
    """H017 when the change adds more than :data:`.MAX_NEW_LEADERBOARDS` leaderboards: once,
    at the file whose results open the most of them. A board at the head only is new to the
    registry: the changed papers' boards are compiled alone only when each is pinned at both
    versions, and one the base lacks is not (:func:`.compare`)."""
    new = delta.head_boards.keys() - delta.base_boards.keys()
    # Net of the boards that go: a task or dataset renamed moves its boards, adding none.
    added = len(new) - len(delta.base_boards.keys() - delta.head_boards.keys())
    if added <= MAX_NEW_LEADERBOARDS:
        return set()
    changed = {c.head.holder.id for c in delta.changed.values()
               if c.head.holder is not None}
    opened: Counter[str] = Counter()
    for key in new:
        opened.update({row.holder.id for row in delta.head_boards[key].rows} & changed)
    # A task or dataset changed (its parent, most likely) before one added.
    entities = [c.path for c in sorted(delta.changed.values(),
                                       key=lambda c: (not c.base.present, c.path))
                if c.kind not in layout.HOLDER_KINDS and c.head.present]
    pointer: Pointer = ()
    if opened:
        holder, count = min(opened.items(), key=lambda item: (-item[1], item[0]))
        path, pointer = delta.file_of_holder(holder), ("results",)
        whose = f"this file's results open {count:,} of them"
    else:  # rows of unchanged papers, rolled up by a changed task tree
        path = entities[0] if entities else sorted(delta.changed)[0]
        whose = "no changed paper's results open them: a changed task or dataset does"
    return {where.at(
        "H017", f"the change adds {added:,} leaderboards, more than the "
        f"{MAX_NEW_LEADERBOARDS:,} one change may add; {whose}", path, pointer,
        "a result on a split, dataset or task no other result has opens a leaderboard (and "
        "one on each ancestor task), and the site writes about a dozen files for each: check "
        "that the splits are named as the paper names them; a bulk import goes in pull "
        f"requests of at most {MAX_NEW_LEADERBOARDS:,} new leaderboards")}


def _states_own_change(delta: Delta, c: Correction) -> bool:
    """Whether ``c`` states a change of its own record's field that this change makes, even
    if no leaderboard shows it (a task given a parent only adds rows to new ancestors)."""
    if c.field is None or c.result is not None or c.field not in FIELDS.get(c.kind, ()):
        return False
    change = delta.changed.get(c.path)
    if change is None:
        return False
    before, after = change.base.data or {}, change.head.data or {}
    if c.kind == layout.BENCHMARK and c.field == "direction":
        if c.metric is None:
            return False
        before = before.get("directions") or {}
        after = after.get("directions") or {}
        field = c.metric
    elif c.field in IDENTIFIER_SCHEMES:
        before = before.get("identifiers") or {}
        after = after.get("identifiers") or {}
        field = c.field
    else:
        field = c.field
    old, new = before.get(field), after.get(field)
    return old != new and c.says(old, new)


def _near_miss(verdicts: Iterable[Verdict], c: Correction) -> str:
    """What the change really does to what the correction names, if it changes it at all."""
    allowed = FIELDS.get(c.kind, frozenset())
    if c.field is not None and c.field not in allowed:
        return (f": a {c.kind} file corrects " + (", ".join(sorted(allowed)) or "nothing")
                + f", not {c.field}")
    changed = [v.difference for v in verdicts if not v.allowed and v.difference.row is not None
               and v.difference.base is not None]
    for d in changed:
        assert d.base is not None
        if c.result == _identity(d.base.result) and (c.metric or None) == d.metric:
            return f": the change is {_shown(d.before)} → {_shown(d.after)}"
    # The result named otherwise than the file names it (its split left out, as in the
    # docs' example): the change it may mean, on the same model and metric (helper-74).
    if isinstance(c.result, tuple) and len(c.result) == 4:
        near = [d for d in changed if d.base is not None and (c.metric or None) == d.metric
                and _identity(d.base.result)[3] == c.result[3]
                and _identity(d.base.result) != c.result]
        # The one whose change the correction states, else the only one; several that fit
        # as well are not guessed between (helper-77: the first of two was named).
        stated = [d for d in near if _shown(d.before) == _shown(c.data.get("old"))
                  and _shown(d.after) == _shown(c.data.get("new"))]
        chosen = stated if stated else near
        if len(chosen) == 1:
            d = chosen[0]
            assert d.base is not None
            r = d.base.result
            split = f", split: {r.split}" if r.split else ""
            return (f": it names no result this change changes; did you mean task: "
                    f"{r.task}, dataset: {r.dataset}{split}, model: {r.model} (its "
                    f"{d.metric} {_shown(d.before)} → {_shown(d.after)})?")
    return ""


def _notice(where: _Locator, delta: Delta, d: Difference) -> Diagnostic:
    if d.kind == "scale":
        row = d.head
        assert row is not None and d.metric is not None
        name = delta.head_registry.name("metric", d.metric)
        return where.at("H018", f"{name} {_shown(d.after)} of {_label(row.result)} is on "
                        f"another scale than the other values of {d.board} ({d.before}): "
                        "a fraction of 1 among percents, or the reverse, ranks out of place",
                        delta.file_of_holder(row.holder.id),
                        ("results", row.result.index, "metrics", d.metric),
                        "check the value against the paper or the source, and write it on the "
                        "board's scale as the paper prints it: a fraction on a board of "
                        "percents as its percent (0.3719 as 37.19), a percent on a board of "
                        "fractions as its fraction")
    if d.kind == "copy":
        row = d.head
        assert row is not None
        return where.at("H019", f"{_label(row.result)} has the name and every value of "
                        f"'{d.after}' of '{d.before}' on {d.board}: one result filed twice",
                        delta.file_of_holder(row.holder.id),
                        ("results", row.result.index, "model"),
                        f"if this paper quotes it, give the result paper: {d.before} and, in "
                        "its source, kind: baseline (the board then shows whose it is); if it is "
                        "this "
                        "paper's own, check the values against the paper")
    if d.kind == "history":
        cause = _changed_row(delta, [d.board])
        path, pointer = cause if cause else (_cause(delta, [d.board], layout.BENCHMARK), ())
        return where.at("H013", f"the state of the art over time on {d.board} no longer has "
                        f"these new bests: {d.before}", path, pointer,
                        "a result added, dated or corrected to a better value at or before "
                        "them now sets the best first: check its date and value against the "
                        "paper")
    if d.kind == "source-provenance":
        assert d.holder is not None
        return where.at("H014", f"where the published results of '{d.holder}' come from "
                        f"changes: its {d.metric} {d.before!r} → "
                        f"{'removed' if d.after is None else repr(d.after)}",
                        delta.file_of_holder(d.holder), (d.metric or "",),
                        "check the new provenance against the source")
    if d.kind == "provenance":
        row = d.head
        assert row is not None
        index = row.result.index
        after = "removed" if d.after is None else repr(d.after)
        return where.at("H014", f"where the published result {_label(row.result)} comes from "
                        f"changes: source.{d.metric} {d.before!r} → {after}",
                        delta.file_of_holder(row.holder.id), ("results", index, "source",
                                                              d.metric or ""),
                        "check the new provenance against the paper or the source")
    if d.kind == "holder-code":
        assert d.holder is not None
        after = "removed" if d.after is None else repr(d.after)
        return where.at("H015", f"the code every published row of '{d.holder}' links to "
                        f"changes: {d.before!r} → {after}", delta.file_of_holder(d.holder),
                        ("code",), "check that the new link is the paper's code")
    if d.kind == "holder-details":
        assert d.holder is not None
        after = "removed" if d.after is None else repr(d.after)
        return where.at("H015", f"what every published row of '{d.holder}' shows of it changes: "
                        f"its {d.metric} {d.before!r} → {after}", delta.file_of_holder(d.holder),
                        tuple((d.metric or "").split(".")),
                        "a warning: no correction is needed; the reviewer checks the new authors, "
                        "venue, links, tasks or abstract against the paper (say why in the pull "
                        "request)")
    if d.kind == "details":
        row = d.head
        assert row is not None
        after = "removed" if d.after is None else repr(d.after)
        before = "none" if d.before is None else repr(d.before)
        return where.at("H015", f"what the published result {_label(row.result)} shows beside "
                        f"its numbers changes: {d.metric} {before} → {after}",
                        delta.file_of_holder(row.holder.id),
                        ("results", row.result.index, *(d.metric or "").split(".")),
                        "a warning: no correction is needed; the reviewer checks the new text or "
                        "link against the paper or the source (say why in the pull request)")
    if d.kind == "board-notes":
        after = "removed" if d.after is None else repr(d.after)
        before = "none" if d.before is None else repr(d.before)
        return where.at("H015", f"what the leaderboard {d.board} says of its numbers changes: "
                        f"notes {before} → {after}", delta.file_of(layout.BENCHMARK, d.board),
                        ("notes",), "check the new text against the sources of the board's "
                        "numbers")
    if d.kind == "metric-name":
        path = delta.file_of("metric", d.metric or "")
        return where.at("H011", f"the metric {d.metric} of {d.board} is shown as '{d.after}', "
                        f"not '{d.before}'", path, ("name",),
                        "check that the new name means what the board's numbers measure")
    if d.kind == "board-name":
        cause = _changed_row(delta, [d.board])
        path, pointer = cause if cause else (_cause(delta, [d.board], layout.BENCHMARK), ())
        return where.at("H011", f"the leaderboard {d.board} is shown as '{d.after}', not "
                        f"'{d.before}'", path, pointer, "check that the new spelling is meant")
    row = d.head
    assert row is not None
    return where.at("H011", f"the model '{d.before}' is shown as '{d.after}' on {d.board} (the "
                    "same result: names compare without case, width or spacing)",
                    delta.file_of_holder(row.holder.id),
                    ("results", row.result.index, "model"), "check that the new spelling is meant")


def _row_error(where: _Locator, delta: Delta, d: Difference, holder: str) -> Diagnostic:
    row: Row = d.head or d.base  # type: ignore[assignment]
    path = delta.file_of_holder(holder)
    if d.kind == "row-removed":
        assert d.base is not None
        if d.base.via is not None:
            message = (f"the result {_label(d.base.result)} leaves the leaderboard {d.board}, "
                       f"where it counted via {d.base.via}")
            moved = [t for t in [d.base.via, *_ancestors(delta.base_registry.entities,
                                                         d.base.via)]
                     if delta.file_of("task", t) in delta.changed]
            if moved and path not in delta.changed:
                return where.at("H002", message, delta.file_of("task", moved[0]), ("parent",),
                                "the task tree changed: add a correction with field: parent "
                                "to this task file, or restore its parent")
            if moved:
                return where.at("H002", message, path, ("results",), "the task tree changed "
                                "(a task's parent): add a correction with field: parent to the "
                                "task file, or restore it")
            return where.at("H002", message, path, ("results",), "keep the result as it was, "
                            "or add a correction naming it with the reason it goes")
        return where.at("H002", f"the result {_label(d.base.result)} is removed", path,
                        ("results",), "keep it, or add a correction naming this result with "
                        "the reason it goes")
    if d.kind == "holder-date":
        assert d.holder is not None
        path = delta.file_of_holder(d.holder)
        data = delta.changed[path].head.data if path in delta.changed else None
        return where.at("H006", f"the date of '{d.holder}', which holds or is credited with "
                        f"published results, changes: {_shown(d.before)} → {_shown(d.after)}",
                        path, ("date",) if "date" in (data or {}) else (),
                        "if the date really is another, add a correction with field: date, the "
                        "old and the new date and the reason; otherwise restore it")
    if d.kind in ("title", "identifier"):
        assert d.holder is not None
        path = delta.file_of_holder(d.holder)
        what = "title" if d.kind == "title" else f"{d.metric} id"
        data = delta.changed[path].head.data if path in delta.changed else None
        ids = (data or {}).get("identifiers")
        at: Pointer = ("title",) if d.kind == "title" and "title" in (data or {}) else \
            ("identifiers", d.metric or "") if isinstance(ids, dict) and d.metric in ids else ()
        return where.at("H012", f"the {what} of '{d.holder}', which is credited with "
                        f"published results, changes: {_shown(d.before)} → {_shown(d.after)}", path, at,
                        "if it really is known so, add a correction with "
                        f"field: {'title' if d.kind == 'title' else d.metric}, the old and the "
                        "new value and the reason; otherwise restore it")
    index = row.result.index
    if d.kind == "paper":
        return where.at("H006", f"the paper {_label(row.result)} is credited to changes: "
                        f"{_shown(d.before)} → {_shown(d.after)}", path,
                        ("results", index, "paper") if "paper" in _fields(delta, path, index)
                        else ("results", index), _FIX)
    if d.kind == "value":
        pointer: Pointer = ("results", index, "metrics", d.metric or "") \
            if d.after is not None else ("results", index, "metrics")
        what = "is removed" if d.after is None else \
            f"changes: {_shown(d.before)} → {_shown(d.after)}"
        return where.at("H001", f"{d.metric} of {_label(row.result)} {what}", path, pointer,
                        _FIX)
    if d.kind == "reference":
        source = "source" in _fields(delta, path, index)
        return where.at("H006", f"source.kind of {_label(row.result)} changes: "
                        f"{_shown(d.before)} → {_shown(d.after)}, so it "
                        f"{'leaves' if d.after == REFERENCE else 'joins'} the ranking",
                        path, ("results", index, "source") if source else ("results", index),
                        "if the result really is a point of reference (human performance, an "
                        "oracle) or really is not, add a correction with field: source_kind, "
                        "old: the kind it had (null where it gave none), new: the kind it has "
                        "(null where none), and the reason; otherwise restore it")
    field = "extra_training_data" if d.kind == "extra-data" else "date"
    return where.at("H006", f"{field} of {_label(row.result)} changes: {_shown(d.before)} → "
                    f"{_shown(d.after)}", path, ("results", index, field)
                    if field in _fields(delta, path, index) else ("results", index), _FIX)


def _fields(delta: Delta, path: str, index: int) -> set[str]:
    change = delta.changed.get(path)
    data = change.head.data if change else None
    results = data.get("results") if data else None
    if isinstance(results, list) and index < len(results) and isinstance(results[index], dict):
        return set(results[index])
    return set()


def _board_error(where: _Locator, delta: Delta, kind: str, metric: str, change: str,
                 boards: list[str]) -> Diagnostic:
    shown = ", ".join(boards[:5]) + (f" and {len(boards) - 5} more" if len(boards) > 5 else "")
    count = f"{len(boards)} leaderboard{'s' if len(boards) != 1 else ''} ({shown})"
    if kind == "primary":
        message = f"the primary metric changes ({change}) on {count}: they are ranked anew"
        cause = _cause(delta, boards, layout.BENCHMARK)
        pointer: Pointer = ("primary_metric",)
        if delta.changed.get(cause, None) is None or \
                delta.changed[cause].kind in layout.HOLDER_KINDS:
            cause, pointer = _changed_row(delta, boards) or (cause, ())
        elif "primary_metric" not in (delta.changed[cause].head.data or {}):
            pointer = ("metrics",)  # the first metric listed ranks: the list was reordered
        return where.at("H005", message, cause, pointer, "set primary_metric in the benchmark "
                        "file to keep the ranking, or add a correction with field: "
                        "primary_metric")
    message = f"the {kind} of metric '{metric}' changes ({change}) on {count}" + (
        ": every row is ranked anew" if kind == "direction" else "")
    cause = delta.file_of("metric", metric)
    if cause not in delta.changed:
        cause = _cause(delta, boards, layout.BENCHMARK)
    return where.at("H005", message, cause, (kind,) if kind != "direction" or
                    cause.endswith(f"/{metric}{layout.SUFFIX}") else ("directions", metric),
                    f"add a correction with field: {kind}, old and new to the metric (or "
                    "benchmark) file, with the reason")


def _unexplained_ranks(where: _Locator, delta: Delta, board: str,
                       changes: list[Difference]) -> Diagnostic:
    """H010 for ``board``, at the first row whose rank changed in a file the change changes
    (the guard of last resort named the change's first file, another paper's), else at the
    first row whose rank changed."""
    def place(d: Difference) -> tuple[str, Pointer]:
        row = d.head or d.base
        assert row is not None
        return delta.file_of_holder(row.holder.id), ("results", row.result.index)

    placed = [(place(d), d) for d in changes]
    (path, at), d = next((p for p in placed if p[0][0] in delta.changed), placed[0])
    row = d.head or d.base
    assert row is not None
    return where.at("H010", f"ranks change on {board} with no change of value, direction or "
                    f"rows to explain it ({row.result.model}: {_shown(d.before)} → "
                    f"{_shown(d.after)})", path, at, None)


def _changed_row(delta: Delta, boards: list[str]) -> tuple[str, Pointer] | None:
    """The first row on ``boards`` from a changed paper: where a paper-only change is shown."""
    for board in boards:
        for side in (delta.head_boards, delta.base_boards):
            for row in side[board].rows if board in side else ():
                path = delta.file_of_holder(row.holder.id)
                if path in delta.changed and delta.changed[path].head.present:
                    return path, ("results", row.result.index)
    return None


def _cause(delta: Delta, boards: list[str], kind: str) -> str:
    """The changed file most likely to have caused a change on ``boards``."""
    for board in boards:
        # Its own settings, else its task's or dataset's file (their names make its name).
        parts = board.split("--")
        for path in (delta.file_of(layout.BENCHMARK, board), delta.file_of("task", parts[0]),
                     delta.file_of("dataset", parts[1] if len(parts) > 1 else "")):
            if path in delta.changed:
                return path
    for path, change in sorted(delta.changed.items()):
        if change.kind not in layout.HOLDER_KINDS:
            return path
    return sorted(delta.changed)[0] if delta.changed else delta.file_of(kind, boards[0])


def _append_only(where: _Locator, delta: Delta) -> set[Diagnostic]:
    out: set[Diagnostic] = set()
    renamed_to = {new: old for old, new in delta.renamed.items()}
    for change in delta.changed.values():
        if not change.head.present:
            published = (change.base.data or {}).get("corrections")
            # A deleted paper is H003 already; a renamed one keeps them in its new file.
            if change.kind not in layout.HOLDER_KINDS and isinstance(published, list) \
                    and published:
                out.add(where.at("H007", f"the file is deleted with its {len(published)} "
                                 "published corrections", change.path, (),
                                 "corrections are append-only: restore the file"))
            continue
        before = change.base.data
        holder = change.head.holder.id if change.head.holder is not None else change.id
        if not change.base.present and holder in renamed_to:
            gone = delta.changed.get(delta.file_of_holder(renamed_to[holder]))
            before = gone.base.data if gone else None
        for index, what in published_changes(before, change.head.data):
            out.add(where.at("H007", f"corrections[{index}] was published and is {what}",
                             change.path, ("corrections", index) if what == "edited"
                             else ("corrections",) if change.head.data and
                             "corrections" in change.head.data else (),
                             "corrections are append-only: restore it as it was, and add a "
                             "new correction for the new change"))
        if change.base.present:  # a paper absorbing another keeps the other's history too
            now = (change.head.data or {}).get("corrections")
            kept = now if isinstance(now, list) else []
            for old, new in delta.renamed.items():
                gone = delta.changed.get(delta.file_of_holder(old)) if new == holder else None
                history = (gone.base.data or {}).get("corrections") if gone else None
                lost = [i for i, c in enumerate(history if isinstance(history, list) else [])
                        if c not in kept]
                if lost:
                    out.add(where.at("H007", f"'{old}', which this paper absorbs, has "
                                     f"published corrections {lost} that it does not carry over",
                                     change.path, ("corrections",) if isinstance(now, list)
                                     else (), "corrections are append-only: copy them into "
                                     "this file's corrections"))
    return out
