"""Which dump a file holds, by its name or its place: the archive as it is distributed.

The archive comes in three layouts, and a user may point at any part of each:

- the JSON dumps as Papers with Code named them (``evaluation-tables.json.gz``...), or with
  a date before the name, as later copies have them (``jul-28-evaluation-tables.json``);
- Hugging Face's ``pwc-archive`` organisation: one dataset per dump, its Parquet shards in
  ``<dataset>/data/train-00000-of-00004.parquet``; the code links' dataset is
  ``links-between-paper-and-code`` ("paper", singular) where the JSON dump says "papers";
- the same downloaded into the Hugging Face cache:
  ``datasets--pwc-archive--<dataset>/snapshots/<revision>/data/*.parquet``.

A folder is a dump's dataset folder when it is named as one, or holds dumps (folders or files
named as dumps) one level down. Nothing else is guessed: a file whose name does not say its
dump is refused with what it is and how to pass it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .dumps import DumpError, dump_format

TABLES = "evaluation-tables"
PAPERS = "papers-with-abstracts"
LINKS = "links-between-papers-and-code"
METHODS = "methods"
DATASETS = "datasets"
DUMPS = (TABLES, PAPERS, LINKS, METHODS, DATASETS)
#: The option that takes each dump by any name.
OPTION = {TABLES: "--evaluation-tables", PAPERS: "--papers", LINKS: "--links",
          METHODS: "--methods", DATASETS: "--datasets"}
_OTHER_NAMES = {"links-between-paper-and-code": LINKS}  # Hugging Face's dataset
_DATE = re.compile(r"^(?:[a-z]{3}-[0-9]{1,2}|[0-9]{4}-[0-9]{2}-[0-9]{2})[-_]", re.IGNORECASE)
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".parquet")
_HUB_CACHE = re.compile(r"^datasets--pwc-archive--(.+)$")
_SHARD = re.compile(r"-([0-9]+)-of-([0-9]+)\.parquet$")
_FORMATS = {"parquet": "Parquet", "jsonl": "JSON Lines", "json": "JSON"}


class NotADump(Exception):
    """A path given as a dump that is not one, or not one this module can name; the message
    says what it is and what to do."""


def dump_named(name: str) -> str | None:
    """The dump a file or folder name says it holds: ``methods.json.gz``,
    ``jul-28-evaluation-tables.json``, ``links-between-paper-and-code``,
    ``datasets--pwc-archive--methods``."""
    stem = name.removesuffix(".gz")
    for suffix in _SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    hub = _HUB_CACHE.match(stem)
    if hub:
        stem = hub.group(1)
    stem = _DATE.sub("", stem, count=1)
    stem = _OTHER_NAMES.get(stem, stem)
    return stem if stem in DUMPS else None


def _dataset_of_shard(path: Path) -> str | None:
    """The dump of a shard in a dataset's ``data/`` folder, in a download or the hub cache."""
    if path.suffix != ".parquet" or path.parent.name != "data":
        return None
    above = path.parent.parent
    found = dump_named(above.name)
    if found is None and above.parent.name == "snapshots":  # the hub cache
        found = dump_named(above.parent.parent.name)
    return found


def shards(folder: Path) -> list[Path]:
    """A dataset folder's Parquet shards in order, all of them: a set with one missing (a
    download cut short) is refused rather than half imported."""
    data = folder / "data"
    if not data.is_dir():
        snapshots = sorted(p for p in (folder / "snapshots").glob("*/data") if p.is_dir()) \
            if (folder / "snapshots").is_dir() else []
        if len(snapshots) > 1:
            raise NotADump(f"{folder}: holds {len(snapshots)} snapshots of the dataset; pass "
                           "the one to import (snapshots/<revision>)")
        if not snapshots:
            raise NotADump(f"{folder}: no data/ folder of Parquet shards in it (a dataset's "
                           "folder as Hugging Face has it)")
        data = snapshots[0]
    found = sorted(p for p in data.iterdir() if p.name.endswith(".parquet"))
    if not found:
        raise NotADump(f"{data}: no Parquet shards (*.parquet) in it")
    counts = {m.group(2) for p in found if (m := _SHARD.search(p.name))}
    if len(counts) == 1:
        expected = int(counts.pop())
        have = {int(m.group(1)) for p in found if (m := _SHARD.search(p.name))}
        missing = sorted(set(range(expected)) - have)
        if missing:
            raise NotADump(f"{data}: shard {missing[0]} of {expected} is missing "
                           f"({len(have)} of {expected} are there); download the rest")
    return found


#: Fields only one dump's records have: enough to say which dump a Parquet file's columns
#: look like, as a hint (the file is still passed by its name or option, never by this).
_SIGNATURES = {TABLES: {"task", "datasets"}, PAPERS: {"abstract", "paper_url"},
               LINKS: {"repo_url", "paper_url"}, METHODS: {"full_name", "collections"},
               DATASETS: {"homepage", "variants"}}


def _what(path: Path) -> str:
    try:
        kind = _FORMATS[dump_format(path)]
    except DumpError as exc:
        raise NotADump(f"{path}: {exc.diagnostic.message}") from None
    if kind == "Parquet":
        import pyarrow.parquet as pq

        try:
            columns = set(pq.read_schema(path).names)
        except (OSError, ValueError):  # pyarrow's errors; a hint only, the import tells
            return kind
        like = [dump for dump, needs in _SIGNATURES.items() if needs <= columns]
        if len(like) == 1:
            return f"{kind} with the columns of {like[0]} ({OPTION[like[0]]})"
    return kind


def discover(paths: Iterable[Path]) -> dict[str, list[Path]]:
    """The files of each dump among ``paths`` (files or folders), in order."""
    found: dict[str, list[Path]] = {}
    origin: dict[str, Path] = {}

    def add(dump: str, files: list[Path], given: Path) -> None:
        if dump in origin and origin[dump] != given and dump != TABLES:
            raise NotADump(f"{given}: a second {dump} dump (the first: {origin[dump]})")
        origin.setdefault(dump, given)
        found.setdefault(dump, []).extend(files)

    for path in paths:
        if path.is_dir():
            dump = dump_named(path.name)
            if dump is not None:
                add(dump, shards(path), path)
                continue
            inside = [(dump_named(child.name), child) for child in sorted(path.iterdir())]
            named = [(d, child) for d, child in inside if d is not None]
            if not named:
                raise NotADump(
                    f"{path}: no dump in this folder: it holds no folder or file named as one "
                    f"({', '.join(DUMPS)}, or links-between-paper-and-code)")
            for dump, child in named:
                add(dump, shards(child) if child.is_dir() else [child], child)
            continue
        dump = dump_named(path.name) or _dataset_of_shard(path)
        if dump is None:
            what = _what(path)
            raise NotADump(
                f"{path}: this is {what}, but its name does not say which dump it holds; pass "
                f"it with {', '.join(OPTION.values())}"
                + (", or pass the folder that holds the dataset's data/ folder"
                   if what.startswith("Parquet") else ""))
        if path.parent.name == "data" and dump_named(path.name) is None:
            add(dump, [path], path.parent)  # shards of one dataset, given one by one
        else:
            add(dump, [path], path)
    return found


def expand(dump: str, paths: Iterable[Path]) -> list[Path]:
    """The files of the paths given with one dump's option: a folder is its shards."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            named = dump_named(path.name)
            if named is not None and named != dump:
                raise NotADump(f"{path}: the folder of the {named} dump, given with "
                               f"{OPTION[dump]}")
            files.extend(shards(path))
        else:
            files.append(path)
    return files
