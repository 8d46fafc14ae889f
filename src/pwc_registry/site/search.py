"""The site's search index: Pagefind's sharded static index, written into ``pagefind/``.

Every task, dataset, method, leaderboard, paper and source is one small HTML record made here
(never the rendered page: a leaderboard's page holds 300 rows, and parsing 67,000 pages would
take minutes) and indexed by the Pagefind binary that the ``pagefind[bin]`` wheel ships. The
browser (``static/search.js``) then fetches only Pagefind's entry file, its WebAssembly, the
index chunks holding the words typed and the fragments of the results it shows: at 50,000
papers a query downloads a few hundred kilobytes, where one JSON index of every title would be
11 MB.

Each record carries, as Pagefind metadata, what a result shows and what ``search.js`` re-ranks
by: its ``title``, its other ``names`` (aliases; for a leaderboard its task, dataset and
metrics), its ``kind``, a ``detail`` line and a paper's ``badges`` (its top-3 ranks, from the
compiled leaderboards, as the paper's page shows them).

Pagefind scores by words, not by whole names, and never by spelling: "question answering" put
the task of that name behind 40 leaderboards named "Question Answering on …", and "qestion"
found nothing. So the site also has files the browser looks names and words up in itself
(:func:`lookup_files`, under ``search/``): every task, dataset, method and leaderboard by its
folded name and aliases, and a metric's names to the leaderboards it ranks, to put an exact
name first, then a name the query begins; and every word the records hold (counted from the
records as Pagefind gets them), to correct a typed word that none holds. Both are split into files by
the first letter (the first two, and so on, where one letter's file would be large), so a query
fetches one or two small files.

The records go through Pagefind's command line, not its Python API: that API waits 0.1 s after
each reply of the binary (``PagefindService._wait_for_responses`` in ``pagefind`` 1.5.2), 100
minutes for 60,000 records; and sending the binary's service many requests at once indexes them
in the order they finish, so the bytes change from build to build. The command reads a folder of
files, so the records are written to a temporary one. Its output depends only on the records
(checked, five runs alike), but for filters with several values, which it writes in varying
order: only leaderboards carry one.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import markupsafe

from ..leaderboard import Leaderboard
from ..registry import SOURCE_KINDS, Holder, Registry, paper_label
from .build import TOP, Site, holder_page, rank_badges, render_markdown

#: Where the index and Pagefind's script go, from the site's root.
FOLDER = "pagefind"
#: How many authors a result's detail line names.
AUTHORS = 3
#: How many words of a paper's abstract (a source's description) are indexed. The whole
#: abstract made indexing most of the site build's time and a word most abstracts hold a
#: megabyte to download and minutes to score in the browser: Pagefind stores every place of
#: every word of a record. The opening words say what a paper is about; the title, authors,
#: arXiv id and models stay whole.
ABSTRACT_WORDS = 30
#: Records per index. Pagefind holds a whole index in memory while it writes it, ~43 KB a
#: record: 576,000 synthetic paper records in one index peaked at 20.2 GB (an archive-scale
#: build failed there), 50,000 at 2.15 GB (19 s). The parts are indexed on their own, ``jobs``
#: at a time, and merged in the browser (``search.js``: Pagefind's ``mergeIndex``): the first
#: at ``pagefind/``, the others at ``pagefind/part-N/``, listed in ``pagefind/parts.json``. At
#: 30,000, two at a time take ~2.6 GB beside the build's own ~4 GB at the archive's scale.
PART_RECORDS = 30_000
PART = "part-"
PARTS_FILE = "parts.json"
#: Where the names and words the browser looks up go, from the site's root.
LOOKUP = "search"
#: Names (~140 bytes each) beginning with one letter that make one file at most; more are
#: split by their first two letters, and so on (``search/shards.json`` lists the splits): at
#: 50,000 papers, 16,356 names begin "ta" ("Task 12 …", 2.9 MB in one file).
NAME_SHARD = 500
#: Words (~10 bytes each) in one file at most, split likewise. Fewer splits, more corrections:
#: a misspelt letter within a split prefix is not corrected.
WORD_SHARD = 5_000
#: The longest prefix a file is split by: entries that share a longer one stay in one file.
#: Leaderboards share their task's name and " on " ("Image Classification on …": thousands at
#: the archive's scale), so it is longer than most such beginnings.
PREFIX_LETTERS = 64
#: The leaderboards a metric's name or alias finds at most: those with the most results.
METRIC_BOARDS = 20
#: Words shorter than this are neither listed nor corrected (``search.js`` corrects a typed
#: word of four letters or more, within one edit; of eight or more, within two).
WORD_LETTERS = 4
#: The longest file name a shard may have (most file systems allow 255 bytes): a prefix of 50
#: Chinese characters is a 250-byte name in hexadecimal.
NAME_BYTES = 200


class SearchIndexError(Exception):
    """Pagefind could not index the records (its own message)."""


def _escape(text: str) -> str:
    return str(markupsafe.escape(text))


#: A record as Pagefind reads it, and the texts of it that Pagefind indexes (for
#: :func:`count_words`): the title, names, words and the body's text.
Record = tuple[str, list[str]]


def _record(*, kind: str, title: str, names: list[str], detail: str, body: str = "",
            text: str = "", words: list[str] | None = None,
            badges: list[tuple[int, str, str]] | None = None) -> Record:
    """One record as the HTML Pagefind reads (``body`` HTML, whose text is ``text``). The title
    and names are weighted far above the rest, so a leaderboard whose metric is "WER" outranks a
    paper that mentions WER."""
    meta = [("title", title), ("kind", kind), ("names", " · ".join(names)),
            ("detail", detail)]
    if badges:
        meta.append(("badges", json.dumps(badges, ensure_ascii=False)))
    # Metadata from attributes: the attribute form is not split at commas, unlike
    # data-pagefind-meta="key:value", and is not indexed as the page's words.
    spans = "".join(f'<span data-pagefind-meta="{key}[data-value]" data-value="{_escape(value)}">'
                    "</span>" for key, value in meta)
    # Only leaderboards carry a filter (the SotA page's box searches them alone): Pagefind writes
    # a filter's values in an order that changes from run to run, and one value has one order.
    filters = f'<span data-pagefind-filter="kind:{kind}"></span>' if kind == "benchmark" else ""
    parts = [f'<h1 data-pagefind-weight="10">{_escape(title)}</h1>']
    if names:
        parts.append(f'<p data-pagefind-weight="8">{_escape(" · ".join(names))}</p>')
    if words:
        parts.append(f'<p data-pagefind-weight="2">{_escape(" · ".join(words))}</p>')
    if body:
        parts.append(f"<div>{body}</div>")
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title></head>'
            f"<body>{filters}{spans}"
            f"<main data-pagefind-body>{''.join(parts)}</main></body></html>\n")
    return html, [title, *names, *(words or ()), text]


def _aliases(record: Mapping[str, object]) -> list[str]:
    aliases = record.get("aliases")
    return [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []


def _names(registry: Registry, kind: str, entity_id: str) -> list[str]:
    """An entity's name and aliases."""
    record = registry.entities.get(kind, {}).get(entity_id, {})
    return [registry.name(kind, entity_id), *_aliases(record)]


