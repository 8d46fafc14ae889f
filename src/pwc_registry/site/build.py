"""``pwc site build``: the registry as a static site.

The leaderboards are compiled once (:func:`..leaderboard.compile_leaderboards`, the same ranking
the snapshot and the terminal use); everything a page needs is gathered here into plain
indexes, and the pages are rendered from Jinja2 templates (autoescaped: every string from the
registry is text, never markup) by worker processes. Links are relative, so the site works
from any folder or host path; nothing is fetched at view time.

    out/
      index.html  tasks/  sota/  datasets/  papers/  sources/  methods/  submit.html  about.html
      search.html  pagefind/ (the search index)  search/ (names and words search.js looks up)
      style.css  site.js  search.js
      built.js     the registry's date, which site.js shows in every page's footer
      benchmarks/<id>.html (with and without extra training data), <id>.csv, <id>.json
      downloads.html  downloads/   the whole registry as `pwc export results` writes it
"""

from __future__ import annotations

import dataclasses
import gc
import json
import re
import shutil
import tempfile
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from markdown_it import MarkdownIt

from .. import layout, snapshot
from ..exports.gzipped import gzip_file
from ..exports.results import write_export
from ..gitrefs import GitError, run_git
from ..leaderboard import (
    Leaderboard,
    PaperTopics,
    Row,
    board_places,
    compile_leaderboards,
    is_reference,
    paper_topics,
)
from ..markdown import counted, number
from ..outputs import Entry, FileSet, check_folder, updated_folder
from ..parallel import fork_map, gc_paused, shared
from ..registry import (
    SOURCE_KINDS,
    Holder,
    Registry,
    Source,
    Topics,
    abstract_page,
    load_registry,
    paper_label,
    pdf_page,
    related_papers,
    topics_of,
)
from ..stats import area_of
from ..tables import compute, result_id
from . import api, feed
from .chart import sota_chart
from .cite import bibtex, meta_tags

PARALLEL_THRESHOLD = 300
#: Pages a forked worker renders before a fresh one takes over (:func:`..parallel.fork_map`'s
#: ``run``): at the archive's scale, workers that lived through the whole build copied gigabytes
#: of the registry they read.
PAGES_PER_WORKER = 2000
COMMAND = "pwc site build"
SECTIONS = (("tasks/index.html", "Tasks"), ("sota/index.html", "SotA"),
            ("datasets/index.html", "Datasets"), ("papers/index.html", "Papers"),
            ("sources/index.html", "Sources"), ("methods/index.html", "Methods"),
            ("downloads.html", "Downloads"), ("submit.html", "Submit"), ("about.html", "About"))
#: The formats of the whole-registry export the Downloads page offers (``pwc export results``
#: writes JSON Lines too: as large as the rest together, and Parquet holds the same).
DOWNLOAD_FORMATS = ("parquet", "sqlite", "csv")
_FORMAT_LABELS = {"parquet": "Parquet", "sqlite": "SQLite (for Datasette), gzipped",
                  "csv": "CSV, gzipped"}
#: Downloads offered gzipped: uncompressed, the results alone are ~250 MB of CSV and ~500 MB of
#: SQLite at 50,000 papers, past what a static host takes in one file (GitHub Pages: 100 MB).
#: Parquet is compressed inside.
GZIPPED = (".sqlite", ".csv")
#: How each kind of source is named on the site (source.schema.json lists the kinds).
#: Above this many rows a leaderboard's markup is leaner (a row's rank on each other metric goes
#: into a tooltip): the 1,556 rows of the largest board must still open in under a second.
COMPACT = 200
#: A leaderboard's page shows its first rows; a longer one links to a page of all of them.
TOP = 300
#: Listings longer than this are split into pages (a page stays under 200 KB).
PER_PAGE = 300
#: Papers per page of the Papers index (newest first): with up to three rank badges each, a
#: page stays under 200 KB.
PAPERS_PER_PAGE = 200
#: How many rank badges a paper shows (its best ranks in the top three of a leaderboard).
BADGES = 3
#: How many page numbers either side of the current one the Papers index links (the first and
#: last are always linked): at the archive's 576,000 papers there are 2,880 pages.
PAGE_WINDOW = 5
#: How many of an area's tasks the task index shows (its page lists them all).
SAMPLE = 24
OTHER = "other"
RELATED = 8


