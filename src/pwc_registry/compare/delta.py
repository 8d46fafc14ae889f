"""Every difference between two compiled versions of a leaderboard (pure functions).

A difference is one fact a reader of the leaderboard would see change: a board appears or goes,
a metric's ranking direction, unit or range, the primary metric, a row appears or goes, a
row's value (with its spread), its extra-training-data flag, the date that places it on the
state-of-the-art chart, the paper it credits, its rank; and how a paper holding rows is known
(its title, its identifiers). Some differences only add (a new row, a value or a date where
there was none, a direction for a board that was unranked); the guards
(:mod:`pwc_registry.compare.guards`) require every other one to be covered by a correction.

Rows are matched across versions by their holder (a renamed paper is matched under its new id),
the result's own task (a row rolled up from a subtask keeps it) and the folded model name.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..ids import fold, identifiers_known, undated
from ..leaderboard import Leaderboard, Row, Step, is_reference, rank
from ..markdown import number
from ..registry import CodeLink, Holder, Paper, Source, Value, paper_label

#: (holder id, the result's own task, folded model name): a row within one board.
RowKey = tuple[str, str, str]

#: Per metric of a board: (direction, unit, range) as the metric's record gives them.
MetricSettings = Mapping[str, tuple[Any, Any, Any, Any]]  # direction, unit, range, name

#: Differences shown to a maintainer and warned about, never refused: a name spelt otherwise
#: that identity reads as the same (case, width, spacing), which changes no number or rank; a
#: state of the art over time that an addition rewrites (H013); what a row shows beside its
#: numbers (H014, H015); a value on another scale (H018); a row added as a copy (H019).
NOTICE_KINDS = frozenset({"name", "board-name", "metric-name", "history", "provenance",
                          "source-provenance", "details", "holder-code", "holder-details",
                          "board-notes", "scale", "copy"})
#: The notices of what a row shows beside its numbers (H015), one section of the comment.
DETAIL_KINDS = ("details", "holder-code", "holder-details", "board-notes")
#: A value of at most 1 (above 0) that most of its board's other values exceed this many
#: times, all above 1, reads as a fraction of 1 among percents; the reverse alike (H018).
SCALE_FACTOR = 5.0
#: What a row shows of its result beside the numbers (notes, links), compared as text.
DETAILS = ("notes", "code_links", "model_links")


@dataclasses.dataclass(frozen=True)
class Difference:
    kind: str
    board: str
    #: Whether it only adds: nothing a reader saw before changes.
    addition: bool
    metric: str | None = None
    before: Any = None
    after: Any = None
    base: Row | None = None
    head: Row | None = None
    #: For a difference in how a paper is known (title, identifier): that paper's id (the row
    #: placing it may be another paper's, which credits it).
    holder: str | None = None

    @property
    def row(self) -> Row | None:
        return self.head if self.head is not None else self.base


def row_key(row: Row, renamed: Mapping[str, str]) -> RowKey:
    holder = row.holder.id
    return (renamed.get(holder, holder), row.result.task, fold(row.result.model))


def _same_value(a: Value | None, b: Value | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.value == b.value and a.spread == b.spread


def board_differences(base: Leaderboard | None, head: Leaderboard | None,
                      renamed: Mapping[str, str], base_settings: MetricSettings,
                      head_settings: MetricSettings) -> list[Difference]:
    """What changes from ``base`` to ``head`` (the same board; either may be absent).
    ``renamed`` maps a paper's old id to its new one."""
    board = (head or base).benchmark.id  # type: ignore[union-attr]
    if base is None:
        assert head is not None
        return [Difference("board-added", board, True),
                *(Difference("row-added", board, True, head=r) for r in head.rows),
                *scale_differences(head, [(r, m) for r in head.rows for m in r.result.metrics])]
    if head is None:
        return [Difference("row-removed", board, False, base=r) for r in base.rows]
    out: list[Difference] = []
    # A metric that comes onto the board brings its settings (an addition); one that leaves it
    # goes with its values, each of which is a difference of its own.
    for metric in [m for m in base.benchmark.metrics if m in head.benchmark.metrics]:
        before, after = base.direction(metric), head.direction(metric)
        if before != after:
            out.append(Difference("direction", board, before is None, metric, before, after))
        old = base_settings.get(metric, (None, None, None, None))
        new = head_settings.get(metric, (None, None, None, None))
        # A unit or range given where none was is no addition: a unit re-reads every value
        # (0.671 becomes 0.671 %), a range says which values the board may hold.
        for kind, i in (("unit", 1), ("range", 2)):
            if old[i] != new[i]:
                out.append(Difference(kind, board, False, metric, old[i], new[i]))
        # Its name heads the board's column: "% Test Accuracy" renamed "% Misclassification
        # rate" says the numbers mean another thing, though none changes.
        if old[3] != new[3] and old[3] is not None and new[3] is not None:  # else R001's
            out.append(Difference("metric-name", board, False, metric, old[3], new[3]))
    if base.benchmark.name != head.benchmark.name:
        out.append(Difference("board-name", board, False, None, base.benchmark.name,
                              head.benchmark.name))
    # Its notes are printed under its heading ("values are error rates"): they say what all
    # its numbers are, so notes given where there were none are said too.
    if base.benchmark.notes != head.benchmark.notes:
        out.append(Difference("board-notes", board, False, None, base.benchmark.notes,
                              head.benchmark.notes))
    if base.benchmark.primary != head.benchmark.primary:
        out.append(Difference("primary", board, base.benchmark.primary is None, None,
                              base.benchmark.primary, head.benchmark.primary))

    before_rows = {row_key(r, renamed): r for r in base.rows}
    # Two head rows with one key are one result written twice (the validator refuses it, V006):
    # each copy is compared with the published row, so a changed copy cannot hide behind one
    # that kept the old value.
    after_rows: dict[RowKey, list[Row]] = {}
    for r in head.rows:
        after_rows.setdefault(row_key(r, {}), []).append(r)
    unmatched = [k for k in before_rows if k not in after_rows]
    added = [k for k in after_rows if k not in before_rows]
    # A row of one holder and model that now comes from another task (filed directly on the
    # board's task instead of rolled up from a subtask, or the reverse) is the same row for a
    # reader: its values are compared, not passed off as a removal and an addition.
    # By (holder, model), not by scanning: a change of thousands of rows took minutes so.
    added_by: dict[tuple[str, str], list[RowKey]] = {}
    for k in added:
        added_by.setdefault((k[0], k[2]), []).append(k)
    unmatched_by = Counter((k[0], k[2]) for k in unmatched)
    taken: set[RowKey] = set()
    for key in unmatched:
        same = added_by.get((key[0], key[2]), [])
        if len(same) == 1 and unmatched_by[(key[0], key[2])] == 1:
            after_rows[key] = after_rows.pop(same[0])
            taken.add(same[0])
    added = [k for k in added if k not in taken]
    for key, old_row in before_rows.items():
        copies = after_rows.get(key)
        if not copies:
            out.append(Difference("row-removed", board, False, base=old_row))
            continue
        for new_row in copies:
            out += _row_differences(board, old_row, new_row, renamed)
    out += [Difference("row-added", board, True, head=r) for key in added
            for r in after_rows[key]]
    out += copy_differences(head, [r for key in added for r in after_rows[key]])
    # Each value this change gives the board, judged by the board's values as they were (a
    # change adding as many fractions as the board had percents judged them by each other).
    out += scale_differences(head, [
        *((r, m) for key in added for r in after_rows[key] for m in r.result.metrics),
        *((d.head, d.metric) for d in out if d.kind == "value" and d.head is not None
          and d.metric is not None and d.after is not None)], base)
    lost = _lost_steps(base.sota, head.sota, base, head, renamed)
    if any(r.result.extra_training_data for board_ in (base, head) for r in board_.rows):
        # The view without extra training data has a history of its own (the same otherwise).
        lost += [f"{step} (without extra training data)" for step in _lost_steps(
            base.sota_without_extra_data, head.sota_without_extra_data, base, head, renamed)]
    if lost:
        out.append(Difference("history", board, False, base.benchmark.primary,
                              "; ".join(lost), None, base=None, head=None))
    if not any(not d.addition and d.kind not in NOTICE_KINDS for d in out):
        out += _rank_differences(base, head, before_rows,
                                 {k: rows[0] for k, rows in after_rows.items()})
    return out