def _board_detail(site: Site, board: Leaderboard) -> str:
    b = board.benchmark
    ranked = f"ranked by {site.registry.name('metric', b.primary)}" if b.primary else "not ranked"
    count = len(board.rows)
    return f"{count} result{'s' if count != 1 else ''}, {ranked}"


def _board_record(site: Site, board: Leaderboard) -> Record:
    registry, b = site.registry, board.benchmark
    names = [*_names(registry, "task", b.task), *_names(registry, "dataset", b.dataset)]
    for metric in b.metrics:
        names += _names(registry, "metric", metric)
    models = list(dict.fromkeys(row.result.model for row in board.rows[:TOP]))
    return _record(kind="benchmark", title=b.name, names=list(dict.fromkeys(names)),
                   detail=_board_detail(site, board), words=models)


#: The entities with a page of their own.
ENTITY_KINDS = ("task", "dataset", "method")
_FOLDERS = {"task": "tasks", "dataset": "datasets", "method": "methods",
            "benchmark": "benchmarks"}


def _page(kind: str, page_id: str) -> str:
    """The page of a task, dataset, method or leaderboard, from the site's root."""
    return f"{_FOLDERS[kind]}/{page_id}.html"


def _entity_boards(site: Site, kind: str, entity_id: str) -> int:
    if kind == "method":
        return 0
    return len((site.by_task if kind == "task" else site.by_dataset).get(entity_id, []))


def _entity_detail(boards: int) -> str:
    return f"{boards} leaderboard{'s' if boards != 1 else ''}" if boards else ""


def opening(text: str, words: int = ABSTRACT_WORDS) -> str:
    """The first ``words`` words of ``text``."""
    return " ".join(text.split()[:words])


