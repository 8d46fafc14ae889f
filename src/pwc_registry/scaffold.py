"""``pwc new``: a correctly placed, schema-valid paper file, and results appended to one.

Names are checked on the spot against the registry (ids, names and aliases, with a suggestion
for a near miss), and files are written in the canonical layout, comments kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import canonical, layout, schema
from .arxiv import ArxivPaper
from .ids import identity_of
from .load import read, read_rich
from .values import exact_number, read_number_text
from .vocabulary import Vocabulary


class ScaffoldError(Exception):
    """The request cannot be carried out; nothing was written."""


@dataclasses.dataclass(frozen=True)
class NewPaper:
    title: str
    authors: Sequence[str] = ()
    date: str | None = None
    arxiv_id: str | None = None
    abstract: str | None = None
    abstract_url: str | None = None
    pdf_url: str | None = None
    paper_id: str | None = None

    @classmethod
    def from_arxiv(cls, paper: ArxivPaper) -> NewPaper:
        return cls(paper.title, paper.authors, paper.date, paper.arxiv_id, paper.abstract,
                   paper.abstract_url, paper.pdf_url)


def _papers(registry: Path) -> list[layout.RegistryFile]:
    return [f for f in layout.discover(registry)[0] if f.kind == layout.PAPER]


def new_paper(registry: Path, new: NewPaper) -> Path:
    """Write the paper's file; its path."""
    paper_id = new.paper_id or layout.slugify(new.title)[: layout.MAX_SLUG].rstrip("-")
    if not layout.SLUG.match(paper_id):
        raise ScaffoldError(f"cannot make an id from {new.title!r}; give one with --id")
    if layout.RESERVED_IDS[layout.PAPER].fullmatch(paper_id):
        raise ScaffoldError(f"the id '{paper_id}' is reserved for a page of the site; give "
                            "another with --id")
    papers = _papers(registry)
    for f in papers if new.arxiv_id else ():
        raw = f.read_bytes()
        if new.arxiv_id and new.arxiv_id.encode() in raw:
            data = read(f.name, raw).data
            if isinstance(data, dict) and data.get("identifiers", {}).get("arxiv") == new.arxiv_id:
                raise ScaffoldError(f"arXiv {new.arxiv_id} is already in the registry: {f.name}")
    for f in papers:
        if f.stem == paper_id:
            raise ScaffoldError(f"{f.name} already exists; choose another id with --id")
    if new.date:
        try:
            dt.date.fromisoformat(new.date)
        except ValueError:
            raise ScaffoldError(f"{new.date!r} is not a date (YYYY-MM-DD)") from None
    record: dict[str, Any] = {"id": paper_id, "title": new.title}
    if new.authors:
        record["authors"] = list(new.authors)
    if new.date:
        record["date"] = new.date
    if new.arxiv_id:
        record["identifiers"] = {"arxiv": new.arxiv_id}
    if new.abstract:
        record["abstract"] = new.abstract
    links = {k: v for k, v in (("abstract", new.abstract_url), ("pdf", new.pdf_url)) if v}
    if links:
        record["links"] = links
    record["results"] = []
    if not schema.is_valid(layout.PAPER, record):
        raise ScaffoldError("the paper would not be valid: check the title, authors and links")
    path = registry / layout.relative_path(layout.PAPER, paper_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(canonical.dump(record, layout.PAPER), encoding="utf-8")
    return path


def _resolve(vocabulary: Vocabulary, kind: str, text: str) -> str:
    found, via_name = vocabulary.resolve(kind, text)
    if found or via_name:
        return found or via_name  # type: ignore[return-value]
    guess = vocabulary.suggest(kind, text)
    hint = f"; did you mean '{guess}'?" if guess else f"; add registry/{layout.FOLDERS[kind]}/" \
        f"{layout.slugify(text) or '<id>'}.yaml first"
    raise ScaffoldError(f"no {kind} {text!r} in the registry{hint}")


def _number(metric: str, text: str) -> float | int:
    reading = read_number_text(text)
    if reading.value is None or reading.notes or reading.spread is not None:
        raise ScaffoldError(f"{metric}={text!r}: give the value as a plain number")
    try:  # the digits given, or a refusal: never a rounded number, never 0 for 1e-400
        return exact_number(text)
    except ValueError as exc:
        raise ScaffoldError(f"{metric}={text!r} {exc}; give the number as the paper prints "
                            "it") from None


def new_result(registry: Path, paper: str, *, task: str, dataset: str, model: str,
               metrics: Mapping[str, str], split: str | None = None,
               extra_training_data: bool | None = None, location: str | None = None,
               kind: str | None = None) -> Path:
    """Append a result to ``paper`` (an id, or a path); the paper's path."""
    if not metrics:
        raise ScaffoldError("give at least one --metric NAME=VALUE")
    files = {f.stem: f for f in _papers(registry)}
    target = files.get(paper) or next((f for f in files.values()
                                       if Path(f.path).resolve() == Path(paper).resolve()), None)
    if target is None:
        raise ScaffoldError(f"no paper {paper!r} (give its id)")
    vocabulary = Vocabulary(layout.discover_entities(registry), lambda: files.keys())
    result: dict[str, Any] = {"task": _resolve(vocabulary, "task", task),
                              "dataset": _resolve(vocabulary, "dataset", dataset)}
    if split:
        result["split"] = split
    result["model"] = model
    values: dict[str, Any] = {}
    for name, text in metrics.items():
        metric = _resolve(vocabulary, "metric", name)
        if metric in values:
            raise ScaffoldError(f"{name} and another name both mean the metric {metric}")
        values[metric] = _number(name, text)
    result["metrics"] = values
    if extra_training_data is not None:
        result["extra_training_data"] = extra_training_data
    source = {k: v for k, v in (("kind", kind), ("location", location)) if v}
    if source:
        result["source"] = source
    raw = target.read_bytes()
    doc = read_rich(target.name, raw)
    if not isinstance(doc.data, dict):
        raise ScaffoldError(f"{target.name} is not valid; run pwc validate and fix it first")
    existing = [r for r in doc.data.get("results", []) if isinstance(r, dict)]
    key = identity_of(result)
    if any(identity_of(r) == key
           for r in existing):
        raise ScaffoldError(f"{target.name} already has a result of '{model}' on "
                            f"{result['dataset']} ({result['task']}); edit it instead")
    comments = canonical.comments_of(raw.decode("utf-8"), doc.positions, doc.key_positions)
    data = {**doc.data, "results": [*existing, result]}
    if not schema.is_valid(layout.PAPER, data):
        raise ScaffoldError("the result would not be valid (pwc validate explains)")
    Path(target.path).write_text(canonical.dump(data, layout.PAPER, comments), encoding="utf-8")
    return Path(target.path)
