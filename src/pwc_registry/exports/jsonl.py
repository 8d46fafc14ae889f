"""The tables as JSON Lines: one object per row, every column present (null where empty), the
lines encoded in batches and written at once."""

from __future__ import annotations

from pathlib import Path

import orjson

from ..tables import Table

#: Lines encoded before each write.
_BATCH = 4096


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    for name, table in tables.items():
        columns, rows = [c.name for c in table.columns], table.rows
        with (folder / f"{name}.jsonl").open("wb") as out:
            for start in range(0, len(rows), _BATCH):
                out.write(b"".join([dumps(dict(zip(columns, row, strict=True)), option=newline)
                                    for row in rows[start:start + _BATCH]]))
        names.append(f"{name}.jsonl")
    return names
