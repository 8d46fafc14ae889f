"""``pwc papers fill``: the title, authors, date and abstract a paper record lacks, from arXiv.

Only what is missing is written: a value a person wrote is never replaced. The one exception is
a date given to the month (``"2019-01"``, all an arXiv id tells), which becomes arXiv's day of
the first version when that day falls in the month; a day in another month is left alone and
reported, for a person to judge. Papers with no arXiv id are reported, never guessed at: arXiv is
the only source read so far (a DOI, ACL Anthology or OpenReview paper's title is written by
hand).

arXiv is asked in batches (:func:`.arxiv.fetch_many`: many ids a request, three seconds apart),
and each batch's papers are written as it arrives, so that a run cut short keeps what it did.
Files are written in the canonical layout with their comments (:func:`.formatting.rewritten`),
and never through a symbolic link.
"""

from __future__ import annotations

import dataclasses
import errno
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import arxiv, layout, schema, writing
from .dates import DAY, first_day
from .formatting import rewritten
from .load import read, read_rich, without_hidden
from .registry import paper_from, paper_label

#: What a paper record may lack that arXiv gives.
FIELDS = ("title", "authors", "date", "abstract")


class FillError(Exception):
    """The request names nothing to fill (an unknown paper); nothing was written."""


@dataclasses.dataclass(frozen=True)
class Filled:
    file: str
    #: The fields written, in :data:`FIELDS` order.
    fields: tuple[str, ...]
    #: What was found and left alone (a date in another month than arXiv's).
    notes: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class NotFilled:
    file: str
    reason: str


@dataclasses.dataclass
class Outcome:
    filled: list[Filled] = dataclasses.field(default_factory=list)
    not_filled: list[NotFilled] = dataclasses.field(default_factory=list)
    #: Papers with a title that lack another field and have no arXiv id: not fillable yet, and
    #: too many in an imported registry to list one by one.
    without_arxiv: int = 0
    #: Why arXiv could not be asked (the batches before were written); None if it was.
    error: str | None = None


@dataclasses.dataclass(frozen=True)
class _Wanted:
    file: layout.RegistryFile
    arxiv_id: str


def _missing(data: Mapping[str, Any]) -> list[str]:
    """The fields arXiv could add: absent ones, and a date given to the month."""
    return [f for f in FIELDS if f not in data or (f == "date" and isinstance(data[f], str)
                                                   and len(data[f]) == 7)]


def _papers(registry: Path, targets: Sequence[str]
            ) -> tuple[list[layout.RegistryFile], list[NotFilled]]:
    """The paper files ``targets`` name (paths, paper ids or arXiv ids; every paper if none),
    and the files there that are not read (a symbolic link, a file out of place)."""
    paths = [Path(t) for t in targets if Path(t).exists()]
    names = [t for t in targets if not Path(t).exists()]
    chosen: dict[str, layout.RegistryFile] = {}
    strays: list[NotFilled] = []
    if paths or not targets:
        files, unread = layout.discover(registry, [p.absolute() for p in paths] or None)
        chosen.update((f.name, f) for f in files if f.kind == layout.PAPER)
        strays += [NotFilled(d.file, f"{d.message}; not read") for d in unread]
    if names:
        papers = [f for f in layout.discover(registry)[0] if f.kind == layout.PAPER]
        by_id = {f.stem: f for f in papers}
        for name in names:
            named = [by_id[name]] if name in by_id else _by_arxiv(papers, name)
            if not named:
                raise FillError(f"no paper {name!r} (give a paper's file, id or arXiv id)")
            chosen.update((f.name, f) for f in named)
    return sorted(chosen.values(), key=lambda f: f.name), strays


def _by_arxiv(papers: Iterable[layout.RegistryFile], text: str) -> list[layout.RegistryFile]:
    try:
        wanted = arxiv.normalise_id(text)
    except arxiv.ArxivError:
        return []
    out = []
    for f in papers:
        raw = f.read_bytes()
        if wanted.encode() in raw:  # most files are not read as YAML at all
            data = read(f.name, raw).data
            ids = data.get("identifiers") if isinstance(data, dict) else None
            if isinstance(ids, dict) and ids.get("arxiv") == wanted:
                out.append(f)
    return out


