"""Names → ids: how every importer finds what the registry already holds, and ids for what
is new.

A name or alias the registry knows (ignoring case and spacing: :func:`..ids.fold`) maps to that
entity; a new name gets the slug of its name, made unique by a short hash of the name when the
slug is taken, so that the same name gets the same id on every run (:func:`new_id`). Papers are
found by identifier before title (:data:`PAPER_MATCH_ORDER`), sources by title.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import layout
from ..diagnostics import Diagnostic
from ..ids import fold, identifier_key
from ..leaderboard import ancestors
from ..registry import Holder, load_registry
from ..vocabulary import Limits
from .units import signed_metrics

#: The order in which a paper's identifiers find it, before its title.
PAPER_MATCH_ORDER = ("arxiv", "pwc", "doi", "acl", "openreview")


def _stable_suffix(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


#: A leaderboard's files are named by its id, ``<task>--<dataset>``, at most
#: :data:`..layout.MAX_BENCHMARK_ID` characters (V012; a file's name holds 255 bytes), so new
#: task and dataset ids are capped to fit two of them in one; other ids are capped by the
#: schemas' limit.
ID_LIMIT = {"task": (layout.MAX_BENCHMARK_ID - len("--")) // 2,
            "dataset": (layout.MAX_BENCHMARK_ID - len("--")) // 2}


def capped_slug(slug: str, limit: int = layout.MAX_SLUG) -> str:
    """``slug`` if it is at most ``limit`` characters, else its start and a hash of all of it:
    short, and stable (the same slug always gives the same id; two long slugs that share their
    first ``limit`` characters stay apart)."""
    if len(slug) <= limit:
        return slug
    return f"{slug[: limit - 9].rstrip('-')}-{_stable_suffix(slug)}"


def new_id(name: str, taken: Iterable[str] | set[str], preferred: str | None = None,
           limit: int = layout.MAX_SLUG) -> str:
    """A slug for ``name`` that is not ``taken``, at most ``limit`` characters: stable for the
    same name and taken set."""
    taken_set = taken if isinstance(taken, set) else set(taken)
    base = preferred if preferred and layout.SLUG.match(preferred) else layout.slugify(name)
    base = capped_slug(base or "x", limit)
    if base not in taken_set:
        return base
    return f"{base[: limit - 9].rstrip('-')}-{_stable_suffix(name)}"


class Names:
    """Name → id for each entity kind, seeded with what the registry holds."""

    def __init__(self) -> None:
        self._ids: dict[str, dict[str, str]] = {k: {} for k in layout.ENTITY_KINDS}
        self._taken: dict[str, set[str]] = {k: set() for k in layout.KINDS}

    def know(self, kind: str, entity_id: str, names: Iterable[str]) -> None:
        self._taken[kind].add(entity_id)
        for name in (entity_id, *names):  # an id is a name too (I002)
            self._ids[kind].setdefault(fold(name), entity_id)

    def resolve(self, kind: str, name: str) -> str | None:
        return self._ids[kind].get(fold(name))

    def would_be(self, kind: str, name: str) -> str:
        """The id :meth:`claim` would give ``name`` now, claiming nothing."""
        found = self.resolve(kind, name)
        return found if found is not None else new_id(
            name, self._taken[kind], None, ID_LIMIT.get(kind, layout.MAX_SLUG))

    def claim(self, kind: str, name: str, preferred: str | None = None) -> str:
        """The id of ``name``: known, or new (and from now on known)."""
        found = self.resolve(kind, name)
        if found is not None:
            return found
        entity_id = new_id(name, self._taken[kind], preferred, ID_LIMIT.get(kind, layout.MAX_SLUG))
        self.know(kind, entity_id, [name])
        return entity_id

    def take(self, kind: str, entity_id: str) -> None:
        self._taken[kind].add(entity_id)

    def taken(self, kind: str) -> set[str]:
        return self._taken[kind]


def outside_range(limits: Mapping[str, Limits], metric_id: str, number: Any) -> str | None:
    """Why an imported ``number`` (or a value with its spread) cannot be a value of the
    registry's metric ``metric_id``, or None."""
    limit = limits.get(metric_id)
    central = number["value"] if isinstance(number, dict) else number
    return limit.refuses(central) if limit is not None and isinstance(central, (int, float)) \
        else None


