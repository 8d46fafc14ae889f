"""Leaderboard snapshots: plain data (JSON, CSV, Markdown) of every leaderboard.

The layout of a snapshot folder:

    index.json  index.csv  index.md      every benchmark: task, dataset, results, current best
    summary.json  summary.md             counts
    benchmarks/<id>.json .csv .md        one leaderboard each

``schemas/leaderboard.schema.json`` and ``schemas/leaderboard-index.schema.json`` describe the
JSON. The same registry gives byte-identical files: nothing depends on the time, the machine or
the order files were read in.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from .leaderboard import (
    Leaderboard,
    Row,
    Step,
    benchmark_of,
    group_results,
    rank,
    ranked_by,
    references_said,
)
from .markdown import Markdown, cell, code_span, link, number, table, web_link
from .outputs import output_folder, write_new
from .parallel import fork_map, shared
from .registry import Registry, paper_label
from .tables import holder_fields, paper_fields

FORMAT_VERSION = 2  # 2: rows name their holder (a paper or a source); "paper" may be null
COMMAND = "pwc leaderboards build"
#: Below this many leaderboards, worker processes cost more than they save.
PARALLEL_THRESHOLD = 200


def _json(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _row(row: Row, board: Leaderboard) -> dict[str, Any]:
    result = row.result
    code = row.holder.main_code
    values = {m: result.metrics[m].value for m in board.benchmark.metrics if m in result.metrics}
    spreads = {m: result.metrics[m].spread for m in board.benchmark.metrics
               if m in result.metrics and result.metrics[m].spread is not None}
    # What a spread is ("std over 5 seeds"), where the file says.
    spread_notes = {m: note for m in board.benchmark.metrics
                    if m in result.metrics and (note := result.metrics[m].note)}
    return {
        "rank": row.rank,
        "rank_without_extra_data": row.rank_without_extra_data,
        "model": result.model,
        "values": values,
        "spreads": spreads,
        "spread_notes": spread_notes,
        "ranks": dict(row.ranks),
        "extra_training_data": result.extra_training_data,
        "date": row.date,
        "paper": paper_fields(row.paper),
        "holder": holder_fields(row.holder),
        "code": {"url": code.url, "official": code.official} if code else None,
        "result_code_links": list(result.code_links),
        "source": dict(result.source),
        "notes": result.notes,
        "via_task": row.via,
    }


def _step(step: Step) -> dict[str, Any]:
    return {"date": step.date, "value": step.value, "model": step.row.result.model,
            "holder": step.row.holder.id, "holder_title": step.row.holder.title,
            "extra_training_data": step.row.result.extra_training_data}


def leaderboard_data(board: Leaderboard, registry: Registry) -> dict[str, Any]:
    b = board.benchmark
    metric_records = registry.entities.get("metric", {})
    return {
        "version": FORMAT_VERSION,
        "id": b.id,
        "name": b.name,
        "task": {"id": b.task, "name": registry.name("task", b.task)},
        "dataset": {"id": b.dataset, "name": registry.name("dataset", b.dataset)},
        "split": b.split,
        "primary_metric": b.primary,
        "metrics": [{"id": m, "name": registry.name("metric", m),
                     "direction": b.directions.get(m),
                     "unit": metric_records.get(m, {}).get("unit")} for m in b.metrics],
        "notes": b.notes,
        "rows": [_row(r, board) for r in board.rows],
        "sota": [_step(s) for s in board.sota],
        "sota_without_extra_data": [_step(s) for s in board.sota_without_extra_data],
    }


def index_entry(board: Leaderboard, registry: Registry) -> dict[str, Any]:
    b = board.benchmark
    best = board.best
    return {
        "id": b.id,
        "name": b.name,
        "task": b.task,
        "task_name": registry.name("task", b.task),
        "dataset": b.dataset,
        "dataset_name": registry.name("dataset", b.dataset),
        "split": b.split,
        "primary_metric": b.primary,
        "direction": b.directions.get(b.primary) if b.primary else None,
        "results": len(board.rows),
        "best": None if best is None or b.primary is None else {
            "value": best.result.metrics[b.primary].value, "model": best.result.model,
            "holder": best.holder.id, "holder_title": best.holder.title},
        "file": f"benchmarks/{b.id}.json",
    }


def table_rows(board: Leaderboard, registry: Registry, *, extra_data: bool = True
               ) -> tuple[list[str], list[list[str]]]:
    """The leaderboard as a header and rows of text, for CSV, Markdown and the terminal. A
    metric some row gives a spread for (``90.0 ± 0.5``) has a column of spreads after its
    values, so that the values stay numbers a spreadsheet reads."""
    b = board.benchmark
    spread = {m for m in b.metrics if any(
        m in row.result.metrics and row.result.metrics[m].spread is not None
        for row in board.rows)}
    # A copy of a subtask's result (its task named in a column of its own, so that the model
    # column holds the model's name as written).
    via = any(row.via for row in board.rows)
    fixed = ["model", *(["via task"] if via else []), "extra data", "paper", "source", "date",
             "code"]
    names = {m: registry.name("metric", m) for m in b.metrics}
    columns = [names[m] for m in b.metrics] + [f"{names[m]} spread" for m in spread]
    taken = Counter(c.casefold() for c in ["rank", *fixed, *columns])
    # A metric named "rank", or "Accuracy spread" beside Accuracy's spreads, would give two
    # columns one name, and a reader by name (csv.DictReader) the other's number: such a
    # metric's columns say its id too.
    for m in b.metrics:
        if taken[names[m].casefold()] > 1:
            names[m] = f"{names[m]} ({m})"
    header = ["rank"]
    for m in b.metrics:
        header.append(names[m])
        if m in spread:
            header.append(f"{names[m]} spread")
    header += fixed
    rows: list[list[str]] = []
    for row in board.rows:
        if not extra_data and row.result.extra_training_data:
            continue
        rank = row.rank if extra_data else row.rank_without_extra_data
        code = row.code
        cells = ["" if rank is None else str(rank)]
        for m in b.metrics:
            value = row.result.metrics.get(m)
            cells.append("" if value is None else number(value.value))
            if m in spread:
                cells.append("" if value is None or value.spread is None
                             else number(value.spread))
        rows.append([
            *cells,
            row.result.model,
            *([registry.name("task", row.via) if row.via else ""] if via else []),
            "yes" if row.result.extra_training_data else "",
            paper_label(row.paper) if row.paper else "",
            "" if row.holder is row.paper else paper_label(row.holder),
            row.date or "",
            (code.url + (" (official)" if code.official else "")) if code else "",
        ])
    return header, rows


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The starts of a text cell that gets a leading "'": a formula's, and "'" itself, so that one
#: leading "'" removed gives back every text ("=1+1" is "'=1+1", "'=1+1" is "''=1+1").
ESCAPED_START = (*FORMULA_START, "'")
_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]], *, safe: bool = False) -> bytes:
    """Every CSV the tools write. A text cell that a spreadsheet would run as a formula gets a
    leading ``'``, as OWASP recommends; a number (``-1.5``, ``1e-05``, as
    :func:`..markdown.number` writes it) starts no formula and stays a number. (Inline, not a
    call per cell: a snapshot writes millions of cells.) ``safe``: the cells have been through
    :func:`formula_safe` already (a writer that knows which columns hold text)."""
    safe_rows = [list(header), *rows] if safe else [
        ["'" + c if c.startswith(ESCAPED_START) and not _NUMBER.fullmatch(c) else c
         for c in row] for row in (header, *rows)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(safe_rows)
    text = buffer.getvalue()
    if "\r" in text:  # the writer leaves a carriage return in a cell unquoted: a broken row
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(safe_rows)
        text = buffer.getvalue()
    return text.encode("utf-8")


def formula_safe(cells: Sequence[str]) -> Sequence[str]:
    """``cells`` as :func:`_csv` writes them: one column's worth, for a writer that knows
    which columns hold text (numbers, true and false never start a formula)."""
    # The usual column starts no formula: six substring searches of it joined, in C, instead of
    # a test of each cell. A line break inside a cell can only make it look at each cell.
    joined = "\n" + "\n".join(cells)
    if not any("\n" + start in joined for start in ESCAPED_START):
        return cells
    return ["'" + c if c.startswith(ESCAPED_START) and not _NUMBER.fullmatch(c) else c
            for c in cells]


def leaderboard_markdown(board: Leaderboard, registry: Registry,
                         rows_table: tuple[list[str], list[list[str]]] | None = None) -> str:
    b = board.benchmark
    direction = b.directions.get(b.primary) if b.primary else None
    lines = [f"# {cell(b.name)}", "",
             f"Task: {cell(registry.name('task', b.task))} · "
             f"Dataset: {cell(registry.name('dataset', b.dataset))}"
             + (f" · Split: {cell(b.split)}" if b.split else ""), "",
             ranked_by(cell(registry.name("metric", b.primary)) if b.primary else None,
                       direction), ""]
    if b.notes:
        lines += [f"Notes: {cell(b.notes)}", ""]  # not at a line's start: no list or heading
    header, rows = rows_table or table_rows(board, registry)
    # The code column (the last) as links: table_rows' rows are the board's, in its order.
    codes = [row.code for row in board.rows]
    rows = [[*cells[:-1], Markdown(web_link(code.url) + (" (official)" if code.official
                                                         else ""))]
            if code is not None else cells for cells, code in zip(rows, codes, strict=True)]
    said = references_said(board)
    return "\n".join(lines) + "\n" + table(header, rows) + (f"\n{cell(said)}\n" if said else "")


class _Writer:
    """Writes files whose content changed and removes the ones no longer written, so that
    rebuilding a snapshot costs little and its folder holds exactly one build."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.before = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        self.stale = set(self.before)
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, data: bytes) -> bool:
        self.stale.discard(name)
        return _write_if_changed(self.folder / name, data, name in self.before)

    def finish(self) -> None:
        for name in self.stale:
            path = self.folder / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def _write_if_changed(path: Path, data: bytes, present: bool = True) -> bool:
    """Write ``data`` unless ``path`` holds it already (its time and inode are then kept);
    whether it was written."""
    if present and path.is_file() and path.read_bytes() == data:
        return False
    write_new(str(path), data)
    return True


