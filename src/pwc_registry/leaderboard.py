"""Leaderboards: the results of a benchmark (task × dataset × split), ranked.

How a leaderboard is made, in order:

1. **Benchmarks.** Every (task, dataset, split) that a result names is a benchmark. A result
   filed under a subtask also counts for each ancestor task on the same dataset and split
   (marked ``via`` the subtask), unless its holder files the same model there directly. A
   result's holder is the paper or source whose file holds it.
2. **Metrics.** A benchmark's settings file (``registry/benchmarks/<id>.yaml``) may fix the
   metric order and the primary metric; otherwise metrics are ordered as they first appear
   (holders by date, then id; results in file order), and the first is primary.
3. **Directions.** A metric's direction comes from its file, or from the benchmark's
   ``directions`` override. A metric without a known direction is shown but never ranked.
4. **Ranking.** Rows are ranked by the primary metric in its direction. Equal values share a
   rank and the next rank skips (1, 2, 2, 4). Rows without the primary metric come after the
   ranked ones, unranked. Each row also has its rank on every other metric, and its ranks (on
   each metric) among the rows that used no extra training data.
5. **State of the art over time.** Rows with the primary metric, in date order (the result's
   date, else its holder's), that beat every earlier row.

Everything here is a pure function of the registry; ties are broken by date, holder id and model
so that the same registry always gives the same order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from . import layout
from .ids import ResultIdentity, board_problem, result_identity
from .registry import CodeLink, Holder, Paper, Registry, Result

#: How far above the previous best a new value must be to be flagged: more than this share of
#: the previous best's magnitude (66.36 → above 79.6 for accuracy; 5.0 → below 4.0 for an error).
FAR_ABOVE = 0.2


@dataclasses.dataclass(slots=True)
class Benchmark:
    id: str
    task: str
    dataset: str
    split: str | None
    name: str
    metrics: tuple[str, ...]
    primary: str | None
    directions: Mapping[str, str]
    notes: str | None = None


@dataclasses.dataclass(slots=True)
class Row:
    result: Result
    #: The paper or source whose file holds the result: where the numbers come from.
    holder: Holder
    rank: int | None
    rank_without_extra_data: int | None
    ranks: Mapping[str, int | None]
    via: str | None = None
    #: The row's rank on each metric among the rows that used no extra training data (empty
    #: for a row that used some).
    ranks_without_extra_data: Mapping[str, int | None] = dataclasses.field(default_factory=dict)
    #: The paper whose method the row evaluates: the one the result names, else the holder if
    #: it is a paper; None for a source's result that names no paper (or one not in the
    #: registry).
    paper: Paper | None = None

    @property
    def date(self) -> str | None:
        return self.result.date or self.holder.date

    @property
    def code(self) -> CodeLink | None:
        """The code the row links to, in every view of it: the model's own (its result's first
        code link, never said to be official), else its holder's."""
        return CodeLink(self.result.code_links[0]) if self.result.code_links \
            else self.holder.main_code


@dataclasses.dataclass(slots=True)
class Step:
    """A row that set a new state of the art when it appeared."""

    date: str
    value: float
    row: Row


@dataclasses.dataclass(slots=True)
class Leaderboard:
    benchmark: Benchmark
    rows: tuple[Row, ...]
    sota: tuple[Step, ...]
    sota_without_extra_data: tuple[Step, ...]

    @property
    def best(self) -> Row | None:
        return self.rows[0] if self.rows and self.rows[0].rank == 1 else None

    def direction(self, metric: str) -> str | None:
        return self.benchmark.directions.get(metric)


def ranked_by(metric_name: str | None, direction: str | None) -> str:
    """How a leaderboard is ranked, as every view says it (the site's page in HTML)."""
    if metric_name is None:
        return "No metric to rank by."
    if direction in ("higher", "lower"):
        return f"Ranked by {metric_name} ({direction} is better)."
    return f"Not ranked yet: nobody has said whether higher or lower {metric_name} is better."


#: The provenance of a result that is a point of reference, not a method's: listed, never ranked.
REFERENCE = "reference"


def is_reference(result: Result) -> bool:
    """Whether ``result`` is a point of reference (human performance, an oracle, an upper
    bound) rather than a method's: listed on its boards with its values, never ranked, never
    the state of the art."""
    return result.source.get("kind") == REFERENCE


#: (task, dataset) of a leaderboard and the id of a paper with a row on it.
Place = tuple[str, str, str]


