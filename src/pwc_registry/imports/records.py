"""What every importer hands over: results as their source writes them, before any name is
turned into an id or any text into a number.

A format module (model-index, Hugging Face model cards, a CSV table, the archive) only reads its
files and yields :class:`Imported` batches, one per file (or per record that is a unit, such as a
model card): names as written, values as written, and where each came from. Everything after that
is shared by all importers — names → ids through the registry's names and aliases, values read
by :func:`pwc_registry.values.read_number_text`, the unit rule, holders → paper or source files,
merging without overwriting, writing, the report — so that no two importers decide one of those
things differently.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..diagnostics import Pointer


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a fact came from: the file (as shown to people) and the place inside it — a
    pointer into the parsed document, and the line (and column) when the format has lines."""

    file: str
    pointer: Pointer = ()
    line: int | None = None
    column: int | None = None

    def at(self, *more: str | int) -> Origin:
        return Origin(self.file, (*self.pointer, *more), self.line, self.column)


#: The fewest words of a link's text taken as the title of a paper its address identifies.
LINK_TITLE_WORDS = 4


def link_title(text: str | None, identified: bool) -> str | None:
    """A Markdown link's text as the title of the paper it links to, or None: "this paper",
    "the paper", "BERT" or "Devlin et al., 2019" is no title, and a paper its address
    identifies (an arXiv id) is known without one (`pwc papers fill` fetches it). Where the
    address names no identifier, the text is all that names the paper."""
    text = text.strip() if text else None
    if not text or (identified and len(text.split()) < LINK_TITLE_WORDS):
        return None
    return text


@dataclasses.dataclass(frozen=True)
class PaperRef:
    """A paper as a source names it: any of a title, a URL, identifiers. Resolved against the
    registry's papers by identifier first, then by title; a paper known only by an identifier is
    written without a title (never an invented one)."""

    title: str | None = None
    url: str | None = None
    #: arxiv, doi, acl, openreview, pwc — as :data:`pwc_registry.ids.PAPER_IDENTIFIERS` spells
    #: them.
    identifiers: tuple[tuple[str, str], ...] = ()
    date: str | None = None


@dataclasses.dataclass(frozen=True)
class SourceRef:
    """The source that holds results no paper reports (``source.schema.json``)."""

    #: submission | library | model-card | report | leaderboard
    kind: str
    title: str
    #: The id it should have if free (``timm-imagenet-results``); else one is made from title.
    preferred_id: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    #: huggingface (owner/name), pwc
    identifiers: tuple[tuple[str, str], ...] = ()
    code: tuple[str, ...] = ()
    description: str | None = None


@dataclasses.dataclass(frozen=True)
class ImportedValue:
    """One metric's value as written: a number, or text such as ``"78.03%"``."""

    metric: str
    value: Any
    origin: Origin
    #: "fraction" where the source itself states that its values are fractions of 1 (a card's
    #: metric type ``accuracy`` documented as 0–1); None otherwise. The unit rule never converts
    #: on a guess: see docs/import.md.
    stated_unit: str | None = None


@dataclasses.dataclass(frozen=True)
class ImportedResult:
    """One result as its source writes it."""

    origin: Origin
    task: str
    dataset: str
    model: str
    values: tuple[ImportedValue, ...]
    split: str | None = None
    #: The paper whose method the result evaluates, if the source names one.
    paper: PaperRef | None = None
    #: How the numbers relate to the method (result.schema.json source.kind): own | baseline |
    #: reproduction | submission | library | model-card | report | reference.
    kind: str | None = None
    extra_training_data: bool | None = None
    date: str | None = None
    code_links: tuple[str, ...] = ()
    model_links: tuple[str, ...] = ()
    #: A page showing the numbers, when not the holder itself.
    url: str | None = None
    notes: tuple[str, ...] = ()
    #: Where ``paper``, ``code_links``, ``model_links`` or ``url`` are written, where that is
    #: not the result's own place (a metafile's model or collection gives them): a problem
    #: with one is reported there.
    origins: tuple[tuple[str, Origin], ...] = ()


@dataclasses.dataclass(frozen=True)
class Imported:
    """A unit of a source (a file, a model card): who holds its results and the results.

    ``holder`` is the source record holding them, or None where each result's own paper holds
    it (the archive's rows: the paper reports its numbers). The unit rule is judged per batch:
    a fraction is read as a percent only when every value of that metric in the batch lies in
    [0, 1], or the source states it."""

    origin: Origin
    holder: SourceRef | None
    results: tuple[ImportedResult, ...]
    #: Things the format reader could not take (a metafile not imported by model-index.yml, a
    #: card without a model-index block), for the report, as (code, message, origin).
    problems: tuple[tuple[str, str, Origin], ...] = ()
    #: Some of the source was left out, unread (A049): its values are not all here, so the unit
    #: rule cannot tell from their range that the source writes fractions.
    partial: bool = False
    #: Rows of the source the reader could not read at all (a table's misaligned row), each
    #: said in ``problems``: counted as rows read and not imported.
    unread_rows: int = 0
    #: Problems by code a reader counted past those it kept (as many as the report lists).
    more_problems: tuple[tuple[str, int], ...] = ()