def scale_differences(board: Leaderboard, given: Iterable[tuple[Row, str]],
                      before: Leaderboard | None = None) -> list[Difference]:
    """A notice (H018) for each value of ``given`` (a row of ``board`` and a metric: what this
    change gives it) on another scale than most of the board's positive values of its metric
    as they were (``before``; a new board: its other values): at most 1 where they are above 1
    and :data:`SCALE_FACTOR` times it or more (a card's word error rate of 0.3719 among 18.5s,
    which a lower-is-better board ranks first; not a BPC of 0.99 among 1.1s), or above 1
    where they are at most 1 and a fifth of it or less. A metric the board holds a negative
    value of is a score, not a rate, and is not judged. A row on the board through a subtask is
    judged here too (its own board may be new, with nothing to judge it by); the guard says it
    once (:func:`.guards.check_history`). ``before`` of the difference gives the range of those
    others. By bisection: linear in the board's rows."""
    reference = before if before is not None else board
    positive: dict[str, list[float]] = {}
    signed: set[str] = set()
    old_values: dict[tuple[Any, ...], dict[str, float]] = {}
    for row in reference.rows:
        if before is not None:
            old_values[row.result.key] = {m: v.value for m, v in row.result.metrics.items()}
        for metric, v in row.result.metrics.items():
            if v.value > 0:
                positive.setdefault(metric, []).append(v.value)
            elif v.value < 0:
                signed.add(metric)
    for values in positive.values():
        values.sort()
    out: list[Difference] = []
    seen: set[tuple[int, str]] = set()
    for row, metric in given:
        mine = row.result.metrics.get(metric)
        if mine is None or mine.value <= 0 or metric in signed or (id(row), metric) in seen:
            continue
        seen.add((id(row), metric))
        values, value = positive.get(metric, []), mine.value
        if value <= 1:  # the others above 1 and at least SCALE_FACTOR times it
            low, high = max(value * SCALE_FACTOR, math.nextafter(1, 2)), math.inf
            first, end = bisect.bisect_left(values, low), len(values)
        else:  # the others at most 1 and at most a SCALE_FACTOR-th of it
            low, high = -math.inf, min(1.0, value / SCALE_FACTOR)
            first, end = 0, bisect.bisect_right(values, high)
        # The others: the board's values but this one's own (as it is, or as it was).
        own = mine.value if before is None else old_values.get(row.result.key, {}).get(metric)
        mine_there = own is not None and own > 0
        count = end - first - (mine_there and own is not None and low <= own <= high)
        if count > 0 and 2 * count > len(values) - mine_there:
            span = number(values[first]) if values[first] == values[end - 1] \
                else f"{number(values[first])}–{number(values[end - 1])}"
            out.append(Difference("scale", board.benchmark.id, True, metric, span, value,
                                  head=row))
    return out