@dataclasses.dataclass
class Site:
    """What every page may need, computed once."""

    registry: Registry
    boards: dict[str, Leaderboard]
    #: paper or source id → (benchmark id, row) of every leaderboard row it holds, and for a
    #: paper also the rows of its method that a source (or another paper) holds
    ranks: dict[str, list[tuple[str, Row]]]
    by_task: dict[str, list[str]]
    by_dataset: dict[str, list[str]]
    dataset_papers: dict[str, list[str]]
    method_papers: dict[str, list[str]]
    subtasks: dict[str, list[str]]
    topics: Topics
    counts: dict[str, int]
    #: The registry repository's CONTRIBUTING.md, for the Submit page.
    guide: str
    #: The files of the whole-registry export in downloads/ and their sizes in bytes, once
    #: written (no Downloads page without them).
    downloads: dict[str, int] = dataclasses.field(default_factory=dict)
    #: The date of the registry's last commit (YYYY-MM-DD); None outside git.
    built: str | None = None
    #: Where the registry's files are published, for the links to a record's file and to edit
    #: it; None when not configured (no such links).
    repository: Repository | None = None
    #: The site's own address, for absolute links in the feeds; None: relative links.
    site_url: str | None = None
    #: Every paper id, newest first (undated last): the Papers index's order, sorted once.
    newest: list[str] = dataclasses.field(default_factory=list)
    #: Each leaderboard's last-updated date (see :func:`board_dates`); empty outside git.
    updated: dict[str, str] = dataclasses.field(default_factory=dict)
    #: paper id → its tasks and datasets (:func:`..leaderboard.paper_topics`): its page, the
    #: API's paper → tasks and datasets, task → papers and the datasets' pages all read it.
    paper_topics: dict[str, PaperTopics] = dataclasses.field(default_factory=dict)
    #: task id → the papers with it among their tasks, by id.
    task_papers: dict[str, list[str]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class Repository:
    """The registry's repository on a GitHub-like host, as configured (``pwc site build
    --repository-url``): never guessed from a remote."""

    url: str
    branch: str
    #: The registry folder's parent, relative to the repository's root ("" at the root): a
    #: record's ``file`` is relative to that parent.
    prefix: str

    def links(self, file: str) -> tuple[str, str]:
        """(view, edit) URLs of a record's file."""
        path = urllib.parse.quote(self.prefix + file)
        branch = urllib.parse.quote(self.branch, safe="/")
        return f"{self.url}/blob/{branch}/{path}", f"{self.url}/edit/{branch}/{path}"


def repository_of(registry_path: Path, url: str | None, branch: str | None
                  ) -> Repository | None:
    """The configured repository of the registry at ``registry_path``: None without a URL, or
    outside git (where a file's place in the repository is unknown). The branch defaults to
    the one checked out; None on a detached HEAD with no branch given."""
    if not url:
        return None
    parent = registry_path.resolve().parent
    try:
        prefix = run_git(parent, "rev-parse", "--show-prefix").strip()
        if branch is None:
            branch = run_git(parent, "symbolic-ref", "--quiet", "--short", "HEAD").strip()
    except GitError:
        return None
    return Repository(url.rstrip("/"), branch, prefix) if branch else None


Badge = tuple[str, int, str]


def rank_badges(site: Site, holder_id: str, limit: int = BADGES) -> list[Badge]:
    """(board id, rank, board name) of the holder's best ranks in the top three of a
    leaderboard, best first, one a board (LERT's #1 and #2 on one board read as a
    contradiction, and took a badge from another board): its own rows only (not a source's
    rows of its method)."""
    best: dict[str, int] = {}
    for board_id, row in site.ranks.get(holder_id, ()):
        if row.rank is not None and row.rank <= 3 and row.holder.id == holder_id:
            best[board_id] = min(row.rank, best.get(board_id, row.rank))
    held = sorted(best.items(), key=lambda b: (b[1], b[0]))
    return [(board_id, rank, site.boards[board_id].benchmark.name)
            for board_id, rank in held[:limit]]


def gather(registry: Registry, guide: str = "") -> Site:
    boards = {b.benchmark.id: b for b in compile_leaderboards(registry)}
    ranks: dict[str, list[tuple[str, Row]]] = {}
    by_task: dict[str, list[str]] = {}
    by_dataset: dict[str, list[str]] = {}
    for board_id, board in boards.items():
        by_task.setdefault(board.benchmark.task, []).append(board_id)
        by_dataset.setdefault(board.benchmark.dataset, []).append(board_id)
        for row in board.rows:
            ranks.setdefault(row.holder.id, []).append((board_id, row))
            if row.paper is not None and row.paper is not row.holder:
                ranks.setdefault(row.paper.id, []).append((board_id, row))
    on = paper_topics(registry.papers.values(), registry.entities, board_places(boards.values()))
    task_papers: dict[str, list[str]] = {}
    dataset_papers: dict[str, list[str]] = {}
    for paper_id in sorted(on):
        for task_id in on[paper_id].tasks:
            task_papers.setdefault(task_id, []).append(paper_id)
        for dataset in on[paper_id].datasets:
            dataset_papers.setdefault(dataset, []).append(paper_id)
    method_papers: dict[str, list[str]] = {}
    for paper in registry.papers.values():
        for method in paper.methods:
            method_papers.setdefault(method, []).append(paper.id)
    subtasks: dict[str, list[str]] = {}
    for task_id, task in sorted(registry.entities.get("task", {}).items()):
        parent = task.get("parent")
        if parent:
            subtasks.setdefault(parent, []).append(task_id)
    counts = {**{k + "s": len(v) for k, v in registry.entities.items() if k != "benchmark"},
              "papers": len(registry.papers), "sources": len(registry.sources),
              "benchmarks": len(boards),
              "results": sum(len(h.results) for h in registry.holders())}
    newest = [p.id for p in sorted(registry.papers.values(), key=lambda p: (p.date or "", p.id),
                                   reverse=True)]
    return Site(registry, boards, ranks, by_task, by_dataset, dataset_papers, method_papers,
                subtasks, topics_of(registry), counts, guide, newest=newest,
                paper_topics=on, task_papers=task_papers)


# --- rendering ---------------------------------------------------------------------------

def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pwc_registry.site", "templates"),
        autoescape=True, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True,
        # The templates are package data and do not change during a build: without this,
        # every page asks the disk for the modification time of each template it uses.
        auto_reload=False)
    env.filters["number"] = lambda v: number(v, "—")
    env.filters["counted"] = counted
    env.filters["markdown"] = lambda text: markupsafe.Markup(render_markdown(text))
    env.filters["label"] = paper_label
    env.filters["page"] = holder_page
    env.filters["abstract_page"] = abstract_page
    env.filters["pdf_page"] = pdf_page
    return env


def _value(row: Row, metric: str) -> str:
    value = row.result.metrics.get(metric)
    if value is None:
        return ""
    return number(value.value) + (f" ± {number(value.spread)}" if value.spread is not None
                                  else "")


#: The columns of a leaderboard that may fold into one line above its table, and the row keys
#: each compares.
FOLDABLE = {"paper": ("paper", "title"), "code": ("code", "official"), "date": ("date",),
            "provenance": ("source", "source_title", "source_kind", "where", "url",
                           "reported_by", "notes")}


