"""The registry as domain objects: the records that hold results (papers, and sources: results no
paper reports) and the entities they refer to.

The classes are slotted, not frozen: a full build makes hundreds of thousands of them, and a
frozen dataclass is several times slower to construct. Treat them as values all the same.

:func:`load_registry` reads a registry folder for compiling (leaderboards, snapshots, the site);
:func:`holder_from` turns one schema-valid paper or source record into a :class:`Paper` or a
:class:`Source`, wherever the record came from (a file, a git blob). Records that do not pass
their schema are left out and named in ``Registry.skipped``: `pwc validate` says why.
"""

from __future__ import annotations

import array
import dataclasses
import gc
import heapq
import itertools
import marshal
import operator
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import layout, schema
from .ids import PAPER_IDENTIFIERS, arxiv_pdf, fold, identifier_page, result_identity, slugify
from .load import read
from .parallel import fork_imap, fork_map, gc_paused, shared
from .suggest import MOST, suggestions

PARALLEL_THRESHOLD = 400


@dataclasses.dataclass(slots=True)
class Value:
    value: float
    spread: float | None = None
    note: str | None = None


@dataclasses.dataclass(slots=True)
class CodeLink:
    url: str
    official: bool = False
    framework: str | None = None


@dataclasses.dataclass(slots=True)
class Result:
    #: The id of the paper or source whose file holds the result.
    holder: str
    index: int
    task: str
    dataset: str
    model: str
    metrics: Mapping[str, Value]
    split: str | None = None
    #: The paper whose method the result evaluates, when it is not the holder.
    paper: str | None = None
    aliases: tuple[str, ...] = ()
    extra_training_data: bool = False
    date: str | None = None
    code_links: tuple[str, ...] = ()  # URLs; a link's text, where given, is for the archive
    model_links: tuple[str, ...] = ()
    source: Mapping[str, str] = dataclasses.field(default_factory=dict)
    notes: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What identifies a result across versions of the registry."""
        return (self.holder, *result_identity(self.task, self.dataset, self.split, self.model))


@dataclasses.dataclass(slots=True)
class Paper:
    id: str
    #: None while the title is unknown: the paper is known by its identifiers (a display
    #: names it by :func:`paper_label`, never by this field).
    title: str | None
    file: str
    authors: tuple[str, ...] = ()
    date: str | None = None
    identifiers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    abstract: str | None = None
    venue: str | None = None
    links: Mapping[str, str] = dataclasses.field(default_factory=dict)
    code: tuple[CodeLink, ...] = ()
    tasks: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    results: tuple[Result, ...] = ()
    #: The ids it had before (``renamed_from`` in its corrections).
    renamed_from: tuple[str, ...] = ()

    @property
    def main_code(self) -> CodeLink | None:
        """The official repository if there is one, else the first."""
        return next((c for c in self.code if c.official), self.code[0] if self.code else None)


@dataclasses.dataclass(slots=True)
class Source:
    """Where results come from when no paper reports them: a leaderboard submission, a
    library's benchmark table, a model card, a report (``kind`` says which)."""

    id: str
    #: submission, library, model-card, report or leaderboard (source.schema.json).
    kind: str
    title: str
    file: str
    authors: tuple[str, ...] = ()
    date: str | None = None
    url: str | None = None
    identifiers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    description: str | None = None
    code: tuple[CodeLink, ...] = ()
    results: tuple[Result, ...] = ()
    #: The ids it had before, as a paper or a source (``renamed_from`` in its corrections).
    renamed_from: tuple[str, ...] = ()

    @property
    def main_code(self) -> CodeLink | None:
        return next((c for c in self.code if c.official), self.code[0] if self.code else None)


#: A source's kind as readers are told it.
SOURCE_KINDS = {"submission": "leaderboard submission", "library": "library benchmark",
                "model-card": "model card", "report": "report", "leaderboard": "leaderboard"}

#: A record that holds results.
Holder = Paper | Source


def abstract_page(paper: Paper) -> str | None:
    """The paper's page: its abstract link, else its arXiv page (every view links it so)."""
    arxiv = paper.identifiers.get("arxiv")
    return paper.links.get("abstract") or (identifier_page("arxiv", arxiv) if arxiv else None)


