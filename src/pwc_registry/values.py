"""Reading metric values written as text, without guessing.

The archive and papers write values as ``"76.5%"``, ``"90.0 ± 0.5"``, ``"**70.3**"`` or
``"87.58*"``. Those can be read: the number is there, and what was stripped is kept as a note.
``"78.6/84.4"``, ``"185M"``, ``"60.7+"``, ``"-"`` cannot: which number, which unit, what the
marker means would be a guess, so the reading carries the reason instead of a value.
"""

from __future__ import annotations

import dataclasses
import decimal
import math
import re
import sys

from .markdown import number

_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_PLAIN = re.compile(rf"^{_NUMBER}$")
_SPREAD = re.compile(rf"^({_NUMBER})\s*(?:±|\+/-|\+-)\s*({_NUMBER})$")
_BOLD = re.compile(r"^(\*\*|__)(.+)\1$")
_FOOTNOTE = re.compile(r"^(.*?)\s*([*†‡§]+)$")
_REMARK = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
_BRACKETED_SPREAD = re.compile(rf"^(?:±|\+/-|\+-)\s*({_NUMBER})$")
#: The longest text read as a value: a number, its spread, a remark such as "(measured by Ge
#: et al., 2018)" and markers fit many times over.
MAX_TEXT = 200


@dataclasses.dataclass(frozen=True)
class Reading:
    """What a text says: a value (and spread), the notes on what was stripped, or why not."""

    text: str
    value: float | None
    spread: float | None = None
    notes: tuple[str, ...] = ()
    problem: str | None = None
    #: The text says a number, but one no float holds as written (``1e400``, ``1e-400``, more
    #: digits than a float keeps): see :func:`exact_number`.
    out_of_range: bool = False
    #: The digits of the value and spread as written (``"88.5"``, ``"0.2"`` of "88.5±0.2"),
    #: for a writer that keeps them (:func:`exact_number`).
    value_text: str | None = None
    spread_text: str | None = None

    def describe(self) -> str:
        if self.value is None:
            return "no value"
        if self.spread is None:
            return number(self.value)
        return f"value: {number(self.value)} and spread: {number(self.spread)}"


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


def _number(text: str, value: str, spread: str | None, notes: list[str]) -> Reading:
    for digits in (value, spread):
        if digits is None:
            continue
        try:
            exact_number(digits)
        except ValueError as exc:
            return Reading(text, None, problem=f"{_shown(digits)} {exc}", out_of_range=True)
    if spread is not None and float(spread) < 0:
        # "90.0 ± -0.5": the ± part is a size; a registry value holds none below 0 (V001)
        return Reading(text, None, problem=f"its spread {spread} is negative")
    return Reading(text, float(value), None if spread is None else float(spread), tuple(notes),
                   value_text=value, spread_text=spread)


#: The texts of a float that is no number a result can be (A015 in imports).
_NOT_FINITE = frozenset({"nan", "inf", "infinity"})


