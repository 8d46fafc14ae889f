"""The registry as flat tables: one row per (result, metric) on every leaderboard, and one table
per entity, computed once from the compiled leaderboards for every export to write.

Every table is a :class:`Table`: typed :class:`Column` s (the one description of each column
that the Parquet schema, the JSON Schema, the SQLite tables, the dataset card and
``docs/exports.md`` are made from) and rows of plain Python values in column order. A column is
never of mixed type; a list column holds a list (empty, never null) of strings.

The ``results`` table is the leaderboards laid flat: a leaderboard's rows in its order, each
row's metrics in the board's metric order, boards by id. A result filed under a subtask appears
again on each ancestor task's board (``via_task`` names the subtask), as on the leaderboards.

Ids are stable: ``result_id`` is made from what identifies a result across versions of the
registry (:attr:`..registry.Result.key`: its holder, task, dataset, split and model name as
folded), ``id`` from that, the board and the metric; neither depends on the order of files or
results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .leaderboard import Leaderboard, benchmark_of, group_results, paper_topics, rank, row_papers
from .markdown import number
from .parallel import fork_map, shared
from .registry import Holder, Paper, Registry, Result, paper_label
from .stats import area_of

#: Below this many leaderboards, worker processes cost more than they save.
PARALLEL_THRESHOLD = 200
#: The kinds of column: a text, a whole number, a 64-bit float, true/false, a list of texts.
TYPES = ("string", "int", "float", "bool", "strings")


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    #: Whether a row may have no value (null) here; list columns never do (an empty list).
    nullable: bool
    description: str


@dataclasses.dataclass(slots=True)
class Table:
    name: str
    description: str
    #: The columns whose values identify a row.
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]

    def column(self, name: str) -> list[Any]:
        i = [c.name for c in self.columns].index(name)
        return [row[i] for row in self.rows]


def _columns(*specs: tuple[str, str, bool, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


_S, _I, _F, _B, _L = TYPES

RESULT_COLUMNS = _columns(
    ("id", _S, False, "This row: its result on its leaderboard in one metric (a hash of "
     "result_id, benchmark and metric)."),
    ("result_id", _S, False, "The result (a hash of its holder, task, dataset, split and model "
     "name as folded): the same on every metric's row and on a parent task's copy."),
    ("benchmark", _S, False, "The leaderboard's id: task--dataset[--split]."),
    ("benchmark_name", _S, False, "The leaderboard's name."),
    ("task", _S, False, "The leaderboard's task id (for a parent-task copy, the parent)."),
    ("task_name", _S, False, "The task's name."),
    ("dataset", _S, False, "The dataset id."),
    ("dataset_name", _S, False, "The dataset's name."),
    ("split", _S, True, "The split or setting as the result writes it (\"test\", "
     "\"5-shot\"), if it gives one; the leaderboard's id holds its slug, under which "
     "spellings of one split (\"Test\", \"test\") share a leaderboard."),
    ("metric", _S, False, "The metric id."),
    ("metric_name", _S, False, "The metric's name."),
    ("is_primary", _B, False, "Whether the metric is the leaderboard's primary metric, by "
     "which it is ranked."),
    ("direction", _S, True, "higher or lower (is better) on this leaderboard; null where "
     "unknown (then nothing is ranked by it)."),
    ("unit", _S, True, "The metric's unit (percent, ...), if it has one."),
    ("value", _F, False, "The value, a number in the metric's unit (66.36 for 66.36%)."),
    ("value_text", _S, False, "The value as the registry's leaderboards write it: the "
     "shortest decimal that reads back as the same number (66.36, 88); see docs/exports.md."),
    ("spread", _F, True, "The spread the paper gives with the value (± 0.5), if any."),
    ("spread_note", _S, True, "What the spread is (\"std over 5 seeds\"), if the paper says."),
    ("rank", _I, True, "The result's rank on its leaderboard (by the primary metric; ties "
     "share a rank); null where unranked."),
    ("rank_without_extra_data", _I, True, "The rank among results that used no extra "
     "training data; null for those that did, or where unranked."),
    ("metric_rank", _I, True, "The result's rank on this row's metric; null where the "
     "metric's direction is unknown, and for a point of reference (source_kind reference)."),
    ("model", _S, False, "The model's name as the holder gives it."),
    ("extra_training_data", _B, False, "Whether the model used training data beyond the "
     "dataset's own."),
    ("date", _S, True, "The result's date, else its holder's: YYYY-MM-DD, or YYYY-MM where "
     "only the month is known."),
    ("holder_kind", _S, False, "paper or source: the kind of record whose file holds the "
     "result."),
    ("holder_id", _S, False, "The id of the paper or source that holds the result."),
    ("holder_title", _S, True, "Its title; null for a paper whose title is not known yet."),
    ("holder_source_kind", _S, True, "For a source: submission, library, model-card, report "
     "or leaderboard."),
    ("holder_file", _S, False, "The holder's file in the registry."),
    ("paper_id", _S, True, "The paper whose method the result evaluates (the holder, or the "
     "paper a source names); null where none is known."),
    ("paper_title", _S, True, "That paper's title; null while unknown."),
    ("paper_arxiv", _S, True, "That paper's arXiv id, without version."),
    ("paper_doi", _S, True, "That paper's DOI."),
    ("paper_date", _S, True, "That paper's date: YYYY-MM-DD or YYYY-MM."),
    ("source_kind", _S, True, "How the numbers relate to the method: own, baseline, "
     "reproduction, submission, library, model-card, report, or reference (human "
     "performance, an oracle: never ranked)."),
    ("source_location", _S, True, "Where in the paper the numbers are (\"Table 3\")."),
    ("source_url", _S, True, "A page that shows the numbers, when not the paper itself."),
    ("reported_by", _S, True, "Who filed the result (the authors, a person, an importer)."),
    ("code_url", _S, True, "The holder's code: its official repository, else its first."),
    ("code_official", _B, True, "Whether code_url is the official code; null without code."),
    ("result_code_links", _L, False, "Code links given with the result itself."),
    ("via_task", _S, True, "For a copy of a subtask's result on a parent task's "
     "leaderboard, the subtask; null for a result filed under this task."),
    ("notes", _S, True, "The result's notes."),
)
_RESULT_INDEX = {c.name: i for i, c in enumerate(RESULT_COLUMNS)}

PAPER_COLUMNS = _columns(
    ("id", _S, False, "The paper's id."),
    ("title", _S, True, "Its title; null while unknown (the paper is known by an identifier)."),
    ("label", _S, False, "How every view names it: its title, or while that is unknown the "
     "identifier it is known by (\"arXiv:1507.01127 (title unknown)\")."),
    ("date", _S, True, "Its date: YYYY-MM-DD, or YYYY-MM where only the month is known."),
    ("arxiv", _S, True, "arXiv id, without version."),
    ("doi", _S, True, "DOI."),
    ("acl", _S, True, "ACL Anthology id."),
    ("openreview", _S, True, "OpenReview id."),
    ("venue", _S, True, "Where it was published."),
    ("authors", _L, False, "Its authors, in order."),
    ("abstract", _S, True, "Its abstract."),
    ("code_url", _S, True, "Its official repository, else its first."),
    ("code_official", _B, True, "Whether code_url is official; null without code."),
    ("tasks", _L, False, "Task ids the paper is about: those it names, then those of every "
     "leaderboard it has a row on (its results', their copies on ancestor tasks', rows of "
     "others crediting it)."),
    ("methods", _L, False, "Method ids the paper introduces or uses."),
    ("results", _I, False, "How many results its file holds."),
    ("file", _S, False, "Its file in the registry."),
)

SOURCE_COLUMNS = _columns(
    ("id", _S, False, "The source's id."),
    ("kind", _S, False, "submission, library, model-card, report or leaderboard."),
    ("title", _S, False, "Its title."),
    ("date", _S, True, "Its date: YYYY-MM-DD or YYYY-MM."),
    ("url", _S, True, "Where it is published."),
    ("authors", _L, False, "Its authors, in order."),
    ("description", _S, True, "What it is."),
    ("code_url", _S, True, "Its official repository, else its first."),
    ("code_official", _B, True, "Whether code_url is official; null without code."),
    ("results", _I, False, "How many results its file holds."),
    ("file", _S, False, "Its file in the registry."),
)

TASK_COLUMNS = _columns(
    ("id", _S, False, "The task's id."),
    ("name", _S, False, "Its name."),
    ("description", _S, True, "What it is."),
    ("parent", _S, True, "The parent task's id."),
    ("area", _S, True, "Its area's id: its own, else its nearest ancestor's."),
    ("aliases", _L, False, "Other names of the task."),
)

DATASET_COLUMNS = _columns(
    ("id", _S, False, "The dataset's id."),
    ("name", _S, False, "Its name."),
    ("full_name", _S, True, "Its full name."),
    ("description", _S, True, "What it is."),
    ("homepage", _S, True, "Its home page."),
    ("parent", _S, True, "The dataset it is part or a version of."),
    ("introduced", _S, True, "The id of the paper that introduced it."),
    ("license", _S, True, "Its licence."),
    ("modalities", _L, False, "Its modalities."),
    ("languages", _L, False, "Its languages."),
    ("aliases", _L, False, "Other names of the dataset."),
)

METRIC_COLUMNS = _columns(
    ("id", _S, False, "The metric's id."),
    ("name", _S, False, "Its name."),
    ("description", _S, True, "What it measures."),
    ("direction", _S, True, "higher or lower (is better); null where nobody has decided."),
    ("unit", _S, True, "Its unit."),
    ("range_min", _F, True, "The least value it can take."),
    ("range_max", _F, True, "The greatest value it can take."),
    ("aliases", _L, False, "Other names of the metric."),
)

AREA_COLUMNS = _columns(
    ("id", _S, False, "The area's id."),
    ("name", _S, False, "Its name."),
    ("description", _S, True, "What it covers."),
)

BENCHMARK_COLUMNS = _columns(
    ("id", _S, False, "The leaderboard's id: task--dataset[--split]."),
    ("name", _S, False, "Its name."),
    ("task", _S, False, "The task id."),
    ("dataset", _S, False, "The dataset id."),
    ("split", _S, True, "The split or setting, if any."),
    ("primary_metric", _S, True, "The metric it is ranked by."),
    ("direction", _S, True, "The primary metric's direction; null where unknown (unranked)."),
    ("metrics", _L, False, "Its metrics' ids, in the leaderboard's order."),
    ("results", _I, False, "How many results it has (rows of the leaderboard)."),
    ("notes", _S, True, "Notes on the leaderboard."),
)

#: Each table's description, key and columns, in the order exports write them.
LAYOUT: dict[str, tuple[str, tuple[str, ...], tuple[Column, ...]]] = {
    "results": ("Every result on every leaderboard, one row per metric.", ("id",),
                RESULT_COLUMNS),
    "papers": ("Every paper.", ("id",), PAPER_COLUMNS),
    "sources": ("Every source: results no paper reports (submissions, libraries, model "
                "cards, reports).", ("id",), SOURCE_COLUMNS),
    "tasks": ("Every task.", ("id",), TASK_COLUMNS),
    "datasets": ("Every dataset.", ("id",), DATASET_COLUMNS),
    "metrics": ("Every metric.", ("id",), METRIC_COLUMNS),
    "areas": ("Every area (of tasks).", ("id",), AREA_COLUMNS),
    "benchmarks": ("Every leaderboard.", ("id",), BENCHMARK_COLUMNS),
}


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()


def result_id(result: Result) -> str:
    """The ``result_id`` column: a short, stable name of :attr:`..registry.Result.key` (the
    site's row anchors and feed entries use it too)."""
    return _digest(*result.key)


def holder_fields(holder: Holder) -> dict[str, Any]:
    """What every view says of the record that holds a result (the snapshot's ``holder``)."""
    if isinstance(holder, Paper):
        return {"kind": "paper", "id": holder.id, "title": holder.title}
    return {"kind": "source", "id": holder.id, "title": holder.title,
            "source_kind": holder.kind, "url": holder.url, "date": holder.date}


def paper_fields(paper: Paper | None) -> dict[str, Any] | None:
    """What every view says of the paper of a result's method (the snapshot's ``paper``)."""
    return None if paper is None else {"id": paper.id, "title": paper.title, "date": paper.date,
                                       "arxiv": paper.identifiers.get("arxiv")}


#: The holder's and the paper's columns of rows, by record (``id()``): kept across the boards
#: of one run, since a paper's results sit on several boards.
RowCache = tuple[dict[int, tuple[Any, ...]], dict[int, tuple[Any, ...]]]


def result_rows(board: Leaderboard, registry: Registry,
                cache: RowCache | None = None) -> Iterable[tuple[Any, ...]]:
    """The rows of one leaderboard in the ``results`` table, in :data:`RESULT_COLUMNS`' order."""
    b = board.benchmark
    metric_units = registry.entities.get("metric", {})
    task_name = registry.name("task", b.task)
    dataset_name = registry.name("dataset", b.dataset)
    common = (b.id, b.name, b.task, task_name, b.dataset, dataset_name)
    # What a row says of its metric, once per board rather than once per cell.
    metrics = [(metric, (metric, registry.name("metric", metric), metric == b.primary,
                         b.directions.get(metric), metric_units.get(metric, {}).get("unit")))
               for metric in b.metrics]
    holders, papers = ({}, {}) if cache is None else cache
    for row in board.rows:
        result, holder, paper = row.result, row.holder, row.paper
        result_key = result_id(result)
        head = (result_key, *common, result.split)
        ranks = (row.rank, row.rank_without_extra_data)
        if (holder_part := holders.get(id(holder))) is None:
            holder_part = holders[id(holder)] = (*_holder_columns(holder),
                                                 *_holder_code(holder))
        if (paper_part := papers.get(id(paper))) is None:
            paper_part = papers[id(paper)] = _paper_columns(paper)
        source = result.source
        # Every metric's row of the result shares these (one list object for its links:
        # nothing changes a row once made).
        tail = (result.model, result.extra_training_data, row.date, *holder_part[:5],
                *paper_part, source.get("kind"), source.get("location"), source.get("url"),
                source.get("reported_by"), *holder_part[5:], list(result.code_links),
                row.via, result.notes)
        values = result.metrics
        for metric, described in metrics:
            value = values.get(metric)
            if value is None:
                continue
            v = value.value
            yield (_digest(result_key, b.id, metric), *head, *described, v, number(v),
                   value.spread, value.note, *ranks, row.ranks.get(metric), *tail)


def _holder_columns(holder: Holder) -> tuple[Any, ...]:
    if isinstance(holder, Paper):
        return ("paper", holder.id, holder.title, None, holder.file)
    return ("source", holder.id, holder.title, holder.kind, holder.file)


def _paper_columns(paper: Paper | None) -> tuple[Any, ...]:
    if paper is None:
        return (None, None, None, None, None)
    return (paper.id, paper.title, paper.identifiers.get("arxiv"),
            paper.identifiers.get("doi"), paper.date)


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def _texts(record: Mapping[str, Any], key: str) -> list[str]:
    return [v for v in record.get(key, ()) if isinstance(v, str)]


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def _holder_code(holder: Holder) -> tuple[str | None, bool | None]:
    code = holder.main_code
    return (code.url, code.official) if code else (None, None)


def entity_rows(registry: Registry, results: Sequence[tuple[Any, ...]]
                ) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every entity table but the benchmarks', by table name; ``results``, the
    results table's rows, place papers on their boards (:func:`..leaderboard.paper_topics`)."""
    entities = registry.entities
    tasks = entities.get("task", {})
    # A row per metric: each (board, holder, paper) once before placing its papers.
    rows = set(map(operator.itemgetter(*(_RESULT_INDEX[c] for c in (
        "task", "dataset", "holder_id", "holder_kind", "paper_id"))), results))
    on = paper_topics(registry.papers.values(), entities, (
        (t, d, p) for t, d, h, kind, credited in rows
        for p in row_papers(h, kind == "paper", credited)))
    out: dict[str, list[tuple[Any, ...]]] = {}
    out["papers"] = [
        (p.id, p.title, paper_label(p), p.date, p.identifiers.get("arxiv"),
         p.identifiers.get("doi"),
         p.identifiers.get("acl"), p.identifiers.get("openreview"), p.venue, list(p.authors),
         p.abstract, *_holder_code(p), list(on[p.id].tasks), list(p.methods), len(p.results),
         p.file)
        for p in sorted(registry.papers.values(), key=lambda p: p.id)]
    out["sources"] = [
        (s.id, s.kind, s.title, s.date, s.url, list(s.authors), s.description,
         *_holder_code(s), len(s.results), s.file)
        for s in sorted(registry.sources.values(), key=lambda s: s.id)]
    out["tasks"] = [
        (i, registry.name("task", i), _text(t, "description"), _text(t, "parent"),
         area_of(tasks, i), _texts(t, "aliases")) for i, t in sorted(tasks.items())]
    out["datasets"] = [
        (i, registry.name("dataset", i), _text(d, "full_name"), _text(d, "description"),
         _text(d, "homepage"), _text(d, "parent"), _text(d, "introduced"), _text(d, "license"),
         _texts(d, "modalities"), _texts(d, "languages"), _texts(d, "aliases"))
        for i, d in sorted(entities.get("dataset", {}).items())]
    out["metrics"] = [
        (i, registry.name("metric", i), _text(m, "description"),
         d if (d := m.get("direction")) in ("higher", "lower") else None, _text(m, "unit"),
         _float((m.get("range") or {}).get("min")), _float((m.get("range") or {}).get("max")),
         _texts(m, "aliases")) for i, m in sorted(entities.get("metric", {}).items())]
    out["areas"] = [(i, registry.name("area", i), _text(a, "description"))
                    for i, a in sorted(entities.get("area", {}).items())]
    return out


def benchmark_row(board: Leaderboard) -> tuple[Any, ...]:
    """The leaderboard's row in the ``benchmarks`` table."""
    b = board.benchmark
    return (b.id, b.name, b.task, b.dataset, b.split, b.primary,
            b.directions.get(b.primary) if b.primary else None, list(b.metrics),
            len(board.rows), b.notes)


def _unique_ids(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``rows`` with ids made unique: a result filed twice (which ``pwc validate`` refuses,
    but which a registry being edited may hold) has the same id on both rows; the later copy
    gets ``-2`` (``-3``...) appended, in leaderboard order."""
    if len({row[0] for row in rows}) == len(rows):  # a valid registry: a set, no renaming pass
        return rows
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        copies = seen.get(row[0], 0) + 1
        seen[row[0]] = copies
        if copies > 1:
            rows[i] = (f"{row[0]}-{copies}", *row[1:])
    return rows


def _board_rows(keys: Sequence[str]) -> bytes:
    """Rank the leaderboards of ``keys`` and lay them flat: (id, result rows, benchmark row)
    of each, as marshal bytes (plain data crosses from a worker fastest that way)."""
    registry, groups = shared()
    out = []
    cache: RowCache = ({}, {})
    for key in keys:
        board = rank(benchmark_of(registry, key, groups[key]), groups[key], registry.papers,
                     sota=False)
        out.append((key, list(result_rows(board, registry, cache)), benchmark_row(board)))
    return marshal.dumps(out)


def compute(registry: Registry, boards: Sequence[Leaderboard] | None = None, *,
            jobs: int | None = None) -> dict[str, Table]:
    """Every table of the registry, by name, in :data:`LAYOUT`'s order. ``boards``: its
    compiled leaderboards, if already at hand; else they are compiled and laid flat by
    worker processes, each taking its share of benchmarks (as the snapshot does)."""
    if boards is not None:
        cache: RowCache = ({}, {})
        flat = [(b.benchmark.id, list(result_rows(b, registry, cache)), benchmark_row(b))
                for b in boards]
    else:
        groups = group_results(registry)
        parts = fork_map(_board_rows, sorted(groups), jobs=jobs, threshold=PARALLEL_THRESHOLD,
                         share=(registry, groups), chunks_per_job=1)
        flat = sorted((board for part in parts for board in marshal.loads(part)),
                      key=lambda board: str(board[0]))
    results = _unique_ids([row for _, board_rows, _ in flat for row in board_rows])
    rows = entity_rows(registry, results)
    rows["results"] = results
    rows["benchmarks"] = [board_row for _, _, board_row in flat]
    return {name: Table(name, description, key, columns, rows[name])
            for name, (description, key, columns) in LAYOUT.items()}


def column_reference(level: str = "###") -> str:
    """Every table's columns as Markdown: the dataset card's and docs/exports.md's reference."""
    lines: list[str] = []
    for name, (description, _, columns) in LAYOUT.items():
        lines += [f"{level} {name}", "", description, "", "| column | type | description |",
                  "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type}{'' if c.nullable else ', never null'} | "
                  f"{c.description.replace('|', '/')} |" for c in columns]
        lines.append("")
    return "\n".join(lines)
