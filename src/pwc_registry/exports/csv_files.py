"""The tables as CSV, one file per table. A text cell that a spreadsheet would run as a formula
starts with ``'``, the rule of every CSV the tools write (:func:`..snapshot.formula_safe`). An
empty cell is null; true and false are written so; a list column holds its list as JSON
(``["https://..."]``); text is quoted, numbers are not.

Written by Arrow's CSV writer, not Python's: the results table has millions of cells, and this
way a cell is not a Python call. A large table is written in parts by forked workers
(:func:`.text.in_parts`), the header with the first: quoting is decided cell by cell, so the
parts joined are the bytes of one piece."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv

from ..snapshot import formula_safe
from ..tables import Column, Table
from .parquet import TYPES
from .text import in_parts, join_parts, json_list, part_file, parts_of


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


def _write_part(table: Table, path: Path, parts: list[Sequence[tuple[Any, ...]]],
                i: int) -> None:
    rows = parts[i]
    arrays = [_array(c, [row[k] for row in rows]) for k, c in enumerate(table.columns)]
    pa_csv.write_csv(pa.Table.from_arrays(arrays, names=[c.name for c in table.columns]),
                     part_file(path, i),
                     write_options=pa_csv.WriteOptions(quoting_style="needed",
                                                       include_header=i == 0))


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        parts = parts_of(table)
        in_parts(functools.partial(_write_part, table, path, parts), len(parts))
        join_parts(path, len(parts))
        names.append(f"{name}.csv")
    return names
