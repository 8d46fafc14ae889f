"""`pwc diff`: the comparison as the Markdown comment a pull request gets, or as JSON.

It reads the same verdicts as the guard (:func:`pwc_registry.compare.guards.judge`): a change
the guard refuses is listed first, under its own heading, and every correction that covers a
change is shown with its reason.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from .. import layout
from ..diagnostics import Diagnostic
from ..leaderboard import FAR_ABOVE, Leaderboard, Row, better, far_above
from ..markdown import cell, number, signed, table
from ..registry import Result, Value, paper_label
from . import Delta
from .corrections import FIELDS
from .delta import NOTICE_KINDS, Difference
from .guards import Verdict, check_history, judge


@dataclasses.dataclass(frozen=True)
class NewBest:
    board: Leaderboard
    row: Row
    previous: Row | None


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
    #: corrections, renames (H003, H007, H008, H009).
    history: list[Diagnostic] = dataclasses.field(default_factory=list)

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
    new_best, far = _records(delta)
    history = [d for d in check_history(delta, (verdicts, used))
               if d.code in ("H003", "H007", "H008", "H009")]
    return Report(delta, verdicts, _results(added_rows), _results(removed_rows),
                  _results(added_rows, via=True), _results(removed_rows, via=True),
                  new_best, far, _settings(delta), history)


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


def _records(delta: Delta) -> tuple[list[NewBest], list[NewBest]]:
    changed_papers = {c.id for c in delta.changed.values()
                      if c.kind in layout.HOLDER_KINDS and c.head.holder is not None}
    old_values = {(d.board, d.head.result.key, d.metric): d.before for d in delta.differences
                  if d.kind == "value" and d.head is not None}
    new_best: list[NewBest] = []
    far: list[NewBest] = []
    for board_id, board in sorted(delta.head_boards.items()):
        metric = board.benchmark.primary
        direction = board.direction(metric) if metric else None
        best = board.best
        if metric is None or direction is None or best is None:
            continue
        base = delta.base_boards.get(board_id)
        previous = base.best if base is not None else None
        if previous is not None and metric not in previous.result.metrics:
            previous = None
        prior = previous.result.metrics[metric].value if previous else None
        if best.holder.id in changed_papers and (
                prior is None or better(direction, best.result.metrics[metric].value, prior)):
            new_best.append(NewBest(board, best, previous))
        if prior is None:
            continue
        for row in board.rows:
            value = row.result.metrics.get(metric)
            if row.holder.id not in changed_papers or value is None:
                continue
            key = (board_id, row.result.key, metric)
            is_new = key in old_values or not any(
                r.result.key == row.result.key for r in (base.rows if base else ()))
            if is_new and far_above(direction, value.value, prior):
                far.append(NewBest(board, row, previous))
    return new_best, far


# --- Markdown -------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if isinstance(value, Value):
        return signed(value.value) + (f" ± {signed(value.spread)}"
                                      if value.spread is not None else "")
    if value is None:
        return "—"
    return cell(str(value))


def _plain(value: Any) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True) \
        if isinstance(value, dict | list) else str(value)


def _holder_title(r: Report, holder_id: str) -> str:
    holder = r.delta.head_registry.holder(holder_id) or r.delta.base_registry.holder(holder_id)
    return paper_label(holder) if holder else holder_id


_WHAT = {"value": "value", "extra-data": "extra training data", "date": "date",
         "row-removed": "result removed", "direction": "direction", "unit": "unit",
         "range": "range", "primary": "primary metric", "rank": "rank", "name": "model name",
         "board-name": "leaderboard name"}


def _difference_line(r: Report, d: Difference) -> list[str]:
    reg = r.delta.head_registry
    row = d.row
    what = _WHAT.get(d.kind, d.kind)
    if d.metric:
        what += f": {reg.name('metric', d.metric)}"
    return [cell(d.board), cell(_holder_title(r, row.holder.id)) if row else "",
            cell(row.result.model) if row else "", cell(what), _shown(d.before),
            _shown(d.after)]


def _unique(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """One verdict per fact: a value that changes on a board and on its task's ancestors'
    boards is one change."""
    seen: dict[tuple[Any, ...], Verdict] = {}
    for v in verdicts:
        d = v.difference
        row = d.row
        if row is not None:
            key: tuple[Any, ...] = (d.kind, row.holder.id, row.result.key, d.metric)
        else:
            key = (d.kind, d.board, d.metric)
        seen.setdefault(key, v)
    return list(seen.values())


def _best_line(r: Report, n: NewBest) -> str:
    reg = r.delta.head_registry
    metric = n.board.benchmark.primary or ""
    value = n.row.result.metrics[metric].value
    text = (f"**{cell(n.board.benchmark.name)}** — {cell(reg.name('metric', metric))} "
            f"{number(value)} by {cell(n.row.result.model)} ({cell(paper_label(n.row.holder))})")
    if n.previous is None:
        return text + ", the first result"
    prior = n.previous.result.metrics[metric].value
    return text + (f", previous best {number(prior)} by {cell(n.previous.result.model)} "
                   f"({cell(paper_label(n.previous.holder))})")


def _result_line(r: Report, result: Result) -> list[str]:
    reg = r.delta.head_registry if r.delta.head_registry.holder(result.holder) else \
        r.delta.base_registry
    metrics = ", ".join(f"{reg.name('metric', m)} {number(v.value)}"
                        for m, v in result.metrics.items())
    return [_holder_title(r, result.holder), reg.name("task", result.task),
            reg.name("dataset", result.dataset) + (f" ({result.split})" if result.split else ""),
            result.model, metrics]


def markdown(r: Report) -> str:
    d = r.delta
    out = [f"## Leaderboard changes: {cell(d.base.label)} → {cell(d.head.label)}", ""]
    if d.invalid:
        out += [f"### ⚠️ {len(d.invalid)} changed paper file{'s' if len(d.invalid) != 1 else ''}"
                " not compared", "", "They do not pass validation (run `pwc validate`):", "",
                *(f"- `{cell(d.display(name))}`" for name in d.invalid), ""]
    refused = _unique(r.refused)
    if refused:
        out += [f"### ⛔ {len(refused)} change{'s' if len(refused) != 1 else ''} to published "
                "leaderboards without a correction", "",
                "Each changes what readers already saw; CI fails until a correction with the "
                "reason covers it or it is undone.", ""]
        out += [table(["leaderboard", "paper", "model", "what", "before", "after"],
                      [_difference_line(r, v.difference) for v in refused])]
    if r.history:
        out += [f"### ⛔ {len(r.history)} refused change{'s' if len(r.history) != 1 else ''} to "
                "papers and corrections", ""]
        out += [f"- `{cell(x.file)}` line {x.line}: {x.code} {cell(x.message)}"
                for x in r.history] + [""]
    notices = _unique(v for v in r.verdicts if v.difference.kind in NOTICE_KINDS)
    if notices:
        out += [f"### ⚠️ {len(notices)} name{'s' if len(notices) != 1 else ''} spelt otherwise",
                "", "The same result or leaderboard, shown with another spelling: check it is "
                "meant.", ""]
        out += [table(["leaderboard", "paper", "model", "what", "before", "after"],
                      [_difference_line(r, v.difference) for v in notices])]
    corrected = _unique(r.corrected)
    if corrected:
        out += [f"### ✏️ {len(corrected)} corrected change{'s' if len(corrected) != 1 else ''}",
                ""]
        out += [table(["leaderboard", "paper", "model", "what", "before", "after", "reason"],
                      [[*_difference_line(r, v.difference),
                        cell(v.correction.reason if v.correction else "")]
                       for v in corrected])]
    settings = _unique(v for v in r.verdicts if v.difference.addition
                       and v.difference.kind == "direction")
    if settings:
        out += ["### Leaderboards ranked for the first time", ""]
        out += [table(["leaderboard", "paper", "model", "what", "before", "after"],
                      [_difference_line(r, v.difference) for v in settings])]
    if r.settings:
        out += ["### Settings changed (tasks, metrics, benchmarks)", "",
                "What compiles the leaderboards; each change they make is listed above.", ""]
        out += [table(["file", "field", "before", "after"],
                      [[f"`{cell(f)}`", cell(k), cell(_plain(b)), cell(_plain(a))]
                       for f, k, b, a in r.settings])]
    if not r.verdicts:
        out += ["No results are added, removed or changed.", ""]
    if r.far_above:
        out += [f"### ⚠️ Far above the previous best (by more than {FAR_ABOVE:.0%})", "",
                "Often a unit or typo error (a fraction for a percentage, a misplaced digit).",
                ""]
        out += [f"- {_best_line(r, n)}" for n in r.far_above] + [""]
    if r.new_best:
        out += ["### New state of the art", ""]
        out += [f"- {_best_line(r, n)}" for n in r.new_best] + [""]
    filled = _unique(v for v in r.verdicts if v.difference.addition
                     and v.difference.kind in ("value", "date"))
    if filled:
        out += [f"### Values given where there were none ({len(filled)})", ""]
        out += [table(["leaderboard", "paper", "model", "what", "before", "after"],
                      [_difference_line(r, v.difference) for v in filled])]
    for title, results in (("Results added", r.added), ("Results removed", r.removed),
                           ("Results newly counted on an ancestor task's leaderboards",
                            r.rolled_up),
                           ("Results no longer counted on an ancestor task's leaderboards",
                            r.rolled_off)):
        if results:
            out += [f"### {title} ({len(results)})", ""]
            out += [table(["paper", "task", "dataset", "model", "values"],
                          [_result_line(r, x) for x in results])]
    return "\n".join(out).rstrip("\n") + "\n"


# --- JSON -----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Value):
        return {"value": value.value, "spread": value.spread}
    return value


def _result_json(r: Result) -> dict[str, Any]:
    return {"holder": r.holder, "paper": r.paper, "task": r.task, "dataset": r.dataset,
            "split": r.split, "model": r.model, "values": {m: v.value for m, v in r.metrics.items()}}


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


def as_json(r: Report) -> dict[str, Any]:
    d = r.delta
    return {
        "version": 2, "base": d.base.label, "head": d.head.label,
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
        "far_above_previous_best": [_best_json(n) for n in r.far_above],
        "far_above_threshold": FAR_ABOVE,
        "not_compared_invalid_files": [d.display(f) for f in d.invalid],
        "settings_changed": [{"file": f, "field": k, "before": b, "after": a}
                             for f, k, b, a in r.settings],
    }
