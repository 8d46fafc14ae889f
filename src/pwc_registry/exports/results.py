"""``pwc export results``: every result of the registry as one flat table, with a table per
entity (:mod:`..tables`), in Parquet, JSON Lines, CSV and SQLite, with a JSON Schema of the
tables, Datasette's metadata and a dataset card, so that the folder can be opened in Datasette
(``datasette FOLDER``) or pushed to the Hugging Face Hub as it is.

    out/
      README.md          the dataset card (Hugging Face front matter: configs, features)
      schema.json        JSON Schema of a row of each table
      <table>.parquet    results, papers, sources, tasks, datasets, metrics, areas, benchmarks
      <table>.jsonl
      <table>.csv
      results.sqlite     every table; metadata.json beside it is Datasette's

The same registry gives byte-identical files (see docs/exports.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
import yaml

from ..outputs import output_folder
from ..parallel import fork_aside, gc_paused, shared
from ..registry import Registry
from ..tables import Table, column_reference, compute
from . import sqlite

COMMAND = "pwc export results"
#: Format name → the module whose ``write(tables, folder)`` writes it, in the order written.
FORMATS: dict[str, str] = {"parquet": "pwc_registry.exports.parquet",
                           "jsonl": "pwc_registry.exports.jsonl",
                           "csv": "pwc_registry.exports.csv_files",
                           "sqlite": "pwc_registry.exports.sqlite"}
#: The formats by the time they take to write, longest first (at 50,000 papers: SQLite 8 s,
#: CSV 3.5 s, JSON Lines 3 s, Parquet 2.2 s).
_SLOWEST_FIRST = ("sqlite", "csv", "jsonl", "parquet")
TITLE = "Papers With Code 2: every result"
LICENSE = ("cc-by-sa-4.0", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
DESCRIPTION = ("Every result on every leaderboard of the Papers With Code 2 registry, one row "
               "per (result, metric), with tables of its papers, sources, tasks, datasets, "
               "metrics, areas and leaderboards.")
#: The format the dataset card's configs point at, the first of these written.
_CARD_ORDER = ("parquet", "jsonl", "csv")
_HF_TYPES = {"string": "string", "int": "int64", "float": "float64", "bool": "bool"}
_JSON_TYPES = {"string": "string", "int": "integer", "float": "number", "bool": "boolean"}


def _writer(fmt: str) -> Callable[[dict[str, Table], Path], list[str]]:
    module = importlib.import_module(FORMATS[fmt])
    writer: Callable[[dict[str, Table], Path], list[str]] = module.write
    return writer


def _write_formats(formats: Sequence[str]) -> list[tuple[str, list[str]]]:
    tables, folder = shared()
    return [(fmt, _writer(fmt)(tables, folder)) for fmt in formats]


def write_export(tables: dict[str, Table], folder: Path, formats: Sequence[str], *,
                 written: Callable[[list[str]], None] | None = None,
                 jobs: int | None = None) -> list[str]:
    """Write ``tables`` in ``formats`` into ``folder`` (which the caller owns); the names of
    the files written, in :data:`FORMATS`' order. With several formats (and ``jobs`` other
    than 1), the slowest is written by a process forked for it while this one writes the
    others: two at a time, and only one copy of the pages of the tables a writer touches (at
    the archive's scale a forked writer's copy is over a gigabyte). ``written`` is given each
    format's files once they are written (the site gzips some while others are written)."""
    chosen = [f for f in FORMATS if f in formats]
    here = [f for f in _SLOWEST_FIRST if f in chosen]
    aside = None
    if len(here) > 1 and jobs != 1:
        aside = fork_aside(_write_formats, here[:1], share=(tables, folder))
        here = here[1:]
    files: dict[str, list[str]] = {}
    for fmt in here:
        files[fmt] = _writer(fmt)(tables, folder)
        if written is not None:
            written(files[fmt])
    if aside is not None:
        for fmt, names_of in aside.result():
            files[fmt] = names_of
            if written is not None:
                written(names_of)
    names = [name for fmt in chosen for name in files[fmt]]
    (folder / "schema.json").write_bytes(_json(json_schema(tables)))
    names.append("schema.json")
    if "sqlite" in chosen:
        (folder / "metadata.json").write_bytes(_json(sqlite.datasette_metadata(
            tables, title=TITLE, description=DESCRIPTION, license_name=LICENSE[1],
            license_url=LICENSE[2])))
        names.append("metadata.json")
    (folder / "README.md").write_text(card(tables, chosen), encoding="utf-8")
    names.append("README.md")
    return names


