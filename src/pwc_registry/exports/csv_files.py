"""The tables as CSV, one file per table, as every CSV the tools write (:func:`..snapshot._csv`:
a text cell that a spreadsheet would run as a formula starts with ``'``). An empty cell is null;
true and false are written so; a list column holds its list as JSON (``["https://..."]``)."""

from __future__ import annotations

from pathlib import Path

from ..snapshot import _csv
from ..tables import Table
from .text import csv_rows


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    for name, table in tables.items():
        (folder / f"{name}.csv").write_bytes(_csv([c.name for c in table.columns],
                                                  csv_rows(table), safe=True))
        names.append(f"{name}.csv")
    return names