def _holder_record(site: Site, holder: Holder, kind: str, label: str) -> Record:
    authors = list(holder.authors[:AUTHORS]) + (["et al."] if len(holder.authors) > AUTHORS
                                                 else [])
    arxiv = holder.identifiers.get("arxiv", "")
    detail = " · ".join(filter(None, [label, ", ".join(authors), holder.date or "",
                                      f"arXiv:{arxiv}" if arxiv else ""]))
    text = getattr(holder, "abstract", None) or getattr(holder, "description", None) or ""
    badges = [(rank, board_id, name) for board_id, rank, name in rank_badges(site, holder.id)]
    return _record(kind=kind, title=paper_label(holder),
                   names=[f"arXiv:{arxiv}", arxiv] if arxiv else [], detail=detail,
                   body=_escape(opening(text)), text=opening(text), badges=badges,
                   words=[*holder.authors,
                          *dict.fromkeys(r.model for r in holder.results)])


def records(site: Site, counts: Counter[str] | None = None) -> Iterator[tuple[str, str]]:
    """(the page's path from the site's root, its record) for everything worth finding, in a
    fixed order; with ``counts``, the words of each record counted into it
    (:func:`count_words`) as it is made."""
    for path, (html, texts) in _records(site):
        if counts is not None:
            count_words(counts, texts)
        yield path, html


def _records(site: Site) -> Iterator[tuple[str, Record]]:
    registry = site.registry
    for kind in ENTITY_KINDS:
        for entity_id, data in sorted(registry.entities.get(kind, {}).items()):
            description = data.get("description")
            description = description if isinstance(description, str) else ""
            yield _page(kind, entity_id), _record(
                kind=kind, title=registry.name(kind, entity_id), names=_aliases(data),
                detail=_entity_detail(_entity_boards(site, kind, entity_id)),
                body=render_markdown(description) if description else "", text=description)
    for board_id, board in sorted(site.boards.items()):
        yield _page("benchmark", board_id), _board_record(site, board)
    for paper_id in sorted(registry.papers):
        paper = registry.papers[paper_id]
        yield holder_page(paper), _holder_record(site, paper, "paper", "")
    for source_id in sorted(registry.sources):
        source = registry.sources[source_id]
        yield holder_page(source), _holder_record(site, source, "source",
                                                  SOURCE_KINDS[source.kind].capitalize())


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")  # \w: what str.isalnum() says, and "_"


def fold(text: str) -> str:
    """``text`` as names and words are compared: lower case, accents kept, every run of
    anything but letters and digits one space (not :func:`..ids.fold`, which keeps punctuation:
    two names are one name only when they differ in case and spacing alone). ``search.js``'s
    ``fold`` is the same rule (a browser test holds them to it): where they differed, a name
    would be filed where the browser does not look."""
    return " ".join(_NOT_LETTER_OR_DIGIT.sub(" ", text.lower()).split())


def count_words(counts: Counter[str], texts: Iterable[str]) -> None:
    """Count into ``counts`` each word of ``texts`` (folded) of :data:`WORD_LETTERS` letters or
    more and letters only (no digit nor other number character, ``search.js``'s ``\\p{N}``, for
    which it corrects no word), once: in how many records a word is."""
    words = set(_NOT_LETTER_OR_DIGIT.sub(" ", " ".join(texts).lower()).split())
    counts.update(w for w in words if len(w) >= WORD_LETTERS and w.isalpha())


def word_counts(site: Site) -> Counter[str]:
    """The words of every record (what :func:`records` counts while the index is written)."""
    counts: Counter[str] = Counter()
    for _ in records(site, counts):
        pass
    return counts


#: A name the browser looks up: (folded name, kind, page, title, detail line, weight: the
#: leaderboards of a task or dataset, the results of a leaderboard; the alias or metric name
#: that was folded, "" for the title itself). The files hold it without the folded name.
NameEntry = tuple[str, str, str, str, str, int, str]