def pdf_page(paper: Paper) -> str | None:
    """The paper's PDF: its link, else arXiv's of its id."""
    arxiv = paper.identifiers.get("arxiv")
    return paper.links.get("pdf") or (arxiv_pdf(arxiv) if arxiv else None)


def paper_label(holder: Holder) -> str:
    """How every view names a record that holds results: its title; for a paper whose title is
    unknown, the identifier it is known by, said to be no title
    (``arXiv:1901.11504 (title unknown)``)."""
    if holder.title is not None:
        return holder.title
    known = next((f"{prefix}{holder.identifiers[scheme]}"
                  for scheme, prefix in PAPER_IDENTIFIERS.items() if scheme in holder.identifiers),
                 None)
    if known is None and isinstance(holder, Paper):
        link = holder.links.get("abstract") or holder.links.get("pdf")
        host = urllib.parse.urlsplit(link).hostname if link else None
        known = f"the paper at {host}" if host else None
    return f"{known or holder.id} (title unknown)"


@dataclasses.dataclass
class Registry:
    papers: dict[str, Paper]
    #: Entity records by kind, then id (tasks, datasets, metrics, methods, areas, benchmarks).
    entities: dict[str, dict[str, Mapping[str, Any]]]
    #: Files left out because they do not pass their schema.
    skipped: list[str] = dataclasses.field(default_factory=list)
    sources: dict[str, Source] = dataclasses.field(default_factory=dict)

    def holders(self) -> Iterable[Holder]:
        """Every record that holds results: the papers, then the sources."""
        yield from self.papers.values()
        yield from self.sources.values()

    def holder(self, holder_id: str) -> Holder | None:
        # A source never takes a paper's id (I011): the paper is the one meant.
        return self.papers.get(holder_id) or self.sources.get(holder_id)

    def paper_of(self, result: Result) -> Paper | None:
        """The paper whose method ``result`` evaluates: the one it names, else its holder if
        that is a paper."""
        return self.papers.get(result.paper or result.holder)

    def name(self, kind: str, entity_id: str) -> str:
        record = self.entities.get(kind, {}).get(entity_id, {})
        name = record.get("name")
        return name if isinstance(name, str) else entity_id

    def find(self, kind: str, text: str) -> str | None:
        """The id of the entity called ``text`` by id, name or alias (case-insensitive)."""
        records = self.entities.get(kind, {})
        if text in records:
            return text
        folded = fold(text)
        for entity_id, record in sorted(records.items()):
            names = [entity_id, record.get("name"), *record.get("aliases", [])]
            if any(isinstance(n, str) and fold(n) == folded for n in names):
                return entity_id
        return None

    def suggest(self, kind: str, text: str) -> list[str]:
        """Up to three ids of entities near ``text`` by id, name or alias, best first."""
        names: dict[str, str] = {}
        for entity_id, record in sorted(self.entities.get(kind, {}).items()):
            for name in (entity_id, record.get("name"), *record.get("aliases", [])):
                if isinstance(name, str):
                    names.setdefault(name, entity_id)
        return _ids_of(suggestions(text, names, most=3 * MOST), names)

    def suggest_paper(self, text: str) -> list[str]:
        """Up to three ids of papers near ``text`` by id or title, best first; failing that,
        papers whose id starts with it or whose title has it as a word (``lert`` is no typo
        of "LERT: A Linguistically-motivated Pre-trained Language Model", but names it)."""
        names: dict[str, str] = {}
        for paper in self.papers.values():
            names.setdefault(paper.id, paper.id)
            if paper.title:
                names.setdefault(paper.title, paper.id)
        near = _ids_of(suggestions(text, names, most=3 * MOST), names)
        slug = slugify(text)
        if near or not slug:
            return near
        words = f"-{slug}-"
        return sorted(p.id for p in self.papers.values()
                      if p.id.startswith(slug) or words in f"-{slugify(p.title or '')}-")[:MOST]

    def find_papers(self, text: str) -> list[Paper]:
        """The papers ``text`` names, asked in this order and answered by the first that
        finds any: the id; the arXiv id (``arXiv:`` before it asks only this); another
        identifier (DOI, ACL, OpenReview...); the exact title, case aside. More than one paper
        is an ambiguity for the caller to show, never settled by file order: a paper whose
        OpenReview id or title is another's arXiv id must not stand in for it."""
        if text in self.papers:
            return [self.papers[text]]
        folded = text.strip().casefold()
        arxiv_only = folded.startswith("arxiv:")
        wanted = folded.removeprefix("arxiv:").strip()
        if not wanted:  # "" would be the arXiv id of every paper without one
            return []
        stages: list[list[Paper]] = [[], [], []]
        for paper in self.papers.values():
            if paper.identifiers.get("arxiv", "").casefold() == wanted:
                stages[0].append(paper)
            elif arxiv_only:
                continue
            elif any(v.casefold() == wanted for v in paper.identifiers.values()):
                stages[1].append(paper)
            elif (paper.title or "").casefold() == wanted:
                stages[2].append(paper)
        return next((found for found in stages if found), [])

    def find_paper(self, text: str) -> Paper | None:
        """:meth:`find_papers`' one paper; None when it names none or several."""
        found = self.find_papers(text)
        return found[0] if len(found) == 1 else None