def fill_papers(registry: Path, targets: Sequence[str] = (), *, dry_run: bool = False,
                api: str | None = None, batch: int = arxiv.BATCH, pause: float = arxiv.PAUSE,
                sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Fill what the papers ``targets`` name (default: all) lack from arXiv; with ``dry_run``,
    only say what would be filled."""
    outcome = Outcome()
    wanted: list[_Wanted] = []
    files, outcome.not_filled = _papers(registry.resolve(), targets)
    for f in files:
        data = read(f.name, f.read_bytes()).data
        if not isinstance(data, dict) or not schema.is_valid(layout.PAPER, data):
            outcome.not_filled.append(NotFilled(f.name, "not valid: run pwc validate and fix "
                                                        "it first"))
            continue
        if not _missing(data):
            continue
        arxiv_id = data.get("identifiers", {}).get("arxiv")
        if arxiv_id is not None:
            wanted.append(_Wanted(f, arxiv_id))
        elif "title" not in data:
            outcome.not_filled.append(NotFilled(
                f.name, f"{paper_label(paper_from(data, f.name))}: pwc papers fill reads arXiv "
                "only; write the title (and authors, date, abstract) from the paper's own page"))
        else:
            outcome.without_arxiv += 1
    ids = sorted({w.arxiv_id for w in wanted})
    try:
        for asked_ids, found in arxiv.fetch_many(ids, api=api, batch=batch, pause=pause,
                                                 sleep=sleep):
            asked = set(asked_ids)
            for w in wanted:
                if w.arxiv_id in asked:
                    _fill_one(w, found.get(w.arxiv_id), outcome, dry_run)
    except arxiv.ArxivError as exc:
        outcome.error = str(exc)
    outcome.filled.sort(key=lambda f: f.file)
    outcome.not_filled.sort(key=lambda f: f.file)
    return outcome


def _fill_one(wanted: _Wanted, paper: arxiv.ArxivPaper | None, outcome: Outcome,
              dry_run: bool) -> None:
    f = wanted.file
    if paper is None:
        outcome.not_filled.append(NotFilled(f.name, f"arXiv has no paper {wanted.arxiv_id}; "
                                                    "check the id"))
        return
    raw = f.read_bytes()
    doc = read_rich(f.name, raw)
    if not isinstance(doc.data, dict):  # changed since it was first read
        outcome.not_filled.append(NotFilled(f.name, "not valid: run pwc validate"))
        return
    data, fields, notes = completed(doc.data, paper)
    if not fields:
        if notes:
            outcome.not_filled.append(NotFilled(f.name, "; ".join(notes)))
        return
    if not schema.is_valid(layout.PAPER, data):
        outcome.not_filled.append(NotFilled(f.name, "what arXiv gives would not pass the "
                                                    "paper schema; nothing written"))
        return
    text, lost = rewritten(f.name, raw, doc, layout.PAPER, data)
    if text is None:
        outcome.not_filled.append(NotFilled(f.name, f"writing it would change {lost}; lay "
                                                    "the file out by hand (see pwc fmt)"))
        return
    if not dry_run:
        try:
            _write(Path(f.path), text)
        except writing.NotWritten as exc:
            outcome.not_filled.append(NotFilled(f.name, f"not written: it {exc.why}"))
            return
        except OSError as exc:
            why = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
            outcome.not_filled.append(NotFilled(f.name, f"not written: {why}"))
            return
    outcome.filled.append(Filled(f.name, fields, notes))


def completed(data: Mapping[str, Any], paper: arxiv.ArxivPaper
              ) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    """``data`` with what it lacks taken from ``paper``: the new record, the fields written and
    notes on what was left alone."""
    out = dict(data)
    notes: list[str] = []
    # Someone else's text, as the importers take it: without the control and invisible
    # characters a registry string may not hold (helper-90: a title with U+202E was written,
    # then refused by `pwc validate`); a date only if it is a day.
    title, abstract = without_hidden(paper.title), without_hidden(paper.abstract)
    authors = [a for a in map(without_hidden, paper.authors) if a.strip()]
    for field, clean, raw in (("title", title, paper.title), ("abstract", abstract,
                                                              paper.abstract)):
        if clean != raw:
            notes.append(f"removed control or invisible characters from arXiv's {field}")
    if authors != list(paper.authors):
        notes.append("removed control or invisible characters from arXiv's authors")
    date = paper.date
    if date and not _a_day(date):
        notes.append(f"arXiv's date {date!r} is not a day; left out")
        date = ""
    given: dict[str, Any] = {"title": title, "authors": authors, "date": date,
                             "abstract": abstract}
    for field in FIELDS:
        if field not in data and given[field]:
            out[field] = given[field]
    month = data.get("date")
    if isinstance(month, str) and len(month) == 7 and date:
        if date.startswith(f"{month}-"):
            out["date"] = date
        else:
            notes.append(f"date {month} kept: arXiv's first version is of {date}")
    return out, tuple(f for f in FIELDS if out.get(f) != data.get(f)), tuple(notes)


def _a_day(text: str) -> bool:
    """Whether arXiv's date is a day the registry can hold (helper-90: 2023-02-30 was written,
    then refused as V007)."""
    try:
        first_day(text)
    except ValueError:
        return False
    return bool(DAY.match(text))


def _write(path: Path, text: bytes) -> None:
    """Replace the file's bytes with a new file renamed over it; never through a symbolic
    link (:func:`..writing.replace`)."""
    writing.replace(path, text)
