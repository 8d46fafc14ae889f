"""The tables' values column by column, and list columns as the text formats write them (JSON):
one conversion per column rather than a test of each value's type, which on the results table
(millions of cells at the benchmark's scale) costs several times more."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from ..parallel import fork_map, shared
from ..tables import Table


def json_list(values: Sequence[str]) -> str:
    """A list column's value as a JSON array (text)."""
    return orjson.dumps(values).decode("utf-8")


def columns_of(table: Table) -> list[Sequence[Any]]:
    """The table's values column by column."""
    if not table.rows:
        return [() for _ in table.columns]
    return list(zip(*table.rows, strict=True))


def sqlite_rows(table: Table, rows: Sequence[tuple[Any, ...]] | None = None
                ) -> Sequence[tuple[Any, ...]]:
    """The rows (``rows``, else all the table's) as SQLite takes them: a list as JSON text,
    everything else as it is."""
    rows = table.rows if rows is None else rows
    lists = [i for i, c in enumerate(table.columns) if c.type == "strings"]
    if not lists or not rows:
        return rows
    if len(lists) == 1:  # the results' one list column: no need to take every row apart
        i = lists[0]
        return [(*row[:i], json_list(row[i]), *row[i + 1:]) for row in rows]
    columns = [[json_list(v) for v in values] if i in lists else values
               for i, values in enumerate(zip(*rows, strict=True))]
    return list(zip(*columns, strict=True))


#: A table with fewer rows is written in one piece by the process at hand; a larger one (the
#: results at scale) in parts, one per processor, by forked workers, joined in order. Workers
#: turn Python values into bytes (the bulk of a writer's time) side by side; the bytes are
#: those of one piece.
SPLIT_ROWS = 50_000


def is_large(table: Table) -> bool:
    """Whether the table is written in parts (:data:`SPLIT_ROWS`)."""
    return len(table.rows) >= SPLIT_ROWS


def parts_of(table: Table, jobs: int | None = None) -> list[Sequence[tuple[Any, ...]]]:
    """The table's rows cut into consecutive parts, one for each of ``jobs`` workers (default:
    one a processor); one part if the table is not :func:`is_large`."""
    n = min(jobs or os.cpu_count() or 1, len(table.rows)) if is_large(table) else 1
    size = -(-len(table.rows) // n)
    return [table.rows[i * size:(i + 1) * size] for i in range(n)] if n > 1 else [table.rows]


def in_parts(write_part: Callable[[int], None], parts: int) -> None:
    """``write_part(i)`` for each part ``i``, each in a forked worker (here if only one)."""
    if parts == 1:
        write_part(0)
        return
    fork_map(_write_parts, range(parts), jobs=parts, threshold=2, share=write_part,
             chunks_per_job=1)


def _write_parts(indexes: Sequence[int]) -> None:
    write_part: Callable[[int], None] = shared()
    for i in indexes:
        write_part(i)


def part_file(path: Path, i: int) -> Path:
    """Where part ``i`` of ``path`` is written (the first part is written in place)."""
    return path if i == 0 else path.with_name(f".{path.name}.part-{i}")


def join_parts(path: Path, parts: int) -> None:
    """Append the parts after the first to ``path``, in order, and remove them."""
    if parts == 1:
        return
    with path.open("ab") as out:
        for i in range(1, parts):
            part = part_file(path, i)
            with part.open("rb") as data:
                shutil.copyfileobj(data, out, 1 << 20)
            part.unlink()
