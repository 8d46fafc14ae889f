"""The unit rule's one judgement on a batch: which metrics it writes as fractions of 1.

Model cards write ``accuracy: 0.853`` where the registry's Accuracy is a percent; a library's
metafile writes ``Top 1 Accuracy: 85.3``. Reading 0.853 as 0.853 % would rank the card last;
multiplying a percent by 100 would be as wrong. So a value is converted only when the source
states it is a fraction (:attr:`ImportedValue.stated_unit`), or when every value of that metric
in the batch (one card, one metafile) lies in [0, 1] — a whole source that never leaves [0, 1]
for a metric whose scale is 0–100 writes fractions. Which metrics may be converted at all (those
whose registry unit is percent) is the shared path's decision; this module only reads the batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from numbers import Real

from ..values import read_number_text
from .records import Imported, ImportedValue


def _number(value: ImportedValue) -> float | None:
    """The value as a number, or None when it cannot count as a fraction: unreadable text, or
    text that states its own unit (``"85.3%"``, which is a percent whatever its size)."""
    raw = value.value
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Real):
        return float(raw)
    if isinstance(raw, str):
        reading = read_number_text(raw)
        if reading.value is None or "stripped a percent sign" in reading.notes:
            return None
        return reading.value
    return None


def fraction_metrics(batch: Imported) -> set[str]:
    """The metrics (as the batch names them) whose values the batch writes as fractions.

    A metric is in the set when every one of its values in the batch is stated to be a fraction
    (``stated_unit="fraction"``) or is a number in [0, 1]. One value outside [0, 1], written
    with a percent sign, or unreadable keeps the metric out: that value shows the scale is not a
    fraction's, or leaves it unknown — and unknown is never converted. A batch of which some was
    left out unread (:attr:`.records.Imported.partial`) is judged by what it states alone: a
    value left out might have been 75.3.
    """
    values = [v for result in batch.results for v in result.values]
    if batch.partial:  # an unread value keeps a metric out, as an unreadable one does
        values = [v if v.stated_unit == "fraction" else dataclasses.replace(v, value=None)
                  for v in values]
    return fractions_of(values)


def fractions_of(values: Iterable[ImportedValue]) -> set[str]:
    """:func:`fraction_metrics` over any set of values judged together."""
    within: dict[str, bool] = {}
    for value in values:
        number = _number(value)
        inside = value.stated_unit == "fraction" or (number is not None and 0.0 <= number <= 1.0)
        within[value.metric] = within.get(value.metric, True) and inside
    return {metric for metric, inside in within.items() if inside}