def _folded(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The foldable columns that say the same on every row (of two or more), each with that
    row's values: the page says it once above the table instead of in every row."""
    if len(rows) < 2:
        return {}
    return {column: {k: rows[0][k] for k in keys} for column, keys in FOLDABLE.items()
            if all(r[k] == rows[0][k] for r in rows for k in keys)}


class Pages:
    """Renders each kind of page; ``render(kind, key)`` gives (path, html)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.registry = site.registry
        self.env = _environment()
        #: What every page's header shows, the same on each page of a build.
        self.sections = sections(site)

    def name(self, kind: str, entity_id: str) -> str:
        return self.registry.name(kind, entity_id)

    def _page(self, template: str, path: str, title: str, description: str,
              **context: Any) -> tuple[str, str]:
        depth = path.count("/")
        html = self.env.get_template(template).render(
            root="../" * depth, path=path, title=title, description=description[:300],
            sections=self.sections, counts=self.site.counts, name=self.name,
            value=_value, built=self.site.built, **context)
        return path, html

    def render(self, kind: str, key: str) -> tuple[str, str]:
        return getattr(self, f"_{kind}")(key)  # type: ignore[no-any-return]

    # one method per kind of page

    def _home(self, _: str) -> tuple[str, str]:
        boards = sorted(self.site.boards.values(),
                        key=lambda b: (-len(b.rows), b.benchmark.id))[:12]
        latest = sorted((p for p in self.registry.papers.values() if p.results and p.date),
                        key=lambda p: (p.date or "", p.id), reverse=True)[:10]
        return self._page("home.html", "index.html", "Papers With Code 2",
                          "Machine-learning results from papers, ranked on open leaderboards.",
                          boards=boards, latest=latest, badges=self.badges(latest),
                          feed=feed.SITE_FEED if self.site.boards and feed.has_feed(
                              self.site.boards.values()) else None)

    def badges(self, papers: Iterable[Any]) -> dict[str, list[Badge]]:
        """The rank badges of each of ``papers`` (a list of them shows them too)."""
        return {p.id: rank_badges(self.site, p.id) for p in papers}

    def areas(self) -> list[tuple[str, str, list[str]]]:
        """(area id or "other", area name, its task ids by name), areas by name. A task's area
        is its own, else its nearest ancestor's (:func:`..stats.area_of`), as the API and the
        exports have it: subtasks are counted and listed with the others."""
        tasks = self.registry.entities.get("task", {})
        areas: dict[str, list[str]] = {}
        for task_id, _ in sorted(tasks.items(), key=lambda t: t[1]["name"].casefold()):
            areas.setdefault(area_of(tasks, task_id) or OTHER, []).append(task_id)
        return sorted(((a, self._area_name(a), ids) for a, ids in areas.items()),
                      key=lambda a: (a[0] == OTHER, a[1].casefold()))

    def _area_name(self, area: str) -> str:
        return "Other tasks" if area == OTHER else self.name("area", area)

    def _tasks(self, _: str) -> tuple[str, str]:
        by_boards = {t: len(self.site.by_task.get(t, [])) for t in self.registry.entities.get(
            "task", {})}
        areas = [(area, name, ids, sorted(ids, key=lambda t: -by_boards[t])[:SAMPLE])
                 for area, name, ids in self.areas()]
        return self._page("tasks.html", "tasks/index.html", "Tasks",
                          f"{len(by_boards)} machine-learning tasks by research area.",
                          areas=areas, tasks=self.registry.entities.get("task", {}),
                          sample=SAMPLE)

    def _tasks_area(self, area: str) -> tuple[str, str]:
        [(_, name, ids)] = [a for a in self.areas() if a[0] == area]
        return self._page("tasks-area.html", f"tasks/areas/{area}.html", f"{name}: tasks",
                          f"The {counted(len(ids), 'task')} of {name}.", area_name=name, ids=ids,
                          tasks=self.registry.entities["task"])

    def _task(self, task_id: str) -> tuple[str, str]:
        task = self.registry.entities["task"][task_id]
        boards = [self.site.boards[b] for b in sorted(self.site.by_task.get(task_id, []),
                                                      key=lambda b: -len(self.site.boards[b].rows))]
        return self._page("task.html", f"tasks/{task_id}.html", task["name"],
                          task.get("description") or f"Benchmarks of {task['name']}.",
                          task=task, task_id=task_id, boards=boards,
                          feed=feed.task_feed(task_id) if feed.has_feed(boards) else None,
                          subtasks=self.site.subtasks.get(task_id, []))

    def boards_by_area(self) -> dict[str, list[Leaderboard]]:
        tasks = self.registry.entities.get("task", {})
        out: dict[str, list[Leaderboard]] = {}
        for board in sorted(self.site.boards.values(), key=lambda b: (
                self.name("task", b.benchmark.task).casefold(), b.benchmark.id)):
            area = area_of(tasks, board.benchmark.task) or OTHER
            out.setdefault(area, []).append(board)
        return out

    def _sota(self, _: str) -> tuple[str, str]:
        by_area = self.boards_by_area()
        areas = sorted(((a, self._area_name(a), len(boards), _pages(len(boards), PER_PAGE))
                        for a, boards in by_area.items()), key=lambda a: (a[0] == OTHER,
                                                                          a[1].casefold()))
        return self._page("sota.html", "sota/index.html", "State of the art",
                          f"All {len(self.site.boards)} leaderboards by research area.",
                          areas=areas, total=len(self.site.boards))

    def _sota_area(self, key: str) -> tuple[str, str]:
        area, number_text = key.rsplit(":", 1)
        number = int(number_text)
        boards = self.boards_by_area()[area]
        pages = _pages(len(boards), PER_PAGE)
        chunk = boards[(number - 1) * PER_PAGE: number * PER_PAGE]
        name = self._area_name(area)
        return self._page("sota-area.html", f"sota/{_paged_name(area, number)}",
                          f"State of the art: {name}" + (f" ({number}/{pages})" if pages > 1
                                                         else ""),
                          f"{counted(len(boards), 'leaderboard')} of {name}.", boards=chunk,
                          area=area, area_name=name, number=number, pages=pages,
                          page_name=_paged_name, count=len(boards))

    def _benchmark(self, board_id: str, everything: bool = False) -> tuple[str, str]:
        """A leaderboard's page: its first ``TOP`` rows, with a link to a page of all of them
        when it has more (that page has no chart: it is the table)."""
        board = self.site.boards[board_id]
        b = board.benchmark
        has_extra = any(r.result.extra_training_data for r in board.rows)
        direction = b.directions.get(b.primary) if b.primary else None
        charts = []
        if b.primary and direction and not everything:
            metric = self.name("metric", b.primary)
            for view, steps in (("all", board.sota), ("clean", board.sota_without_extra_data)):
                if view == "clean" and not has_extra:
                    continue
                reporting = [r for r in board.rows if b.primary in r.result.metrics
                             and (view == "all" or not r.result.extra_training_data)]
                # What the chart cannot place: rows with the primary metric but no date.
                undated = sum(1 for r in reporting if not r.date)
                # A chart needs two bests to show a change over time.
                chart = sota_chart(steps, metric, direction, f"chart-title-{view}") \
                    if len(steps) >= 2 else ""
                charts.append((view, steps, chart, undated, len(reporting)))
        best = board.best
        description = (f"{b.name}: {counted(len(board.rows), 'result')} ranked by "
                       f"{self.name('metric', b.primary) if b.primary else 'no metric'}"
                       + (f"; best {_value(best, b.primary)} by {best.result.model}."
                          if best and b.primary else "."))
        shown = board.rows if everything else board.rows[:TOP]
        suffix = ".all" if everything else ""
        rows = self._rows(board, shown, has_extra)
        clean_total = sum(1 for r in board.rows if not r.result.extra_training_data)
        clean_shown = sum(1 for r in shown if not r.result.extra_training_data)
        return self._page("benchmark.html", f"benchmarks/{board_id}{suffix}.html",
                          b.name + (" — all results" if everything else ""), description,
                          board=board, b=b, rows=rows, folded=_folded(rows),
                          has_extra=has_extra, charts=charts, direction=direction,
                          compact=len(shown) > COMPACT, everything=everything,
                          total=len(board.rows), updated=self.site.updated.get(board_id),
                          clean_total=clean_total, clean_shown=clean_shown,
                          metric_names=[self.name("metric", m) for m in b.metrics],
                          metric_directions=[b.directions.get(m, "") for m in b.metrics])

    def _benchmark_all(self, board_id: str) -> tuple[str, str]:
        return self._benchmark(board_id, everything=True)

    def _rows(self, board: Leaderboard, rows: Sequence[Row], has_extra: bool
              ) -> list[dict[str, Any]]:
        """The table's cells as text, so the template only lays them out (a leaderboard can
        have 1,500 rows: formatting them in the template would take most of the build)."""
        b = board.benchmark
        out = []
        for row in rows:
            result, source = row.result, row.result.source
            cells = []
            for m in b.metrics:
                rank = row.ranks.get(m) if m != b.primary else None
                clean = row.ranks_without_extra_data.get(m) if m != b.primary and has_extra \
                    else None
                cells.append((_value(row, m), f"#{rank}" if rank else "",
                              f"#{clean}" if clean else ""))
            code = row.code
            # Who holds the result, where that is not the paper the row names: a source, or
            # another paper that quotes it (it names the paper, which only the holder says).
            held_by = row.holder if row.holder is not row.paper else None
            # The result's kind, where its holder's says it already ("(report) · report").
            kind = source.get("kind")
            if isinstance(held_by, Source) and kind == held_by.kind:
                kind = None
            out.append({
                "id": f"r-{result_id(result)}",
                "rank": "—" if row.rank is None else str(row.rank),
                "rank_clean": "" if result.extra_training_data else (
                    "—" if row.rank_without_extra_data is None else str(row.rank_without_extra_data)),
                "model": result.model, "extra": result.extra_training_data,
                "reference": is_reference(result),
                "via": self.name("task", row.via) if row.via else "",
                "cells": cells, "paper": row.paper.id if row.paper else "",
                "title": paper_label(row.paper) if row.paper else "",
                "date": row.date or "", "code": code.url if code else "",
                "official": bool(code and code.official),
                # Where the numbers come from (see _folded).
                "source": holder_page(held_by) if held_by else "",
                "source_title": paper_label(held_by) if held_by else "",
                "source_kind": (SOURCE_KINDS[held_by.kind] if isinstance(held_by, Source)
                                else "the paper that reports it") if held_by else "",
                "where": " · ".join(filter(None, [source.get("location"), kind])),
                "url": source.get("url", ""), "reported_by": source.get("reported_by", ""),
                "notes": "; ".join(filter(None, [result.notes, *(
                    f"{'± of ' if v.spread is not None else ''}{self.name('metric', m)}: "
                    f"{v.note}" for m in b.metrics
                    if (v := result.metrics.get(m)) is not None and v.note)])),
            })
        return out

    def _datasets(self, number_text: str) -> tuple[str, str]:
        number = int(number_text or "1")
        datasets = sorted(self.registry.entities.get("dataset", {}).items(),
                          key=lambda d: d[1]["name"].casefold())
        pages = _pages(len(datasets), PER_PAGE * 3)
        chunk = datasets[(number - 1) * PER_PAGE * 3: number * PER_PAGE * 3]
        return self._page("datasets.html", f"datasets/{_paged_name('index', number)}",
                          "Datasets" + (f" ({number}/{pages})" if pages > 1 else ""),
                          f"{len(datasets)} datasets and their benchmarks.", datasets=chunk,
                          by_dataset=self.site.by_dataset, number=number, pages=pages,
                          page_name=_paged_name, count=len(datasets))

    def _dataset(self, dataset_id: str) -> tuple[str, str]:
        dataset = self.registry.entities["dataset"][dataset_id]
        boards = [self.site.boards[b] for b in sorted(self.site.by_dataset.get(dataset_id, []))]
        papers = [self.registry.papers[p] for p in self.site.dataset_papers.get(dataset_id, [])]
        papers.sort(key=lambda p: (p.date or "", p.id), reverse=True)
        return self._page("dataset.html", f"datasets/{dataset_id}.html", dataset["name"],
                          dataset.get("description") or f"Benchmarks on {dataset['name']}.",
                          dataset=dataset, dataset_id=dataset_id, boards=boards,
                          papers=papers[:200], paper_count=len(papers),
                          badges=self.badges(papers[:200]))

    def _papers(self, number_text: str) -> tuple[str, str]:
        """A page of the Papers index: every paper, newest first (undated ones last)."""
        number = int(number_text or "1")
        total = len(self.registry.papers)
        pages = _pages(total, PAPERS_PER_PAGE)
        chunk = [self.registry.papers[p] for p in
                 self.site.newest[(number - 1) * PAPERS_PER_PAGE: number * PAPERS_PER_PAGE]]
        window = sorted({1, pages, *range(max(1, number - PAGE_WINDOW),
                                          min(pages, number + PAGE_WINDOW) + 1)})
        return self._page("papers.html", f"papers/{_paged_name('index', number)}",
                          "Papers" + (f" ({number}/{pages})" if pages > 1 else ""),
                          f"{counted(total, 'paper')}, newest first"
                          + (f": page {number} of {pages}." if pages > 1 else "."),
                          latest=chunk, badges=self.badges(chunk), number=number, pages=pages,
                          window=window, page_name=_paged_name,
                          first=(number - 1) * PAPERS_PER_PAGE + 1)

    def _paper(self, paper_id: str) -> tuple[str, str]:
        paper = self.registry.papers[paper_id]
        held = sorted(self.site.ranks.get(paper_id, []),
                      key=lambda h: (h[1].rank is None, h[1].rank or 0, h[0]))
        near = related_papers(self.registry, paper, RELATED, self.site.topics)
        code = paper.main_code
        label = paper_label(paper)
        return self._page("paper.html", f"papers/{paper_id}.html", label,
                          paper.abstract or f"Results of {label}.", paper=paper, label=label,
                          tasks=self.site.paper_topics[paper_id].tasks,
                          held=held, boards=self.site.boards, related=near, code=code,
                          badges=rank_badges(self.site, paper_id), bibtex=bibtex(paper),
                          citation=meta_tags(paper), rows=self.row_links(paper, held),
                          record=self.site.repository.links(paper.file)
                          if self.site.repository else None)

    def row_links(self, holder: Holder, held: Iterable[tuple[str, Row]]) -> dict[int, str]:
        """Result index → its row on its own leaderboard (from the site's root): on the board's
        page, or on its page of all rows when it is past the first ``TOP``."""
        links = {}
        for board_id, row in held:
            if row.holder is not holder or row.via is not None:
                continue
            rows = self.site.boards[board_id].rows
            page = board_id if len(rows) <= TOP or any(r is row for r in rows[:TOP]) \
                else f"{board_id}.all"
            links[row.result.index] = f"benchmarks/{page}.html#r-{result_id(row.result)}"
        return links

    def _source(self, source_id: str) -> tuple[str, str]:
        source = self.registry.sources[source_id]
        held = sorted(self.site.ranks.get(source_id, []),
                      key=lambda h: (h[1].rank is None, h[1].rank or 0, h[0]))
        papers = {r.paper: self.registry.papers[r.paper] for r in source.results
                  if r.paper in self.registry.papers}
        return self._page("source.html", f"sources/{source_id}.html", source.title,
                          source.description or f"Results from {source.title}.",
                          source=source, kind=SOURCE_KINDS[source.kind], held=held,
                          boards=self.site.boards, papers=papers, code=source.main_code,
                          rows=self.row_links(source, held),
                          record=self.site.repository.links(source.file)
                          if self.site.repository else None)

    def _sources(self, _: str) -> tuple[str, str]:
        listed = sorted(self.registry.sources.values(), key=lambda s: (s.title.casefold(), s.id))
        return self._page("sources.html", "sources/index.html", "Sources",
                          f"{len(listed)} sources of results that no paper reports.",
                          sources=listed, kinds=SOURCE_KINDS)

    def _methods(self, _: str) -> tuple[str, str]:
        methods = sorted(self.registry.entities.get("method", {}).items(),
                         key=lambda m: m[1]["name"].casefold())
        return self._page("methods.html", "methods/index.html", "Methods",
                          f"{len(methods)} methods.", methods=methods,
                          method_papers=self.site.method_papers)

    def _method(self, method_id: str) -> tuple[str, str]:
        method = self.registry.entities["method"][method_id]
        papers = [self.registry.papers[p] for p in self.site.method_papers.get(method_id, [])]
        return self._page("method.html", f"methods/{method_id}.html", method["name"],
                          method.get("description") or method["name"], method=method,
                          papers=papers[:200], paper_count=len(papers),
                          badges=self.badges(papers[:200]))

    def _prose(self, key: str) -> tuple[str, str]:
        title, description, markdown_text = _PROSE[key](self.site)
        body = render_markdown(markdown_text, prose=True)
        return self._page("prose.html", key, title, description, body=body)

    def _downloads(self, _: str) -> tuple[str, str]:
        groups = []
        for fmt in DOWNLOAD_FORMATS:
            files = [(name, _size(size)) for name, size in self.site.downloads.items()
                     if name.removesuffix(".gz").endswith(f".{fmt}")]
            if files:
                groups.append((_FORMAT_LABELS[fmt], files))
        return self._page("downloads.html", "downloads.html", "Downloads",
                          "The whole registry as Parquet, SQLite and CSV.",
                          groups=groups)

    def _search(self, _: str) -> tuple[str, str]:
        return self._page("search.html", "search.html", "Search",
                          "Search papers, tasks, datasets, methods and benchmarks.")


def _contributing(site: Site) -> tuple[str, str, str]:
    # Links to other files of the repository have no page here: keep their text only.
    guide = re.sub(r"\[([^\]]+)\]\((?!https?://|#)[^)]*\)", r"\1", site.guide) or (
        "# Submit results\n\nResults are added by pull request to the registry's repository; "
        "its CONTRIBUTING.md says how.\n")
    return ("Submit results", "How to add papers and results by pull request.", guide)


def _about(site: Site) -> tuple[str, str, str]:
    return ("About", "Papers With Code 2: the community's successor to Papers with Code.", f"""\
# About Papers With Code 2

Papers With Code 2 is the community's successor to Papers with Code: a git repository of
machine-learning results, one file per paper, checked by a tool on every pull request and
compiled into these leaderboards. Anyone can add or correct a result by pull request (see
[Submit](submit.html)); every number names the paper or source it comes from, and where in
it (a table, a section) wherever its contributor or importer says so.

It holds {site.counts['papers']} papers, {site.counts['results']} results and
{site.counts['benchmarks']} leaderboards.

## Data and licence

The data is licensed under the [Creative Commons Attribution-ShareAlike 4.0 International
licence](https://creativecommons.org/licenses/by-sa/4.0/) (CC-BY-SA 4.0). Much of it comes from
the Papers with Code archive, published under the same licence by Papers with Code; results
imported from it say so (`reported_by: papers-with-code-archive`). Leaderboards are also
published as JSON and CSV, with each benchmark's page.

## How leaderboards are ranked

By the benchmark's primary metric in its direction (lower is better for error rates, word
error rate, perplexity); ties share a rank; results that used extra training data are marked,
and each leaderboard has a view without them. A metric whose direction nobody has decided is
shown but not ranked.
""")


_PROSE = {"submit.html": _contributing, "about.html": _about}


def _size(size: int) -> str:
    """``1.4 MB``, ``812 KB``, ``96 bytes``: what a reader needs to decide to download."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable("image").enable("table")
# Links go to other sites only: a relative link in a description or the guide points at a file
# of some repository, which the site does not have: its text is shown (see render_markdown).
def _external(url: str) -> bool:
    return url.lower().startswith(("https://", "http://", "mailto:"))


#: An address with a scheme: one not in _external (javascript:, data:) is no link at all.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MARKDOWN.validateLink = (  # type: ignore[method-assign]  # markdown-it's documented hook
    lambda url: _external(url) or not _SCHEME.match(url))