def read_number_text(text: str) -> Reading:
    notes: list[str] = []
    s = text.strip()
    if s.startswith("\ufeff"):
        s = s.lstrip("\ufeff").strip()
        notes.append("stripped a byte-order mark")
    if s.casefold().lstrip("+-.") in _NOT_FINITE:  # "NaN", "-Infinity", YAML's ".inf"
        return Reading(text, None, problem=f"{_shown(s)} is not a finite number",
                       out_of_range=True)
    if not s or s in {"-", "--", "?", "N/A", "n/a", "NA"} or not re.search(r"[0-9]", s):
        return Reading(text, None, problem="no number is given")
    if _PLAIN.match(s):
        return _number(text, s, None, notes)
    if len(s) > MAX_TEXT:
        # Not a value but prose; and the patterns below take quadratic time on long runs of
        # spaces (40,000 took 40 s).
        return Reading(text, None, problem=f"{len(s)} characters are too long for a value")
    m = _BOLD.match(s)
    if m:
        s = m.group(2).strip()
        notes.append("stripped bold markers")
    m = _REMARK.match(s)
    if m and re.search(r"[0-9]", m.group(1)):
        remark = m.group(2).strip()
        spread = _BRACKETED_SPREAD.match(remark)
        if spread:  # "90.1 (±0.3)": the spread, bracketed
            remark = ""
            s = f"{m.group(1).strip()} ± {spread.group(1)}"
        # A second number alone in the brackets ("78.6 (84.4)": MRPC's accuracy and F1?): which
        # one the table means is a guess, as for "78.6/84.4". One the remark says what it is
        # ("17.1 (16.1 with basic dynamic evaluation)") leaves the first as the number.
        if _PLAIN.match(remark.removesuffix("%").strip()):
            return Reading(text, None, problem=f"{text!r} gives a second number in brackets "
                           f"({remark!r}): which one is meant is not said")
        if remark:
            s = m.group(1).strip()
            notes.append(f"remark: {remark}")
    m = _FOOTNOTE.match(s)
    if m and m.group(1):
        s = m.group(1)
        notes.append(f"footnote marker {m.group(2)}")
    if s.endswith("%"):
        s = s[:-1].strip()
        notes.append("stripped a percent sign")
    m = _SPREAD.match(s)
    if m:
        return _number(text, m.group(1), m.group(2), notes)
    if _PLAIN.match(s):
        return _number(text, s, None, notes)
    return Reading(text, None, problem=f"cannot read a single number from {text!r}")


# --- numbers a registry file can hold ---------------------------------------------------------
#
# Leaderboards, snapshots and the site compare and show values as 64-bit floats. A number that
# cannot be one (too large, or so small it reads as 0) would crash them or show another number;
# so would an integer with more digits than a float keeps (2222399999999999999999999999999
# shows as 2.2224e+30). Files, writers and compilers share these rules.

#: Integers up to this size are floats exactly; beyond it, see :func:`held_as`.
EXACT_INTEGERS = 2 ** 53
#: More digits than any finite float has before its point (the largest is about 1.8e308).
FLOAT_DIGITS = 309
_INTEGER = re.compile(r"^[-+]?[0-9]+\Z")


def read_integer(text: str) -> int | float:
    """The integer that decimal ``text`` writes; past any float's range, ±inf without reading
    it (no registry number is that large, and Python refuses integers of over 4,300 digits)."""
    if len(text.lstrip("+-").lstrip("0")) > FLOAT_DIGITS:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def beyond_float(value: int | float, text: str) -> str | None:
    """Why ``value`` (read from ``text``) is no 64-bit float at all, or None if it is one.
    ``.inf`` and ``.nan`` themselves are not numbers a paper gives: readers refuse them first."""
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            return "is too large for a 64-bit float"
        return None
    if math.isinf(value):
        return "is too large for a 64-bit float"
    if value == 0 and re.search(r"[1-9]", text.split("e")[0].split("E")[0]):
        return "is too small for a 64-bit float: it would read as 0"
    if 0 < abs(value) < sys.float_info.min:
        # A subnormal float keeps fewer digits, and readers refuse it (pandas' JSON reader
        # with precise_float: "Range error"; without it, 0.0): no result is one (helper-107).
        return ("is too small for a 64-bit float to hold in full (below 2.2e-308): it keeps "
                "fewer digits, and readers of the exports read it as 0 or refuse it")
    return None


def held_as(value: int | float, text: str) -> str | None:
    """The number a 64-bit float holds for ``value`` (read from ``text``), in its shortest form
    as the leaderboards show it, when that is another number than the text's; else None.
    ``value`` must be within a float's range (:func:`beyond_float`)."""
    if isinstance(value, int):
        if -EXACT_INTEGERS <= value <= EXACT_INTEGERS:
            return None
        written = decimal.Decimal(value)
    elif "e" not in text and "E" not in text and sum(c.isdigit() for c in text) <= 15:
        return None  # the usual case: 15 digits a float always keeps (DBL_DIG), no subnormal
    else:
        try:
            written = decimal.Decimal(text)
        except decimal.InvalidOperation:  # not decimal digits: YAML 1.2 has no other float
            return None
    held = decimal.Decimal(repr(float(value)))
    if held == written:
        return None
    return str(int(held)) if isinstance(value, int) else number(float(value))