def copy_differences(board: Leaderboard, given: Sequence[Row]) -> list[Difference]:
    """Each row of ``given`` (added to ``board``) that another holder's row of the board has
    already, under the same name with the same values (H019): one result filed twice (a copy
    of someone's row, or a baseline quoted as if it were the paper's own), unless it names that
    row's paper as its own (a quote saying whose it is). ``before``: the other holder."""
    if not given:
        return []

    def shown(row: Row) -> tuple[str, tuple[tuple[str, float], ...]]:
        # Names as Q005 reads them: a trailing year or footnote mark added is the same name.
        return undated(row.result.model), tuple(sorted(
            (m, v.value) for m, v in row.result.metrics.items()))

    alike: dict[tuple[str, tuple[tuple[str, float], ...]], list[Row]] = {}
    for row in board.rows:
        alike.setdefault(shown(row), []).append(row)
    out: list[Difference] = []
    for row in given:
        other = next((r for r in alike[shown(row)] if r.holder.id != row.holder.id), None)
        # A quote that names the paper it is from says whose it is (the row shows its holder).
        quoted = other is not None and row.result.paper is not None and \
            other.paper is not None and row.result.paper == other.paper.id
        if other is not None and not quoted:
            out.append(Difference("copy", board.benchmark.id, True, None, other.holder.id,
                                  other.result.model, head=row))
    return out