#: The site's pages at its root that its own prose (About) may link to, as written there.
_ROOT_PAGES = frozenset({"index.html", "about.html", "submit.html", "downloads.html",
                         "search.html"})
_PROSE_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable("image").enable("table")
_PROSE_MARKDOWN.validateLink = _MARKDOWN.validateLink  # type: ignore[method-assign]
#: Which parsed links each renderer keeps as links (the others are unlinked).
_LINK_KEPT: dict[int, Callable[[str], bool]] = {
    id(_MARKDOWN): _external,
              id(_PROSE_MARKDOWN): lambda url: url in _ROOT_PAGES or _external(url)}


def render_markdown(text: str, *, prose: bool = False) -> str:
    """Markdown from the registry (descriptions) or the guide, as HTML: raw HTML in it is shown
    as text, links keep markdown-it's safe schemes, and images are not loaded (a page loads
    nothing from elsewhere). ``prose``: a page at the site's root, which may link to the
    others there."""
    md = _PROSE_MARKDOWN if prose else _MARKDOWN
    tokens = md.parse(text)
    if _dropped(tokens, text):
        # markdown-it drops what is nested deeper than it goes (20 levels: ten of nested
        # lists, twenty `>`) without a word: such text is shown as it is written instead.
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        return "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
    _unlink_refused(md, tokens)
    html: str = md.renderer.render(tokens, md.options, {})
    # A code block or table wider than the page scrolls; keyboard users reach it with Tab to
    # scroll it. Raw HTML is escaped, so every "<pre>" and "<table>" here is markdown-it's own.
    return html.replace("<pre>", '<pre tabindex="0">').replace(
        "<table>", '<div class="table-wrap" tabindex="0"><table>').replace(
        "</table>", "</table></div>")


