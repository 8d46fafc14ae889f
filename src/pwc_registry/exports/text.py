"""The tables' values column by column, a batch of rows at a time, and list columns as the text
formats write them (JSON): one conversion per column rather than a test of each value's type,
which on the results table (millions of cells at the benchmark's scale) costs several times
more. A batch at a time, so that a writer never holds a whole table's values again (in Arrow's
memory or as new Python objects): at the archive's scale, the papers' abstracts alone are
~600 MB."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from ..tables import Table

#: Rows a writer converts at a time.
BATCH_ROWS = 1 << 17


def json_list(values: Sequence[str]) -> str:
    """A list column's value as a JSON array (text)."""
    return orjson.dumps(values).decode("utf-8")


def column_batches(table: Table) -> Iterator[list[Sequence[Any]]]:
    """The table's values column by column, :data:`BATCH_ROWS` rows at a time (none for a
    table without rows)."""
    size = BATCH_ROWS
    for start in range(0, len(table.rows), size):
        yield list(zip(*table.rows[start:start + size], strict=True))


def sqlite_rows(table: Table) -> Iterable[tuple[Any, ...]]:
    """The rows as SQLite takes them: a list as JSON text, everything else as it is (made as
    SQLite reads them, not all at once)."""
    rows = table.rows
    lists = [i for i, c in enumerate(table.columns) if c.type == "strings"]
    if not lists or not rows:
        return rows
    if len(lists) == 1:  # the results' one list column: no need to take every row apart
        i = lists[0]
        return ((*row[:i], json_list(row[i]), *row[i + 1:]) for row in rows)
    return (row for columns in column_batches(table) for row in zip(
        *[[json_list(v) for v in values] if j in lists else values
          for j, values in enumerate(columns)], strict=True))