class Known:
    """What the registry holds before an import: names of entities, papers' and sources'
    identities. Every importer finds the registry's records here, and takes new ids here (from
    the ids papers and sources share), so two importers never give one thing two ids."""

    def __init__(self, registry: Path, jobs: int | None) -> None:
        self.registry = registry
        self.names = Names()
        loaded = load_registry(registry, jobs=jobs, abstracts=False)
        #: Every name of each kind of entity, for "did you mean".
        self.spellings: dict[str, list[str]] = {}
        for kind, entities in loaded.entities.items():
            for entity_id, data in entities.items():
                names = [n for n in [data.get("name", ""), *data.get("aliases", [])] if n]
                self.names.know(kind, entity_id, names)
                self.spellings.setdefault(kind, []).extend(names)
        #: Task and dataset ids merged into others (old id → the id kept), read from the
        #: aliases ``scripts/merge_entities.py`` leaves: a merged entity's name is an alias of
        #: the one kept, and its id was that name's slug. A file's corrections name the results
        #: they moved by the old id (:func:`.merge.merge`).
        self.moved: dict[str, dict[str, str]] = {}
        for kind in ("task", "dataset"):
            entities = loaded.entities.get(kind, {})
            for entity_id, data in sorted(entities.items()):
                aliases = data.get("aliases")
                for alias in aliases if isinstance(aliases, list) else ():
                    old = capped_slug(layout.slugify(str(alias)),
                                      ID_LIMIT.get(kind, layout.MAX_SLUG))
                    if old and old != entity_id and old not in entities:
                        self.moved.setdefault(kind, {}).setdefault(old, entity_id)
        tasks = loaded.entities.get("task", {})
        #: Each task's longest id among itself and its ancestors (:func:`..ids.board_problem`).
        self.longest_task = {task: max(map(len, [task, *ancestors(tasks, task)]))
                             for task in tasks}
        #: The registry's metrics' units ("percent"), for the unit rule.
        self.units: dict[str, str | None] = {
            metric_id: data.get("unit") for metric_id, data in loaded.entities["metric"].items()}
        #: The metrics that can be negative (their range goes below 0), for the unit rule.
        self.signed = signed_metrics(loaded.entities["metric"])
        #: What each metric's file says of its values: one out of range is not imported.
        self.limits = {metric_id: Limits.of(data)
                       for metric_id, data in loaded.entities["metric"].items()}
        files, _ = layout.discover(registry)
        for f in files:
            # invalid files too: their ids stay theirs; papers and sources share one set of ids
            self.names.take(layout.PAPER if f.kind in layout.HOLDER_KINDS else f.kind, f.stem)
        self.papers: dict[tuple[str, str], str] = {}
        #: Each paper's and source's identifiers, by its id.
        every: list[Holder] = [*loaded.papers.values(), *loaded.sources.values()]
        self.identifiers_of = {h.id: dict(h.identifiers) for h in every}
        for paper in loaded.papers.values():
            if paper.title is not None:  # else known by its identifiers alone
                self.papers.setdefault(("title", fold(paper.title)), paper.id)
            for scheme, value in paper.identifiers.items():
                self.papers.setdefault(identifier_key(scheme, value), paper.id)
        #: The sources the registry holds, by folded title: a board's source is found again.
        self.sources = {fold(s.title): s.id for s in loaded.sources.values()}
        self.source_ids = set(loaded.sources)
        #: The ids papers and sources had before a rename (``renamed_from`` in a correction),
        #: each to the record renamed: a paper the archive files under its old id is that
        #: record, not a new paper.
        self.renamed: dict[str, str] = {}
        #: The file of each record renamed, by its id now.
        self.renamed_files: dict[str, str] = {}
        holders: list[Holder] = [*loaded.papers.values(), *loaded.sources.values()]
        for holder in holders:
            for old in holder.renamed_from:
                self.renamed.setdefault(old, holder.id)
                self.renamed_files[holder.id] = holder.file
        #: The old id each paper found through a rename was asked for by, by its id now.
        self.found_as: dict[str, str] = {}

    def paper_id(self, identifiers: Mapping[str, str], title: str | None, label: str) -> str:
        """The id of the paper with these identifiers (matched first: the archive files one
        arXiv paper under two titles) or this title; else a new one, from ``label``."""
        for scheme in PAPER_MATCH_ORDER:
            found = self.papers.get(identifier_key(scheme, identifiers.get(scheme, "")))
            if found:
                return found
        found = self.papers.get(("title", fold(title))) if title else None
        # Not a paper of the same title that another identifier of the same kind names: two
        # cards linking "this paper" to two arXiv ids are two papers.
        if found and not self._other_paper(found, identifiers):
            return found
        paper_id = new_id(label, self.names.taken(layout.PAPER), identifiers.get("pwc"))
        renamed = self.renamed.get(paper_id)  # a free id: the renamed record is another
        if renamed is not None and not self._other_paper(renamed, identifiers):
            self.found_as[renamed] = paper_id
            return renamed
        # A paper made a source under its own id: that id taken, the new one got a suffix and
        # missed the rename (helper-76). Only that record; and only for a paper that names it
        # by its Papers with Code id, or has no identifier the record lacks: another paper
        # whose title makes the same id, with an arXiv id of its own, is another paper.
        had = new_id(label, (), identifiers.get("pwc"))
        held = self.identifiers_of.get(had, {})
        if had != paper_id and self.renamed.get(had) == had \
                and not self._other_paper(had, identifiers) \
                and (identifiers.get("pwc") == had
                     or all(s in held for s in identifiers if s != "pwc")):
            self.found_as[had] = had
            return had
        self.names.take(layout.PAPER, paper_id)
        return paper_id

    def _other_paper(self, found: str, identifiers: Mapping[str, str]) -> bool:
        """Whether ``found`` holds an identifier of a kind ``identifiers`` has, another one."""
        held = self.identifiers_of.get(found, {})
        return any(scheme in held and identifier_key(scheme, held[scheme])
                   != identifier_key(scheme, value) for scheme, value in identifiers.items())

    def renamed_into_source(self, paper_id: str, label: str, results: int) -> Diagnostic | None:
        """Why a paper's results are not imported, or None: the paper was renamed into the
        source ``paper_id``, whose file a paper's cannot be written into."""
        if paper_id not in self.source_ids or paper_id not in self.found_as:
            return None
        old, file = self.found_as[paper_id], self.renamed_files[paper_id]
        return Diagnostic(
            "A055", f"the paper {label!r} (id {old!r}) was renamed into the source "
            f"{paper_id!r}: " + ("rows that name it are held by their own source and credit "
                                 "no paper" if results == 0 else "its result is not imported "
                                 "again" if results == 1 else f"its {results} results are not "
                                 "imported again"), file,
            *_line_of(self.registry.parent / file, f"renamed_from: {old}"),
            hint="compare them with the source's results and add what it lacks by hand")

    def source_id(self, title: str, preferred: str | None = None) -> str:
        """The id of a source: the one the registry holds under its title, or ``preferred``
        if free, or one made from the title — in the ids of papers and sources."""
        found = self.sources.get(fold(title))
        if found:
            return found
        source_id = new_id(title, self.names.taken(layout.PAPER), preferred)
        self.names.take(layout.PAPER, source_id)
        self.sources[fold(title)] = source_id
        return source_id



def _line_of(path: Path, text: str) -> tuple[int, int]:
    """The line and column where ``text`` begins in the file (1, 1 when it cannot be found)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1, 1
    return next(((n, line.index(text) + 1) for n, line in enumerate(lines, 1) if text in line),
                (1, 1))