def _ids_of(guesses: Iterable[str], names: Mapping[str, str]) -> list[str]:
    """The ids the guessed names stand for, each once, at most :data:`MOST`."""
    return list(dict.fromkeys(names[g] for g in guesses))[:MOST]


Topic = tuple[str, str]  # ("t", task id) or ("d", dataset id)


@dataclasses.dataclass(frozen=True, slots=True)
class Topics:
    """What :func:`related_papers` needs, computed once for every paper. A paper is known by
    its place from newest to oldest (then by id); each topic's newest places are kept in an
    array of machine integers rather than a list of ids, so that relating a paper in a forked
    worker writes to no object the parent shares: counting shared ids would write the
    reference count of each candidate's id string, and at the archive's scale that copied
    ~500 MB of the parent's pages into each run of 2,000 paper pages."""

    #: Papers from newest to oldest (undated last), then by id.
    ordered: list[Paper]
    #: Paper id → its place in ``ordered``.
    place: dict[str, int]
    #: Topic → the places of its newest papers, at most the cap, newest first.
    newest: dict[Topic, array.array[int]]
    #: Paper id → its topics.
    mine: dict[str, tuple[Topic, ...]]


def topics_of(registry: Registry, cap: int = 100) -> Topics:
    """:class:`Topics` of ``registry``. Each task or dataset offers its ``cap`` newest papers
    as candidates, so that a task with thousands of papers does not make relating every paper
    quadratic; below the cap the result is exact."""
    ordered = sorted(registry.papers.values(), key=lambda p: p.id)
    ordered.sort(key=lambda p: p.date or "", reverse=True)  # undated last
    place = {p.id: i for i, p in enumerate(ordered)}
    members: dict[Topic, list[int]] = {}
    mine: dict[str, tuple[Topic, ...]] = {}
    for paper in registry.papers.values():
        own = tuple(dict.fromkeys([*(("t", t) for t in paper.tasks),
                                   *(("t", r.task) for r in paper.results),
                                   *(("d", r.dataset) for r in paper.results)]))
        mine[paper.id] = own
        for topic in own:
            members.setdefault(topic, []).append(place[paper.id])
    newest = {topic: array.array("l", sorted(places)[:cap]) for topic, places in members.items()}
    return Topics(ordered, place, newest, mine)


def related_papers(registry: Registry, paper: Paper, limit: int = 8,
                   topics: Topics | None = None) -> list[Paper]:
    """Papers that share tasks or datasets with ``paper``: most shared first, then newest,
    then by id. Pass ``topics`` (from :func:`topics_of`) when relating many papers."""
    topics = topics if topics is not None else topics_of(registry)
    shared = Counter(itertools.chain.from_iterable(
        topics.newest[t] for t in topics.mine.get(paper.id, ())))
    shared.pop(topics.place.get(paper.id, -1), None)
    # Smallest (-shared, place): pairs made by map and zip rather than a key function called
    # per candidate (places are unique, so nothing else is compared).
    best = heapq.nsmallest(limit, zip(map(operator.neg, shared.values()), shared, strict=True))
    return [topics.ordered[i] for _, i in best]


