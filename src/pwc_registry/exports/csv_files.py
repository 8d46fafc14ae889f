"""The tables as CSV, one file per table. A text cell that a spreadsheet would run as a formula
starts with ``'``, the rule of every CSV the tools write (:func:`..snapshot.formula_safe`). An
empty cell is null; true and false are written so; a list column holds its list as JSON
(``["https://..."]``); text is quoted, numbers are not.

Written by Arrow's CSV writer, not Python's: the results table has millions of cells, and this
way a cell is not a Python call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv

from ..snapshot import formula_safe
from ..tables import Column, Table
from .parquet import TYPES
from .text import columns_of, json_list


def _array(column: Column, values: Sequence[Any]) -> pa.Array:
    if column.type == "strings":
        return pa.array([json_list(v) for v in values], pa.string())
    if column.type != "string":
        return pa.array(values, TYPES[column.type])
    text = ["" if v is None else v for v in values]
    safe = formula_safe(text)
    if safe is not text:  # some cell was changed: null stays null (an empty cell)
        values = [None if v is None else s for v, s in zip(values, safe, strict=True)]
    return pa.array(values, pa.string())


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    options = pa_csv.WriteOptions(quoting_style="needed")
    for name, table in tables.items():
        arrays = [_array(c, v) for c, v in zip(table.columns, columns_of(table), strict=True)]
        pa_csv.write_csv(pa.Table.from_arrays(arrays, names=[c.name for c in table.columns]),
                         folder / f"{name}.csv", write_options=options)
        names.append(f"{name}.csv")
    return names
