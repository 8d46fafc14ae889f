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
