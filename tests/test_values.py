"""Reading metric values written as text, on every value of the archive's own task files."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pwc_registry import canonical, load
from pwc_registry.values import exact_number, float_artefact, read_number_text


def _metric_values(task: dict[str, Any]) -> Iterator[Any]:
    for dataset in task.get("datasets", []):
        for part in [dataset, *dataset.get("subdatasets", [])]:
            for row in part.get("sota", {}).get("rows", []):
                yield from row.get("metrics", {}).values()
    for subtask in task.get("subtasks", []):
        yield from _metric_values(subtask)


def test_every_archive_value_is_read_or_refused_never_guessed(corpus: Path) -> None:
    """corpus/pwc-format/sota-extractor/*.json: 4,763 values, 3,049 of them strings."""
    strings: list[str] = []
    for path in sorted((corpus / "pwc-format" / "sota-extractor").glob("*.json")):
        try:
            tasks = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            assert path.name == "examples__example_json_format.json"  # invalid upstream
            continue
        for task in tasks:
            strings += [v for v in _metric_values(task) if isinstance(v, str)]
    assert len(strings) > 3000
    refused = 0
    for text in strings:
        reading = read_number_text(text)
        if reading.value is None:
            refused += 1
            assert reading.problem
        else:
            # the value is the first number written in the text: nothing scaled or invented
            first = re.search(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", text)
            assert first is not None and float(first.group()) == reading.value, text
    assert 300 < refused < 600  # "-", "", "24M", "0.46B", "Elsner", "No", ...


@pytest.mark.parametrize(("text", "value", "spread", "readable"), [
    ("13.889", 13.889, None, True),          # cmrc.json, Z-Reader (single model)
    ("90.0 ± 0.5", 90.0, 0.5, True),         # corpus README: values with a spread
    ("76.5%", 76.5, None, True),
    ("**70.3**", 70.3, None, True),
    ("87.58*", 87.58, None, True),
    ("\ufeff12.5", 12.5, None, True),         # a value with a leading U+FEFF
    ("70.14 (measured by Ge et al., 2018)", 70.14, None, True),
    ("24M", None, None, False),              # parameter counts with a unit: not guessed
    ("0.46B", None, None, False),
    ("78.6/84.4", None, None, False),        # two numbers in one cell
    ("78.6 (84.4)", None, None, False),      # the second in brackets: as much a guess
    ("84.4 (84.4%)", None, None, False),
    ("17.1(16.1 with basic dynamic evaluation)", 17.1, None, True),  # said what it is
    ("84 (85)", None, None, False),
    ("66.4 (dev)", 66.4, None, True),        # a remark (a note on the result)
    ("90.1 (±0.3)", 90.1, 0.3, True),        # a spread in brackets
    ("90.0 ± -0.5", None, None, False),      # a negative spread: written, refused (helper-66)
    ("NaN", None, None, False),              # not finite: A015, as JSON's bare NaN (helper-66)
    ("-Infinity", None, None, False),
    ("90.1 (±-0.3)", None, None, False),
    ("60.7+", None, None, False),
    ("-", None, None, False),
    ("--*", None, None, False),
    ("", None, None, False),
    ("No", None, None, False),
    ("Elsner", None, None, False),
])
def test_archive_value_strings(text: str, value: float | None, spread: float | None,
                               readable: bool) -> None:
    reading = read_number_text(text)
    assert (reading.value, reading.spread) == (value, spread)
    assert (reading.problem is None) == readable
    assert reading.out_of_range == (text in ("NaN", "-Infinity"))


# --- numbers a registry file can hold --------------------------------------------------------

@settings(max_examples=int(os.environ.get("PWC_FUZZ_EXAMPLES", "1000")), deadline=None)
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                 st.integers(-(2 ** 60), 2 ** 60), st.integers(0, 400).map(lambda k: 10 ** k)))
def test_what_the_writer_writes_reads_back_the_same_or_is_reported(number: float) -> None:
    """Every number the canonical writer writes is read back as the same number with no
    diagnostic, or is one no registry file can hold, and the reader says so (Y020, V015):
    never a crash, never a silently different number."""
    raw = f"v: {canonical.number_text(number) if isinstance(number, float) else number}\n"
    doc = load.read_rich("f.yaml", raw.encode())
    if doc.data is not None:
        assert doc.data["v"] == number and not doc.diagnostics
        assert exact_number(raw[3:]) == number
        fast = load.read_fast(raw.encode())
        assert fast is None or fast == doc.data
    else:
        assert [d.code for d in doc.diagnostics] in (["Y020"], ["V015"]), doc.diagnostics
        with pytest.raises(ValueError, match="64-bit float"):
            exact_number(raw[3:])


@pytest.mark.parametrize(("text", "code"), [
    ("1" + "0" * 400, "Y020"), ("-" + "9" * 5000, "Y020"), ("0x" + "f" * 300, "Y020"),
    ("1.0e400", "Y020"), ("1.0e-400", "Y020"), ("2222399999999999999999999999999", "V015"),
    ("9007199254740993", "V015"), ("0.1234567890123456789", "V015"),
    # subnormal: fewer digits kept, and pandas' precise JSON reader refuses it (helper-107)
    ("1.234567e-320", "Y020"), ("5e-324", "Y020"), ("-2.2e-308", "Y020"),
])
def test_numbers_no_float_holds_are_reported_at_their_line(text: str, code: str) -> None:
    doc = load.read_rich("f.yaml", f"a: 1\nb:\n  - {text}\n".encode())
    assert [(d.code, d.line, d.column) for d in doc.diagnostics] == [(code, 3, 5)]


@pytest.mark.parametrize(("text", "problem"), [
    ("1e400", "1e400 is too large for a 64-bit float"),
    ("-1e400", "-1e400 is too large for a 64-bit float"),
    ("9" * 5000, "is too large for a 64-bit float"),
    ("1e-400", "1e-400 is too small for a 64-bit float: it would read as 0"),
    ("5.0e-324", "5.0e-324 is too small for a 64-bit float to hold in full"),
    ("90.1 ± 1e999", "1e999 is too large for a 64-bit float"),
    ("0.1234567890123456789", "has more digits than a 64-bit float keeps")])
def test_a_number_no_float_holds_is_a_problem_not_infinity_or_zero(text: str,
                                                                  problem: str) -> None:
    reading = read_number_text(text)
    assert reading.value is None and reading.out_of_range
    assert reading.problem is not None and problem in reading.problem


def test_zero_written_as_zero_is_zero() -> None:
    assert read_number_text("0e-999").value == read_number_text("0.000").value == 0


def test_long_text_is_refused_in_linear_time() -> None:
    """The patterns for footnotes and remarks once took 40 s on 40,000 spaces."""
    import time

    started = time.monotonic()
    reading = read_number_text("1" + " " * 1_000_000 + "x")
    assert reading.value is None and "too long" in (reading.problem or "")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("value, short", [
    (77.28999999999999, 77.29),         # the shipped registry's, the archive's 100 - 22.71
    (0.30000000000000004, 0.3), (-77.28999999999999, -77.29), (0.7729000000000001, 0.7729),
    (12345678.900000002, 12345678.9),
    (3.141592653589793, None), (2 / 3, None), (66.36, None), (0.1, None), (1e-20, None),
    (5e-324, None), (1.7976931348623157e308, None)])
def test_a_float_artefact_is_told_from_a_number_with_many_digits(
        value: float, short: float | None) -> None:
    assert float_artefact(value) == short