def row_papers(holder_id: str, holder_is_paper: bool, paper_id: str | None) -> tuple[str, ...]:
    """The papers a leaderboard row counts for: its holder, if a paper, and the paper whose
    method it evaluates (the one rule of whose a row is, for every list of a paper's)."""
    own = (holder_id,) if holder_is_paper else ()
    return own if paper_id is None or paper_id == holder_id else (*own, paper_id)


def board_places(boards: Iterable[Leaderboard]) -> Iterator[Place]:
    """Each (task, dataset, paper id) with a row of the paper on a board of ``boards``."""
    for board in boards:
        b = board.benchmark
        for row in board.rows:
            for paper_id in row_papers(row.holder.id, isinstance(row.holder, Paper),
                                       row.paper.id if row.paper is not None else None):
                yield b.task, b.dataset, paper_id


@dataclasses.dataclass(frozen=True)
class PaperTopics:
    """What a paper is about, as every view lists it: the tasks it names, then those of every
    leaderboard it has a row on (its results', their copies on ancestor tasks', rows of others
    crediting it), and the datasets of those leaderboards; ids the registry has only."""

    tasks: tuple[str, ...]
    datasets: tuple[str, ...]


def paper_topics(papers: Iterable[Paper], entities: Mapping[str, Mapping[str, Any]],
                 places: Iterable[Place]) -> dict[str, PaperTopics]:
    """Each paper's :class:`PaperTopics`, by id (``places``: from :func:`board_places`, or the
    results table's rows) — for the site, the API, the exports and ``pwc show paper``."""
    on_tasks: dict[str, set[str]] = {}
    on_datasets: dict[str, set[str]] = {}
    for task, dataset, paper_id in places:
        on_tasks.setdefault(paper_id, set()).add(task)
        on_datasets.setdefault(paper_id, set()).add(dataset)
    tasks, datasets = entities.get("task", {}), entities.get("dataset", {})
    return {p.id: PaperTopics(
        tuple(t for t in dict.fromkeys([*p.tasks, *sorted(on_tasks.get(p.id, ()))])
              if t in tasks),
        tuple(d for d in sorted(on_datasets.get(p.id, ())) if d in datasets))
        for p in papers}


def references_said(board: Leaderboard, *, extra_data: bool = True) -> str | None:
    """The sentence under a leaderboard's table that names its points of reference, as the
    text views say them (their rank cell is empty, as an unranked row's); None without any.
    Without ``extra_data``, those the view without extra training data lists."""
    names = [row.result.model for row in board.rows if is_reference(row.result)
             and (extra_data or not row.result.extra_training_data)]
    if not names:
        return None
    return ("Not ranked, as points of reference (human performance, an oracle), not methods: "
            + "; ".join(names) + ".")


def better(direction: str, a: float, b: float) -> bool:
    """Whether ``a`` beats ``b`` in ``direction``."""
    return a > b if direction == "higher" else a < b


def far_above(direction: str, value: float, best: float) -> bool:
    """Whether ``value`` beats ``best`` by more than :data:`FAR_ABOVE` of ``best``'s size."""
    margin = FAR_ABOVE * abs(best)
    return value > best + margin if direction == "higher" else value < best - margin


#: The most ancestors a task's results count for: each result is copied onto the board of
#: each, so a chain of 300 tasks made 35 KB of YAML a 181 MB site (found by fuzzing). The
#: archive's deepest tree has 2; deeper is R004.
MAX_TASK_DEPTH = 10


def ancestors(tasks: Mapping[str, Mapping[str, Any]], task: str,
              most: int = MAX_TASK_DEPTH) -> list[str]:
    """The task's parent, its parent's, ..., at most ``most`` of them (a cycle, R003's to
    report, ends the walk; a deeper tree is R004's)."""
    out: list[str] = []
    seen = {task}
    parent = tasks.get(task, {}).get("parent")
    while isinstance(parent, str) and parent not in seen and len(out) < most:
        out.append(parent)
        seen.add(parent)
        parent = tasks.get(parent, {}).get("parent")
    return out


def _holder_order(holder: Holder) -> tuple[str, str]:
    return (holder.date or "9999", holder.id)


Entry = tuple[Result, Holder, str | None]