def _row_differences(board: str, old: Row, new: Row, renamed: Mapping[str, str]
                     ) -> list[Difference]:
    out: list[Difference] = []
    a, b = old.result, new.result
    for metric in dict.fromkeys([*a.metrics, *b.metrics]):
        x, y = a.metrics.get(metric), b.metrics.get(metric)
        if not _same_value(x, y):
            out.append(Difference("value", board, x is None, metric, x, y, old, new))
    if a.model != b.model:
        out.append(Difference("name", board, False, None, a.model, b.model, old, new))
    if a.extra_training_data != b.extra_training_data:
        out.append(Difference("extra-data", board, False, None, a.extra_training_data,
                              b.extra_training_data, old, new))
    if old.date != new.date:
        out.append(Difference("date", board, old.date is None, None, old.date, new.date, old,
                              new))
    # The paper the row credits (its holder, or the paper a result names): giving a result to
    # another paper, or to one where none was named, changes what the row says of whose it is.
    before = old.paper.id if old.paper is not None else None
    after = new.paper.id if new.paper is not None else None
    mapped = renamed.get(before, before) if before else None
    # A paper renamed into a source (it was a leaderboard submission) credits its rows to
    # itself as a source now: the rename says so.
    if mapped != after and not (after is None and mapped == new.holder.id):
        out.append(Difference("paper", board, False, None, before, after, old, new))
    # Where the numbers come from is part of the result: a location, kind or address given
    # is an addition, one changed or taken away is said (a notice: no number changes).
    # A result becoming a point of reference, or ceasing to be one, leaves or joins the
    # ranking: guarded as its extra-training-data flag is, not merely noticed.
    if is_reference(a) != is_reference(b):
        out.append(Difference("reference", board, False, None, a.source.get("kind"),
                              b.source.get("kind"), old, new))
    for key in sorted(a.source.keys() | b.source.keys()):
        if key == "kind" and is_reference(a) != is_reference(b):
            continue
        if key in a.source and a.source.get(key) != b.source.get(key):
            out.append(Difference("provenance", board, False, key, a.source[key],
                                  b.source.get(key), old, new))
    # And what the row shows beside them: a note ("on the dev set") or a code link rewritten
    # (to a repository of someone else's) changes what a reader takes from it. Links added
    # after those there are an addition.
    # A value's note says what its spread is ("std over 5 seeds"): the exports' spread_note.
    for metric, x in a.metrics.items():
        y = b.metrics.get(metric)
        if x.note and y is not None and _same_value(x, y) and x.note != y.note:
            out.append(Difference("details", board, False, f"metrics.{metric}.note", x.note,
                                  y.note or None, old, new))
    for field in DETAILS:
        shown, now = getattr(a, field), getattr(b, field)
        if not shown or shown == now:
            continue
        if isinstance(shown, tuple) and now[:len(shown)] == shown:
            continue
        out.append(Difference("details", board, False, field, _detail(shown), _detail(now),
                              old, new))
    # A row links to its result's first code link, else to its holder's code: a first link
    # given to a result that had none replaces the code the row showed (helper-108: the #1
    # row's official repository became a fork's, with an empty comment).
    if not a.code_links and b.code_links and old.code is not None \
            and _code(old.code) != _code(new.code):
        out.append(Difference("details", board, False, "code_links", _code(old.code),
                              _code(new.code), old, new))
    # Other names of the row: the archive's export writes a row under each (helper-108: an
    # alias "GPT-4 (OpenAI)" put LERT's numbers under that name), and importers match by them.
    if a.aliases != b.aliases:
        out.append(Difference("details", board, False, "aliases", _detail(a.aliases),
                              _detail(b.aliases), old, new))
    return out


