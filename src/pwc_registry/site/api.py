"""The Papers with Code API v1, read-only and static: JSON files under ``api/v1/`` of the site.

paperswithcode.com answered ``GET /api/v1/<path>/`` with JSON; scripts and the
``paperswithcode-client`` package were written against those shapes. Each path is written here as
``api/v1/<path>/index.json``, so a static host that serves a folder's ``index.json`` for
``…/`` answers it (docs/api.md says what a host needs). A list is a page, as the API gave
it: ``count``, ``next``, ``previous``, ``results`` — the first :data:`PAGE` items in
``index.json``; where a list is longer, every item is also in ``items.jsonl`` beside it (one JSON
object a line, in list order), which ``pwc site serve`` reads to answer later pages and query
filters (:mod:`.serve`), and which a script can read whole.

Everything is read from the compiled leaderboards (the site's :class:`~.build.Site`), so the API
ranks nothing itself. What the registry knows that the old API had no field for (a result's
board, a result held by a source, a date to the month, a metric's direction) is added as extra
keys, which the client ignores; see docs/api.md for each difference.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from .. import tables
from ..leaderboard import Leaderboard, Row
from ..markdown import number
from ..registry import Paper, Source, abstract_page, paper_label, pdf_page
from ..stats import area_of

if TYPE_CHECKING:
    from .build import Site

ROOT = "api/v1"
#: Items on a page when the query names no ``items_per_page``: the API's own default.
PAGE = 50
INDEX = "index.json"
ITEMS = "items.jsonl"
#: Result ids are UUIDs, as the API's were, derived from what identifies a row (its board and
#: its result): the same row keeps its id from build to build.
_RESULT_IDS = uuid.UUID("5d3c2f0e-7f1a-4c55-9d0b-3a1f6c2b9e10")

Files = dict[str, bytes]


def _json(data: Any) -> bytes:
    return orjson.dumps(data)


def page_query(page: int, per_page: int, filters: Mapping[str, str] | None = None) -> str:
    """The query of a page's URL, as the API wrote it in ``next`` and ``previous``: the list's
    filters kept, so that following ``next`` pages through the same selection."""
    kept = urllib.parse.urlencode(sorted(filters.items())) + "&" if filters else ""
    return f"?{kept}items_per_page={per_page}&page={page}"


def page_of(results: Sequence[Any], count: int, page: int = 1, per_page: int = PAGE,
            filters: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Page ``page`` of a list of ``count`` items, ``results`` being its items, in the API's
    shape (of the items matching ``filters``, the query's, when it has some). ``next`` and
    ``previous`` are relative references (a query on the same path), so the files are the
    same whatever the host."""
    return {"count": count,
            "next": page_query(page + 1, per_page, filters) if page * per_page < count
            else None,
            "previous": page_query(page - 1, per_page, filters) if page > 1 else None,
            "results": list(results)}


def list_files(path: str, items: Sequence[Any]) -> Files:
    """The files of the list endpoint at ``path``: its first page, and every item when there
    are more than fit on it."""
    files = {f"{ROOT}/{path}/{INDEX}": _json(page_of(items[:PAGE], len(items)))}
    if len(items) > PAGE:
        files[f"{ROOT}/{path}/{ITEMS}"] = b"".join(orjson.dumps(i) + b"\n" for i in items)
    return files


#: A new file, never one reached through a symlink (a file is written where it is made).
def _detail(path: str, item: Any) -> Files:
    return {f"{ROOT}/{path}/{INDEX}": _json(item)}


# --- the records, as the API shaped them -----------------------------------------------------

def _day(date: str | None) -> str | None:
    """A date the client can read as one (YYYY-MM-DD); a month alone is not a day."""
    return date if date is not None and len(date) == 10 else None


def paper(p: Paper) -> dict[str, Any]:
    arxiv = p.identifiers.get("arxiv")
    return {
        "id": p.id,
        "arxiv_id": arxiv,
        "nips_id": None,
        # The client requires strings here; the API, too, gave "" for what it did not know.
        "url_abs": abstract_page(p) or "",
        "url_pdf": pdf_page(p) or "",
        "title": paper_label(p),
        "abstract": p.abstract or "",
        "authors": list(p.authors),
        "published": _day(p.date),
        "conference": None,
        "conference_url_abs": None,
        "conference_url_pdf": None,
        "proceeding": p.venue,
        # Not in the API: the date as the registry has it (a month stays a month), and the
        # paper's other identifiers.
        "date": p.date,
        "identifiers": dict(p.identifiers),
        "title_known": p.title is not None,
    }