def name_entries(site: Site) -> list[NameEntry]:
    """Every task, dataset, method and leaderboard under its name and each alias; every
    leaderboard ranked by a metric under that metric's name and aliases (the
    :data:`METRIC_BOARDS` with the most results). Sorted."""
    registry = site.registry
    out: list[NameEntry] = []

    def add(name: str, kind: str, path: str, title: str, detail: str, weight: int,
            alias: str) -> None:
        if key := fold(name):
            out.append((key, kind, path, title, detail, weight, alias))

    for kind in ENTITY_KINDS:
        for entity_id, data in registry.entities.get(kind, {}).items():
            title = registry.name(kind, entity_id)
            boards = _entity_boards(site, kind, entity_id)
            path, detail = _page(kind, entity_id), _entity_detail(boards)
            for alias in ["", *_aliases(data)]:
                add(alias or title, kind, path, title, detail, boards, alias)
    ranked_by: dict[str, list[Leaderboard]] = {}
    for board_id, board in site.boards.items():
        path = _page("benchmark", board_id)
        add(board.benchmark.name, "benchmark", path, board.benchmark.name,
            _board_detail(site, board), len(board.rows), "")
        if board.benchmark.primary:
            ranked_by.setdefault(board.benchmark.primary, []).append(board)
    for metric, ranked in ranked_by.items():
        largest = sorted(ranked, key=lambda b: (-len(b.rows), b.benchmark.id))[:METRIC_BOARDS]
        for metric_name in dict.fromkeys(_names(registry, "metric", metric)):
            for board in largest:
                add(metric_name, "benchmark", _page("benchmark", board.benchmark.id),
                    board.benchmark.name, _board_detail(site, board), len(board.rows),
                    metric_name)
    return sorted(set(out))


def vocabulary(counts: Counter[str]) -> list[str]:
    """The words of ``counts`` (:func:`word_counts`), the commonest first, a tie in
    alphabetical order: every word Pagefind's index holds (of four letters or more, no digit),
    so that the browser tells a word it does not know from one it does, and what a misspelt
    one is corrected to."""
    return sorted(counts, key=lambda w: (-counts[w], w))


def _shard_file(prefix: str) -> str:
    """A shard's file name: its letters' code points in hexadecimal (``qu`` → ``71-75.json``),
    safe on every host whatever the letters."""
    return "-".join(f"{ord(c):x}" for c in prefix) + ".json"


#: What ``shards.json`` says of one split prefix: whether a file holds the entries that are
#: the prefix itself (1 or 0), and the letters that follow it in some entry, in order.
Split = tuple[int, str]


def _shards(keyed: list[tuple[str, object]], limit: int
            ) -> tuple[dict[str, Split], dict[str, list[object]]]:
    """``keyed`` (folded key, entry) in files by the key's first letter; a letter with more
    than ``limit`` entries split by the first two, and so on to :data:`PREFIX_LETTERS` or a file
    name of :data:`NAME_BYTES` (an entry whose key is the prefix split stays in the prefix's
    file). What ``shards.json`` says: each prefix split ("" for the first letters) with its
    :data:`Split`, so that the browser asks only for files that exist; and {prefix: entries}."""
    splits: dict[str, Split] = {}
    files: dict[str, list[object]] = {}
    pending = [("", keyed)]
    while pending:
        parent, group = pending.pop()
        letters = len(parent) + 1
        by_prefix: dict[str, list[tuple[str, object]]] = {}
        exact = []
        for key, entry in group:
            if len(key) < letters:
                exact.append(entry)
            else:
                by_prefix.setdefault(key[:letters], []).append((key, entry))
        if exact:
            files[parent] = exact
        splits[parent] = (1 if exact else 0, "".join(sorted(p[-1] for p in by_prefix)))
        for prefix, members in by_prefix.items():
            if (len(members) <= limit or all(len(key) == letters for key, _ in members)
                    or letters >= PREFIX_LETTERS
                    or len(_shard_file(prefix)) + len("-10ffff") > NAME_BYTES):
                files[prefix] = [entry for _, entry in members]
            else:
                pending.append((prefix, members))
    return dict(sorted(splits.items())), files


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def lookup_files(site: Site, counts: Counter[str]) -> Iterator[tuple[str, bytes]]:
    """The files under ``search/`` that ``search.js`` looks names and words up in, in a fixed
    order: ``shards.json`` (for names and for words, the prefixes split into longer ones:
    :func:`_shards`),
    ``names/<prefix>.json`` (lists of :data:`NameEntry` without the folded name, which the
    browser folds again) and ``words/<prefix>.json`` (the words of ``counts``, which
    :func:`records` made, the commonest first). A prefix with nothing has no file."""
    split_names, name_files = _shards([(e[0], list(e[1:])) for e in name_entries(site)],
                                      NAME_SHARD)
    split_words, word_files = _shards([(word, word) for word in vocabulary(counts)], WORD_SHARD)
    yield f"{LOOKUP}/shards.json", _json({"names": split_names, "words": split_words})
    for folder, files in (("names", name_files), ("words", word_files)):
        for prefix in sorted(files):
            yield f"{LOOKUP}/{folder}/{_shard_file(prefix)}", _json(files[prefix])