def _unlink_refused(md: MarkdownIt, tokens: list[Any]) -> None:
    """A link to a relative address (a file of the repository the text was copied from, which
    the site does not have) is parsed as a link, so that its text alone is shown, not the
    Markdown written (``[Go back to the README](../README.md)``), and then unlinked."""
    keep = _LINK_KEPT[id(md)]
    for token in tokens:
        if not token.children:
            continue
        children, dropped = [], []
        for child in token.children:
            if child.type == "link_open":
                dropped.append(not keep(child.attrGet("href") or ""))
                if dropped[-1]:
                    continue
            elif child.type == "link_close" and dropped.pop():
                continue
            children.append(child)
        token.children = children


#: Tokens whose lines hold text (a container's cover lines its content may not reach).
_LEAVES = frozenset({"inline", "fence", "code_block", "hr", "html_block", "heading_open",
                     "table_open"})
#: A line with nothing to show: a link's reference definition, or container marks alone.
_NOTHING_SHOWN = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S|^[\s>]*(?:[-*+]|[0-9]{1,9}[.)])?[\s>]*$")


def _dropped(tokens: list[Any], text: str) -> bool:
    """Whether markdown-it left a line of ``text`` with something to show out of every token
    that shows text (it stops, without a word, where blocks nest deeper than it goes), or a
    table row's cells past its header's (it drops them)."""
    covered: set[int] = set()
    lines = text.splitlines()
    for token in tokens:
        if token.map and token.type in _LEAVES:
            covered.update(range(token.map[0], token.map[1]))
        if token.type == "table_open" and token.map:
            start, end = token.map
            width = _cells(lines[start])
            if any(_cells(line) > width for line in lines[start + 2:end]):
                return True
    return any(i not in covered and not _NOTHING_SHOWN.match(line)
               for i, line in enumerate(lines))


