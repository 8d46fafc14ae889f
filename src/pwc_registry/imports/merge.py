"""Laying imported records over the registry's own, never overwriting what is there.

What the registry holds wins: a field the file lacks is added; a field it has with another
value is kept and reported (A007) — it may be a human's correction; lists of names and links
gain the new members; results and code links are matched by what identifies them (a result
also by its ``aliases``) and merged the same way — except a result's values: a result the
registry already holds is curated, so an import adds no metric to it (each one it would add
is reported as not added, :data:`NOT_HELD`) and changes no value. Merging a record into
itself changes nothing, which is why importing twice does nothing the second time. A result the
file's corrections say was removed (or moved: renamed, filed elsewhere) is not added back
(:data:`REMOVED`): re-importing would otherwise undo a maintainer's reviewed removal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from ..diagnostics import Pointer
from ..ids import fold, identity_of
from .holders import unnumbered

Conflict = tuple[Pointer, Any, Any]  # where, the registry's value, the import's value


class _NotHeld:
    def __repr__(self) -> str:
        return "NOT_HELD"


#: The registry's side of a conflict where its result has no such metric: the import's value is
#: not added, since a result in the registry has been filed (and perhaps checked) as it stands.
NOT_HELD: Any = _NotHeld()


class _Removed:
    def __repr__(self) -> str:
        return "REMOVED"


#: The registry's side of a conflict where a correction of the file removed the import's result
#: (its pointer is the correction's): the result is not added back.
REMOVED: Any = _Removed()


def _result_key(item: Any) -> Any:
    return identity_of(item)


def _url_key(item: Any) -> Any:
    if isinstance(item, str):
        return item
    return item.get("url") if isinstance(item, dict) else None


#: Lists whose members are matched by a key and merged one by one.
_KEYED: dict[str, Callable[[Any], Any]] = {
    "results": _result_key, "code": _url_key, "code_links": _url_key, "links": _url_key,
}
#: Lists that are sets of names: new members are added.
_SETS = {"tasks", "methods", "aliases", "modalities", "languages", "collections", "citations",
         "model_links", "metrics"}


#: Entity ids merged into others (kind → old id → the id now), as
#: ``scripts/merge_entities.py`` leaves them: the old name an alias of the entity kept.
Moved = Mapping[str, Mapping[str, str]]


def merge(existing: Mapping[str, Any], incoming: Mapping[str, Any], *, entity: bool = False,
          moved: Moved | None = None) -> tuple[dict[str, Any], list[Conflict]]:
    """``existing`` with what ``incoming`` adds; the conflicts, where both have a value.
    ``moved``: entity ids merged into others, under which the file's corrections may name the
    results they moved."""
    conflicts: list[Conflict] = []
    merged = _mapping(existing, incoming, (), conflicts, entity,
                      _removals(existing, moved or {}))
    if entity and "aliases" in merged:
        name = fold(str(merged.get("name", "")))
        aliases = [a for a in merged["aliases"] if fold(a) != name]
        # The first spelling of each name stays, where it is: the file's own come first.
        first: dict[str, str] = {}
        for alias in aliases:
            first.setdefault(fold(alias), alias)
        unique = list(first.values())
        if unique:
            merged["aliases"] = unique
        else:
            del merged["aliases"]
    return merged, conflicts


def _removals(record: Mapping[str, Any], moved: Moved) -> dict[Any, Pointer]:
    """The identities of the results ``record``'s corrections remove (a correction naming a
    result, with neither metric nor field), each with its correction's pointer; a result
    named on a task or dataset since merged into another also under the id it has now (a
    source still names the merged one's name, which now finds the entity kept)."""
    corrections = record.get("corrections")
    out: dict[Any, Pointer] = {}
    for i, correction in enumerate(corrections if isinstance(corrections, list) else ()):
        if isinstance(correction, dict) and "metric" not in correction \
                and "field" not in correction:
            target = correction.get("result")
            key = identity_of(target)
            if key is None or not isinstance(target, dict):
                continue
            out.setdefault(key, ("corrections", i))
            now = {**target, **{kind: moved[kind][target[kind]] for kind in ("task", "dataset")
                                if isinstance(target.get(kind), str)
                                and target[kind] in moved.get(kind, {})}}
            if now != target:
                out.setdefault(identity_of(now), ("corrections", i))
                out.setdefault(_Moved(identity_of(now)), ("corrections", i))
    return out


@dataclasses.dataclass(frozen=True)
class _Moved:
    """A key of :func:`_removals`: the identity, under the id kept, of a result a merge of
    entities moved (its rows collided on one board there, so the import numbered them)."""

    identity: Any


def _unnumbered(item: Any) -> Any:
    """The identity of ``item`` under the name the importer numbered, if it did, else None."""
    if not isinstance(item, dict):
        return None
    model = unnumbered(item.get("model"), item.get("notes"))
    return None if model is None else identity_of({**item, "model": model})


def _mapping(existing: Mapping[str, Any], incoming: Mapping[str, Any], pointer: Pointer,
             conflicts: list[Conflict], entity: bool,
             removed: Mapping[Any, Pointer]) -> dict[str, Any]:
    out = dict(existing)
    for key, value in incoming.items():
        here = (*pointer, key)
        if key == "results" and pointer == () and removed and isinstance(value, list):
            value = _not_removed(value, out.get("results"), removed, conflicts)
            if not value and key not in out:
                continue
        if key not in out:
            out[key] = value
        elif entity and pointer == () and key == "name":
            if fold(out[key]) != fold(value):
                out.setdefault("aliases", [])
                out["aliases"] = [*out["aliases"], value]
        else:
            out[key] = _value(out[key], value, here, conflicts, entity, removed)
    return out


def _not_removed(theirs: list[Any], mine: Any, removed: Mapping[Any, Pointer],
                 conflicts: list[Conflict]) -> list[Any]:
    """``theirs`` without the results a correction removed, unless the file holds them again
    (under their name or an alias): each left out is a conflict at its correction."""
    held: set[Any] = set()
    for item in mine if isinstance(mine, list) else ():
        if isinstance(item, dict):
            aliases = item.get("aliases")
            held.update(identity_of({**item, "model": name}) for name in
                        [item.get("model"), *(aliases if isinstance(aliases, list) else ())])
    kept = []
    for item in theirs:
        key = identity_of(item)
        # A row the import numbered for another of its name, where a merge of entities made
        # two tables one board, is moved with it: the corrections name the rows as the
        # registry held them before. (Elsewhere a numbered row is a row of its own: a
        # correction removing "Anonymous" says nothing of "Anonymous [2]".)
        base = _unnumbered(item)
        hit = key if key in removed else base \
            if _Moved(base) in removed and base not in held else None
        if hit is not None and key not in held:
            conflicts.append((removed[hit], REMOVED, item))
        else:
            kept.append(item)
    return kept


def _value(mine: Any, theirs: Any, pointer: Pointer, conflicts: list[Conflict],
           entity: bool, removed: Mapping[Any, Pointer]) -> Any:
    if mine == theirs:
        return mine
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return _mapping(mine, theirs, pointer, conflicts, entity, removed)
    key = pointer[-1]
    if isinstance(mine, list) and isinstance(theirs, list):
        if key in _KEYED:
            return _keyed(mine, theirs, _KEYED[str(key)], pointer, conflicts, entity)
        if key in _SETS:
            return mine + [x for x in theirs if x not in mine]
    conflicts.append((pointer, mine, theirs))
    return mine


def _keyed(mine: list[Any], theirs: list[Any], key: Callable[[Any], Any], pointer: Pointer,
           conflicts: list[Conflict], entity: bool) -> list[Any]:
    out = list(mine)
    index = {key(item): i for i, item in enumerate(out) if key(item) is not None}
    if pointer == ("results",):
        # A held result's other names find it too ("ULMFiT (2018)" the result "ULMFiT").
        for i, item in enumerate(out):
            for alias in item.get("aliases", []) if isinstance(item, dict) else []:
                alias_key = key({**item, "model": alias})
                if alias_key is not None:
                    index.setdefault(alias_key, i)
    for item in theirs:
        k = key(item)
        if k is None or k not in index:
            out.append(item)
            if k is not None:
                index[k] = len(out) - 1
            continue
        i = index[k]
        if pointer == ("results",) and isinstance(item, dict) and isinstance(out[i], dict) \
                and key(out[i]) != k:
            item = {f: v for f, v in item.items() if f != "model"}  # named by an alias
        if isinstance(out[i], dict) and isinstance(item, dict):
            if pointer == ("results",) and "extra_training_data" not in out[i] \
                    and "extra_training_data" in item:
                # A held result without the field used no extra data (what every view reads):
                # saying so adds nothing, and saying otherwise changes its rank unreviewed.
                said = item["extra_training_data"]
                if said is not False:
                    conflicts.append(((*pointer, i, "extra_training_data"), False, said))
                item = {f: v for f, v in item.items() if f != "extra_training_data"}
            metrics = item.get("metrics")
            if pointer == ("results",) and isinstance(metrics, dict):
                held = out[i].get("metrics", {})
                if isinstance(held, dict):
                    _values_kept(held, metrics, (*pointer, i, "metrics"), conflicts)
                else:
                    conflicts.append(((*pointer, i, "metrics"), held, metrics))
                item = {k: v for k, v in item.items() if k != "metrics"}
            out[i] = _mapping(out[i], item, (*pointer, i), conflicts, entity, {})
        elif out[i] != item:
            conflicts.append(((*pointer, i), out[i], item))
    return out


def _values_kept(mine: Mapping[str, Any], theirs: Mapping[str, Any], pointer: Pointer,
                 conflicts: list[Conflict]) -> None:
    """A held result's values stay as they are: a metric it lacks is reported, not added (a
    new value on a curated result would change its leaderboard without review), and a value
    that differs, even by a spread it lacks, is kept and reported."""
    for metric, value in theirs.items():
        if metric not in mine:
            conflicts.append(((*pointer, metric), NOT_HELD, value))
        elif mine[metric] != value:
            conflicts.append(((*pointer, metric), mine[metric], value))
