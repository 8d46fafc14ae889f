"""The unit rule's judgement on a batch (src/pwc_registry/imports/units.py)."""

from __future__ import annotations

from typing import Any

from pwc_registry.imports.records import Imported, ImportedResult, ImportedValue, Origin
from pwc_registry.imports.units import fraction_metrics

HERE = Origin("card.md")


def _batch(*rows: tuple[str, Any] | tuple[str, Any, str]) -> Imported:
    values = tuple(ImportedValue(row[0], row[1], HERE, row[2] if len(row) == 3 else None)
                   for row in rows)
    return Imported(HERE, None, tuple(
        ImportedResult(HERE, "T", "D", f"model {i}", (v,)) for i, v in enumerate(values)))


def test_every_value_in_the_unit_interval() -> None:
    batch = _batch(("accuracy", 0.86), ("accuracy", 1), ("accuracy", 0), ("f1", 0.9),
                   ("bleu", 27.3), ("bleu", 0.5))
    assert fraction_metrics(batch) == {"accuracy", "f1"}


def test_one_value_out_of_range_keeps_the_metric_out() -> None:
    # MIT's speech-commands card writes 98.12: one such value shows the card's scale.
    assert fraction_metrics(_batch(("accuracy", 0.5), ("accuracy", 98.12))) == set()
    assert fraction_metrics(_batch(("mcc", -0.1), ("mcc", 0.5))) == set()


def test_text_values() -> None:
    assert fraction_metrics(_batch(("a", "0.75"), ("b", "0.75%"), ("c", "-"),
                                   ("d", "0.5 ± 0.1"))) == {"a", "d"}
    # One unreadable value leaves the scale unknown.
    assert fraction_metrics(_batch(("a", "0.75"), ("a", "n/a"))) == set()


def test_what_is_not_a_number() -> None:
    assert fraction_metrics(_batch(("a", True), ("b", None), ("c", [0.5]))) == set()


def test_a_stated_fraction() -> None:
    batch = _batch(("a", 0.5, "fraction"), ("a", 0.7), ("b", 3, "fraction"))
    assert fraction_metrics(batch) == {"a", "b"}
    assert fraction_metrics(_batch(("a", 0.5, "fraction"), ("a", 50))) == set()


def test_an_empty_batch() -> None:
    assert fraction_metrics(Imported(HERE, None, ())) == set()


def test_a_metric_that_can_be_negative_has_fractions_in_minus_one_to_one() -> None:
    """Matthews correlation (−100 to 100 as GLUE reports it): a card's −0.3 was written as
    −0.3 beside percents, and its 0.45 refused as "other values are above 1" when the other
    was −0.02 (found by an attack)."""
    assert fraction_metrics(_batch(("mcc", -0.3)), signed={"mcc"}) == {"mcc"}
    assert fraction_metrics(_batch(("mcc", 0.45), ("mcc", -0.02)), signed={"mcc"}) == {"mcc"}
    assert fraction_metrics(_batch(("mcc", -0.3))) == set()  # not signed: [0, 1]
    assert fraction_metrics(_batch(("mcc", -1.5), ("mcc", 0.5)), signed={"mcc"}) == set()


def test_values_are_judged_by_the_metric_not_its_spelling() -> None:
    """One metafile writing "Top 1 Accuracy: 0.48" and "Top-1 Accuracy: 78.5": two spellings
    of one metric, so 0.48 is ambiguous, not a fraction (it was multiplied to 48)."""
    ids = {"Top 1 Accuracy": "top-1-accuracy", "Top-1 Accuracy": "top-1-accuracy"}
    batch = _batch(("Top 1 Accuracy", 0.48), ("Top-1 Accuracy", 78.5))
    assert fraction_metrics(batch) == {"Top 1 Accuracy"}  # by spelling: the old mistake
    assert fraction_metrics(batch, ids.__getitem__) == set()
