"""The registry at one version — a commit, or the work tree — read only as far as asked.

Comparing two versions of a 50,000-paper registry must cost what the change costs, so nothing
is read in bulk: papers and sources (the holders of results) are read by path (in worker
processes when there are many), entities by kind and id, and every answer is kept. A record
that does not pass its schema is never turned into a domain object: the compilers must see
exactly what the validator accepts.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import layout, schema
from .gitrefs import Version
from .load import read
from .parallel import fork_map
from .registry import Holder, Paper, Registry, Source, holder_from

#: Below this many papers to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 400

Record = Mapping[str, Any]


class RegistryAt:
    """One version of the registry folder ``folder`` (relative to the top of the work tree)."""

    def __init__(self, version: Version, folder: str) -> None:
        self.version = version
        self.folder = folder
        self._entities: dict[str, dict[str, Record | None]] = {k: {} for k in layout.ENTITY_KINDS}
        self._holders: dict[str, tuple[Holder | None, Record | None]] = {}

    @property
    def label(self) -> str:
        return self.version.label

    def path_of(self, kind: str, record_id: str) -> str:
        return f"{self.folder}/{layout.relative_path(kind, record_id)}"

    # --- entities ------------------------------------------------------------------------

    def load(self, kind: str, ids: Iterable[str]) -> None:
        """Read the entities of ``kind`` with these ids that are not read yet."""
        known = self._entities[kind]
        paths = {self.path_of(kind, i): i for i in sorted(set(ids) - known.keys())}
        for path, raw in self.version.read(paths).items():
            data = read(path, raw).data if raw is not None else None
            valid = isinstance(data, dict) and schema.is_valid(kind, data)
            known[paths[path]] = data if valid else None

    def entity(self, kind: str, record_id: str) -> Record | None:
        """The valid record of an entity, None if absent or invalid."""
        if record_id not in self._entities[kind]:
            self.load(kind, [record_id])
        return self._entities[kind][record_id]

    def entities(self, kind: str) -> dict[str, Record]:
        """The valid entities of ``kind`` read so far."""
        return {i: r for i, r in self._entities[kind].items() if r is not None}

    def load_task_tree(self, tasks: Iterable[str]) -> None:
        """``tasks`` and every ancestor of each, a level at a time."""
        pending = set(tasks)
        while pending:
            self.load("task", pending)
            parents = {(self.entity("task", t) or {}).get("parent") for t in pending}
            pending = {p for p in parents
                       if isinstance(p, str) and p not in self._entities["task"]}

    # --- holders: papers and sources ------------------------------------------------------

    def holders(self, paths: Iterable[str]) -> dict[str, tuple[Holder | None, Record | None]]:
        """For each path of a paper or source file: the holder (None where absent or invalid)
        and its data (None where absent or not a mapping)."""
        wanted = [p for p in dict.fromkeys(paths) if p not in self._holders]
        found = [(path, raw, self._kind(path)) for path, raw in self.version.read(wanted).items()
                 if raw is not None]
        for path in wanted:
            self._holders[path] = (None, None)
        parts = fork_map(_parse_holders, found, jobs=None, threshold=PARALLEL_THRESHOLD)
        for path, kind, data, valid in (r for part in parts for r in marshal.loads(part)):
            holder = holder_from(kind, data, path) if valid else None
            self._holders[path] = (holder, data)
        return {p: self._holders[p] for p in dict.fromkeys(paths)}

    def _kind(self, path: str) -> str:
        return layout.SOURCE if path.startswith(
            f"{self.folder}/{layout.FOLDERS[layout.SOURCE]}/") else layout.PAPER

    def registry(self, holders: Iterable[Holder], datasets: set[str]) -> Registry:
        """The holders, with the entities that their results on ``datasets`` refer to."""
        chosen = list(holders)
        results = [r for h in chosen for r in h.results if r.dataset in datasets]
        self.load("dataset", {r.dataset for r in results})
        self.load("metric", {m for r in results for m in r.metrics})
        self.load_task_tree({r.task for r in results})
        entities = {kind: self.entities(kind) for kind in layout.ENTITY_KINDS}
        return Registry({h.id: h for h in chosen if isinstance(h, Paper)}, entities,
                        sources={h.id: h for h in chosen if isinstance(h, Source)})


def _parse_holders(files: Sequence[tuple[str, bytes, str]]) -> bytes:
    """``(path, kind, data, valid)`` of each paper or source file, as marshal bytes (far faster
    across a process boundary than pickled objects). Abstracts are kept: a paper's abstract
    rewritten is said (H015)."""
    out: list[tuple[str, str, Any, bool]] = []
    for path, raw, kind in files:
        data = read(path, raw).data
        if not isinstance(data, dict):
            out.append((path, kind, None, False))
            continue
        valid = schema.is_valid(kind, data)
        out.append((path, kind, data, valid))
    return marshal.dumps(out)


def registry_folder(registry: Path, top: Path) -> str:
    """The registry folder as a path relative to the top of its work tree."""
    return registry.resolve().relative_to(top.resolve()).as_posix()