def entity(kind: str, entity_id: str, record: Any,
           tasks: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A task, dataset, method or area in the API's shape (its model's fields); a task's
    ``area`` is its own, else its nearest ancestor's (:func:`..stats.area_of`, given the
    registry's ``tasks``), as the exports and the site file it."""
    name = record.get("name", entity_id)
    if kind == "task":
        return {"id": entity_id, "name": name, "description": record.get("description") or "",
                "area": area_of(tasks, entity_id),
                "parent": record.get("parent")}
    if kind == "dataset":
        return {"id": entity_id, "name": name, "full_name": record.get("full_name"),
                "url": record.get("homepage")}
    if kind == "method":
        return {"id": entity_id, "name": name, "full_name": record.get("full_name") or name,
                "description": record.get("description") or "", "paper": record.get("paper")}
    return {"id": entity_id, "name": name}


def repository(url: str, official: bool, framework: str | None) -> dict[str, Any]:
    parts = url.rstrip("/").split("/")
    owner, name = (parts[-2], parts[-1]) if len(parts) >= 5 else ("", parts[-1])
    return {"url": url, "owner": owner, "name": name, "description": "",
            # The registry keeps no star counts: null, never a made-up number.
            "stars": None, "framework": framework or "none", "is_official": official}


def result_id(board_id: str, row: Row) -> str:
    """A row's id: its result (:func:`..tables.result_id`: holder, task, dataset, split, model)
    on this table, so that two results of one model filed under two subtasks, both on the
    parent's table, are two ids (from the holder and model alone they were one)."""
    return str(uuid.uuid5(_RESULT_IDS, f"{board_id}\0{tables.result_id(row.result)}"))


def result(site: Site, board: Leaderboard, row: Row) -> dict[str, Any]:
    b = board.benchmark
    name = site.registry.name
    ranked = [(rank, m != b.primary, i, m) for i, m in enumerate(b.metrics)
              if (rank := row.ranks.get(m)) is not None]
    # The API's best_rank is the row's best rank over the table's metrics; on a tie, the
    # primary metric names it, else the earlier one.
    best = min(ranked) if ranked else None
    holder = row.holder
    source_url = row.result.source.get("url") or (holder.url if isinstance(holder, Source)
                                                  else None)
    return {
        "id": result_id(b.id, row),
        "best_rank": best[0] if best else None,
        "metrics": {name("metric", m): number(row.result.metrics[m].value)
                    for m in b.metrics if m in row.result.metrics},
        "methodology": row.result.model,
        "uses_additional_data": row.result.extra_training_data,
        "paper": row.paper.id if row.paper is not None else None,
        "best_metric": name("metric", best[3]) if best else None,
        "evaluated_on": row.date,
        "external_source_url": source_url,
        # Not in the API: which table the row is on, who holds it, its rank by the primary
        # metric (among all rows, and among those without extra training data), spreads, and
        # the subtask it was filed under when it counts for a parent.
        "evaluation": b.id,
        "task": b.task,
        "dataset": b.dataset,
        "split": row.result.split,
        "rank": row.rank,
        "rank_without_extra_data": row.rank_without_extra_data,
        "holder": {"kind": "source" if isinstance(holder, Source) else "paper",
                   "id": holder.id},
        "spreads": {name("metric", m): number(v.spread) for m in b.metrics
                    if (v := row.result.metrics.get(m)) is not None and v.spread is not None},
        "spread_notes": {name("metric", m): v.note for m in b.metrics
                         if (v := row.result.metrics.get(m)) is not None and v.note},
        "via_task": row.via,
        # How the numbers relate to the method: a "reference" (human performance) is never
        # ranked, which rank: null alone does not tell from a row lacking the primary metric.
        "source_kind": row.result.source.get("kind"),
    }


def evaluation(board: Leaderboard) -> dict[str, Any]:
    b = board.benchmark
    return {"id": b.id, "task": b.task, "dataset": b.dataset, "description": b.notes or "",
            "mirror_url": None, "split": b.split, "primary_metric": b.primary}


def metric(site: Site, board: Leaderboard, metric_id: str) -> dict[str, Any]:
    record = site.registry.entities.get("metric", {}).get(metric_id, {})
    direction = board.direction(metric_id)
    return {"id": metric_id, "name": site.registry.name("metric", metric_id),
            "description": record.get("description") or "",
            # Unknown direction: null, not a guess (the board does not rank by it).
            "is_loss": None if direction is None else direction == "lower",
            "direction": direction}