def _detail(value: str | tuple[str, ...] | None) -> str | list[str] | None:
    if isinstance(value, tuple):
        return list(value) or None
    return value or None


def _code(code: CodeLink | None) -> str | None:
    return None if code is None else code.url + (" (official)" if code.official else "")


def holder_differences(board: str, old: Holder, new: Holder, row: Row) -> list[Difference]:
    """What changes in how a paper holding published rows is known: its title and its
    identifiers (a new one where none was is an addition), its date and code, and what its
    page and citation show (authors, venue, links, the tasks it names, its abstract: notices).
    ``row``, one of its rows on ``board``, places the difference. A source's title, authors,
    address and kind are compared too (its rows show them), with the paper's for a source that
    was a paper."""
    out: list[Difference] = []
    # Its rows show its title (or label) as who holds them, and its date where they give none:
    # a submission retitled as another lab's, or a paper renamed into a source (or back)
    # under another title, puts the numbers under that name.
    if paper_label(old) != paper_label(new) and not (
            isinstance(old, Paper) and isinstance(new, Paper)):  # papers: compared below
        out.append(Difference("title", board, False, None, paper_label(old), paper_label(new),
                              row, row, new.id))
    if old.date != new.date:  # a paper renamed into a source (or back) too
        out.append(Difference("holder-date", board, old.date is None, None, old.date, new.date,
                              row, row, new.id))
    # The code its rows link to, and whether they call it official.
    before_code, after_code = _code(old.main_code), _code(new.main_code)
    if before_code is not None and before_code != after_code:
        out.append(Difference("holder-code", board, False, "code", before_code, after_code,
                              row, row, new.id))
    # Who wrote it and where it is read: its page, the API and its citation say them (helper-108:
    # LERT's authors and abstract and PDF links rewritten to BERT's went unsaid). Given where
    # none were, an addition.
    for field, before, after in _holder_details(old, new):
        if before and before != after:
            out.append(Difference("holder-details", board, False, field, before, after or None,
                                  row, row, new.id))
    if isinstance(old, Source) and isinstance(new, Source):
        # Where its rows come from, as the rows show it.
        for field, before, after in (("url", old.url, new.url), ("kind", old.kind, new.kind)):
            if before is not None and before != after:
                out.append(Difference("source-provenance", board, False, field, before, after,
                                      row, row, new.id))
    if not (isinstance(old, Paper) and isinstance(new, Paper)):
        return out
    if old.title != new.title:
        out.append(Difference("title", board, old.title is None, None, old.title, new.title,
                              row, row, new.id))
    elif old.title is None and old.identifiers == new.identifiers \
            and paper_label(old) != paper_label(new):
        # Known by a link alone, its label is the link's host: another link names another
        # paper ("the paper at arxiv.org" for "the paper at cv.znu.ac.ir"). Giving it its
        # title is the way to change that (an addition).
        out.append(Difference("title", board, False, None, paper_label(old), paper_label(new),
                              row, row, new.id))
    # With the identifiers each implies: an arXiv id written as arXiv's DOI is the same id. An
    # id written wins over one implied (reversed: the implied come last), as the pages show
    # the one written: the old id's DOI beside a new arXiv id must not hide the change.
    ids_before = dict(reversed(identifiers_known(sorted(old.identifiers.items()))))
    ids_after = dict(reversed(identifiers_known(sorted(new.identifiers.items()))))
    for scheme in sorted(ids_before.keys() | ids_after.keys()):
        a, b = ids_before.get(scheme), ids_after.get(scheme)
        if a != b:
            out.append(Difference("identifier", board, a is None, scheme, a, b, row, row,
                                  new.id))
    return out


