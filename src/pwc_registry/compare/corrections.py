"""Corrections: the written reason for a change to something already published.

A paper's corrections name the result (task, dataset, split, model as they were), and either
the metric with its old and new value, or a ``field`` (``extra_training_data``,
``source_kind``, ``date``, ``paper``: the paper it credits) with its old and new value, or
nothing more when the result is removed; a paper-level ``field`` (``date``, ``title``, or an
identifier's scheme such as ``arxiv``) covers that of the paper; ``renamed_from`` names the
paper's previous id. An entity's corrections name a ``field`` (a metric's ``direction``,
``unit`` or ``range``; a benchmark's ``primary_metric``, or ``direction`` with its
``metric``; a task's ``parent``) with the old and new value. Corrections are append-only: one
already published is never edited or removed.
"""

from __future__ import annotations

import dataclasses
import json
import marshal
from collections.abc import Mapping
from typing import Any

from ..ids import ResultIdentity, identity_of
from ..registry import Value

#: A paper's identifiers (the paper schema's ``identifiers``): each a field a correction may
#: name, without ``result``, when it changes on a paper that holds published rows.
IDENTIFIER_SCHEMES = ("arxiv", "doi", "acl", "openreview", "pwc")
#: The fields a correction may name, by the kind of record that holds it.
FIELDS: dict[str, frozenset[str]] = {
    "paper": frozenset({"extra_training_data", "source_kind", "date", "paper", "title",
                        *IDENTIFIER_SCHEMES}),
    "source": frozenset({"extra_training_data", "source_kind", "date", "paper", "title"}),
    "metric": frozenset({"direction", "unit", "range"}),
    "benchmark": frozenset({"primary_metric", "direction"}),
    "task": frozenset({"parent"}),
}


@dataclasses.dataclass(frozen=True)
class Correction:
    """One entry of a record's ``corrections``, as written in the head version."""

    #: The record holding it: kind and id, and its path (relative to the top of the work tree).
    kind: str
    holder: str
    path: str
    index: int
    data: Mapping[str, Any]

    @property
    def result(self) -> ResultIdentity | None:
        target = self.data.get("result")
        return identity_of(target) if isinstance(target, dict) else None

    @property
    def metric(self) -> str | None:
        metric = self.data.get("metric")
        return metric if isinstance(metric, str) else None

    @property
    def field(self) -> str | None:
        field = self.data.get("field")
        return field if isinstance(field, str) else None

    @property
    def renamed_from(self) -> str | None:
        old = self.data.get("renamed_from")
        return old if isinstance(old, str) else None

    @property
    def reason(self) -> str:
        return str(self.data.get("reason", ""))

    def says(self, before: Any, after: Any) -> bool:
        """Whether its ``old`` and ``new`` are ``before`` and ``after``."""
        return _same(self.data.get("old"), before) and _same(self.data.get("new"), after)

    def says_values(self, before: Value | None, after: Value | None) -> bool:
        """Whether its ``old`` and ``new`` are these metric values. A plain number states the
        value alone, so it covers no change of the spread."""
        old, new = self.data.get("old"), self.data.get("new")
        spread_stated = isinstance(old, dict) or isinstance(new, dict)
        if not spread_stated and before is not None and after is not None \
                and before.spread != after.spread:
            return False
        return _value_is(old, before) and _value_is(new, after)


def _same(stated: Any, actual: Any) -> bool:
    if isinstance(stated, bool) or isinstance(actual, bool):
        return stated is actual
    return bool(stated == actual)


def _value_is(stated: Any, actual: Value | None) -> bool:
    if stated is None or actual is None:
        return stated is None and actual is None
    if isinstance(stated, dict):
        value, spread = stated.get("value"), stated.get("spread")
        return _number_is(value, actual.value) and (
            spread is None if actual.spread is None else _number_is(spread, actual.spread))
    return _number_is(stated, actual.value)


def _number_is(stated: Any, actual: float) -> bool:
    if isinstance(stated, bool) or not isinstance(stated, int | float):
        return False
    try:
        return float(stated) == actual
    except OverflowError:
        return False


def corrections_of(kind: str, holder: str, path: str, data: Mapping[str, Any] | None
                   ) -> list[Correction]:
    found = data.get("corrections") if isinstance(data, dict) else None
    if not isinstance(found, list):
        return []
    return [Correction(kind, holder, path, i, c) for i, c in enumerate(found)
            if isinstance(c, dict)]


def published_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
                      ) -> list[tuple[int, str]]:
    """How ``after``'s corrections fail to keep ``before``'s: (index in ``before``, what
    happened to it) for each correction edited or removed. Corrections are append-only."""
    old = before.get("corrections") if isinstance(before, dict) else None
    new = after.get("corrections") if isinstance(after, dict) else None
    old = old if isinstance(old, list) else []
    new = new if isinstance(new, list) else []
    out: list[tuple[int, str]] = []
    for i, entry in enumerate(old):
        if i < len(new) and _exactly(new[i]) == _exactly(entry):
            continue
        out.append((i, "edited" if i < len(new) else "removed"))
    return out


def _exactly(data: Any) -> str:
    """``data`` in a form where ``true`` and ``1``, ``1`` and ``1.0`` differ."""
    try:
        return json.dumps(data, sort_keys=True, default=repr)
    except ValueError:  # an integer too long for text: compare the data's exact bytes
        return marshal.dumps(data).hex()


def is_new(correction: Correction, before: Mapping[str, Any] | None) -> bool:
    """Whether ``correction`` is added by this change (its index is past ``before``'s)."""
    old = before.get("corrections") if isinstance(before, dict) else None
    return correction.index >= (len(old) if isinstance(old, list) else 0)