# --- the files, one group per page of the site ----------------------------------------------

def paper_files(site: Site, paper_id: str) -> Files:
    p = site.registry.papers[paper_id]
    rows = site.ranks.get(paper_id, [])
    entities = site.registry.entities
    base = f"papers/{paper_id}"
    return {
        **_detail(base, paper(p)),
        **list_files(f"{base}/results", [result(site, site.boards[b], row) for b, row in rows]),
        **list_files(f"{base}/tasks", [entity("task", t, entities["task"][t], entities["task"])
                                       for t in site.paper_topics[paper_id].tasks]),
        **list_files(f"{base}/datasets", [entity("dataset", d, entities["dataset"][d], {})
                                          for d in site.paper_topics[paper_id].datasets]),
        **list_files(f"{base}/methods", [entity("method", m, entities["method"][m], {})
                                         for m in p.methods if m in entities.get("method", {})]),
        **list_files(f"{base}/repositories", [
            repository(c.url, c.official, c.framework) for c in p.code] + [
            # Its models' own code, where a result gives it (never said to be official).
            repository(url, False, None) for url in dict.fromkeys(
                u for r in p.results for u in r.code_links) if url not in {c.url for c in p.code}]),
    }


def evaluation_files(site: Site, board_id: str) -> Files:
    board = site.boards[board_id]
    base = f"evaluations/{board_id}"
    return {**_detail(base, evaluation(board)),
            # The primary metric first (a benchmark's file may list it later), as the API
            # listed a table's metrics.
            **list_files(f"{base}/metrics", [metric(site, board, m) for m in sorted(
                board.benchmark.metrics, key=lambda m: m != board.benchmark.primary)]),
            **list_files(f"{base}/results", [result(site, board, row) for row in board.rows])}


def task_files(site: Site, task_id: str) -> Files:
    tasks = site.registry.entities.get("task", {})
    record = tasks[task_id]
    parent = record.get("parent")
    boards = sorted(site.by_task.get(task_id, []))
    base = f"tasks/{task_id}"
    return {
        **_detail(base, entity("task", task_id, record, tasks)),
        **list_files(f"{base}/evaluations", [evaluation(site.boards[b]) for b in boards]),
        **list_files(f"{base}/children", [entity("task", t, tasks[t], tasks)
                                          for t in site.subtasks.get(task_id, [])]),
        **list_files(f"{base}/parents", [entity("task", parent, tasks[parent], tasks)]
                     if isinstance(parent, str) and parent in tasks else []),
        **list_files(f"{base}/papers", [paper(site.registry.papers[p])
                                        for p in site.task_papers.get(task_id, [])]),
    }


def dataset_files(site: Site, dataset_id: str) -> Files:
    record = site.registry.entities["dataset"][dataset_id]
    base = f"datasets/{dataset_id}"
    return {**_detail(base, entity("dataset", dataset_id, record, {})),
            **list_files(f"{base}/evaluations", [evaluation(site.boards[b]) for b in
                                                 sorted(site.by_dataset.get(dataset_id, []))])}


def method_files(site: Site, method_id: str) -> Files:
    return _detail(f"methods/{method_id}",
                   entity("method", method_id, site.registry.entities["method"][method_id], {}))


#: Which of the site's page kinds has API files of its own (written by the same worker).
PER_PAGE_KIND = {"paper": paper_files, "benchmark": evaluation_files, "task": task_files,
                 "dataset": dataset_files, "method": method_files}


def collection_files(site: Site) -> Iterator[tuple[str, bytes]]:
    """The top-level lists, and the areas (few: written here, not per page)."""
    registry = site.registry
    entities = registry.entities
    tasks = entities.get("task", {})
    yield from list_files("papers", [paper(p) for p in registry.papers.values()]).items()
    for kind, folder in (("task", "tasks"), ("dataset", "datasets"), ("method", "methods"),
                         ("area", "areas")):
        records = sorted(entities.get(kind, {}).items())
        yield from list_files(folder, [entity(kind, i, r, tasks) for i, r in records]).items()
    yield from list_files("evaluations", [evaluation(site.boards[b])
                                          for b in sorted(site.boards)]).items()
    for area_id, record in sorted(entities.get("area", {}).items()):
        yield from _detail(f"areas/{area_id}", entity("area", area_id, record, tasks)).items()
        yield from list_files(f"areas/{area_id}/tasks", [
            entity("task", t, r, tasks) for t, r in sorted(tasks.items())
            if area_of(tasks, t) == area_id]).items()
