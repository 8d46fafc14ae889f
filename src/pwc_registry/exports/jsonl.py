"""The tables as JSON Lines: one object per row, every column present (null where empty).

A large table is written in parts by forked workers (:func:`.text.in_parts`), each part's lines
encoded in batches and written at once."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from ..tables import Table
from .text import in_parts, join_parts, part_file, parts_of

#: Lines encoded before each write.
_BATCH = 4096


def _write_part(path: Path, columns: list[str], parts: list[Sequence[tuple[Any, ...]]],
                i: int) -> None:
    rows = parts[i]
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    with part_file(path, i).open("wb") as out:
        for start in range(0, len(rows), _BATCH):
            out.write(b"".join([dumps(dict(zip(columns, row, strict=True)), option=newline)
                                for row in rows[start:start + _BATCH]]))


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    for name, table in tables.items():
        path = folder / f"{name}.jsonl"
        parts = parts_of(table)
        in_parts(functools.partial(_write_part, path, [c.name for c in table.columns], parts),
                 len(parts))
        join_parts(path, len(parts))
        names.append(f"{name}.jsonl")
    return names
