"""Plain YAML values of the wrong type, and what is mechanical about fixing them.

A plain value is read by its look: ``no`` is false in YAML 1.1 and the text "no" in YAML 1.2
(Y007), ``2405.01234`` is a number in both. Where the schema says which type belongs at that
place, the fix is mechanical: a string field gets the text as written, quoted (``arxiv:
"2405.01234"``); a boolean field gets the boolean YAML 1.1 meant (``extra_training_data: no`` →
``false``, not ``"no"``, which the schema refuses). The checker words its hints from here and
`pwc fmt` writes these fixes. Anything else is left to a person: ``010`` in a number field is 10
in YAML 1.2 and 8 in YAML 1.1, and only the author knows which was meant.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

import yaml

from . import schema
from .diagnostics import Pointer
from .load import Document


@dataclasses.dataclass(frozen=True)
class Fix:
    """The value to write at ``pointer`` instead of the plain value there, and the hint that
    says so."""

    pointer: Pointer
    value: Any
    hint: str


def fixes(kind: str, data: Any, doc: Document, file: str) -> dict[Pointer, Fix]:
    """The mechanical fix of each plain value of ``data`` (the record as YAML 1.2 reads it; its
    plain texts and Y007 diagnostics in ``doc``) that is of the wrong type for the schema or
    that YAML 1.1 reads otherwise, by pointer. Values with no mechanical fix are left out."""
    if not isinstance(data, dict) or not doc.plain_texts:
        return {}
    wrong = _wrong(kind, data, doc, file)
    ambiguous = {d.pointer for d in doc.diagnostics if d.code == "Y007"}
    out: dict[Pointer, Fix] = {}
    for pointer, text in doc.plain_texts.items():
        if pointer not in wrong and pointer not in ambiguous:
            continue
        if pointer not in wrong:
            current = _get(data, pointer)
            if isinstance(current, str):  # text where text belongs: say so by quoting it
                out[pointer] = Fix(pointer, current, f'quote it: "{text}" (YAML 1.1 reads '
                                   "it otherwise)")
            continue  # a number YAML 1.1 reads otherwise: which one was meant is not known
        candidates: list[tuple[Any, str]] = []
        meant = _yaml11(text)
        if isinstance(meant, bool):
            word = "true" if meant else "false"
            candidates.append((meant, f"write {word} (YAML 1.1 reads {text} as {word}; "
                               "quoted, it would be text)"))
        candidates.append((text, f'quote it: "{text}"'))
        for value, hint in candidates:
            if _fits(kind, data, doc, file, pointer, value):
                out[pointer] = Fix(pointer, value, hint)
                break
    return out


def apply(data: Mapping[str, Any], found: Mapping[Pointer, Fix]) -> dict[str, Any]:
    """A copy of ``data`` with the fixes written in."""
    fixed: dict[str, Any] = copy.deepcopy(dict(data))
    for fix in found.values():
        _set(fixed, fix.pointer, fix.value)
    return fixed


def _wrong(kind: str, data: Any, doc: Document, file: str) -> set[Pointer | None]:
    """The pointers the schema complains about in ``data``."""
    probe = dataclasses.replace(doc, data=data, diagnostics=[], ambiguous=None)
    return {d.pointer for d in schema.explain(kind, probe, file)}


def _fits(kind: str, data: Any, doc: Document, file: str, pointer: Pointer, value: Any) -> bool:
    changed = copy.deepcopy(data)
    _set(changed, pointer, value)
    return pointer not in _wrong(kind, changed, doc, file)


def _yaml11(text: str) -> Any:
    try:
        return yaml.safe_load(text)  # PyYAML reads YAML 1.1
    except yaml.YAMLError:
        return None


def _get(data: Any, pointer: Pointer) -> Any:
    for part in pointer:
        data = data[part]
    return data


def _set(data: Any, pointer: Pointer, value: Any) -> None:
    for part in pointer[:-1]:
        data = data[part]
    data[pointer[-1]] = value
