"""The tables as Apache Parquet files, one per table (a row group per batch of rows), with
explicit types (a column that is null in every row is still a string column, not one of type
null that readers refuse to merge).

The bytes depend on the rows and on pyarrow's version only: the writer records no time, and
the ``created_by`` field names the version."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..tables import Column, Table
from .text import column_batches

TYPES: dict[str, pa.DataType] = {"string": pa.string(), "int": pa.int64(),
                                  "float": pa.float64(), "bool": pa.bool_(),
                                  "strings": pa.list_(pa.string())}


def schema(table: Table) -> pa.Schema:
    return pa.schema([_field(c) for c in table.columns],
                     metadata={"description": table.description})


def _field(column: Column) -> pa.Field:
    return pa.field(column.name, TYPES[column.type], nullable=column.nullable,
                    metadata={"description": column.description})


def write(tables: dict[str, Table], folder: Path) -> list[str]:
    names = []
    for name, table in tables.items():
        arrow_schema = schema(table)
        # zstd: a third of snappy's size for this text-heavy data, read by every Parquet reader
        # that matters (pandas, DuckDB, datasets, Spark). A row group per batch of rows.
        with pq.ParquetWriter(folder / f"{name}.parquet", arrow_schema,
                              compression="zstd") as writer:
            for columns in column_batches(table):
                writer.write_table(pa.Table.from_arrays(
                    [pa.array(values, type=TYPES[c.type])
                     for values, c in zip(columns, table.columns, strict=True)],
                    schema=arrow_schema))
        names.append(f"{name}.parquet")
    return names
