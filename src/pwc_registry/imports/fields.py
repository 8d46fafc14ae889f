"""Fields of imported records as the registry can hold them, each problem reported with where
it came from: text without control or invisible characters (V005, V010), web addresses, dates
that are days and not in the future, and metric values read by the one number reader
(:func:`..values.read_number_text`) — never guessed."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from .. import patterns
from ..dates import DAY_OR_MONTH, after
from ..diagnostics import Diagnostic, Pointer, pointer_text
from ..load import CONTROL, find_invisible, without_hidden
from ..values import exact_number, read_imported
from .records import Origin
from .report import Problems

URL = patterns.URL


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) or len(value) <= 200 \
        else repr(value[:200]) + "..."
    return text if len(text) <= 220 else text[:220] + "..."


def disagree(held: Mapping[str, Any], held_twice: AbstractSet[str], metrics: Mapping[str, Any],
             twice: AbstractSet[str]) -> bool:
    """Whether a row naming a result already read gives it other values: another value of a
    metric, or a value of a metric that either row gave twice (A006 left those out, but the
    source did give them: a row of 70.1 after one of 80.1 and 81.1 is not the same result's,
    and merged it made a combination no row states, helper-86)."""
    return any(held.get(m, v) != v for m, v in metrics.items()) \
        or not held_twice.isdisjoint(metrics) or not twice.isdisjoint(held)


class Fields:
    """Reads fields, reporting into :attr:`diagnostics` what it cannot take as given."""

    def __init__(self, today: dt.date | None = None) -> None:
        self.today = today or dt.date.today()
        self.diagnostics = Problems()
        #: The line and column of a value of the record being read, by its file and pointer,
        #: for a format whose places are found only when asked for (a dump: ``dumps.Places``).
        self.place: Callable[[str, Pointer], tuple[int, int] | None] | None = None

    def report(self, code: str, message: str, where: Origin) -> None:
        """A problem at ``where``: by its line when the format has lines (a table's row, a
        metafile's value), and by the pointer, which the message names."""
        line, column = where.line or 0, where.column or 1
        if not line and self.place is not None:
            line, column = self.place(where.file, where.pointer) or (0, 0)
        self.diagnostics.add(Diagnostic(code, f"{pointer_text(where.pointer)}: {message}",
                                        where.file, line, column if line else 0,
                                        pointer=where.pointer))

    def one_value_each(self, read: Iterable[tuple[str, Any, Origin]], what: str
                       ) -> tuple[dict[str, Any], frozenset[str]]:
        """The values read for one result, by metric, and the metrics given two different
        values (a card's "Test Accuracy" and "Validation Accuracy" both of type accuracy),
        whose values are left out: keeping either would be a guess (A006)."""
        metrics: dict[str, Any] = {}
        twice: set[str] = set()
        for metric_id, number, where in read:
            if metric_id in metrics and metrics[metric_id] != number:
                self.report("A006", f"two values for metric '{metric_id}' in one {what}, "
                            f"{metrics[metric_id]!r} and {number!r}; neither imported", where)
                twice.add(metric_id)
            metrics.setdefault(metric_id, number)
        return {m: v for m, v in metrics.items() if m not in twice}, frozenset(twice)

    def text(self, value: Any, where: Origin) -> str | None:
        """A string field as given, stripped of surrounding space and of control and invisible
        characters (which the registry does not allow: V005, V010); a removal is reported."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            self.report("A002", f"expected text, found {type(value).__name__}; left out", where)
            return None
        if CONTROL.search(value) or find_invisible(value) is not None:
            self.report("A009", f"removed control or invisible characters from {value[:80]!r}",
                        where)
            value = without_hidden(value)
        return value.strip() or None

    def texts(self, value: Any, where: Origin) -> list[str]:
        """A list of strings, each as :meth:`text` gives it; one that is not text, or a value
        that is not a list (a string is not read as its characters), is reported and left
        out."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.report("A002", f"expected a list of texts, found {type(value).__name__}; "
                        "left out", where)
            return []
        return [text for i, item in enumerate(value)
                if (text := self.text(item, where.at(i))) is not None]

    def url(self, value: Any, where: Origin) -> str | None:
        text = self.text(value, where)
        if text is None:
            return None
        if not URL.match(text) or len(text) > 2000:
            self.report("A009", f"{text[:200]!r} is not a web address; left out", where)
            return None
        return text

    def date(self, value: Any, where: Origin) -> str | None:
        text = self.text(value, where)
        if text is None:
            return None
        day = text[:10] if patterns.DAY_AND_TIME.match(text) else text
        # A day, or a month where that is all the source says (as the registry writes it, and
        # `pwc export pwc-archive` writes it back): never a day invented for it.
        try:
            usable = bool(DAY_OR_MONTH.match(day)) and not after(day, self.today)
        except ValueError:  # 2022-02-30, 2015-13
            usable = False
        if not usable:
            self.report("A009", f"{text!r} is not a usable date; left out", where)
            return None
        return day

    def value(self, value: Any, where: Origin) -> tuple[Any, tuple[str, ...]]:
        """A metric's value as the registry writes it — a number, or ``{value, spread}`` —
        and what reading it stripped (``"76.5%"``: the percent sign); None, reported (A003 not a
        number, A015 no float holds it), when there is none to read."""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.report("A003", f"{_shown(value)} is not a number; not imported", where)
            return None, ()
        if isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                self.report("A015", f"{value!r} is not a finite number; not imported", where)
                return None, ()
            # A number a binary file (Parquet, JSON) gives as one: the registry's rules for a
            # number written as text still hold (helper-109: a Parquet 3e-310 was imported into
            # a file that validation then refused, Y020).
            try:
                exact_number(repr(value))
            except ValueError as why:
                self.report("A015", f"{value!r} {why}; not imported", where)
                return None, ()
            return value, ()
        reading = read_imported(value)
        if reading.value is None:
            self.report("A015" if reading.out_of_range else "A003",
                        f"{_shown(value)}: {reading.problem}; not imported", where)
            return None, ()
        number = reading.value if reading.spread is None else {
            "value": reading.value, "spread": reading.spread}
        return number, reading.notes
