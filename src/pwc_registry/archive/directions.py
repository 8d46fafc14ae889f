"""Which way is better for a metric met by name: a curated table of known metric words.

The table is data (``pwc_registry/data/metric-directions.yaml``), read once. A name that the
table does not decide gets no direction; the importer reports it and nobody ranks by it until
a maintainer decides.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal

import yaml

Direction = Literal["higher", "lower"]


@functools.cache
def _table() -> dict[str, tuple[tuple[str, ...], ...]]:
    text = resources.files("pwc_registry").joinpath("data/metric-directions.yaml").read_text(
        encoding="utf-8")
    data = yaml.safe_load(text)
    return {section: tuple(tuple(_words(term)) for term in terms)
            for section, terms in data.items()}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+|[0-9]+", text.lower())


def _spans(words: list[str], terms: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]]:
    found = []
    for term in terms:
        n = len(term)
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) == term:
                found.append((i, i + n))
    return found


@functools.lru_cache(maxsize=1 << 14)
def direction_of(name: str) -> Direction | None:
    """``"lower"`` for "Top-1 Error Rate", ``"higher"`` for "BLEU-4", None for "Dev"."""
    table = _table()
    words = _words(name)
    if _spans(words, table["lower_always"]):
        return "lower"
    matches = [(span, "lower") for span in _spans(words, table["lower"])]
    matches += [(span, "higher") for span in _spans(words, table["higher"])]
    kept = {direction for (start, end), direction in matches
            if not any(s <= start and end <= e and (s, e) != (start, end)
                       for (s, e), _ in matches)}
    if len(kept) == 1:
        return "lower" if "lower" in kept else "higher"
    return None