def export_results(registry: Registry, out: Path, formats: Sequence[str], *,
                   jobs: int | None = None) -> dict[str, int]:
    """Write the export into ``out`` (replaced; see :mod:`..outputs`); rows of each table."""
    # Millions of rows and cells, no cycles among them: the collector would only scan them
    # again and again (at 50,000 papers it doubled the time of laying the boards flat).
    with gc_paused():
        tables = compute(registry, jobs=jobs)
        with output_folder(out, COMMAND, replace=True):
            write_export(tables, out, formats, jobs=jobs)
    return {name: len(t.rows) for name, t in tables.items()}


def _json(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def json_schema(tables: dict[str, Table]) -> dict[str, Any]:
    """A JSON Schema of a row of each table (as a JSON Lines line holds it), under ``$defs``."""
    defs: dict[str, Any] = {}
    for name, table in tables.items():
        properties: dict[str, Any] = {}
        for c in table.columns:
            if c.type == "strings":
                prop: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
            else:
                kind = _JSON_TYPES[c.type]
                prop = {"type": [kind, "null"] if c.nullable else kind}
            properties[c.name] = {**prop, "description": c.description}
        defs[name] = {"type": "object", "description": table.description,
                      "additionalProperties": False,
                      "required": [c.name for c in table.columns], "properties": properties}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": TITLE, "description": DESCRIPTION + " A row of the table NAME (NAME.jsonl, "
            "a row of NAME.parquet, NAME.csv or the SQLite table NAME) is described by "
            "$defs/NAME.", "$defs": defs}


def _features(table: Table, files: str) -> list[dict[str, str]]:
    """The table's features as the card's configs load them from ``files``: a list of
    strings is a JSON array written as text in CSV (its reader cannot cast text to a list)."""
    return [{"name": c.name, "list": "string"} if c.type == "strings" and files != "csv" else
            {"name": c.name, "dtype": "string" if c.type == "strings" else _HF_TYPES[c.type]}
            for c in table.columns]


def card(tables: dict[str, Table], formats: Sequence[str]) -> str:
    """The dataset card: Hugging Face's front matter (licence, configs, features) and what
    each file and table is."""
    files = next((f for f in _CARD_ORDER if f in formats), None)
    front: dict[str, Any] = {"license": LICENSE[0], "pretty_name": TITLE,
                             "tags": ["leaderboards", "machine-learning", "papers-with-code"]}
    if files is not None:
        # A table with no rows has no config: a reader cannot tell an empty JSON Lines
        # file's columns.
        front["configs"] = [{"config_name": name, "data_files": f"{name}.{files}",
                             **({"default": True} if name == "results" else {})}
                            for name, t in tables.items() if t.rows]
        # No `splits`: the Hub's loader wants each split's size in bytes as Arrow holds it,
        # which the export does not know, and warns on every load without it (the counts of
        # rows are in the card's text).
        front["dataset_info"] = [{"config_name": name, "features": _features(t, files)}
                                 for name, t in tables.items() if t.rows]
    counts = ", ".join(f"{len(t.rows):,} " + ("rows of results (one per result and metric)"
                                              if name == "results" else name)
                       for name, t in tables.items())
    lines = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---",
             "", f"# {TITLE}", "", DESCRIPTION, "", f"This export holds {counts}.", "",
             "Licence: CC BY-SA 4.0. Much of the data comes from the Papers with Code archive, "
             "published under the same licence.", "", "## Load it", ""]
    if "parquet" in formats:
        lines += ["```python", "import pandas as pd", "", "results = pd.read_parquet("
                  "\"results.parquet\")", "```", "", "```sql",
                  "-- DuckDB", "SELECT model, value, rank FROM 'results.parquet'",
                  "WHERE benchmark = 'stock-market-prediction--astock' AND is_primary "
                  "ORDER BY rank;",
                  "```", ""]
    if "sqlite" in formats:
        lines += ["In Datasette (facets on task, dataset and metric; full-text search on "
                  "papers), from this folder (where it is `results.sqlite.gz`, as on the "
                  "site's Downloads, `gunzip` it first):", "", "```",
                  "datasette results.sqlite --metadata metadata.json", "```", ""]
    lines += ["## Tables", "",
              "`schema.json` is a JSON Schema of a row of each table. Ids are stable across "
              "versions of the registry; `results.task`, `.dataset`, `.metric`, `.benchmark` "
              "and `.paper_id` are the `id` of a row of the other tables.", ""]
    lines.append(column_reference())
    return "\n".join(lines)
