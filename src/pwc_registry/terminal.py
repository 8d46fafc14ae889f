"""Plain-text views for the terminal: a paper as its page shows it, a leaderboard as a table."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

from .leaderboard import Leaderboard
from .markdown import number, printable
from .registry import Paper, Registry, paper_label
from .snapshot import table_rows


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 48) -> str:
    """Columns padded to their widest cell (cut at ``max_width``)."""
    def cut(text: str) -> str:
        text = printable(text)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cut(c) for c in header], *[[cut(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def leaderboard(board: Leaderboard, registry: Registry, *, extra_data: bool = True) -> str:
    b = board.benchmark
    direction = b.directions.get(b.primary) if b.primary else None
    better = {"higher": "higher is better", "lower": "lower is better"}.get(
        direction or "", "direction unknown: not ranked")
    ranked = (f"ranked by {registry.name('metric', b.primary) if b.primary else '—'}"
              f" ({better})" + ("" if extra_data else "; without extra training data"))
    header, rows = table_rows(board, registry, extra_data=extra_data)
    return printable(b.name) + "\n" + printable(ranked) + "\n\n" + table(header, rows)


def paper(paper: Paper, registry: Registry, boards: Sequence[Leaderboard],
          related: Sequence[Paper] = ()) -> str:
    """The paper the way its page shows it: title, authors, date, tasks, links, abstract,
    results (Task, Dataset, Metric, Value, Model), its rank on each leaderboard, and related
    papers."""
    width = min(100, shutil.get_terminal_size((100, 20)).columns)
    out = [paper_label(paper), ""]
    if paper.authors:
        out.append(", ".join(paper.authors))
    facts = [paper.date or "undated", *(registry.name("task", t) for t in paper.tasks)]
    out += [" · ".join(facts), ""]
    for label, url in (("Paper", paper.links.get("abstract")), ("PDF", paper.links.get("pdf"))):
        if url:
            out.append(f"{label}: {url}")
    for code in paper.code:
        out.append(f"Code{' (official)' if code.official else ''}: {code.url}")
    if paper.abstract:
        out += ["", "Abstract", *textwrap.wrap(paper.abstract, width)]
    rows = [[registry.name("task", r.task), registry.name("dataset", r.dataset)
             + (f" ({r.split})" if r.split else ""), registry.name("metric", m), number(v.value)
             + (f" ± {number(v.spread)}" if v.spread is not None else ""), r.model]
            for r in paper.results for m, v in r.metrics.items()]
    if rows:
        out += ["", "Results", *table(["Task", "Dataset", "Metric", "Value", "Model"], rows,
                                      max_width=60).rstrip("\n").split("\n")]
    ranks = [[b.benchmark.name, row.result.model + (
              f" (from {paper_label(row.holder)})" if row.holder is not paper else ""),
              f"{row.rank} of {len(b.rows)}" if row.rank else "unranked"]
             for b in boards for row in b.rows if row.paper is not None
             and row.paper.id == paper.id]
    if ranks:
        out += ["", "Leaderboard ranks", *table(["Leaderboard", "Model", "Rank"], ranks,
                                                max_width=60).rstrip("\n").split("\n")]
    if related:
        out += ["", "Related papers", *(f"{paper_label(p)} ({p.date or 'undated'})" for p in related)]
    # One line each: a line break in a title or name is shown as an escape (tables are split
    # into their lines above).
    return "\n".join(printable(line) for line in out) + "\n"