#: Decimal places tried for the short number a float artefact stands for.
_ARTEFACT_PLACES = 8
#: How many units in the last place a float artefact is from its short number: the error of a
#: sum or difference of two short decimals (100 - 22.71 gives 77.28999999999999).
_ARTEFACT_ULPS = 4


def float_artefact(value: float) -> float | None:
    """The short number (at most :data:`_ARTEFACT_PLACES` decimals) that ``value``, written
    with 15 or more significant digits, is within a few units in the last place of: what a
    computation in binary floating point made of it (``77.28999999999999`` for 77.29). None
    for a float that is no such artefact (``0.1``, ``3.141592653589793``)."""
    text = repr(value)
    if len(text) < 17 or "e" in text or not math.isfinite(value):
        return None  # the usual case: fewer digits than an artefact has
    if sum(c.isdigit() for c in text.lstrip("-0.")) < 15:
        return None
    ulp = math.ulp(value)
    for places in range(_ARTEFACT_PLACES + 1):
        short = round(value, places)
        if short != value and abs(short - value) <= _ARTEFACT_ULPS * ulp:
            return short
    return None


#: The most significant digits a program prints a 64-bit float with (``repr`` and ``%.17g``
#: never need more to give the float back).
FLOAT_PRINTED_DIGITS = 17
_DECIMAL = re.compile(r"^[-+]?(\d*)\.(\d*)(?:[eE][-+]?\d+)?$")


def float_as_printed(text: str) -> tuple[float, str] | None:
    """The float ``text`` is, and its shortest form, when ``text`` is a decimal fraction of at
    most 17 significant digits that a float does not hold as written: a float as a program
    printed it (``39.146000000000003`` is the float 39.146, ``0.8819154355578197``), which
    every reader of the source gets as that float. None for any other text (more digits are
    precision a float cannot keep, which no reader of the source had either)."""
    m = _DECIMAL.match(text.strip())
    if m is None or len((m.group(1) + m.group(2).rstrip("0")).lstrip("0")) \
            > FLOAT_PRINTED_DIGITS:
        return None
    value = float(text)
    if beyond_float(value, text.strip()) or held_as(value, text.strip()) is None:
        return None
    return value, number(value)


def read_imported(text: str) -> Reading:
    """:func:`read_number_text` as the importers read someone else's value: a plain number
    written with more digits than a 64-bit float keeps but at most 17 (``39.146000000000003``)
    is read as the float it is, which every reader of the source gets, with a note saying what
    was written. One reading for the values imported and for the unit rule that judges them."""
    reading = read_number_text(text)
    printed = float_as_printed(text) if reading.out_of_range else None
    if printed is None:
        return reading
    value, shown = printed
    return Reading(text, value, notes=(f"written {text.strip()}, more digits than a 64-bit "
                                       f"float keeps: read as {shown}, the float every reader "
                                       "of it gets",), value_text=shown)


def exact_number(text: str) -> int | float:
    """The number ``text`` gives, written with the same digits wherever it is written again:
    an integer for an integer, else a float. ValueError, saying why, when no registry number is
    that number (too large, too small, or more digits than a 64-bit float keeps)."""
    s = text.strip()
    if not _PLAIN.match(s):
        raise ValueError("is not a plain number")
    if _INTEGER.match(s):
        whole = read_integer(s)
        problem = beyond_float(whole, s)
        if problem:
            raise ValueError(problem)
        held = held_as(whole, s) if isinstance(whole, int) else None
        if held is not None:
            raise ValueError(f"has more digits than a 64-bit float keeps, which holds {held}")
        return whole
    value = float(s)
    problem = beyond_float(value, s)
    if problem:
        raise ValueError(problem)
    held = held_as(value, s)
    if held is not None:
        raise ValueError(f"has more digits than a 64-bit float keeps, which holds {held}")
    return value
