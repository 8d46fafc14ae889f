"""Reading metric values written as text, without guessing.

The archive and papers write values as ``"76.5%"``, ``"90.0 ± 0.5"``, ``"**70.3**"`` or
``"87.58*"``. Those can be read: the number is there, and what was stripped is kept as a note.
``"78.6/84.4"``, ``"185M"``, ``"60.7+"``, ``"-"`` cannot: which number, which unit, what the
marker means would be a guess, so the reading carries the reason instead of a value.
"""

from __future__ import annotations

import dataclasses
import math
import re

from .markdown import number

_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_PLAIN = re.compile(rf"^{_NUMBER}$")
_SPREAD = re.compile(rf"^({_NUMBER})\s*(?:±|\+/-|\+-)\s*({_NUMBER})$")
_BOLD = re.compile(r"^(\*\*|__)(.+)\1$")
_FOOTNOTE = re.compile(r"^(.*?)\s*([*†‡§]+)$")
_REMARK = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
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
    #: The text says a number, but one no float holds (``1e400``, ``1e-400``): see float_problem.
    out_of_range: bool = False

    def describe(self) -> str:
        if self.value is None:
            return "no value"
        if self.spread is None:
            return number(self.value)
        return f"value: {number(self.value)} and spread: {number(self.spread)}"


def float_problem(text: str, value: float) -> str | None:
    """Why ``value``, read from the digits ``text``, does not hold that number, if it does not:
    too large for a float, or so small that it became 0."""
    if math.isinf(value) or math.isnan(value):
        return f"{_shown(text)} is too large for a float"
    if value == 0 and re.search(r"[1-9]", text.lower().partition("e")[0]):
        return f"{_shown(text)} is too small for a float (it would be stored as 0)"
    return None


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


def _number(text: str, value: str, spread: str | None, notes: list[str]) -> Reading:
    for digits in (value, spread):
        problem = float_problem(digits, float(digits)) if digits is not None else None
        if problem:
            return Reading(text, None, problem=problem, out_of_range=True)
    return Reading(text, float(value), None if spread is None else float(spread), tuple(notes))


def read_number_text(text: str) -> Reading:
    notes: list[str] = []
    s = text.strip()
    if s.startswith("\ufeff"):
        s = s.lstrip("\ufeff").strip()
        notes.append("stripped a byte-order mark")
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
        s = m.group(1).strip()
        notes.append(f"remark: {m.group(2).strip()}")
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
