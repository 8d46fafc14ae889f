"""Reading the archive's dumps as Hugging Face distributes them: Parquet, a row a record.

Each row of a dump's Parquet file is the record its JSON dump holds as one item of its array
(an ``evaluation-tables`` row is one top-level task with its whole tree: subtasks, datasets,
``sota.rows``...), and becomes the same Python record, so nothing after the reader knows which
format a dump came in:

- a struct is a mapping without its null fields: a JSON object written to Parquet becomes a
  struct with every key any record of the file has (``metrics`` holds every metric name of the
  dump), so a null field is a key the record did not have. (A JSON ``null`` and a missing key
  are one thing to the converter.) A Parquet map is a mapping with every key it holds;
- a float that is not a number (NaN, infinity) is an :class:`.OutOfRange`, as in JSON; a
  decimal is read as the JSON path reads its text, a single-precision float as its shortest
  decimal; a date or timestamp is its ISO text;
- a pandas index column (named in the file's pandas metadata) is not part of a record.

The file is read a record batch at a time, never whole: a row group's column chunks are
streamed page by page (``pre_buffer`` off), and a batch holds at most :data:`_BATCH_BYTES` of
the row group's average rows. A record larger than :attr:`.Limits.record_bytes` is skipped and
reported (A018), as in JSON; a schema that nests deeper than :attr:`.Limits.depth` is refused
(A017: every record would be skipped); a row group with a column larger than
:attr:`.Limits.column_bytes` is skipped and reported (A051) before any of it is read, since
one of its pages may be as large as the column. (Sizes are the file's metadata's: a file that
lies in it is bounded only by pyarrow's checks of each page.)
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..diagnostics import Diagnostic
from .dumps import DumpError, Limits, OutOfRange, Progress, Report, number

_MAGIC = b"PAR1"
#: Bytes of row-group data (uncompressed, at the group's average row size) in one batch.
_BATCH_BYTES = 32 << 20
_MAX_BATCH_ROWS = 4096
#: Read buffer of a column chunk: pages are read through it, never the chunk at once.
_BUFFER = 1 << 20


def _unreadable(name: str, message: str) -> DumpError:
    return DumpError(Diagnostic("A050", message, name))


def _depth(kind: pa.DataType) -> int:
    """Levels of lists and mappings a value of ``kind`` nests, counted as JSON counts them."""
    if pa.types.is_struct(kind):
        return 1 + max((_depth(kind.field(i).type) for i in range(kind.num_fields)), default=0)
    if pa.types.is_map(kind):
        return 1 + _depth(kind.item_type)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) \
            or pa.types.is_fixed_size_list(kind):
        return 1 + _depth(kind.value_type)
    if pa.types.is_dictionary(kind):
        return _depth(kind.value_type)
    return 0


def _unsupported(kind: pa.DataType) -> pa.DataType | None:
    """The first type inside ``kind`` that no dump's JSON has an equivalent of, if any."""
    if pa.types.is_struct(kind):
        for i in range(kind.num_fields):
            found = _unsupported(kind.field(i).type)
            if found is not None:
                return found
        return None
    if pa.types.is_map(kind):
        key = kind.key_type
        if not (pa.types.is_string(key) or pa.types.is_large_string(key)):
            return key
        return _unsupported(kind.item_type)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) \
            or pa.types.is_fixed_size_list(kind):
        return _unsupported(kind.value_type)
    if pa.types.is_dictionary(kind):
        return _unsupported(kind.value_type)
    plain = (pa.types.is_string(kind) or pa.types.is_large_string(kind)
             or pa.types.is_integer(kind) or pa.types.is_floating(kind)
             or pa.types.is_boolean(kind) or pa.types.is_null(kind)
             or pa.types.is_decimal(kind) or pa.types.is_date(kind)
             or pa.types.is_timestamp(kind))
    return None if plain else kind


def _float(value: float | None) -> float | OutOfRange | None:
    if value is None or math.isfinite(value):
        return value
    return OutOfRange(f"{'NaN' if math.isnan(value) else 'Infinity'} is not a number")


