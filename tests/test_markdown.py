"""Markdown table cells: the text is kept on one line in one cell, and shown, never run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwc_registry.markdown import _CELL, cell


@pytest.mark.parametrize(("text", "shown"), [
    ("Chinese Lert Large (News+Factors)", "Chinese Lert Large (News+Factors)"),
    ("F1 | EM", "F1 \\| EM"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("two\nlines\tand a tab", "two lines and a tab"),
    ("a\\b", "a\\\\b"),
    ("bell\x07 and\u2028line separator", "bell\\x07 and\\u2028line separator"),
    ("non-breaking\xa0space", "non-breaking\xa0space"),
])
def test_cell(text: str, shown: str) -> None:
    assert cell(text) == shown


@given(st.text())
def test_cell_returns_text_as_is_only_where_nothing_is_escaped(text: str) -> None:
    assert cell(text) == text.translate(_CELL)