def board_files(board: Leaderboard, registry: Registry, *, markdown: bool = True
                ) -> dict[str, bytes]:
    """The files of one leaderboard, by name; without ``markdown``, its JSON and CSV only
    (the site offers those beside its own page of the board)."""
    b = board.benchmark
    rows_table = table_rows(board, registry)
    files = {f"{b.id}.json": _json(leaderboard_data(board, registry)),
             f"{b.id}.csv": _csv(*rows_table)}
    if markdown:
        files[f"{b.id}.md"] = leaderboard_markdown(board, registry, rows_table).encode("utf-8")
    return files


def _write_boards(keys: Sequence[str]) -> tuple[list[str], list[dict[str, Any]], int, int]:
    """Rank and write the leaderboards of ``keys``: the names of their files, index entries,
    rows, and how many files were new or changed."""
    registry, groups, compiled, files = shared()
    names: list[str] = []
    index: list[dict[str, Any]] = []
    rows = changed = 0
    for key in keys:
        board = compiled[key] if compiled is not None else \
            rank(benchmark_of(registry, key, groups[key]), groups[key], registry.papers)
        for name, data in board_files(board, registry).items():
            changed += files.write(name, data)
            names.append(name)
        index.append(index_entry(board, registry))
        rows += len(board.rows)
    return names, index, rows, changed


