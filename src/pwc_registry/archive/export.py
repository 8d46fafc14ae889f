"""``pwc export pwc-archive``: the registry in the archive's five dumps.

Names stand for ids again (an entity's name, not the alias a row once used); values are written
in their normalised form (``"76.5%"`` comes back as ``76.5``; a value with a spread as ``"90 ±
0.5"``); a subdataset goes under its parent dataset (named under ``subdataset`` as the sota-
extractor names it, when its name is "<dataset> — <subdataset>"), a subtask under its parent
task; a split's results are a table of their own, a dataset entry with a ``split`` key (the
archive has no splits; the importer reads the key back). A result's other names (``aliases``)
come back as the rows they were; a source's results as rows with no paper; a paper known only by
an identifier with an empty title and its URL. Everything the importer took from the archive
comes back. The output is deterministic: tasks, datasets and papers in id order, rows in the
order of the papers, then the sources, and their results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import layout, schema
from ..ids import IDENTIFIER_PAGES, benchmark_id, split_key
from ..load import read
from ..markdown import number
from ..outputs import check_folder, output_folder
from ..registry import value_of
from .convert import SUBDATASET_SEPARATOR

ARCHIVE = "https://paperswithcode.com"
COMMAND = "pwc export pwc-archive"


def read_records(registry: Path) -> tuple[dict[str, dict[str, dict[str, Any]]],
                                          list[dict[str, Any]]]:
    """Every valid record of the registry: entities by kind and id, and the records holding
    results — papers, then sources — in id order."""
    files, _ = layout.discover(registry)
    entities: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in layout.ENTITY_KINDS}
    holders: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in layout.HOLDER_KINDS}
    for f in files:
        data = read(f.name, f.read_bytes()).data
        if not isinstance(data, dict) or not schema.is_valid(f.kind, data):
            continue
        if f.kind in holders:
            holders[f.kind][data["id"]] = data
        else:
            entities[f.kind][data["id"]] = data
    return entities, [h[k] for h in holders.values() for k in sorted(h)]


def is_source(holder: Mapping[str, Any]) -> bool:
    """Whether a record holding results is a source (it has a kind), not a paper."""
    return "kind" in holder


def value_text(value: Any) -> Any:
    """A registry value as the archive writes it: a number (a float, as the archive's are, and
    as every output reads it: ``-0.0`` is 0), or with a spread the text "value ± spread"."""
    read = value_of(value)
    if read.spread is not None:
        return f"{number(read.value)} ± {number(read.spread)}"
    return read.value


def _paper_url(paper: Mapping[str, Any]) -> str | None:
    links = paper.get("links", {})
    url = links.get("abstract") or links.get("pdf")
    if url:
        return str(url)
    # Else the page of an identifier, which an import reads back as the same paper (a paper
    # whose title is unknown is known by nothing else).
    ids = paper.get("identifiers", {})
    for scheme, page in IDENTIFIER_PAGES.items():
        if scheme in ids:
            return page.format(ids[scheme])
    return None


def _name(entities: Mapping[str, Mapping[str, Any]], entity_id: str) -> str:
    return str(entities.get(entity_id, {}).get("name", entity_id))


def _row(holder: Mapping[str, Any], result: Mapping[str, Any], model: str,
         metrics: Mapping[str, Mapping[str, Any]],
         papers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    code_links = [link if isinstance(link, dict) else {"title": link, "url": link}
                  for link in result.get("code_links", [])]
    # A row names the paper whose model it is, as the archive's rows do: a baseline a paper
    # quotes (``paper:`` naming another) is that paper's row. A source's rows name none (so
    # that an import files them under a source again).
    paper: Mapping[str, Any] = {} if is_source(holder) else \
        papers.get(result.get("paper") or "", holder)
    row: dict[str, Any] = {
        "model_name": model,
        # As the archive writes a row whose paper it knows by its URL alone, or none.
        "paper_title": paper.get("title", ""),
        "paper_url": _paper_url(paper) if paper is not holder and paper else
        result.get("source", {}).get("url") or _paper_url(paper),
        "paper_date": result.get("date") or holder.get("date"),
        "code_links": code_links,
        "model_links": list(result.get("model_links", [])),
        "metrics": {_name(metrics, m): value_text(v) for m, v in result["metrics"].items()},
    }
    if "extra_training_data" in result:
        row["uses_additional_data"] = result["extra_training_data"]
    return row


def evaluation_tables(entities: Mapping[str, Mapping[str, Mapping[str, Any]]],
                      holders: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    tasks, datasets, metrics = entities["task"], entities["dataset"], entities["metric"]
    # task → dataset → split (its leaderboard's key, "" for none) → rows
    rows: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {}
    split_names: dict[tuple[str, str, str], str] = {}
    seen_metrics: dict[tuple[str, str, str], list[str]] = {}
    holders = list(holders)
    papers = {h["id"]: h for h in holders if not is_source(h)}
    for holder in holders:
        for result in holder.get("results", []):
            split = result.get("split")
            key = split_key(split) if split else ""
            if split:
                split_names.setdefault((result["task"], result["dataset"], key), split)
            board = rows.setdefault(result["task"], {}).setdefault(result["dataset"], {}) \
                .setdefault(key, [])
            for model in (result["model"], *result.get("aliases", [])):
                board.append(_row(holder, result, model, metrics, papers))
            order = seen_metrics.setdefault((result["task"], result["dataset"], key), [])
            order.extend(m for m in result["metrics"] if m not in order)

    def root(dataset_id: str) -> str:
        seen = {dataset_id}
        while (parent := datasets.get(dataset_id, {}).get("parent")) and parent not in seen:
            seen.add(parent)
            dataset_id = parent
        return dataset_id

    def table(task_id: str, dataset_id: str, key: str = "") -> dict[str, Any] | None:
        found = rows.get(task_id, {}).get(dataset_id, {}).get(key)
        if not found:
            return None
        settings = entities["benchmark"].get(benchmark_id(task_id, dataset_id, key), {})
        order = settings.get("metrics") or seen_metrics[(task_id, dataset_id, key)]
        return {"metrics": [_name(metrics, m) for m in order], "rows": found}

    def dataset_entry(task_id: str, dataset_id: str, top: str | None = None,
                      key: str = "") -> dict[str, Any]:
        data = datasets.get(dataset_id, {})
        name = _name(datasets, dataset_id)
        prefix = f"{_name(datasets, top)}{SUBDATASET_SEPARATOR}" if top else None
        # A subdataset the importer named "<dataset> — <subdataset>" is named as it came.
        label = {"subdataset": name[len(prefix):]} if prefix and data.get("parent") == top \
            and name.startswith(prefix) and len(name) > len(prefix) else {"dataset": name}
        # A split's results are a table of their own (the archive has no splits: in one table
        # they would be ranked with the dataset's other results), named by a key of ours.
        split = {"split": split_names[(task_id, dataset_id, key)]} if key else {}
        return {
            **label,
            **split,
            "description": data.get("description", ""),
            "dataset_citations": list(data.get("citations", [])),
            "dataset_links": list(data.get("links", [])),
            "sota": table(task_id, dataset_id, key) or {"metrics": [], "rows": []},
            "subdatasets": [],
        }

    children: dict[str | None, list[str]] = {}
    for task_id in sorted(tasks):
        parent = tasks[task_id].get("parent")
        children.setdefault(parent if parent in tasks else None, []).append(task_id)

    def task_entry(task_id: str, ancestors: frozenset[str]) -> dict[str, Any]:
        data = tasks[task_id]
        entries: dict[tuple[str, str], dict[str, Any]] = {}
        for dataset_id, splits in sorted(rows.get(task_id, {}).items()):
            top = root(dataset_id)
            entry = entries.setdefault((top, ""), dataset_entry(task_id, top))
            for key in sorted(splits):
                if top != dataset_id:
                    entry["subdatasets"].append(dataset_entry(task_id, dataset_id, top, key))
                elif key:
                    entries[(top, key)] = dataset_entry(task_id, top, None, key)
        area = data.get("area")
        return {
            "task": data["name"],
            "description": data.get("description", ""),
            "categories": [_name(entities["area"], area)] if area else [],
            "source_link": data.get("source"),
            "synonyms": list(data.get("aliases", [])),
            "datasets": [entries[k] for k in sorted(entries)],
            "subtasks": [task_entry(c, ancestors | {task_id}) for c in children.get(task_id, [])
                         if c not in ancestors],
        }

    return [task_entry(t, frozenset()) for t in children.get(None, [])]


def papers_with_abstracts(entities: Mapping[str, Mapping[str, Mapping[str, Any]]],
                          papers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for paper in papers:
        if is_source(paper):
            continue
        ids, links = paper.get("identifiers", {}), paper.get("links", {})
        out.append({
            "paper_url": f"{ARCHIVE}/paper/{ids['pwc']}" if "pwc" in ids else None,
            "arxiv_id": ids.get("arxiv"),
            "title": paper.get("title"),
            "abstract": paper.get("abstract", ""),
            "url_abs": links.get("abstract"),
            "url_pdf": links.get("pdf"),
            "proceeding": paper.get("venue"),
            "authors": list(paper.get("authors", [])),
            "tasks": [_name(entities["task"], t) for t in paper.get("tasks", [])],
            "date": paper.get("date"),
            "methods": [{"name": _name(entities["method"], m),
                         "full_name": entities["method"].get(m, {}).get("full_name")}
                        for m in paper.get("methods", [])],
        })
    return out


def links_between_papers_and_code(papers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for paper in papers:
        if is_source(paper):
            continue
        ids, links = paper.get("identifiers", {}), paper.get("links", {})
        for code in paper.get("code", []):
            out.append({
                "paper_url": f"{ARCHIVE}/paper/{ids['pwc']}" if "pwc" in ids else None,
                "paper_title": paper.get("title"),
                "paper_arxiv_id": ids.get("arxiv"),
                "paper_url_abs": links.get("abstract"),
                "paper_url_pdf": links.get("pdf"),
                "repo_url": code["url"],
                "is_official": code.get("official", False),
                "mentioned_in_paper": code.get("mentioned_in_paper", False),
                "mentioned_in_github": code.get("mentioned_in_github", False),
                "framework": code.get("framework", "none"),
            })
    return out


def methods(entities: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    areas = entities["area"]
    out = []
    for method_id, data in sorted(entities["method"].items()):
        source = data.get("source", {})
        area = data.get("area")
        out.append({
            "url": f"{ARCHIVE}/method/{method_id}",
            "name": data["name"],
            "full_name": data.get("full_name", data["name"]),
            "description": data.get("description", ""),
            "paper": None,
            "introduced_year": data.get("introduced_year"),
            "source_url": source.get("url"),
            "source_title": source.get("title"),
            "code_snippet_url": data.get("code"),
            "collections": [{"collection": c, "area_id": area,
                             "area": _name(areas, area) if area else None}
                            for c in data.get("collections", [])],
        })
    return out


def datasets(entities: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    for dataset_id, data in sorted(entities["dataset"].items()):
        out.append({
            "url": f"{ARCHIVE}/dataset/{dataset_id}",
            "name": data["name"],
            "full_name": data.get("full_name", data["name"]),
            "homepage": data.get("homepage"),
            "description": data.get("description", ""),
            "introduced_date": data.get("introduced"),
            "modalities": list(data.get("modalities", [])),
            "languages": list(data.get("languages", [])),
            "variants": [data["name"], *data.get("aliases", [])],
        })
    return out


def export_archive(registry: Path, out: Path) -> dict[str, int]:
    """Write the five dumps into ``out`` (replaced: see :mod:`..outputs`); how many records
    each holds."""
    check_folder(out, COMMAND)  # before reading the registry
    entities, papers = read_records(registry)
    dumps = {
        "evaluation-tables.json": evaluation_tables(entities, papers),
        "papers-with-abstracts.json": papers_with_abstracts(entities, papers),
        "links-between-papers-and-code.json": links_between_papers_and_code(papers),
        "methods.json": methods(entities),
        "datasets.json": datasets(entities),
    }
    with output_folder(out, COMMAND, replace=True):
        for name, records in dumps.items():
            (out / name).write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n",
                                    encoding="utf-8")
    return {name: len(records) for name, records in dumps.items()}
