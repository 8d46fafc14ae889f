"""The forms of text the schemas share, each defined once, in ``schemas/common.schema.json``
(an id, a leaderboard's id, a day, a month or day, an address, ...), as Python's ``re`` reads
them. The tools' own tests of a value's form (a file's name as an id, a date an importer
reads) take their patterns from here, so that no such rule can drift from the schema that
validates the same value."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

COMMON = "common.schema.json"


def schema_file(name: str) -> dict[str, Any]:
    """A schema of ``schemas/`` as written (its references not followed)."""
    text = resources.files("pwc_registry").joinpath(f"schemas/{name}").read_text(
        encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def defined(name: str) -> str:
    """The pattern of the common form ``name`` (a key of the common schema's ``$defs``)."""
    pattern: str = schema_file(COMMON)["$defs"][name]["pattern"]
    return pattern


@functools.cache
def ecma(pattern: str) -> re.Pattern[str]:
    """``pattern`` for Python's re, with ``$`` (outside a class, unescaped) the end of the text
    only, as in ECMA-262 without the multiline flag (Python's ``$`` also matches before a final
    line break). The schemas use no other construct the two read apart: classes are explicit,
    never ``\\s``, ``\\d`` or ``\\w`` (see test_schema.py)."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(char)
    return re.compile("".join(out))


#: A record's id (and a file's name without ``.yaml``).
SLUG = ecma(defined("id"))
#: A leaderboard's id: task--dataset[--split].
BENCHMARK_ID = ecma(defined("benchmark-id"))
#: An arXiv id without its version (2211.05344, hep-th/9901001), unanchored and in a group
#: of its own, to be written into other patterns: a version, an address, a DOI around it.
ARXIV_ID = defined("arxiv").removeprefix("^").removesuffix("$")
#: A DOI (10.1234/suffix), unanchored, to be written into other patterns.
DOI = defined("doi").removeprefix("^").removesuffix("$")
#: An http(s) address without spaces or control characters, of any script.
URL = ecma(defined("url"))
#: YYYY-MM-DD.
DAY = ecma(defined("day"))
#: A day with a time after it (2022-11-10T08:00:00Z, as sources write a timestamp): a time
#: that can be one (no hour 25), and an offset or Z; the day is the one the source states.
DAY_AND_TIME = re.compile(
    defined("day").removesuffix("$")
    + r"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60)(?:\.[0-9]+)?)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?\Z")
#: An id, unanchored, to be written into other patterns (Papers with Code's slugs have its
#: form).
ID = defined("id").removeprefix("^").removesuffix("$")
#: YYYY-MM-DD, or YYYY-MM where only the month is known.
DAY_OR_MONTH = ecma(defined("day-or-month"))