def _cells(line: str) -> int:
    """How many cells a table row's line holds, as GFM splits it (at a ``|`` not escaped)."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return len(_CELL_BAR.split(row))


_CELL_BAR = re.compile(r"(?<!\\)\|")


def holder_page(holder: Holder) -> str:
    """The page of a paper or source, from the site's root."""
    return f"{'sources' if isinstance(holder, Source) else 'papers'}/{holder.id}.html"


def _pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def _paged_name(base: str, number: int) -> str:
    return f"{base}.html" if number == 1 else f"{base}-{number}.html"


def sections(site: Site) -> list[tuple[str, str]]:
    """The site's sections, as the header links them: a section with nothing in it (no
    sources, no methods) has no page and no link."""
    return [(href, label) for href, label in SECTIONS
            if not (href.startswith("sources/") and not site.registry.sources)
            and not (href == "downloads.html" and not site.downloads)
            and not (href.startswith("methods/") and not site.registry.entities.get("method"))]


def page_keys(site: Site) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = [("home", ""), ("tasks", ""), ("sota", ""), ("search", ""),
                                   ("prose", "submit.html"), ("prose", "about.html")]
    shown = {href for href, _ in sections(site)}
    keys += [(kind, "") for kind, href in (("sources", "sources/index.html"),
                                            ("methods", "methods/index.html"),
                                            ("downloads", "downloads.html")) if href in shown]
    pages = Pages(site)
    keys += [("tasks_area", area) for area, _, _ in pages.areas()]
    for area, boards in pages.boards_by_area().items():
        keys += [("sota_area", f"{area}:{n}") for n in range(1, _pages(len(boards), PER_PAGE) + 1)]
    keys += [("papers", str(n))
             for n in range(1, _pages(len(site.registry.papers), PAPERS_PER_PAGE) + 1)]
    datasets = len(site.registry.entities.get("dataset", {}))
    keys += [("datasets", str(n)) for n in range(1, _pages(datasets, PER_PAGE * 3) + 1)]
    keys += [("task", t) for t in sorted(site.registry.entities.get("task", {}))]
    keys += [("dataset", d) for d in sorted(site.registry.entities.get("dataset", {}))]
    keys += [("method", m) for m in sorted(site.registry.entities.get("method", {}))]
    for board_id, board in sorted(site.boards.items()):
        keys.append(("benchmark", board_id))
        if len(board.rows) > TOP:
            keys.append(("benchmark_all", board_id))
    keys += [("paper", p) for p in sorted(site.registry.papers)]
    keys += [("source", s) for s in sorted(site.registry.sources)]
    return keys


