"""Reading the archive's dumps: JSON arrays, plain or gzipped, streamed record by record.

``papers-with-abstracts.json`` holds 576,000 papers; it is never held in memory whole. A dump
that is not valid JSON is reported with the line and column where parsing stopped (found by
a second, non-streaming parse, only on that error path).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from ..diagnostics import Diagnostic

Progress = Callable[[int, int], None]


class DumpError(Exception):
    """A dump cannot be read; ``diagnostic`` says where."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _decompressed(raw: IO[bytes]) -> IO[bytes]:
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def records(path: Path, progress: Progress | None = None) -> Iterator[Any]:
    """The items of the top-level array of ``path``, one at a time; ``progress`` is told now
    and then how many bytes of the file have been read, of how many."""
    try:
        total = path.stat().st_size
        raw = path.open("rb")
    except OSError as exc:
        raise DumpError(Diagnostic("A001", f"cannot open the dump: {exc.strerror}",
                                   str(path))) from None
    with raw:
        stream = _decompressed(raw)
        try:
            first = stream.read(1 << 16).lstrip()[:1]
            if first != b"[":
                raise DumpError(_not_json(path, "the dump is not a JSON array"))
            stream.seek(0)
            for n, item in enumerate(ijson.items(stream, "item", use_float=True), 1):
                if progress is not None and n % 2000 == 0:
                    progress(raw.tell(), total)
                yield item
            if progress is not None:
                progress(total, total)
        except ijson.JSONError as exc:
            raise DumpError(_not_json(path, str(exc))) from None
        except (OSError, EOFError, UnicodeDecodeError) as exc:  # a truncated gzip, bad bytes
            raise DumpError(Diagnostic("A001", f"cannot read the dump: {exc}", str(path))) from None


def _not_json(path: Path, fallback: str) -> Diagnostic:
    try:
        with path.open("rb") as raw:
            json.loads(_decompressed(raw).read().decode("utf-8"))
    except json.JSONDecodeError as exc:
        return Diagnostic("A001", f"not valid JSON: {exc.msg}", str(path), exc.lineno, exc.colno)
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        return Diagnostic("A001", f"cannot read the dump: {exc}", str(path))
    return Diagnostic("A001", fallback, str(path))