def build(registry: Registry, out: Path, *, jobs: int | None = None,
          boards: Mapping[str, Leaderboard] | None = None) -> dict[str, Any]:
    """Write the snapshot of every leaderboard into ``out``; return the summary (as
    ``summary.json`` has it) with what this build wrote: ``files``, ``changed`` (new or
    changed), ``removed``, and ``rebuilt`` (an earlier build was there). Leaderboards
    are ranked (unless ``boards`` gives them, compiled from ``registry``, by id) and written by
    worker processes, each taking its share of benchmarks.

    ``out`` is kept, not replaced, so that files whose content did not change are not written
    again; it must be a folder this command made (see :mod:`.outputs`)."""
    with output_folder(out, COMMAND, replace=False):
        return _build(registry, out, jobs=jobs, boards=boards)


def _holder_label(registry: Registry, holder_id: str) -> str:
    holder = registry.holder(holder_id)
    return paper_label(holder) if holder else holder_id


def _build(registry: Registry, out: Path, *, jobs: int | None,
           boards: Mapping[str, Leaderboard] | None) -> dict[str, Any]:
    groups = group_results(registry) if boards is None else {}
    files = _Writer(out / "benchmarks")
    rebuilt = bool(files.before)
    parts = fork_map(_write_boards, sorted(groups if boards is None else boards), jobs=jobs,
                     threshold=PARALLEL_THRESHOLD, share=(registry, groups, boards, files),
                     chunks_per_job=1)
    files.stale -= {name for names, _, _, _ in parts for name in names}
    removed = len(files.stale)
    files.finish()
    index = sorted((e for _, entries, _, _ in parts for e in entries), key=lambda e: str(e["id"]))
    rows = sum(n for _, _, n, _ in parts)
    columns = ["id", "task_name", "dataset_name", "split", "primary_metric", "direction",
               "results", "best_value", "best_model", "best_holder"]
    index_rows = [[str(e["id"]), e["task_name"], e["dataset_name"], e["split"] or "",
                   e["primary_metric"] or "", e["direction"] or "", str(e["results"]),
                   number(e["best"]["value"]) if e["best"] else "",
                   e["best"]["model"] if e["best"] else "",
                   _holder_label(registry, e["best"]["holder"]) if e["best"] else ""]
                  for e in index]
    summary = summarize(registry, len(index), rows)
    tops = {"index.json": _json({"version": FORMAT_VERSION, "benchmarks": index}),
            "index.csv": _csv(columns, index_rows),
            "index.md": ("# Leaderboards\n\n" + table(
                ["benchmark", "task", "dataset", "results", "best", "model"],
                [[link(e["name"], f"{e['file'][:-5]}.md"), e["task_name"], e["dataset_name"],
                  str(e["results"]), number(e["best"]["value"]) if e["best"] else "",
                  e["best"]["model"] if e["best"] else ""] for e in index])).encode("utf-8"),
            "summary.json": _json(summary),
            "summary.md": summary_markdown(summary).encode("utf-8")}
    changed = sum(n for _, _, _, n in parts)
    changed += sum(_write_if_changed(out / name, data) for name, data in tops.items())
    files_count = sum(len(names) for names, _, _, _ in parts) + len(tops)
    # What this build did, beside the summary it wrote (which holds no count of it: the same
    # registry gives the same bytes).
    return {**summary, "files": files_count, "changed": changed, "removed": removed,
            "rebuilt": rebuilt}