def _shortest(value: float | None, bits: int) -> float | None:
    """A single-precision value as the number its shortest decimal says (0.1, not
    0.10000000149011612): what a writer of the file's text would have written."""
    if value is None or not math.isfinite(value):
        return value
    code = "e" if bits == 16 else "f"
    for digits in range(1, 18):
        candidate = float(f"{value:.{digits}g}")
        if struct.unpack(code, struct.pack(code, candidate))[0] == value:
            return candidate
    return value


def _decimal(value: decimal.Decimal | None) -> Any:
    return None if value is None else number(str(value))


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _python(array: pa.Array) -> list[Any]:
    """The values of ``array`` as the JSON path would give them, built column by column: a
    struct's fields that are null in every row of a batch (most metric names in most batches)
    cost one vectorised test, not a Python value per row."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        return _python(array.dictionary_decode())
    if pa.types.is_struct(kind):
        rows: list[Any] = [None if not valid else {}
                           for valid in array.is_valid().to_pylist()]
        for i, child in enumerate(array.flatten()):  # with the struct's offset and nulls
            if child.null_count == len(child):
                continue
            name = kind.field(i).name
            if child.null_count:
                at = pc.indices_nonzero(child.is_valid()).to_pylist()
                values = _python(child.take(at))
            else:
                at, values = range(len(child)), _python(child)
            for j, value in zip(at, values, strict=True):
                if value is not None:
                    rows[j][name] = value
        return rows
    if pa.types.is_map(kind):
        # keys and items are the whole child arrays, whatever the slice: the offsets place it
        offsets = array.offsets.to_pylist()
        first, last = (offsets[0], offsets[-1]) if offsets else (0, 0)
        keys = array.keys.slice(first, last - first).to_pylist()
        items = _python(array.items.slice(first, last - first))
        return [dict(zip(keys[offsets[i] - first:offsets[i + 1] - first],
                         items[offsets[i] - first:offsets[i + 1] - first], strict=True))
                if valid else None for i, valid in enumerate(array.is_valid().to_pylist())]
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) \
            or pa.types.is_fixed_size_list(kind):
        return _split(array, _python(array.flatten()))  # flatten keeps to the slice
    plain: list[Any] = array.to_pylist()
    if pa.types.is_float32(kind) or pa.types.is_float16(kind):
        return [_float(_shortest(v, kind.bit_width)) for v in plain]
    if pa.types.is_floating(kind):
        return [_float(v) for v in plain]
    if pa.types.is_decimal(kind):
        return [_decimal(v) for v in plain]
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return [_iso(v) for v in plain]
    return plain


def _lengths(array: pa.Array) -> list[int | None]:
    valid = array.is_valid().to_pylist()
    if pa.types.is_fixed_size_list(array.type):
        size = array.type.list_size
        return [size if v else None for v in valid]
    offsets = array.offsets.to_pylist()
    return [offsets[i + 1] - offsets[i] if v else None for i, v in enumerate(valid)]


def _split(array: pa.Array, values: list[Any]) -> list[Any]:
    """``values``, the elements of the lists of ``array`` that are not null, cut into each
    row's list."""
    rows: list[Any] = []
    at = 0
    for n in _lengths(array):
        if n is None:
            rows.append(None)
        else:
            rows.append(values[at:at + n])
            at += n
    return rows


def _index_columns(schema: pa.Schema) -> set[str]:
    """The pandas index columns of a file written from a data frame: not the dump's."""
    import json

    raw = (schema.metadata or {}).get(b"pandas")
    if not raw:
        return set()
    try:
        meta = json.loads(raw)
    except ValueError:
        return set()
    columns = meta.get("index_columns") if isinstance(meta, dict) else None
    return {c for c in columns or () if isinstance(c, str)}