def value_of(raw: Any) -> Value:
    """A value as every tool reads it: floats, the spread too (an integer spread past 2**63,
    exact as a float, once reached the exports as an int that no int64 column holds). ``-0.0``
    is 0 (``+ 0.0`` drops the sign of a zero alone): the same number, which some outputs
    wrote as -0 and others as 0."""
    if isinstance(raw, dict):
        spread = raw.get("spread")
        return Value(float(raw["value"]) + 0.0, None if spread is None else float(spread) + 0.0,
                     raw.get("note"))
    return Value(float(raw) + 0.0)


def _results(data: Mapping[str, Any], holder_id: str) -> tuple[Result, ...]:
    return tuple(
        Result(
            holder=holder_id,
            index=i,
            task=r["task"],
            dataset=r["dataset"],
            model=r["model"],
            metrics={m: value_of(v) for m, v in r["metrics"].items()},
            split=r.get("split"),
            paper=r.get("paper") if r.get("paper") != holder_id else None,
            aliases=tuple(r.get("aliases", ())),
            extra_training_data=bool(r.get("extra_training_data", False)),
            date=r.get("date"),
            code_links=tuple(c if isinstance(c, str) else c["url"] for c in r.get("code_links", ())),
            model_links=tuple(r.get("model_links", ())),
            source=dict(r.get("source", {})),
            notes=r.get("notes"),
        )
        for i, r in enumerate(data.get("results", ()))
    )