def executable() -> Path:
    """The Pagefind binary of the installed ``pagefind-bin`` wheel."""
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    found: Path = get_executable()
    return found


def _memory_folder() -> str | None:
    """Where the records are written: Linux's memory file system when there is one and
    ``TMPDIR`` does not choose another place. Pagefind reads the 67,000 small files once; on a
    busy disk, deleting them afterwards took longer than indexing them (130 s; 4 s in memory)."""
    if "TMPDIR" in os.environ:
        return None
    shm = Path("/dev/shm")
    usable = shm.is_dir() and not shm.is_symlink() and os.access(shm, os.W_OK | os.X_OK)
    return str(shm) if usable else None


def _parts(site: Site, counts: Counter[str] | None) -> Iterator[list[tuple[str, str]]]:
    """:func:`records` in runs of :data:`PART_RECORDS`, one per index."""
    found = records(site, counts)
    while part := list(itertools.islice(found, PART_RECORDS)):
        yield part


def _run_pagefind(source: Path, output: Path, cwd: Path) -> None:
    # Pagefind reads a pagefind.yml and PAGEFIND_* variables: none of the caller's count.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        done = subprocess.run(
            [str(executable()), "--site", str(source), "--output-path", str(output),
             "--keep-index-url", "--silent"],
            cwd=cwd, env=env, capture_output=True, text=True, check=False)
    finally:
        shutil.rmtree(source)  # the records of an index are read once: free their memory
    if done.returncode != 0:
        raise SearchIndexError((done.stderr or done.stdout).strip()
                               or f"Pagefind failed (exit status {done.returncode})")


def _index(site: Site, index: Path, parent: str | None, jobs: int,
           counts: Counter[str] | None) -> int:
    count = 0
    outputs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pwc-search-", dir=parent) as temporary, \
            ThreadPoolExecutor(jobs) as pagefind:
        runs: list[Future[None]] = []
        for number, part in enumerate(_parts(site, counts), start=1):
            if len(runs) >= jobs:  # records on disk (in memory) only for the runs under way
                runs[-jobs].result()
            source = Path(temporary) / f"records-{number}"
            made: set[Path] = set()
            for path, html in part:
                target = source / path
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                target.write_text(html, encoding="utf-8")
            count += len(part)
            # Each index is written beside the first and moved into it once all are done: a
            # run writing into a folder another run is writing could not be told apart.
            outputs.append(index if number == 1 else index.with_name(f"{index.name}-{number}"))
            runs.append(pagefind.submit(_run_pagefind, source, outputs[-1], Path(temporary)))
        for run in runs:
            run.result()
    if not outputs:
        return 0  # nothing to find: Pagefind makes no index of no page
    parts = []
    for number, output in enumerate(outputs[1:], start=2):
        os.replace(output, index / f"{PART}{number}")
        parts.append(f"{PART}{number}/")
    (index / PARTS_FILE).write_text(json.dumps(parts) + "\n", encoding="utf-8")
    return count


def write_search_index(site: Site, out: Path, *, jobs: int | None = None,
                       counts: Counter[str] | None = None) -> int:
    """Index everything worth finding into ``out/pagefind``, in parts of at most
    :data:`PART_RECORDS` records indexed ``jobs`` at a time; how many records; with
    ``counts``, the records' words counted into it (:func:`word_counts`) on the way. A registry
    with nothing in it has no index (``search.js`` then says that the index could not be
    loaded)."""
    # Pagefind runs in a folder of its own: a relative ``out`` would name a place in it.
    index = (out / FOLDER).resolve()
    memory = _memory_folder()
    jobs = jobs or os.cpu_count() or 1
    try:
        count = _index(site, index, memory, jobs, counts)
    except OSError as error:
        if memory is None or error.errno != errno.ENOSPC:
            raise
        # A small /dev/shm (a container's is 64 MB): the records go to the usual place, and
        # what the first try indexed (in ``out``, this function's) is dropped.
        for made in [index, *index.parent.glob(f"{index.name}-*")]:
            shutil.rmtree(made, ignore_errors=True)
        if counts is not None:
            counts.clear()  # counted again with the records
        count = _index(site, index, None, jobs, counts)
    if count and not (index / "pagefind-entry.json").is_file():
        raise SearchIndexError(f"Pagefind wrote no index into {index}")
    return count
