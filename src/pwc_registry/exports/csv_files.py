"""The tables as CSV, one file per table. A text cell that a spreadsheet would run as a formula
starts with ``'`` (so does one that starts with ``'``: one removed gives the text back), the
rule of every CSV the tools write (:func:`..snapshot.formula_safe`). An
empty cell is null; true and false are written so; a list column holds its list as JSON
(``["https://..."]``); text is quoted, numbers are not.

Written by Arrow's CSV writer, not Python's: the results table has millions of cells, and this
way a cell is not a Python call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ..snapshot import ESCAPED_START, formula_safe
from ..tables import Column, Table
from .parquet import TYPES
from .text import column_batches, json_list


def _array(column: Column, values: Sequence[Any]) -> pa.Array:
    if column.type == "strings":
        return pa.array([json_list(v) for v in values], pa.string())
    array = pa.array(values, TYPES[column.type])
    return _formula_safe(array) if column.type == "string" else array


def _formula_safe(array: pa.Array) -> pa.Array:
    """A text column as :func:`..snapshot.formula_safe` writes it (null stays null: an empty
    cell). Arrow finds, in C++, the few cells that start like a formula; only those go to
    the one rule."""
    starts = None
    for start in ESCAPED_START:
        found = pc.starts_with(array, pattern=start)
        starts = found if starts is None else pc.or_(starts, found)
    if starts is None or not pc.any(starts).as_py():
        return array
    where = pc.indices_nonzero(pc.fill_null(starts, False)).to_pylist()
    cells = array.take(where).to_pylist()
    values = array.to_pylist()
    for i, safe in zip(where, formula_safe(cells), strict=True):
        values[i] = safe
    return pa.array(values, pa.string())


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    options = pa_csv.WriteOptions(quoting_style="needed")
    for name, table in tables.items():
        columns = table.columns
        arrow_schema = pa.schema([(c.name, pa.string() if c.type in ("string", "strings")
                                   else TYPES[c.type]) for c in columns])
        with pa_csv.CSVWriter(folder / f"{name}.csv", arrow_schema,
                              write_options=options) as writer:
            for values in column_batches(table):
                writer.write_table(pa.Table.from_arrays(
                    [_array(c, v) for c, v in zip(columns, values, strict=True)],
                    schema=arrow_schema))
        names.append(f"{name}.csv")
    return names