def _holder_details(old: Holder, new: Holder) -> list[tuple[str, Any, Any]]:
    """(field, before, after) of what a holder's page and citation show beside its title."""
    out: list[tuple[str, Any, Any]] = [("authors", list(old.authors), list(new.authors))]
    if isinstance(old, Paper) and isinstance(new, Paper):
        out.append(("venue", old.venue, new.venue))
        out += [(f"links.{key}", old.links.get(key), new.links.get(key))
                for key in sorted(old.links.keys() | new.links.keys())]
        # The tasks it names put it on those tasks' lists (its page, the API), and its abstract
        # says what it claims (helper-109: "We propose LERT" → "We propose BERT" went unsaid).
        out.append(("tasks", list(old.tasks), list(new.tasks)))
        if old.abstract and new.abstract != old.abstract:
            out.append(("abstract", *_where_differs(old.abstract, new.abstract or "")))
    return out


#: Characters of each text shown around the first place two texts differ.
_AROUND = 40


def _where_differs(before: str, after: str) -> tuple[str, str | None]:
    """Two long texts (an abstract) as a reviewer needs them: each around its first character
    that differs, with how long it is."""
    at = next((i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
              min(len(before), len(after)))
    start = max(0, at - _AROUND)

    def around(text: str) -> str:
        part = text[start:at + _AROUND]
        return (f"{len(text):,} characters, from character {start + 1}: "
                f"{'…' if start else ''}{part}{'…' if at + _AROUND < len(text) else ''}")

    return around(before), around(after) if after else None


def _lost_steps(before: Sequence[Step], after: Sequence[Step], base: Leaderboard,
                head: Leaderboard, renamed: Mapping[str, str]) -> list[str]:
    """The steps of a state of the art over time (``before``, the base board's; ``after``, the
    head's: with or without extra training data) that the head's no longer has, though their
    rows are there with the same value: a row added or dated anew now comes before them, so
    they no longer set a new best when they appeared. Each as ``model value (date)``."""
    metric = base.benchmark.primary
    if metric is None or metric != head.benchmark.primary:
        return []
    kept = {(row_key(s.row, {}), s.value) for s in after}
    was = {(row_key(s.row, renamed), s.value) for s in before}
    # When each step the head's history has and the base's had not was set: a published step
    # is rewritten only by one set before it (a better result on the same day is an addition).
    arrived = sorted(s.date for s in after if (row_key(s.row, {}), s.value) not in was)
    rows = {row_key(r, {}): r for r in head.rows}
    lost = []
    for step in before:
        key = row_key(step.row, renamed)
        now = rows.get(key)
        value = now.result.metrics.get(metric) if now is not None else None
        if value is not None and value.value == step.value \
                and (key, step.value) not in kept and arrived and arrived[0] < step.date:
            lost.append(f"{step.row.result.model} {number(step.value)} ({step.date})")
    return lost


def _rank_differences(base: Leaderboard, head: Leaderboard, before: Mapping[RowKey, Row],
                      after: Mapping[RowKey, Row]) -> list[Difference]:
    """Ranks that change for a reason other than added rows: the head's rows that were on the
    base board, ranked alone, must rank as they did. (With no other difference on the board
    this should never find anything; it is the guard of last resort.)"""
    kept = [after[k] for k in before if k in after]
    if not kept:
        return []
    alone = rank(head.benchmark, [(r.result, r.holder, r.via) for r in kept])
    ranked = {row_key(r, {}): r for r in alone.rows}
    out: list[Difference] = []
    for key, old in before.items():
        new = ranked.get(key)
        if new is None:
            continue
        if (old.rank, old.rank_without_extra_data) != (new.rank, new.rank_without_extra_data) \
                and old.rank is not None:
            out.append(Difference("rank", base.benchmark.id, False, base.benchmark.primary,
                                  old.rank, new.rank, old, after[key]))
    return out
