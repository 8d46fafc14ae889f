"""How far a registry is from one people would trust: the numbers ``pwc stats`` prints.

Everything is counted over the leaderboards as compiled (:func:`.leaderboard.compile_leaderboards`),
so a row is what a reader sees on a board: a result filed under a subtask is a row on its
parent's board too. Papers are counted once each. The rules are the validator's, not a second
version of them: a title is wrong by :func:`.check.title_problem`, a row is a duplicate by
Q005's rule (:func:`.ids.undated` and :func:`.check.values_key`), a metric has a direction as
V008 asks.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .check import title_problem, values_key
from .ids import undated
from .leaderboard import Leaderboard
from .registry import Registry

#: The area of a board whose task (and every ancestor of it) names none.
OTHER = "Other"


@dataclasses.dataclass(frozen=True)
class Share:
    """``count`` of ``total``."""

    count: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.count / self.total if self.total else 0.0

    def text(self) -> str:
        return f"{self.count:,} of {self.total:,} ({self.percent:.1f} %)"

    def as_json(self) -> dict[str, Any]:
        return {"count": self.count, "total": self.total, "percent": round(self.percent, 1)}


@dataclasses.dataclass(frozen=True)
class UndirectedMetric:
    """A metric with no direction, and what ranking it would change."""

    id: str
    name: str
    #: Rows that report it.
    used: int
    #: Boards it is the primary metric of that no benchmark override gives a direction.
    boards: int
    #: The rows of those boards, unranked for want of the direction.
    rows: int


@dataclasses.dataclass(frozen=True)
class Stats:
    boards_ranked: Share
    rows_dated: Share
    rows_with_code: Share
    papers_with_authors: Share
    papers_with_abstract: Share
    #: Papers whose title is a citation, a URL or Markdown (Q002–Q004).
    papers_titled_wrong: Share
    #: Papers known by an identifier only, their title not fetched yet (Q009).
    papers_title_unknown: Share
    #: Rows that repeat an earlier row of their board (Q005's rule), of all rows.
    duplicate_rows: Share
    boards_with_duplicates: int
    #: Metrics with no direction: the most used first.
    undirected: tuple[UndirectedMetric, ...]
    metrics: int
    #: Boards per area name, most first; :data:`OTHER` for boards of tasks with no area.
    areas: tuple[tuple[str, int], ...]
    #: Files left out of the count because they do not pass their schema.
    skipped: tuple[str, ...] = ()

    @property
    def boards_other(self) -> Share:
        return Share(dict(self.areas).get(OTHER, 0), self.boards_ranked.total)


def area_of(tasks: Mapping[str, Mapping[str, Any]], task: str) -> str | None:
    """The area of a task: its own, else its nearest ancestor's (the site files its
    leaderboards by it)."""
    seen: set[str] = set()
    node: str | None = task
    while node is not None and node in tasks and node not in seen:
        seen.add(node)
        area = tasks[node].get("area")
        if isinstance(area, str) and area:
            return area
        parent = tasks[node].get("parent")
        node = parent if isinstance(parent, str) else None
    return None


def registry_stats(registry: Registry, boards: Sequence[Leaderboard]) -> Stats:
    """The numbers of ``registry`` whose leaderboards are ``boards``."""
    rows = [row for board in boards for row in board.rows]
    papers = list(registry.papers.values())

    duplicates = 0
    boards_with_duplicates = 0
    for board in boards:
        seen: set[tuple[Any, ...]] = set()
        before = duplicates
        for row in board.rows:
            values = values_key({m: v.value for m, v in row.result.metrics.items()})
            key = (row.holder.id, undated(row.result.model), values)
            if values is not None and key in seen:
                duplicates += 1
            seen.add(key)
        boards_with_duplicates += duplicates > before

    unranked: Counter[str] = Counter()
    unranked_boards: Counter[str] = Counter()
    used = Counter(metric for row in rows for metric in row.result.metrics)
    for board in boards:
        primary = board.benchmark.primary
        if primary is not None and board.direction(primary) is None:
            unranked[primary] += len(board.rows)
            unranked_boards[primary] += 1
    metrics = registry.entities.get("metric", {})
    undirected = sorted(
        (UndirectedMetric(metric_id, registry.name("metric", metric_id), used[metric_id],
                          unranked_boards[metric_id], unranked[metric_id])
         for metric_id, record in metrics.items() if "direction" not in record),
        key=lambda m: (-m.used, -m.rows, m.id))

    areas: Counter[str] = Counter()
    tasks = registry.entities.get("task", {})
    for board in boards:
        area = area_of(tasks, board.benchmark.task)
        areas[registry.name("area", area) if area else OTHER] += 1

    return Stats(
        boards_ranked=Share(sum(1 for b in boards if b.benchmark.primary is not None
                                and b.direction(b.benchmark.primary) is not None), len(boards)),
        rows_dated=Share(sum(1 for r in rows if r.date), len(rows)),
        rows_with_code=Share(sum(1 for r in rows if r.holder.code or r.result.code_links),
                             len(rows)),
        papers_with_authors=Share(sum(1 for p in papers if p.authors), len(papers)),
        papers_with_abstract=Share(sum(1 for p in papers if p.abstract), len(papers)),
        papers_titled_wrong=Share(sum(1 for p in papers if p.title is not None
                                      and title_problem(p.title)), len(papers)),
        papers_title_unknown=Share(sum(1 for p in papers if p.title is None), len(papers)),
        duplicate_rows=Share(duplicates, len(rows)),
        boards_with_duplicates=boards_with_duplicates,
        undirected=tuple(undirected),
        metrics=len(metrics),
        areas=tuple(sorted(areas.items(), key=lambda a: (-a[1], a[0]))),
        skipped=tuple(registry.skipped),
    )


#: How many metrics without a direction the text shows (JSON has them all).
SHOWN_METRICS = 10


def as_text(stats: Stats) -> str:
    """The report as ``pwc stats`` prints it: one fact a line, fixed decimals, stable order."""
    label = 44
    lines = [
        f"{'leaderboards ranked':<{label}}{stats.boards_ranked.text()}",
        f"{'rows dated':<{label}}{stats.rows_dated.text()}",
        f"{'rows with code':<{label}}{stats.rows_with_code.text()}",
        f"{'papers with authors':<{label}}{stats.papers_with_authors.text()}",
        f"{'papers with an abstract':<{label}}{stats.papers_with_abstract.text()}",
        f"{'titles that are citations, URLs, Markdown':<{label}}{stats.papers_titled_wrong.text()}",
        f"{'titles unknown (pwc papers fill)':<{label}}{stats.papers_title_unknown.text()}",
        f"{'duplicate rows':<{label}}{stats.duplicate_rows.text()}, on "
        f"{_leaderboards(stats.boards_with_duplicates)}",
        f"{'metrics without a direction':<{label}}"
        f"{Share(len(stats.undirected), stats.metrics).text()}",
    ]
    shown = [m for m in stats.undirected if m.used][:SHOWN_METRICS]
    if shown:
        lines.append("  the most used, and the rows left unranked where one is primary:")
        width = max(len(m.id) for m in shown)
        lines += [f"    {m.id:<{width}}  {m.used:,} rows" + (
                  f"; primary on {_leaderboards(m.boards)}, {m.rows:,} rows unranked"
                  if m.boards else "") for m in shown]
    lines.append(f"{'leaderboards under Other':<{label}}{stats.boards_other.text()}")
    lines.append("leaderboards per area:")
    width = max((len(name) for name, _ in stats.areas), default=0)
    total = stats.boards_ranked.total
    lines += [f"  {name:<{width}}  {Share(n, total).text()}" for name, n in stats.areas]
    if stats.skipped:
        n = len(stats.skipped)
        lines.append(f"not counted, failing their schema: {n:,} file{'' if n == 1 else 's'} "
                     "(pwc validate says why)")
    return "\n".join(lines) + "\n"


def _leaderboards(n: int) -> str:
    return f"{n:,} leaderboard{'' if n == 1 else 's'}"


def as_json(stats: Stats) -> str:
    out: Mapping[str, Any] = {
        "leaderboards_ranked": stats.boards_ranked.as_json(),
        "rows_dated": stats.rows_dated.as_json(),
        "rows_with_code": stats.rows_with_code.as_json(),
        "papers_with_authors": stats.papers_with_authors.as_json(),
        "papers_with_abstract": stats.papers_with_abstract.as_json(),
        "papers_titled_by_citation_url_or_markdown": stats.papers_titled_wrong.as_json(),
        "papers_title_unknown": stats.papers_title_unknown.as_json(),
        "duplicate_rows": {**stats.duplicate_rows.as_json(),
                           "leaderboards": stats.boards_with_duplicates},
        "metrics_without_direction": {
            **Share(len(stats.undirected), stats.metrics).as_json(),
            "metrics": [{"id": m.id, "name": m.name, "rows": m.used,
                         "unranked_leaderboards": m.boards, "unranked_rows": m.rows}
                        for m in stats.undirected]},
        "leaderboards_under_other": stats.boards_other.as_json(),
        "leaderboards_per_area": [{"area": name, "leaderboards": n} for name, n in stats.areas],
        "not_counted": list(stats.skipped),
    }
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