def _footer_size(raw: Any, total: int, name: str, limits: Limits) -> None:
    if total < 12:
        raise _unreadable(name, "not a readable Parquet file: it is shorter than a Parquet "
                          "file's frame")
    raw.seek(total - 8)
    tail = raw.read(8)
    if tail[4:] != _MAGIC:
        raise _unreadable(name, "not a readable Parquet file: it does not end as Parquet "
                          "does (a download cut short?)")
    size = struct.unpack("<I", tail[:4])[0]
    if size > limits.record_bytes or size > total - 12:
        raise _unreadable(name, f"not a readable Parquet file: its footer claims {size:,} "
                          "bytes")


def records(path: Path, report: Report, progress: Progress | None,
            limits: Limits) -> Iterator[tuple[int, Any]]:
    """The rows of the Parquet file ``path`` as the JSON dump's records, with their index."""
    name = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise _unreadable(name, f"cannot open the dump: {exc.strerror}") from None
    with raw:
        total_bytes = path.stat().st_size
        _footer_size(raw, total_bytes, name, limits)
        raw.seek(0)
        try:
            parquet = pq.ParquetFile(raw, pre_buffer=False, buffer_size=_BUFFER)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise _unreadable(name, f"not a readable Parquet file: {exc}") from None
        yield from _rows(parquet, name, report, progress, limits)


def _rows(parquet: pq.ParquetFile, name: str, report: Report, progress: Progress | None,
          limits: Limits) -> Iterator[tuple[int, Any]]:
    schema = parquet.schema_arrow
    columns = [f.name for f in schema if f.name not in _index_columns(schema)]
    row_type = pa.struct([schema.field(c) for c in columns])
    odd = _unsupported(row_type)
    if odd is not None:
        raise _unreadable(name, f"a column holds values of type {odd}, which no dump of the "
                          "archive has")
    depth = _depth(row_type)
    if depth > limits.depth:
        raise DumpError(Diagnostic(
            "A017", f"every record nests {depth} levels (the file's schema), deeper than "
            f"{limits.depth}; the file is not read", name))
    meta = parquet.metadata
    total = meta.num_rows
    index = 0
    try:
        for group in range(meta.num_row_groups):
            rows = meta.row_group(group)
            largest = max((rows.column(c).total_uncompressed_size
                           for c in range(rows.num_columns)), default=0)
            if largest > limits.column_bytes:
                report(Diagnostic(
                    "A051", f"rows {index} to {index + rows.num_rows - 1} (row group {group}) "
                    f"hold a column of {largest:,} bytes, more than the importer reads at once "
                    f"({limits.column_bytes:,}); skipped", name, pointer=(index,)))
                index += rows.num_rows
                continue
            per_row = max(rows.total_byte_size // max(rows.num_rows, 1), 1)
            size = max(1, min(_MAX_BATCH_ROWS, _BATCH_BYTES // per_row))
            for batch in parquet.iter_batches(batch_size=size, row_groups=[group],
                                              columns=columns, use_threads=False):
                struct_rows = pa.StructArray.from_arrays(batch.columns, fields=list(row_type))
                sizes = _oversize(struct_rows, limits)
                if sizes:  # the others only are made Python values
                    struct_rows = struct_rows.take(pa.array(
                        [j for j in range(len(struct_rows)) if j not in sizes], pa.int64()))
                items = iter(_python(struct_rows))
                for j in range(batch.num_rows):
                    if j in sizes:
                        report(Diagnostic(
                            "A018", f"record {index} is larger than {limits.record_bytes:,} "
                            f"bytes ({sizes[j]:,} in Parquet's memory); skipped", name,
                            pointer=(index,)))
                    else:
                        yield index, next(items)
                    index += 1
                if progress is not None:
                    progress(index, total)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable(name, f"the Parquet file cannot be read past record {index}: {exc}") \
            from None
    if progress is not None:
        progress(total, total)


def _oversize(rows: pa.StructArray, limits: Limits) -> dict[int, int]:
    """The rows of the batch larger than the record limit, with their size; a batch within
    the limit has none, and costs no look at each row."""
    if rows.nbytes <= limits.record_bytes:
        return {}
    found = {}
    for j in range(len(rows)):
        size = rows.slice(j, 1).nbytes
        if size > limits.record_bytes:
            found[j] = size
    return found
