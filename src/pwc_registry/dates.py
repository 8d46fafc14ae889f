"""Dates as the registry writes them: a day (``2022-11-10``), or for a paper or a result, a month
(``2015-12``) where that is all the source tells — an arXiv id gives the month a paper first
appeared, never the day, and a day is never invented.

Written dates sort as text: a month sorts before every day of it.
"""

from __future__ import annotations

import datetime as dt
import re

from .patterns import DAY, DAY_OR_MONTH

__all__ = ["DAY", "DAY_OR_MONTH", "after", "before", "first_day", "month_of_arxiv"]


def first_day(text: str) -> dt.date:
    """The day ``text`` names, or the first day of the month it names; ValueError if none
    (``2022-02-30``, ``2015-13``)."""
    return dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")


def after(text: str, today: dt.date) -> bool:
    """Whether the day or month ``text`` is later than ``today`` (a month: all of it)."""
    day = first_day(text)
    if len(text) == 10:
        return day > today
    return (day.year, day.month) > (today.year, today.month)


def before(text: str, other: str) -> bool:
    """Whether the day or month ``text`` ends before the day or month ``other`` begins (a month
    overlaps each of its days); False when either is no date of the calendar."""
    if not (DAY_OR_MONTH.match(text) and DAY_OR_MONTH.match(other)):
        return False
    try:
        first_day(text), first_day(other)
    except ValueError:
        return False
    if len(text) == 10 and len(other) == 10:
        return text < other
    return text[:7] < other[:7]


_ARXIV_NEW = re.compile(r"^([0-9]{2})([0-9]{2})\.[0-9]{4,5}(?:v[0-9]+)?\Z")
_ARXIV_OLD = re.compile(r"^[a-z-]+(?:\.[A-Z]{2})?/([0-9]{2})([0-9]{2})[0-9]{3}(?:v[0-9]+)?\Z")


def month_of_arxiv(identifier: str) -> str | None:
    """The month an arXiv id says its paper first appeared (``1512.03385`` → ``2015-12``,
    ``cs/9901001`` → ``1999-01``); None for anything else."""
    found = _ARXIV_NEW.match(identifier) or _ARXIV_OLD.match(identifier)
    if found is None:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        return None
    if _ARXIV_NEW.match(identifier):
        if (year, month) < (7, 4):  # the scheme began in April 2007
            return None
        return f"{2000 + year:04d}-{month:02d}"
    return f"{(1900 if year >= 91 else 2000) + year:04d}-{month:02d}"
