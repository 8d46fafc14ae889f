"""The tables as JSON Lines: one object per row, every column present (null where empty)."""

from __future__ import annotations

from pathlib import Path

import orjson

from ..tables import Table


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    for name, table in tables.items():
        columns = [c.name for c in table.columns]
        with (folder / f"{name}.jsonl").open("wb") as out:
            dumps = orjson.dumps
            for row in table.rows:
                out.write(dumps(dict(zip(columns, row, strict=True))))
                out.write(b"\n")
        names.append(f"{name}.jsonl")
    return names
