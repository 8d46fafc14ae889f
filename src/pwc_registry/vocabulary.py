"""The closed vocabularies results are written in: tasks, datasets, metrics, methods, areas.

Ids come from file names alone. Names, aliases and metric limits are read from the entity files
when first needed, so that checking five changed papers reads five papers and the few metrics
they use, not the whole registry; a full validation hands over the documents it has read.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from . import layout
from .ids import fold
from .load import Document, read
from .markdown import number as shown
from .suggest import MOST, suggestions


@dataclasses.dataclass
class Entry:
    """What the registry knows of one entity: its id, display name and aliases."""

    kind: str
    id: str
    file: str
    name: str | None = None
    aliases: tuple[str, ...] = ()
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def entry_of(file: layout.RegistryFile, data: Any) -> Entry:
    """The entry of an entity file (its id is its file name even if the data is unusable)."""
    if not isinstance(data, dict):
        return Entry(file.kind, file.stem, file.name)
    name = data.get("name")
    aliases = data.get("aliases")
    return Entry(
        kind=file.kind,
        id=file.stem,
        file=file.name,
        name=name if isinstance(name, str) else None,
        aliases=tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list)
        else (),
        data=data,
    )


def _bound(value: float) -> str:
    return "…" if math.isinf(value) else f"{value:g}"


@dataclasses.dataclass(frozen=True)
class Limits:
    """What a metric's file says about its possible values."""

    name: str
    low: float = -math.inf
    high: float = math.inf
    percent: bool = False

    def refuses(self, number: float) -> str | None:
        """Why ``number`` cannot be a value of the metric (V002, and the importers' A054), or
        None."""
        if self.low <= number <= self.high:
            return None
        return (f"{shown(number)} is outside the range of {self.name} [{_bound(self.low)}, "
                f"{_bound(self.high)}]")

    @classmethod
    def of(cls, metric: Mapping[str, Any]) -> Limits:
        bounds = metric.get("range")
        bounds = bounds if isinstance(bounds, dict) else {}
        low: Any = bounds.get("min")
        high: Any = bounds.get("max")
        name = metric.get("name")
        return cls(
            name=name if isinstance(name, str) else "the metric",
            low=float(low) if _is_number(low) else -math.inf,
            high=float(high) if _is_number(high) else math.inf,
            percent=metric.get("unit") == "percent",
        )


def _is_number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


class Vocabulary:
    def __init__(self, files: Iterable[layout.RegistryFile],
                 paper_ids: Callable[[], Collection[str]]) -> None:
        self._files: dict[str, dict[str, layout.RegistryFile]] = {
            k: {} for k in layout.ENTITY_KINDS}
        #: :meth:`suggest`'s answers: the same unknown name in many files (a dataset renamed
        #: under them) is searched once.
        self._suggested: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
        for f in files:
            if f.kind in self._files:  # sources hold results: they are not a vocabulary
                self._files[f.kind][f.stem] = f
        self._paper_ids = paper_ids
        self._papers: Collection[str] | None = None
        self._entries: dict[str, dict[str, Entry]] = {k: {} for k in layout.ENTITY_KINDS}
        self._by_name: dict[str, dict[str, str]] = {}
        self._limits: dict[str, Limits | None] = {}
        self._longest: dict[str, int] = {}

    def add_documents(self, documents: Mapping[layout.RegistryFile, Document]) -> None:
        """Use entity documents already read instead of reading them again."""
        for f, doc in documents.items():
            if f.kind in self._entries:
                self._entries[f.kind][f.stem] = entry_of(f, doc.data)

    def ids(self, kind: str) -> Collection[str]:
        if kind == layout.PAPER:
            if self._papers is None:
                self._papers = self._paper_ids()
            return self._papers
        return self._files[kind].keys()

    def entry(self, kind: str, entity_id: str) -> Entry | None:
        entries = self._entries[kind]
        if entity_id not in entries:
            f = self._files[kind].get(entity_id)
            if f is None:
                return None
            entries[entity_id] = entry_of(f, read(f.name, f.read_bytes()).data)
        return entries[entity_id]

    def entries(self, kind: str) -> dict[str, Entry]:
        """Every entity of a kind, by id, in id order."""
        found = {i: self.entry(kind, i) for i in sorted(self._files[kind])}
        return {i: e for i, e in found.items() if e is not None}

    def limits(self, metric_id: str) -> Limits | None:
        try:
            return self._limits[metric_id]
        except KeyError:
            entry = self.entry("metric", metric_id)
            self._limits[metric_id] = Limits.of(entry.data) if entry else None
            return self._limits[metric_id]

    def longest_task_id(self, task_id: str) -> int:
        """The length of the longest id among a task and its ancestors: a result filed under
        the task is on each of their leaderboards."""
        found = self._longest.get(task_id)
        if found is None:
            found, seen = 0, set()
            node: str | None = task_id
            while node is not None and node not in seen:  # a cycle is R003's
                seen.add(node)
                found = max(found, len(node))
                entry = self.entry("task", node) if node in self._files["task"] else None
                parent = entry.data.get("parent") if entry else None
                node = parent if isinstance(parent, str) else None
            self._longest[task_id] = found
        return found

    def _names(self, kind: str) -> dict[str, str]:
        if kind not in self._by_name:
            names: dict[str, str] = {}
            if kind != layout.PAPER:
                for entry in self.entries(kind).values():
                    for name in (entry.name, *entry.aliases):
                        if name:
                            names.setdefault(fold(name), entry.id)
            self._by_name[kind] = names
        return self._by_name[kind]

    def resolve(self, kind: str, ref: str) -> tuple[str | None, str | None]:
        """``(id, None)`` if ``ref`` is an id; ``(None, id)`` if it is a name or alias of one;
        ``(None, None)`` if the registry has nothing by that name."""
        if ref in self.ids(kind):
            return ref, None
        return None, self._names(kind).get(fold(ref))

    def suggest(self, kind: str, ref: str, exclude: Collection[str] = ()) -> list[str]:
        """Up to three ids near ``ref`` by id, name or alias, best first; never one of
        ``exclude`` (a task is not offered as its own parent)."""
        key = (kind, ref, tuple(sorted(exclude)))
        memo = self._suggested
        if key in memo:
            return list(memo[key])
        ids = self.ids(kind)
        names = self._names(kind)
        display = [] if kind == layout.PAPER else [
            e.name for e in self.entries(kind).values() if e.name]
        found: list[str] = []
        for guess in suggestions(ref, [*ids, *display, *names], most=3 * MOST):
            found_id = guess if guess in ids else names.get(fold(guess))
            if found_id and found_id not in exclude and found_id not in found:
                found.append(found_id)
        memo[key] = found[:MOST]
        return list(memo[key])
