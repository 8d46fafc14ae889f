"""Plain-text views for the terminal: a paper as its page shows it, a leaderboard as a table."""

from __future__ import annotations

import os
import sys
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

from .ids import fold
from .leaderboard import (
    Leaderboard,
    Row,
    board_places,
    is_reference,
    paper_topics,
    ranked_by,
    references_said,
)
from .markdown import number, printable
from .registry import SOURCE_KINDS, Holder, Paper, Registry, Source, paper_label
from .snapshot import table_rows

#: No column is cut narrower than this to fit the terminal: a table wider than a very narrow
#: terminal wraps rather than showing nothing.
MIN_COLUMN = 6


def columns() -> int | None:
    """The terminal's width: ``COLUMNS`` first (as shells and tests set it), else the width of
    the terminal standard output is; None when it goes to a file or a pipe (no width to fit:
    ``pwc show paper X | grep`` sees whole cells)."""
    if os.environ.get("COLUMNS", "").isdigit() and int(os.environ["COLUMNS"]) > 0:
        return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else None
    except (OSError, ValueError, AttributeError):  # no real file behind sys.stdout
        return None


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide and full-width characters (East Asian width
    W or F: CJK, full-width forms) take two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, ending in "…" where it was cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = cell_width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 48,
          width: int | None = None) -> str:
    """Columns padded to their widest cell (cut at ``max_width``), the widest cut further until
    the table fits ``width`` columns (default: the terminal's). With no width to fit (output
    to a file or a pipe), no cell is cut."""
    fit = columns() if width is None else width
    if fit is None:
        return _uncut(header, rows)
    total = fit
    # A column empty in every row says nothing; columns that cannot fit even cut to
    # MIN_COLUMN are left out from the right, and a last line names them.
    kept = [i for i in range(len(header)) if not rows or any(row[i] for row in rows)]
    left_out: list[str] = []
    while len(kept) > 1 and sum(min(MIN_COLUMN, _widest(header, rows, i, max_width))
                                for i in kept) + 2 * (len(kept) - 1) > total:
        left_out.insert(0, header[kept.pop()])
    cells = [[cut(printable(row[i]), max_width) for i in kept] for row in [header, *rows]]
    widths = [max(cell_width(row[i]) for row in cells) for i in range(len(kept))]
    gaps = 2 * (len(widths) - 1)
    while sum(widths) + gaps > total and max(widths) > MIN_COLUMN:
        # A column at a time, the widest first: narrow columns (ranks, values) keep theirs.
        widths[widths.index(max(widths))] -= 1
    lines = ["  ".join(cut(c, w) + " " * (w - cell_width(cut(c, w)))
                       for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if left_out:
        lines.append(cut(f"(left out to fit {total} columns: {', '.join(left_out)}; set COLUMNS "
                         "or use --format json)", total))
    return "\n".join(lines) + "\n"


#: With no width to fit, a column is padded to its widest cell up to this: a longer cell is
#: written whole and pushes the rest of its row along, so the output stays as long as the
#: cells (padding every row to one 100,000-character name wrote 200 MB for a 231 KB file).
UNCUT_PADDING = 60


def _uncut(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """:func:`table` for a file or a pipe: no cell cut, no column left out."""
    kept = [i for i in range(len(header)) if not rows or any(row[i] for row in rows)]
    cells = [[printable(row[i]) for i in kept] for row in [header, *rows]]
    widths = [min(UNCUT_PADDING, max(cell_width(row[i]) for row in cells))
              for i in range(len(kept))]
    lines = ["  ".join(c + " " * max(0, w - cell_width(c))
                       for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _widest(header: Sequence[str], rows: Sequence[Sequence[str]], i: int, most: int) -> int:
    return min(most, max(cell_width(printable(row[i])) for row in [header, *rows]))


def leaderboard(board: Leaderboard, registry: Registry, *, extra_data: bool = True) -> str:
    b = board.benchmark
    direction = b.directions.get(b.primary) if b.primary else None
    ranked = ranked_by(registry.name("metric", b.primary) if b.primary else None, direction)
    if not extra_data:
        ranked = ranked[:-1] + "; without extra training data."
    header, rows = table_rows(board, registry, extra_data=extra_data)
    said = references_said(board, extra_data=extra_data)
    return printable(b.name) + "\n" + printable(ranked) + "\n\n" + table(header, rows) + (
        "\n" + printable(said) + "\n" if said else "")


def paper(paper: Holder, registry: Registry, boards: Sequence[Leaderboard],
          related: Sequence[Paper] = ()) -> str:
    """The paper (or source) the way its page shows it: title, authors, date, tasks, links,
    abstract, results (Task, Dataset, Metric, Value, Model), its rank on each leaderboard, and
    related papers."""
    width = min(100, columns() or 100)
    out = [paper_label(paper), ""]
    if paper.authors:
        out.append(", ".join(paper.authors))
    if isinstance(paper, Source):
        facts = [SOURCE_KINDS[paper.kind], paper.date or "undated"]
        links = [("Source", paper.url)]
    else:
        facts = [paper.date or "undated",
                 *(registry.name("task", t) for t in _tasks(paper, registry, boards))]
        links = [("Paper", paper.links.get("abstract")), ("PDF", paper.links.get("pdf"))]
    out += [" · ".join(facts), ""]
    for label, url in links:
        if url:
            out.append(f"{label}: {url}")
    for code in paper.code:
        out.append(f"Code{' (official)' if code.official else ''}: {code.url}")
    for model, url in dict.fromkeys((r.model, url) for r in paper.results
                                    for url in r.code_links):
        out.append(f"Code of {model}: {url}")
    about = paper.description if isinstance(paper, Source) else paper.abstract
    if about:
        out += ["", "Description" if isinstance(paper, Source) else "Abstract",
                *textwrap.wrap(about, width)]
    rows = [[registry.name("task", r.task), registry.name("dataset", r.dataset)
             + (f" ({r.split})" if r.split else ""), registry.name("metric", m), number(v.value)
             + (f" ± {number(v.spread)}" if v.spread is not None else "")
             + (f" ({v.note})" if v.note else ""), r.model]
            for r in paper.results for m, v in r.metrics.items()]
    if rows:
        out += ["", "Results", *table(["Task", "Dataset", "Metric", "Value", "Model"], rows,
                                      max_width=60).rstrip("\n").split("\n")]
    ranks = [[b.benchmark.name, row.result.model + (
              f" (from {paper_label(row.holder)})" if row.holder is not paper else
              f" (of {paper_label(row.paper)})" if row.paper is not None
              and row.paper is not paper else ""),
              f"{row.rank} of {len(b.rows)}" if row.rank else
              "a point of reference, not ranked" if is_reference(row.result) else "unranked"]
             for b, row in _rows_of(paper, boards)]
    if ranks:
        out += ["", "Leaderboard ranks", *table(["Leaderboard", "Model", "Rank"], ranks,
                                                max_width=60).rstrip("\n").split("\n")]
    if related:
        out += ["", "Related papers", *(f"{paper_label(p)} ({p.date or 'undated'})" for p in related)]
    # One line each: a line break in a title or name is shown as an escape (tables are split
    # into their lines above).
    return "\n".join(printable(line) for line in out) + "\n"


def _tasks(paper: Paper, registry: Registry, boards: Sequence[Leaderboard]) -> list[str]:
    """The paper's tasks as its page and the API list them (``boards``: those it is on)."""
    return list(paper_topics([paper], registry.entities, board_places(boards))[paper.id].tasks)


def paper_data(paper: Holder, registry: Registry, boards: Sequence[Leaderboard],
               related: Sequence[Paper] = ()) -> dict[str, Any]:
    """What :func:`paper` shows, for machines (``pwc show paper --format json``; a source's
    has its kind, address and description instead of a paper's venue, links, abstract, tasks
    and methods)."""
    own: dict[str, Any] = {"kind": paper.kind, "url": paper.url,
                           "description": paper.description} if isinstance(paper, Source) \
        else {"venue": paper.venue, "links": dict(paper.links), "abstract": paper.abstract,
              "tasks": _tasks(paper, registry, boards), "methods": list(paper.methods)}
    return {
        "id": paper.id, "title": paper.title, "label": paper_label(paper),
        "file": paper.file, "authors": list(paper.authors), "date": paper.date,
        "identifiers": dict(paper.identifiers), **own,
        "code": [{"url": c.url, "official": c.official, "framework": c.framework}
                 for c in paper.code],
        "results": [{"task": r.task, "dataset": r.dataset, "split": r.split, "model": r.model,
                     "aliases": list(r.aliases), "paper": r.paper, "date": r.date,
                     "metrics": {m: {"value": v.value, "spread": v.spread, "note": v.note}
                                 for m, v in r.metrics.items()},
                     "extra_training_data": r.extra_training_data,
                     "code_links": list(r.code_links), "model_links": list(r.model_links),
                     "source": dict(r.source), "notes": r.notes}
                    for r in paper.results],
        "ranks": [{"leaderboard": b.benchmark.id, "model": row.result.model,
                   "holder": row.holder.id, "paper": row.paper.id if row.paper else None,
                   "rank": row.rank, "of": len(b.rows)}
                  for b, row in _rows_of(paper, boards)],
        "related": [{"id": p.id, "title": p.title, "date": p.date} for p in related],
    }


def _rows_of(paper: Holder, boards: Sequence[Leaderboard]) -> list[tuple[Leaderboard, Row]]:
    """The rows a paper's page lists: those it holds (its own, and those it quotes of another
    paper) and those credited to it that others hold."""
    return [(b, row) for b in boards for row in b.rows if row.holder.id == paper.id
            or (row.paper is not None and row.paper.id == paper.id)]


def matches(registry: Registry, board: Leaderboard, query: str) -> bool:
    """Whether ``query`` is part of the board's name or of an id, name or alias of its task
    or dataset (compared as names are, :func:`.ids.fold`)."""
    wanted = fold(query)
    b = board.benchmark
    texts = [b.id, b.name]
    for kind, entity_id in (("task", b.task), ("dataset", b.dataset)):
        record = registry.entities.get(kind, {}).get(entity_id, {})
        texts += [entity_id, *(n for n in (record.get("name"), *record.get("aliases", []))
                               if isinstance(n, str))]
    return any(wanted in fold(t) for t in texts)


def leaderboard_list(boards: Sequence[Leaderboard], registry: Registry) -> str:
    """One line a leaderboard: its name, how many results, the best value and model, and the
    command that shows it."""
    rows = []
    for board in boards:
        b, best = board.benchmark, board.best
        value = ("" if best is None or b.primary is None else
                 f"{registry.name('metric', b.primary)} {number(best.result.metrics[b.primary].value)}")
        rows.append([b.name, str(len(board.rows)), value,
                     best.result.model if best is not None else "",
                     f"{b.task} {b.dataset}" + (f" --split {b.split}" if b.split else "")])
    n = len(boards)
    return table(["Leaderboard", "Results", "Best", "Model", "Task and dataset"], rows) \
        + f"{n} leaderboard{'' if n == 1 else 's'}\n"