def _render_chunk(keys: Sequence[tuple[str, str]]) -> list[Entry]:
    """Render and write the pages of ``keys``; the manifest entries of the files written."""
    site, files, with_api = shared()
    pages = Pages(site)
    written = []
    for kind, key in keys:
        path, html = pages.render(kind, key)
        written.append(files.put(path, html.encode("utf-8")))
        if kind == "benchmark":
            for name, data in snapshot.board_files(site.boards[key], site.registry,
                                                   markdown=False).items():
                written.append(files.put(f"benchmarks/{name}", data))
        if with_api and kind in api.PER_PAGE_KIND:
            written += _write(files, api.PER_PAGE_KIND[kind](site, key).items())
    return written


def _write(files: FileSet, outputs: Iterable[tuple[str, bytes]]
           ) -> list[Entry]:
    """Write ``outputs`` (path relative to the site, content)."""
    return [files.put(path, data) for path, data in outputs]


def registry_date(registry_path: Path) -> str | None:
    """The date of the last commit that changed the registry folder; None outside git. A
    build's date is this, not the clock's, so the same registry builds the same bytes."""
    try:
        date = run_git(registry_path, "log", "-1", "--format=%cs", "--", ".").strip()
    except GitError:
        return None
    return date or None


def board_dates(boards: Iterable[Leaderboard], registry_path: Path) -> dict[str, str]:
    """Each leaderboard's last-updated date: that of the last commit on the registry's main line
    (first parents; a merge counts as its own change) that changed its settings file or a file
    holding one of its rows. One pass of ``git log`` over the registry's history, not one per
    board; empty outside git. A date from git, so the same registry builds the same bytes, and
    a board's page changes only when its own files do."""
    try:
        # A shallow clone's oldest commit seems to add every file: no date rather than a wrong
        # one (the publish workflow fetches the whole history).
        if run_git(registry_path, "rev-parse", "--is-shallow-repository").strip() == "true":
            return {}
        prefix = run_git(registry_path, "rev-parse", "--show-prefix").strip()
        log = run_git(registry_path, "log", "-z", "--format=%x01%cs", "--name-only",
                      "--first-parent", "-m", "--", ".")
    except GitError:
        return {}
    changed: dict[str, str] = {}  # path from the repository's top → its newest commit's date
    date = ""
    for token in log.split("\0"):
        if token.startswith("\x01"):
            date = token[1:]
        elif token.strip("\n"):
            changed.setdefault(token.lstrip("\n"), date)
    out = {}
    for board in boards:
        files = {layout.relative_path(layout.BENCHMARK, board.benchmark.id)}
        files.update(layout.relative_path(layout.SOURCE if isinstance(row.holder, Source)
                                          else layout.PAPER, row.holder.id)
                     for row in board.rows)
        dates = [changed[prefix + f] for f in files if prefix + f in changed]
        if dates:
            out[board.benchmark.id] = max(dates)
    return out


def _write_downloads(site: Site, registry_path: Path, files: FileSet, *,
                     jobs: int | None = None) -> None:
    """The whole-registry export (as ``pwc export results`` writes it) from the leaderboards
    the pages show, and what the Downloads page says of it. Written aside first, then each file
    moved into downloads/ only if its bytes changed. The formats are written side by side; a
    file to gzip is gzipped in a thread as soon as it is written."""
    scratch = Path(tempfile.mkdtemp(prefix=".pwc-downloads-", dir=files.folder))
    try:
        tables = compute(site.registry, list(site.boards.values()))
        with ThreadPoolExecutor(1) as packer:
            packed: dict[str, Future[str]] = {}

            def written(names: Sequence[str]) -> None:
                packed.update((name, packer.submit(gzip_file, scratch / name))
                              for name in names if name.endswith(GZIPPED))

            names = write_export(tables, scratch, DOWNLOAD_FORMATS, written=written,
                                 jobs=jobs)
            names = [packed[name].result() if name in packed else name for name in names]
        site.downloads = {name: (scratch / name).stat().st_size for name in names}
        files.record(files.place(f"downloads/{name}", scratch / name) for name in names)
    finally:
        shutil.rmtree(scratch)
    site.built = registry_date(registry_path)


