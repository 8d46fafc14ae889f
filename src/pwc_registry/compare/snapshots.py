"""Two leaderboard snapshots of one registry compared (``pwc leaderboards compare``): what a
change of the tool does to the published leaderboards.

``pwc diff`` compares two versions of the registry with one tool. A pull request that changes
the tool (its ranking, its reading of numbers) can re-rank every board with the data unchanged;
CI builds the pull request's registry with the base branch's pwc and with its own, and this
compares the two snapshots (:mod:`..snapshot`, format version 2) as data: every board added or
gone, a board's primary metric or metrics (direction, unit), and for each row — known by its
holder, model and the subtask it comes from — its presence, ranks, values, spreads, flag, date
and paper; and each board's state of the art over time. The files are read as untrusted data:
a file too large, not JSON or not of the snapshot's shape is a difference, never a crash.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

#: A snapshot file larger than this is not read (the largest board at the archive's scale,
#: 1,556 rows, is ~2 MB).
MAX_BOARD_BYTES = 64 * 1024 * 1024

#: What a row is compared by, as the snapshot writes it (the paper it credits and its holder
#: with their titles and arXiv ids: what a reader sees of whose the number is).
_ROW_FIELDS = ("rank", "rank_without_extra_data", "values", "spreads", "spread_notes", "ranks",
               "extra_training_data", "date", "paper", "holder", "code", "source", "notes")
#: What a board is compared by.
_BOARD_FIELDS = ("name", "task", "dataset", "split", "primary_metric", "metrics", "notes")


@dataclasses.dataclass(frozen=True)
class BoardDifference:
    board: str
    what: str


def _boards(folder: Path) -> dict[str, Path]:
    listing = folder / "benchmarks"
    if not listing.is_dir() or listing.is_symlink():
        return {}
    return {entry.name[:-len(".json")]: Path(entry.path) for entry in os.scandir(listing)
            if entry.name.endswith(".json") and entry.is_file(follow_symlinks=False)}


def _load(path: Path) -> Mapping[str, Any] | str:
    """The board's data, or why it cannot be read."""
    try:
        if path.stat().st_size > MAX_BOARD_BYTES:
            return f"over {MAX_BOARD_BYTES:,} bytes"
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        return f"cannot be read: {exc}"
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        return "not a leaderboard snapshot"
    return data


def _key(row: Any) -> tuple[str, ...] | None:
    if not isinstance(row, dict) or not isinstance(row.get("holder"), dict):
        return None
    holder = row["holder"]
    return (str(holder.get("kind")), str(holder.get("id")), str(row.get("model")),
            str(row.get("via_task") or ""))


def _shown(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _differ(a: Any, b: Any) -> bool:
    """Whether two values of the snapshot differ as written: 1, 1.0 and true are three values
    (Python's == takes them for one)."""
    return _shown(a) != _shown(b)


def board_differences(board: str, old: Mapping[str, Any], new: Mapping[str, Any]
                      ) -> Iterator[BoardDifference]:
    said = False
    for field in _BOARD_FIELDS:
        if _differ(old.get(field), new.get(field)):
            said = True
            yield BoardDifference(board, f"{field}: {_shown(old.get(field))} → "
                                  f"{_shown(new.get(field))}")
    before: dict[tuple[str, ...] | None, list[Any]] = {}
    after: dict[tuple[str, ...] | None, list[Any]] = {}
    for rows, into in ((old["rows"], before), (new["rows"], after)):
        for row in rows:
            into.setdefault(_key(row), []).append(row)
    for key in sorted(before.keys() | after.keys(), key=str):
        a, b = before.get(key, []), after.get(key, [])
        if len(a) != len(b):
            said = True
            yield BoardDifference(board, f"row {_label(key)}: {len(a)} on the board → {len(b)}")
            continue
        for x, y in zip(a, b, strict=True):
            for field in _ROW_FIELDS:
                if _differ(x.get(field), y.get(field)):
                    said = True
                    yield BoardDifference(board, f"row {_label(key)}: {field} "
                                          f"{_shown(x.get(field))} → {_shown(y.get(field))}")
    if [_key(r) for r in old["rows"]] != [_key(r) for r in new["rows"]]:
        said = True
        yield BoardDifference(board, "the rows' order differs")
    for field in ("sota", "sota_without_extra_data"):
        if _differ(old.get(field), new.get(field)):
            said = True
            yield BoardDifference(board, f"{field.replace('_', ' ')}: the state of the art over "
                                  "time differs")
    if not said and _differ(old, new):
        yield BoardDifference(board, "the board's JSON differs (in fields not listed above)")


def _label(key: tuple[str, ...] | None) -> str:
    if key is None:
        return "(not a row)"
    kind, holder, model, via = key
    return f"'{model}' of {kind} {holder}" + (f" (via {via})" if via else "")


def _other_files(folder: Path) -> dict[str, Path]:
    """Every file of the snapshot but the boards' JSON (CSV, Markdown, the index, and anything
    else a tool put there), by relative path: compared byte for byte, as a reader downloads
    them. Links are not followed."""
    out: dict[str, Path] = {}
    for place, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not os.path.islink(os.path.join(place, f))]
        relative = os.path.relpath(place, folder)
        for name in files:
            path = name if relative == "." else f"{relative}/{name}"
            if relative == "benchmarks" and name.endswith(".json"):
                continue
            if not os.path.islink(os.path.join(place, name)):
                out[path] = Path(place, name)
    return out


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size or a.stat().st_size > MAX_BOARD_BYTES:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def compare_snapshots(old: Path, new: Path) -> list[BoardDifference]:
    """Every difference between the snapshots in ``old`` and ``new``, board by board, then
    the other files (CSV, Markdown, index) that differ."""
    for folder in (old, new):
        if not (folder / "benchmarks").is_dir() or (folder / "benchmarks").is_symlink():
            return [BoardDifference("", f"{folder}: not a leaderboard snapshot (no benchmarks/)")]
    before, after = _boards(old), _boards(new)
    out: list[BoardDifference] = []
    for board in sorted(before.keys() | after.keys()):
        if board not in after:
            out.append(BoardDifference(board, "the leaderboard is gone"))
            continue
        if board not in before:
            out.append(BoardDifference(board, "the leaderboard is new"))
            continue
        a, b = _load(before[board]), _load(after[board])
        if isinstance(a, str) or isinstance(b, str):
            out.append(BoardDifference(board, f"{old if isinstance(a, str) else new}: "
                                       f"{a if isinstance(a, str) else b}"))
            continue
        out += board_differences(board, a, b)
    files_before, files_after = _other_files(old), _other_files(new)
    for name in sorted(files_before.keys() | files_after.keys()):
        a_file, b_file = files_before.get(name), files_after.get(name)
        if a_file is None or b_file is None or not _same_bytes(a_file, b_file):
            board = name.removeprefix("benchmarks/").rsplit(".", 1)[0] \
                if name.startswith("benchmarks/") else ""
            what = "is gone" if b_file is None else "is new" if a_file is None else "differs"
            out.append(BoardDifference(board, f"{name} {what}"))
    return out
