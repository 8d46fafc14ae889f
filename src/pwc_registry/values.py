"""Reading metric values written as text, without guessing.

The archive and papers write values as ``"76.5%"``, ``"90.0 ± 0.5"``, ``"**70.3**"`` or
``"87.58*"``. Those can be read: the number is there, and what was stripped is kept as a note.
``"78.6/84.4"``, ``"185M"``, ``"60.7+"``, ``"-"`` cannot: which number, which unit, what the
marker means would be a guess, so the reading carries the reason instead of a value.
"""

from __future__ import annotations

import dataclasses
import re

from .markdown import number

_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_PLAIN = re.compile(rf"^{_NUMBER}$")
_SPREAD = re.compile(rf"^({_NUMBER})\s*(?:±|\+/-|\+-)\s*({_NUMBER})$")
_BOLD = re.compile(r"^(\*\*|__)(.+)\1$")
_FOOTNOTE = re.compile(r"^(.*?)\s*([*†‡§]+)$")
_REMARK = re.compile(r"^(.*?)\s*\(([^()]*)\)$")


@dataclasses.dataclass(frozen=True)
class Reading:
    """What a text says: a value (and spread), the notes on what was stripped, or why not."""

    text: str
    value: float | None
    spread: float | None = None
    notes: tuple[str, ...] = ()
    problem: str | None = None

    def describe(self) -> str:
        if self.value is None:
            return "no value"
        if self.spread is None:
            return number(self.value)
        return f"value: {number(self.value)} and spread: {number(self.spread)}"


def read_number_text(text: str) -> Reading:
    notes: list[str] = []
    s = text.strip()
    if s.startswith("\ufeff"):
        s = s.lstrip("\ufeff").strip()
        notes.append("stripped a byte-order mark")
    if not s or s in {"-", "--", "?", "N/A", "n/a", "NA"} or not re.search(r"[0-9]", s):
        return Reading(text, None, problem="no number is given")
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
        return Reading(text, float(m.group(1)), float(m.group(2)), tuple(notes))
    if _PLAIN.match(s):
        return Reading(text, float(s), None, tuple(notes))
    return Reading(text, None, problem=f"cannot read a single number from {text!r}")