def built_script(built: str | None) -> list[tuple[str, bytes]]:
    """``built.js``, which gives the footer of every page the registry's date (``site.js``
    shows it): in one small file, not in every page, so that a new commit rewrites no page
    whose content did not change. A script, not JSON to fetch, so that it also works from
    ``file://``. None outside git: no date, and the pages do not ask for it."""
    if built is None:
        return []
    return [("built.js", ("// The date of the registry's last commit, for the footer (site.js)."
                          f"\nvar pwcBuilt = {json.dumps(built)};\n").encode())]


def _write_search(site: Site, files: FileSet, *, jobs: int | None = None) -> None:
    """The names and words ``search.js`` looks up (``search/``), and Pagefind's index, made in
    a scratch folder inside the site and each file moved into ``pagefind/`` only if its bytes
    changed."""
    from .search import FOLDER, lookup_files, write_search_index  # it uses this module

    scratch = Path(tempfile.mkdtemp(prefix=".pwc-search-", dir=files.folder))
    counts: Counter[str] = Counter()  # the records' words, counted as Pagefind gets them
    try:
        if write_search_index(site, scratch, jobs=jobs, counts=counts):
            files.record(files.place_folder(FOLDER, scratch / FOLDER))
    finally:
        shutil.rmtree(scratch)
    files.record(_write(files, lookup_files(site, counts)))


def load_site(registry_path: Path, *, jobs: int | None = None) -> Site:
    """The registry at ``registry_path`` loaded and gathered for the site."""
    return prepare(load_registry(registry_path, jobs=jobs), registry_path)


def prepare(registry: Registry, registry_path: Path) -> Site:
    """What the pages need from ``registry`` (loaded from ``registry_path``), its leaderboards
    compiled once."""
    guide_file = registry_path.resolve().parent / "CONTRIBUTING.md"
    gc.disable()  # hundreds of thousands of objects, no cycles: see parallel._without_gc
    try:
        return gather(registry, guide_file.read_text("utf-8") if guide_file.is_file() else "")
    finally:
        gc.enable()


def build_site(registry_path: Path, out: Path, *, jobs: int | None = None,
               with_api: bool = True, repository_url: str | None = None,
               repository_branch: str | None = None,
               site_url: str | None = None) -> dict[str, int]:
    """Render the whole site into ``out`` (updated in place: see :func:`write_site`), with the
    API's files unless ``with_api`` is false; counts of what was written. With
    ``repository_url`` (the registry's repository, e.g. ``https://github.com/OWNER/REPO``),
    paper and source pages link to their file and to editing it on ``repository_branch``
    (default: the branch checked out); with ``site_url``, the feeds' links are absolute."""
    check_folder(out, COMMAND)  # before minutes of reading: a folder pwc may not replace
    return write_site(load_site(registry_path, jobs=jobs), registry_path, out, jobs=jobs,
                      with_api=with_api, repository_url=repository_url,
                      repository_branch=repository_branch, site_url=site_url)


def write_site(site: Site, registry_path: Path, out: Path, *, jobs: int | None = None,
               with_api: bool = True, repository_url: str | None = None,
               repository_branch: str | None = None,
               site_url: str | None = None) -> dict[str, int]:
    """Write the site of ``site`` into ``out`` (a folder :mod:`..outputs` lets this command
    update): every page, download and API file is rendered, and written only where its bytes
    change; files an earlier build wrote and this one does not are deleted. Counts of pages,
    papers, leaderboards and files; over an earlier build (``rebuilt``), how many files are
    new or changed and how many were removed."""
    site.repository = repository_of(registry_path, repository_url, repository_branch)
    site.site_url = site_url
    with updated_folder(out, COMMAND) as files, gc_paused():  # see exports.results
        _write_downloads(site, registry_path, files, jobs=jobs)
        site.updated = board_dates(site.boards.values(), registry_path)
        keys = page_keys(site)
        parts = fork_map(_render_chunk, keys, jobs=jobs, threshold=PARALLEL_THRESHOLD,
                         share=(site, files, with_api), run=PAGES_PER_WORKER)
        for part in parts:
            files.record(part)
        static = resources.files("pwc_registry.site").joinpath("static")
        files.record(files.put(name, static.joinpath(name).read_bytes())
                     for name in ("style.css", "site.js", "search.js"))
        # The schemas at their `$id`s (the site's address), where editors resolve the
        # references between them (`common.schema.json#/$defs/id`).
        schemas = resources.files("pwc_registry").joinpath("schemas")
        files.record(files.put(f"schemas/{entry.name}", entry.read_bytes())
                     for entry in sorted(schemas.iterdir(), key=lambda e: e.name)
                     if entry.name.endswith(".schema.json"))
        _write_search(site, files, jobs=jobs)
        files.record(_write(files, built_script(site.built)))
        files.record([files.put(".nojekyll", b"")])
        files.record(_write(files, feed.feeds(site.registry, site.boards, site.by_task,
                                              site.site_url).items()))
        if with_api:
            files.record(_write(files, api.collection_files(site)))
        written = list(files.entries)
        changed, removed = files.changes()
        rebuilt = bool(files.previous)
    return {"pages": sum(p.endswith(".html") for p in written),
            "papers": len(site.registry.papers), "benchmarks": len(site.boards),
            "files": len(written), "changed": changed, "removed": removed,
            "rebuilt": int(rebuilt), "left out": len(site.registry.skipped)}

