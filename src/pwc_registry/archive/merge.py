"""Laying imported records over the registry's own, never overwriting what is there.

What the registry holds wins: a field the file lacks is added; a field it has with another
value is kept and reported (A007) — it may be a human's correction; lists of names and links
gain the new members; results and code links are matched by what identifies them and merged
the same way. Merging a record into itself changes nothing, which is why importing twice does
nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..diagnostics import Pointer
from ..ids import fold, identity_of

Conflict = tuple[Pointer, Any, Any]  # where, the registry's value, the import's value


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


def merge(existing: Mapping[str, Any], incoming: Mapping[str, Any], *, entity: bool = False
          ) -> tuple[dict[str, Any], list[Conflict]]:
    """``existing`` with what ``incoming`` adds; the conflicts, where both have a value."""
    conflicts: list[Conflict] = []
    merged = _mapping(existing, incoming, (), conflicts, entity)
    if entity and "aliases" in merged:
        name = fold(str(merged.get("name", "")))
        aliases = [a for a in merged["aliases"] if fold(a) != name]
        unique = list({fold(a): a for a in reversed(aliases)}.values())[::-1]
        if unique:
            merged["aliases"] = unique
        else:
            del merged["aliases"]
    return merged, conflicts


def _mapping(existing: Mapping[str, Any], incoming: Mapping[str, Any], pointer: Pointer,
             conflicts: list[Conflict], entity: bool) -> dict[str, Any]:
    out = dict(existing)
    for key, value in incoming.items():
        here = (*pointer, key)
        if key not in out:
            out[key] = value
        elif entity and pointer == () and key == "name":
            if fold(out[key]) != fold(value):
                out.setdefault("aliases", [])
                out["aliases"] = [*out["aliases"], value]
        else:
            out[key] = _value(out[key], value, here, conflicts, entity)
    return out


def _value(mine: Any, theirs: Any, pointer: Pointer, conflicts: list[Conflict],
           entity: bool) -> Any:
    if mine == theirs:
        return mine
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return _mapping(mine, theirs, pointer, conflicts, entity)
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
    for item in theirs:
        k = key(item)
        if k is None or k not in index:
            out.append(item)
            if k is not None:
                index[k] = len(out) - 1
            continue
        i = index[k]
        if isinstance(out[i], dict) and isinstance(item, dict):
            out[i] = _mapping(out[i], item, (*pointer, i), conflicts, entity)
        elif out[i] != item:
            conflicts.append(((*pointer, i), out[i], item))
    return out