def summarize(registry: Registry, benchmarks: int, rows: int) -> dict[str, Any]:
    counts: Mapping[str, int] = {kind: len(records)
                                 for kind, records in sorted(registry.entities.items())}
    return {
        "version": FORMAT_VERSION,
        "benchmarks": benchmarks,
        "rows": rows,
        # Every result the boards are made of: those sources hold too.
        "results": sum(len(h.results) for h in registry.holders()),
        "papers": len(registry.papers),
        "sources": len(registry.sources),
        "entities": dict(counts),
        "skipped_files": list(registry.skipped),
    }


def summary_markdown(summary: Mapping[str, Any]) -> str:
    entities = ", ".join(f"{n} {k}s" for k, n in summary["entities"].items())
    lines = ["# Leaderboard snapshot", "",
             f"{summary['benchmarks']} leaderboards with {summary['rows']} rows, from "
             f"{summary['results']} results of {summary['papers']} papers and "
             f"{summary['sources']} source{'' if summary['sources'] == 1 else 's'}; "
             f"{entities}.", ""]
    if summary["skipped_files"]:
        lines += ["Left out because they do not pass validation (run `pwc validate`):", ""]
        lines += [f"- {code_span(name)}" for name in summary["skipped_files"]]
    return "\n".join(lines) + "\n"