def _renamed_from(data: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(c["renamed_from"] for c in data.get("corrections", ()) if "renamed_from" in c)


def _code(data: Mapping[str, Any]) -> tuple[CodeLink, ...]:
    return tuple(CodeLink(c["url"], bool(c.get("official", False)), c.get("framework"))
                 for c in data.get("code", ()))


def paper_from(data: Mapping[str, Any], file: str, *, abstract: bool = True) -> Paper:
    """A :class:`Paper` from a record that passes the paper schema."""
    paper_id = data["id"]
    return Paper(
        id=paper_id,
        title=data.get("title"),
        file=file,
        authors=tuple(data.get("authors", ())),
        date=data.get("date"),
        identifiers=dict(data.get("identifiers", {})),
        abstract=data.get("abstract") if abstract else None,
        venue=data.get("venue"),
        links=dict(data.get("links", {})),
        code=_code(data),
        tasks=tuple(data.get("tasks", ())),
        methods=tuple(data.get("methods", ())),
        results=_results(data, paper_id),
        renamed_from=_renamed_from(data),
    )


def source_from(data: Mapping[str, Any], file: str) -> Source:
    """A :class:`Source` from a record that passes the source schema."""
    return Source(
        id=data["id"],
        kind=data["kind"],
        title=data["title"],
        file=file,
        authors=tuple(data.get("authors", ())),
        date=data.get("date"),
        url=data.get("url"),
        identifiers=dict(data.get("identifiers", {})),
        description=data.get("description"),
        code=_code(data),
        results=_results(data, data["id"]),
        renamed_from=_renamed_from(data),
    )


def holder_from(kind: str, data: Mapping[str, Any], file: str, *, abstract: bool = True
                ) -> Holder:
    """The paper or source of a schema-valid record of ``kind``."""
    return paper_from(data, file, abstract=abstract) if kind == layout.PAPER \
        else source_from(data, file)


def load_registry(registry: Path, *, jobs: int | None = None,
                  abstracts: bool = True) -> Registry:
    """Every valid record of a registry folder, as objects. The objects alive when it returns
    are frozen out of the cyclic garbage collector's sight (:func:`gc.freeze`): they are freed as
    usual when no longer referenced, but a reference cycle among them would be kept."""
    files, _ = layout.discover(registry.resolve())
    entity_files = {f.name: f for f in files if f.kind != layout.PAPER}
    parts = fork_map(_read_chunk, list(entity_files.values()), jobs=jobs,
                     threshold=PARALLEL_THRESHOLD * 5, share=abstracts)
    entity_records = [(entity_files[name], data)
                      for part in parts for name, data in marshal.loads(part)]
    papers, bad = _load_papers([f for f in files if f.kind == layout.PAPER], jobs, abstracts)
    return _registry_of(entity_records, papers, bad)


def registry_from_records(entity_records: Iterable[tuple[layout.RegistryFile, Any]],
                          paper_parts: Iterable[bytes]) -> Registry:
    """What :func:`load_registry` gives (with abstracts), from records a validation read
    already: the data of each entity file and, in marshal bytes as :func:`_read_chunk` makes
    them, of each paper file; None where the file is unreadable or not schema-valid."""
    return _registry_of(entity_records, *_papers_of(paper_parts, abstracts=True))


def _registry_of(entity_records: Iterable[tuple[layout.RegistryFile, Any]],
                 papers: dict[str, Paper], bad: list[str]) -> Registry:
    entities: dict[str, dict[str, Mapping[str, Any]]] = {k: {} for k in layout.ENTITY_KINDS}
    skipped: list[str] = []
    sources: dict[str, Source] = {}
    for file, data in sorted(entity_records, key=lambda r: r[0].name):
        if data is None:
            skipped.append(file.name)
        elif file.kind == layout.SOURCE:
            source = source_from(data, file.name)
            sources[source.id] = source
        else:
            entities[file.kind][file.stem] = data
    # A source with a paper's id is refused (I011); left out here, it cannot take the paper's rows.
    taken = sorted(s.file for s in sources.values() if s.id in papers)
    sources = {k: v for k, v in sources.items() if k not in papers}
    return Registry(papers, entities, sorted(skipped + bad + taken), sources)


def records_to_papers(records: Iterable[tuple[str, Mapping[str, Any] | None]],
                      abstracts: bool = True, *, checked: bool = False
                      ) -> tuple[dict[str, Paper], list[str]]:
    """Papers from ``(file name, data)`` pairs; names of the records that are not valid.
    ``checked``: the data already passed the schema (None where it did not)."""
    papers: dict[str, Paper] = {}
    bad: list[str] = []
    for name, data in records:
        if data is not None and (checked or schema.is_valid(layout.PAPER, data)):
            paper = paper_from(data, name, abstract=abstracts)
            papers[paper.id] = paper
        else:
            bad.append(name)
    return papers, bad


def _read_chunk(files: Sequence[layout.RegistryFile]) -> bytes:
    """``(name, data)`` of each file, data None where the file is unreadable or invalid, as
    marshal bytes: plain data crosses from a worker ten times faster that way than pickled."""
    abstracts = shared()
    out = []
    for f in files:
        data = read(f.name, f.read_bytes()).data
        if data is not None and not schema.is_valid(f.kind, data):
            data = None
        if not abstracts and data is not None and f.kind == layout.PAPER:
            data.pop("abstract", None)
        out.append((f.name, data))
    return marshal.dumps(out)


def _load_papers(files: Sequence[layout.RegistryFile], jobs: int | None, abstracts: bool
                 ) -> tuple[dict[str, Paper], list[str]]:
    # Papers are built from each chunk as it arrives, while the workers read the next ones.
    return _papers_of(fork_imap(_read_chunk, files, jobs=jobs, threshold=PARALLEL_THRESHOLD,
                                share=abstracts), abstracts)


def _papers_of(parts: Iterable[bytes], abstracts: bool) -> tuple[dict[str, Paper], list[str]]:
    with gc_paused():
        papers, bad = records_to_papers((r for part in parts for r in marshal.loads(part)),
                                        abstracts, checked=True)
        # The papers live as long as the registry and hold no cycles: out of the collector's
        # sight for good, or each full collection later scans them all (~1 s a collection at
        # 50,000 papers; a leaderboard build took 3 s longer).
        gc.freeze()
    return dict(sorted(papers.items())), bad
