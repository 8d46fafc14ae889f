"""The tables' values as the text formats write them (CSV cells, SQLite's JSON lists), column
by column: one conversion per column rather than a test of each value's type, which on the
results table (millions of cells at the benchmark's scale) costs several times more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from ..snapshot import formula_safe
from ..tables import Column, Table


def json_list(values: Sequence[str]) -> str:
    """A list column's value as a JSON array (text)."""
    return orjson.dumps(values).decode("utf-8")


def _cells(column: Column, values: Sequence[Any]) -> list[str]:
    if column.type == "string":
        return ["" if v is None else v for v in values]
    if column.type == "float":
        return ["" if v is None else repr(v) for v in values]
    if column.type == "int":
        return ["" if v is None else str(v) for v in values]
    if column.type == "bool":
        return ["" if v is None else "true" if v else "false" for v in values]
    return [json_list(v) for v in values]


def columns_of(table: Table) -> list[Sequence[Any]]:
    """The table's values column by column."""
    if not table.rows:
        return [() for _ in table.columns]
    return list(zip(*table.rows, strict=True))


def csv_rows(table: Table) -> list[tuple[str, ...]]:
    """The rows as CSV cells: null is empty, true and false so, a list as JSON; a text that a
    spreadsheet would run as a formula starts with ``'`` (:func:`..snapshot.formula_safe`)."""
    cells = [formula_safe(_cells(c, v)) if c.type in ("string", "strings") else _cells(c, v)
             for c, v in zip(table.columns, columns_of(table), strict=True)]
    return list(zip(*cells, strict=True)) if table.rows else []


def sqlite_rows(table: Table) -> list[tuple[Any, ...]] | list[tuple[Any, ...]]:
    """The rows as SQLite takes them: a list as JSON text, everything else as it is."""
    lists = [i for i, c in enumerate(table.columns) if c.type == "strings"]
    if not lists or not table.rows:
        return table.rows
    columns = columns_of(table)
    convert: dict[int, Callable[[Any], Any]] = {i: json_list for i in lists}
    converted = [[convert[i](v) for v in values] if i in convert else values
                 for i, values in enumerate(columns)]
    return list(zip(*converted, strict=True))
