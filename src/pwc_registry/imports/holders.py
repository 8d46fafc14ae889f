"""What holds imported results until it is written: paper drafts, found by identifier then
title as records arrive, and the registry record a finished draft becomes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from ..check import title_problem
from ..dates import before, month_of_arxiv
from ..diagnostics import Diagnostic
from ..ids import PAPER_IDENTIFIERS, ResultIdentity, fold, identifier_key
from .resolve import PAPER_MATCH_ORDER

#: A board within a holder, with a model name as :func:`..ids.undated` compares it.
Twins = tuple[str, str, str, str]


@dataclasses.dataclass
class PaperDraft:
    """A paper as the import's records describe it so far; it becomes a record when it is
    written. A paper known only by an identifier (a row's arXiv URL, no title) has no title:
    none is invented."""

    title: str | None
    identifiers: dict[str, str] = dataclasses.field(default_factory=dict)
    record: dict[str, Any] = dataclasses.field(default_factory=dict)
    results: dict[ResultIdentity, dict[str, Any]] = dataclasses.field(default_factory=dict)
    code: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    row_dates: list[str] = dataclasses.field(default_factory=list)
    #: The results on each board by their undated model name: where a row that repeats another
    #: but for a year or footnote mark finds the result it names again (the archive's
    #: :meth:`..archive.convert.Conversion._twin`).
    twins: dict[Twins, list[ResultIdentity]] = dataclasses.field(default_factory=dict)

    @property
    def label(self) -> str:
        """The title, or the identifier that stands for it (``arXiv:1901.11504``), as
        :func:`..registry.paper_label` shows it; a new paper's id is the label's slug."""
        if self.title is not None:
            return self.title
        return next((f"{prefix}{self.identifiers[scheme]}"
                     for scheme, prefix in PAPER_IDENTIFIERS.items()
                     if scheme in self.identifiers), "?")


class PaperDrafts:
    """The papers an import has met so far, found again by identifier, then title."""

    def __init__(self) -> None:
        self._papers: list[PaperDraft] = []
        self._by_key: dict[tuple[str, str], PaperDraft] = {}

    def find(self, title: str | None, identifiers: Mapping[str, str]) -> PaperDraft:
        """The draft of the paper with these identifiers or this title, made if new; it gains
        the title and identifiers it lacked. Without a title, the identifiers alone (the draft
        gains a title if a later record gives one)."""
        draft = None
        for scheme in PAPER_MATCH_ORDER:
            if scheme in identifiers and identifier_key(scheme, identifiers[scheme]) \
                    in self._by_key:
                draft = self._by_key[identifier_key(scheme, identifiers[scheme])]
                break
        if draft is None and title is not None:
            draft = self._by_key.get(("title", fold(title)))
            if draft is not None and any(
                    k in draft.identifiers and identifier_key(k, draft.identifiers[k])
                    != identifier_key(k, v) for k, v in identifiers.items()):
                draft = None  # two papers of one title: the identifiers tell them apart
        if draft is None:
            draft = PaperDraft(title)
            self._papers.append(draft)
        if title is not None:
            if draft.title is None:
                draft.title = title
            self._by_key.setdefault(("title", fold(title)), draft)
        for scheme, value in identifiers.items():
            draft.identifiers.setdefault(scheme, value)
            self._by_key.setdefault(identifier_key(scheme, value), draft)
        return draft

    def all(self) -> list[PaperDraft]:
        return self._papers


def title_left_out(draft: PaperDraft, file: str) -> Diagnostic | None:
    """Why the draft's title is not written, or None: a citation, a URL or Markdown
    (:func:`..check.title_problem`) is not a paper's title, and a paper with an identifier is
    known by it (Q009; ``pwc papers fill`` fetches an arXiv paper's title) — as the shipped
    registry's curation left them, so that an import does not write them back. Without an
    identifier the title stays, with the validator's warning, as all that names the paper."""
    problem = title_problem(draft.title) if draft.title is not None else None
    known = next((f"{prefix}{draft.identifiers[scheme]}"
                  for scheme, prefix in PAPER_IDENTIFIERS.items()
                  if scheme in draft.identifiers), None)
    if problem is None or known is None:
        return None
    return Diagnostic("A009", f"title {draft.title!r} {problem[1]}, not a paper's title; left "
                      f"out: the paper is known by {known}", file,
                      hint="pwc papers fill fetches an arXiv paper's title")


def paper_record(draft: PaperDraft, paper_id: str) -> dict[str, Any]:
    """The registry record of a finished draft (its title left out where
    :func:`title_left_out` says)."""
    record: dict[str, Any] = {"id": paper_id}
    if draft.title is not None and title_left_out(draft, "") is None:
        record["title"] = draft.title
    record.update({k: v for k, v in draft.record.items() if v})
    if "date" not in record and draft.row_dates:
        record["date"] = min(draft.row_dates)
    if "date" not in record and month_of_arxiv(draft.identifiers.get("arxiv", "")):
        record["date"] = month_of_arxiv(draft.identifiers["arxiv"])  # the id's month, no day
    if draft.identifiers:
        record["identifiers"] = dict(sorted(draft.identifiers.items()))
    if draft.code:
        record["code"] = list(draft.code.values())
    if draft.results:
        results = []
        links = record.get("links", {})
        paper_url = links.get("abstract") or links.get("pdf")
        for result in draft.results.values():
            result = dict(result)
            if "date" in result and result["date"] == record.get("date"):
                del result["date"]
            elif "date" in result and before(result["date"], record.get("date") or ""):
                # A result cannot appear before its paper (V016): which of the two dates is
                # wrong is the source's to say, so the result's goes to its notes.
                note = (f"the source dates this result {result['date']}, before its paper's "
                        f"date ({record['date']})")
                result["notes"] = "; ".join(filter(None, [result.get("notes"), note]))
                del result["date"]
            # A row that links another version of the paper keeps its link as its source.
            url = result.pop("_url", None)
            if url and url != paper_url:
                result["source"] = {**result["source"], "url": url}
            results.append(result)
        record["results"] = results
    return record


def numbered_model(model: str, n: int) -> str:
    """The name of the ``n``-th row of one holder and board that names ``model`` with other
    values than the rows before it ("Anonymous [2]")."""
    return f"{model} [{n}]"


def numbered_note(model: str, numbered: str, place: str) -> str:
    """What a numbered row's notes say of its name (:func:`unnumbered` reads it back)."""
    return (f"the table names another row '{model}' with other values; this one, the table's "
            f"row {place}, is named '{numbered}'")


_NUMBERED = re.compile(r"^(.*) \[[0-9]+\]$")


def unnumbered(model: Any, notes: Any) -> str | None:
    """The name an import numbered (:func:`numbered_model`) to give ``model``, if its notes
    say it did so; else None."""
    found = _NUMBERED.match(model) if isinstance(model, str) else None
    if found is None or not isinstance(notes, str) or f"is named '{model}'" not in notes:
        return None
    return found.group(1)
