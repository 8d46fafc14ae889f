"""The tables as one SQLite database, laid out for Datasette: typed columns, the entity tables'
ids as primary keys (the results' ids as a unique index), the results' references to them as
foreign keys (Datasette links them and shows the entity's name), indexes on what is faceted
and joined on, and full-text search (SQLite FTS5) on papers.

A boolean is an INTEGER 0/1 (SQLite has no other); a list column is TEXT holding a JSON array,
which SQLite's JSON functions and Datasette read. The file is written under a temporary name
and renamed, so a reader never sees half of it; the same rows give the same bytes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from ..tables import Table
from .text import sqlite_rows

FILE = "results.sqlite"
_TYPES = {"string": "TEXT", "int": "INTEGER", "float": "REAL", "bool": "INTEGER",
          "strings": "TEXT"}
#: results column → the table and column it refers to.
REFERENCES = {"benchmark": ("benchmarks", "id"), "task": ("tasks", "id"),
              "dataset": ("datasets", "id"), "metric": ("metrics", "id"),
              "paper_id": ("papers", "id")}
#: Columns of the results table that Datasette facets on or a query joins on.
INDEXED = ("benchmark", "task", "dataset", "metric", "paper_id", "holder_id", "result_id")
#: The table too large to insert into a key's index row by row: its key gets a unique index
#: once its rows are in (sorting them once costs a fraction of as many random inserts).
BULK = "results"
#: The papers' columns that full-text search reads.
SEARCHED = ("title", "abstract", "authors")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create(table: Table) -> str:
    parts = []
    for c in table.columns:
        part = f"{_quote(c.name)} {_TYPES[c.type]}"
        if (c.name,) == table.key and table.name != BULK:
            part += " PRIMARY KEY"
        elif not c.nullable:
            part += " NOT NULL"
        if table.name == "results" and c.name in REFERENCES:
            other, column = REFERENCES[c.name]
            part += f" REFERENCES {_quote(other)}({_quote(column)})"
        parts.append(part)
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    target = folder / FILE
    partial = folder / f".{FILE}.partial"
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    try:
        # A file written once and renamed into place needs no journal.
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                         "PRAGMA cache_size = -262144;")
        for table in tables.values():
            db.execute(_create(table))
            marks = ", ".join("?" * len(table.columns))
            db.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({marks})",
                           sqlite_rows(table))
        key = ", ".join(_quote(c) for c in tables[BULK].key)
        db.execute(f"CREATE UNIQUE INDEX {_quote(f'{BULK}_key')} ON {BULK} ({key})")
        for column in INDEXED:
            db.execute(f"CREATE INDEX {_quote(f'results_{column}')} ON results "
                       f"({_quote(column)})")
        columns = ", ".join(SEARCHED)
        # Porter's stemmer: a search for "transformer" finds "Transformers" too.
        db.execute(f"CREATE VIRTUAL TABLE papers_fts USING fts5({columns}, "
                   "content=\"papers\", content_rowid=\"rowid\", "
                   "tokenize=\"porter unicode61\")")
        db.execute(f"INSERT INTO papers_fts (rowid, {columns}) SELECT rowid, {columns} "
                   "FROM papers")
        db.commit()
    finally:
        db.close()
    os.replace(partial, target)
    return [FILE]


def datasette_metadata(tables: dict[str, Table], *, title: str, description: str,
                       license_name: str, license_url: str) -> dict[str, Any]:
    """Datasette's metadata.json for :data:`FILE`: titles, descriptions of tables and columns,
    facets on the results' task, dataset and metric, full-text search on papers, and the
    column that names each entity where a foreign key shows it."""
    label = {"papers": "label", "sources": "title"}
    described: dict[str, Any] = {}
    for name, table in tables.items():
        entry: dict[str, Any] = {
            "description": table.description,
            "columns": {c.name: c.description for c in table.columns},
        }
        if name == "results":
            entry |= {"facets": ["task", "dataset", "metric"], "sort": "benchmark"}
        elif name == "papers":
            entry |= {"fts_table": "papers_fts", "fts_pk": "rowid"}
        if name != "results" and any(c.name in ("name", "title") for c in table.columns):
            entry["label_column"] = label.get(name, "name")
        described[name] = entry
    return {"title": title, "description": description, "license": license_name,
            "license_url": license_url,
            "databases": {Path(FILE).stem: {"title": title, "tables": described}}}
