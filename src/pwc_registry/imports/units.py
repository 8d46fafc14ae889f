"""The unit rule's one judgement on a batch: which metrics it writes as fractions of 1.

Model cards write ``accuracy: 0.853`` where the registry's Accuracy is a percent; a library's
metafile writes ``Top 1 Accuracy: 85.3``. Reading 0.853 as 0.853 % would rank the card last;
multiplying a percent by 100 would be as wrong. So a value is converted only when the source
states it is a fraction (:attr:`ImportedValue.stated_unit`), or when every value of that metric
in the batch (one card, one metafile) lies in [0, 1] — a whole source that never leaves [0, 1]
for a metric whose scale is 0–100 writes fractions. For a metric that can be negative (its range
goes below 0: Matthews correlation, −100 to 100 as GLUE reports it) the interval is [−1, 1].
Values are judged by the metric they are, not by how the batch spells it ("Top 1 Accuracy" and
"Top-1 Accuracy" in one metafile are one metric, with one scale). Which metrics may be converted
at all (those whose registry unit is percent) is the shared path's decision; this module only
reads the batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping
from numbers import Real
from typing import Any

from ..values import read_imported
from .records import Imported, ImportedValue


def value_number(value: ImportedValue) -> float | None:
    """The value as a number, or None when it cannot count as a fraction: unreadable text, or
    text that states its own unit (``"85.3%"``, which is a percent whatever its size)."""
    raw = value.value
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Real):
        return float(raw)
    if isinstance(raw, str):
        reading = read_imported(raw)
        if reading.value is None or "stripped a percent sign" in reading.notes:
            return None
        return reading.value
    return None


def fraction_metrics(batch: Imported, metric_of: Callable[[str], str] = str,
                     signed: Collection[str] = ()) -> set[str]:
    """The metrics (``metric_of`` each name the batch gives: its id) whose values the batch
    writes as fractions; ``signed``, the metrics that can be negative.

    A metric is in the set when every one of its values in the batch is stated to be a fraction
    (``stated_unit="fraction"``) or is a number in [0, 1] ([−1, 1] if ``signed``). One value
    outside, written with a percent sign, or unreadable keeps the metric out: that value shows
    the scale is not a fraction's, or leaves it unknown — and unknown is never converted. A
    batch of which some was left out unread (:attr:`.records.Imported.partial`) is judged by
    what it states alone: a value left out might have been 75.3.
    """
    values = [v for result in batch.results for v in result.values]
    if batch.partial:  # an unread value keeps a metric out, as an unreadable one does
        values = [v if v.stated_unit == "fraction" else dataclasses.replace(v, value=None)
                  for v in values]
    return fractions_of(values, metric_of, signed)


def fractions_of(values: Iterable[ImportedValue], metric_of: Callable[[str], str] = str,
                 signed: Collection[str] = ()) -> set[str]:
    """:func:`fraction_metrics` over any set of values judged together."""
    within: dict[str, bool] = {}
    for value in values:
        metric = metric_of(value.metric)
        number = value_number(value)
        inside = value.stated_unit == "fraction" or (
            number is not None and lowest(metric, signed) <= number <= 1.0)
        within[metric] = within.get(metric, True) and inside
    return {metric for metric, inside in within.items() if inside}


def lowest(metric: str, signed: Collection[str]) -> float:
    """The lower end of a fraction of ``metric``: −1 if it can be negative, else 0."""
    return -1.0 if metric in signed else 0.0


def signed_metrics(metrics: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The ids of ``metrics`` (the registry's, by id) that can be negative: their range goes
    below 0."""
    out = set()
    for metric_id, data in metrics.items():
        range_ = data.get("range")
        low = range_.get("min") if isinstance(range_, dict) else None
        if isinstance(low, int | float) and not isinstance(low, bool) and low < 0:
            out.add(metric_id)
    return out
