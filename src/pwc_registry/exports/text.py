"""The tables' values column by column, and list columns as the text formats write them (JSON):
one conversion per column rather than a test of each value's type, which on the results table
(millions of cells at the benchmark's scale) costs several times more."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from ..tables import Table


def json_list(values: Sequence[str]) -> str:
    """A list column's value as a JSON array (text)."""
    return orjson.dumps(values).decode("utf-8")


def columns_of(table: Table) -> list[Sequence[Any]]:
    """The table's values column by column."""
    if not table.rows:
        return [() for _ in table.columns]
    return list(zip(*table.rows, strict=True))


def sqlite_rows(table: Table) -> Sequence[tuple[Any, ...]]:
    """The rows as SQLite takes them: a list as JSON text, everything else as it is."""
    rows = table.rows
    lists = [i for i, c in enumerate(table.columns) if c.type == "strings"]
    if not lists or not rows:
        return rows
    if len(lists) == 1:  # the results' one list column: no need to take every row apart
        i = lists[0]
        return [(*row[:i], json_list(row[i]), *row[i + 1:]) for row in rows]
    columns = [[json_list(v) for v in values] if i in lists else values
               for i, values in enumerate(zip(*rows, strict=True))]
    return list(zip(*columns, strict=True))
