"""Dates to the day or to the month, and the month an arXiv id names."""

from __future__ import annotations

import datetime as dt

import pytest

from pwc_registry.dates import after, first_day, month_of_arxiv
from pwc_registry.imports.holders import PaperDraft, paper_record


@pytest.mark.parametrize(("identifier", "month"), [
    ("1512.03385", "2015-12"),       # ResNet
    ("2211.05344", "2022-11"),       # LERT (the shipped seed paper)
    ("1901.11504v2", "2019-01"),     # MT-DNN, a versioned id
    ("0704.0001", "2007-04"),        # the first id of the scheme
    ("cs/9901001", "1999-01"),       # the old scheme
    ("hep-th/0101001", "2001-01"),
    ("math.AG/0601001", "2006-01"),
    ("0703.0001", None),             # before the scheme began
    ("1513.00001", None),            # no month 13
    ("10.18653/v1/N19-1423", None),  # a DOI
    ("", None),
])
def test_the_month_an_arxiv_id_names(identifier: str, month: str | None) -> None:
    assert month_of_arxiv(identifier) == month


def test_a_month_is_after_today_only_when_all_of_it_is() -> None:
    today = dt.date(2026, 11, 26)
    assert not after("2026-11", today) and after("2026-12", today)
    assert after("2026-11-27", today) and not after("2026-11-26", today)
    assert first_day("2015-12") == dt.date(2015, 12, 1)
    with pytest.raises(ValueError):
        first_day("2015-13")


def test_the_importer_dates_an_undated_arxiv_paper_to_its_month() -> None:
    draft = PaperDraft("Deep Residual Learning for Image Recognition",
                       identifiers={"arxiv": "1512.03385"})
    assert paper_record(draft, "deep-residual-learning")["date"] == "2015-12"
    draft.row_dates.append("2016-06-27")  # a day the source gives wins over the month
    assert paper_record(draft, "deep-residual-learning")["date"] == "2016-06-27"
