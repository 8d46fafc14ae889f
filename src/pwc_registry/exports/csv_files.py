"""The tables as CSV, one file per table, as every CSV the tools write (:func:`..snapshot._csv`:
a text cell that a spreadsheet would run as a formula starts with ``'``). An empty cell is null;
true and false are written so; a list column holds its list as JSON (``["https://..."]``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..snapshot import _csv
from ..tables import Table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    for name, table in tables.items():
        rows = ([_cell(v) for v in row] for row in table.rows)
        (folder / f"{name}.csv").write_bytes(_csv([c.name for c in table.columns], rows))
        names.append(f"{name}.csv")
    return names