def group_results(registry: Registry, holders: Iterable[Holder] | None = None
                  ) -> dict[str, list[Entry]]:
    """Results by benchmark id, each with its holder and the subtask it came ``via``."""
    tasks = registry.entities.get("task", {})
    chosen = sorted(registry.holders() if holders is None else holders, key=_holder_order)
    groups: dict[str, list[Entry]] = {}
    # Where a (task, dataset, split) goes: its board and its ancestors' boards, or nowhere.
    # Many results share one; working it out is most of this function's time otherwise.
    places: dict[tuple[str, str, str | None], tuple[str, list[tuple[str, str]]] | None] = {}
    for holder in chosen:
        # Identities only matter where a result is copied up to an ancestor task (most
        # holders have no such result): a copy yields to the holder's own result there.
        direct: set[ResultIdentity] | None = None
        for result in holder.results:
            where = (result.task, result.dataset, result.split)
            if where in places:
                place = places[where]
            else:
                place = places[where] = _place(tasks, *where)
            if place is None:
                continue  # on no board (V011, V012): a build without validation gets here
            key, above = place
            groups.setdefault(key, []).append((result, holder, None))
            if not above:
                continue
            if direct is None:
                direct = {result_identity(r.task, r.dataset, r.split, r.model)
                          for r in holder.results}
            rest = result_identity(result.task, result.dataset, result.split, result.model)[1:]
            for ancestor, ancestor_key in above:
                if (ancestor, *rest) not in direct:
                    groups.setdefault(ancestor_key, []).append((result, holder, result.task))
    return groups


def _place(tasks: Mapping[str, Mapping[str, Any]], task: str, dataset: str, split: str | None
           ) -> tuple[str, list[tuple[str, str]]] | None:
    """The board of results of ``task`` on ``dataset`` (and ``split``), and each ancestor task
    with its board; None where they can be on no board."""
    above = ancestors(tasks, task)
    if board_problem(task, dataset, split, max(map(len, above), default=0)) is not None:
        return None
    return (layout.benchmark_id(task, dataset, split),
            [(a, layout.benchmark_id(a, dataset, split)) for a in above])


def benchmark_of(registry: Registry, benchmark_id: str, entries: list[Entry]) -> Benchmark:
    first = entries[0][0]
    task_id = benchmark_id.split("--")[0]  # slugs never hold "--"
    settings = registry.entities.get(layout.BENCHMARK, {}).get(benchmark_id, {})
    seen: dict[str, None] = {}
    for metric in settings.get("metrics", ()):
        seen[metric] = None
    for result, _, _ in entries:
        for metric in result.metrics:
            seen.setdefault(metric, None)
    primary = settings.get("primary_metric") or (next(iter(seen), None))
    if primary is not None and primary not in seen:
        # A primary metric no row reports yet (pwc validate warns, Q007): its column leads the
        # board, empty, and every row is unranked, as for any row without the primary metric.
        seen = {primary: None, **seen}
    metrics = tuple(seen)
    directions: dict[str, str] = {}
    for metric in metrics:
        direction = settings.get("directions", {}).get(metric) or registry.entities.get(
            "metric", {}).get(metric, {}).get("direction")
        if direction in ("higher", "lower"):
            directions[metric] = direction
    dataset_name = registry.name("dataset", first.dataset)
    default_name = f"{registry.name('task', task_id)} on {dataset_name}" + (
        f" ({first.split})" if first.split else "")
    return Benchmark(
        id=benchmark_id,
        task=task_id,
        dataset=first.dataset,
        split=first.split,
        name=settings.get("name") or default_name,
        metrics=metrics,
        primary=primary,
        directions=directions,
        notes=settings.get("notes"),
    )


def _ranks(values: list[float | None], direction: str | None) -> list[int | None]:
    """Competition ranks (1, 2, 2, 4) of ``values``: one more than the number of strictly better
    values; None where a value or the direction is missing."""
    if direction is None:
        return [None] * len(values)
    order = sorted((v for v in values if v is not None), reverse=direction == "higher")
    first: dict[float, int] = {}
    for i, v in enumerate(order):
        first.setdefault(v, i + 1)
    return [None if v is None else first[v] for v in values]


def rank(benchmark: Benchmark, entries: list[Entry],
         papers: Mapping[str, Paper] | None = None, *, sota: bool = True) -> Leaderboard:
    """The leaderboard of ``entries``; ``papers`` (by id) give each row the paper of its method
    when that is not its holder. ``sota=False`` leaves the state of the art over time out
    (empty), for callers that never read it."""
    primary = benchmark.primary
    direction = benchmark.directions.get(primary) if primary else None

    def value(result: Result, metric: str | None) -> float | None:
        v = result.metrics.get(metric) if metric else None
        return v.value if v is not None else None

    def order(entry: Entry) -> tuple[Any, ...]:
        result, holder, via = entry
        v = value(result, primary)
        unranked = v is None or direction is None or is_reference(result)
        sort_value = 0.0 if unranked or v is None else (-v if direction == "higher" else v)
        return (unranked, sort_value, result.date or holder.date or "9999", holder.id,
                result.model, via or "", result.index)

    def paper_of(result: Result, holder: Holder) -> Paper | None:
        if result.paper is None:
            return holder if isinstance(holder, Paper) else None
        return (papers or {}).get(result.paper)

    ordered = sorted(entries, key=order)
    # A reference row (human performance, an oracle) is listed with its values, never ranked.
    ranked = [None if is_reference(r) else r for r, _, _ in ordered]
    per_metric = {m: _ranks([None if r is None else value(r, m) for r in ranked],
                            benchmark.directions.get(m)) for m in benchmark.metrics}
    clean = [i for i, r in enumerate(ranked) if r is not None and not r.extra_training_data]
    # Most boards have no extra-data row: their ranks without it are the ranks (one mapping).
    every_row_clean = len(clean) == len(ordered)  # no extra-data row, no reference row
    clean_per_metric = {} if every_row_clean else {
        m: dict(zip(clean, _ranks([value(ordered[i][0], m) for i in clean],
                                  benchmark.directions.get(m)), strict=True))
        for m in benchmark.metrics}
    built = []
    for i, (r, h, via) in enumerate(ordered):
        ranks = {m: per_metric[m][i] for m in benchmark.metrics}
        clean_ranks = ranks if every_row_clean else {
            m: clean_per_metric[m][i] for m in benchmark.metrics if i in clean_per_metric[m]}
        built.append(Row(result=r, holder=h, via=via, paper=paper_of(r, h),
                         rank=per_metric[primary][i] if primary else None,
                         rank_without_extra_data=clean_ranks.get(primary) if primary else None,
                         ranks=ranks, ranks_without_extra_data=clean_ranks))
    rows = tuple(built)
    if not sota:
        return Leaderboard(benchmark, rows, (), ())
    return Leaderboard(benchmark, rows, _sota(rows, primary, direction, extra=True),
                       _sota(rows, primary, direction, extra=False))


def _sota(rows: tuple[Row, ...], metric: str | None, direction: str | None, *,
          extra: bool) -> tuple[Step, ...]:
    if metric is None or direction is None:
        return ()
    dated = [(row.date, row) for row in rows
             if row.date and metric in row.result.metrics and not is_reference(row.result)
             and (extra or not row.result.extra_training_data)]
    # Rows are already best-first, so a stable sort by date keeps the best of a day first.
    dated.sort(key=lambda pair: pair[0] or "")
    steps: list[Step] = []
    for day, row in dated:
        v = row.result.metrics[metric].value
        if not steps or better(direction, v, steps[-1].value):
            steps.append(Step(day or "", v, row))
    return tuple(steps)


def compile_leaderboards(registry: Registry, holders: Iterable[Holder] | None = None,
                         only: set[str] | None = None) -> list[Leaderboard]:
    """Every leaderboard (or those with ids in ``only``), sorted by id; of the results of
    ``holders`` only, if given."""
    groups = group_results(registry, holders)
    return _ranked(registry, groups, [k for k in sorted(groups) if only is None or k in only])


def _ranked(registry: Registry, groups: Mapping[str, list[Entry]], keys: Iterable[str]
            ) -> list[Leaderboard]:
    return [rank(benchmark_of(registry, key, groups[key]), groups[key], registry.papers)
            for key in keys]


def find_leaderboard(registry: Registry, task: str, dataset: str, split: str | None = None
                     ) -> Leaderboard | None:
    task_id = registry.find("task", task) or task
    dataset_id = registry.find("dataset", dataset) or dataset
    wanted = layout.benchmark_id(task_id, dataset_id, split)
    boards = compile_leaderboards(registry, only={wanted})
    return boards[0] if boards else None


def leaderboards_of_paper(registry: Registry, paper_id: str) -> list[Leaderboard]:
    """The leaderboards a paper has a row on: rows it holds, or rows of its method that a
    source (or another paper) holds."""
    groups = group_results(registry)
    return _ranked(registry, groups, [key for key in sorted(groups) if any(
        h.id == paper_id or r.paper == paper_id for r, h, _ in groups[key])])
