"""What a change to the registry does to the leaderboards: the report CI posts on a pull request.

``compare(registry, "origin/main")`` looks at the papers that differ between the merge base and
the head (a commit, or the work tree), and at the leaderboards they are on. Unchanged papers are
read only if they share a dataset with a changed result (found with ``git grep``), so the cost
follows the size of the change, not of the registry.
"""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import layout, paper_index, schema
from .gitrefs import Version, changed_between, merge_base
from .leaderboard import (
    FAR_ABOVE,
    Leaderboard,
    Row,
    better,
    compile_leaderboards,
    far_above,
    group_results,
)
from .load import read
from .markdown import cell, number, table
from .parallel import fork_map
from .registry import Paper, Registry, Result, paper_from


@dataclasses.dataclass(frozen=True)
class ValueChange:
    result: Result
    metric: str
    before: float | None
    after: float | None


@dataclasses.dataclass(frozen=True)
class NewBest:
    board: Leaderboard
    row: Row
    previous: Row | None


@dataclasses.dataclass
class Comparison:
    base: str
    head: str
    files: list[str]
    added: list[Result]
    removed: list[Result]
    changed: list[ValueChange]
    new_best: list[NewBest]
    far_above: list[NewBest]
    papers: dict[str, Paper]
    registry: Registry
    invalid: list[str] = dataclasses.field(default_factory=list)


class _Side:
    """One version of the registry, read only as far as the comparison needs, in batches."""

    def __init__(self, version: Version, folder: str) -> None:
        self.version = version
        self.folder = folder
        self.entities: dict[str, dict[str, Mapping[str, Any]]] = {
            k: {} for k in layout.ENTITY_KINDS}
        self._absent: set[tuple[str, str]] = set()

    def load(self, kind: str, ids: Iterable[str]) -> None:
        """Read the entities of ``kind`` with these ids that are not read yet."""
        missing = {i for i in ids if i not in self.entities[kind]
                   and (kind, i) not in self._absent}
        paths = {f"{self.folder}/{layout.relative_path(kind, i)}": i for i in sorted(missing)}
        for path, raw in self.version.read(paths).items():
            data = read(path, raw).data if raw is not None else None
            if isinstance(data, dict) and schema.is_valid(kind, data):
                self.entities[kind][paths[path]] = data
            else:
                self._absent.add((kind, paths[path]))

    def papers(self, paths: Iterable[str]) -> tuple[list[Paper], list[str]]:
        """The papers at ``paths`` in this version, and the paths that exist but do not pass
        validation."""
        found = [(path, raw) for path, raw in self.version.read(paths).items() if raw is not None]
        parts = fork_map(_parse_papers, found, jobs=None, threshold=PARALLEL_THRESHOLD)
        papers: list[Paper] = []
        invalid: list[str] = []
        for path, data in (record for part in parts for record in marshal.loads(part)):
            if data is None:
                invalid.append(path)
            else:
                papers.append(paper_from(data, path, abstract=False))
        return papers, invalid

    def registry(self, papers: Iterable[Paper], datasets: set[str]) -> Registry:
        """The papers, with the entities their results on ``datasets`` refer to."""
        chosen = {p.id: p for p in papers}
        results = [r for p in chosen.values() for r in p.results if r.dataset in datasets]
        self.load("dataset", {r.dataset for r in results})
        self.load("metric", {m for r in results for m in r.metrics})
        tasks = {r.task for r in results}
        while tasks:  # up the task tree, a level at a time
            self.load("task", tasks)
            parents = {self.entities["task"][t].get("parent") for t in tasks
                       if t in self.entities["task"]}
            tasks = {p for p in parents if isinstance(p, str) and p not in self.entities["task"]
                     and ("task", p) not in self._absent}
        return Registry(chosen, self.entities)


#: Below this many papers to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 400


def _papers_on(base: Version, head: Version, folder: str, changed: set[str],
               datasets: set[str]) -> list[str]:
    """The unchanged papers with results on ``datasets``: from the index a full validation
    leaves (an unchanged paper is the same at the base and the head), else found by a search
    of their text."""
    assert base.commit is not None
    found = paper_index.papers_on(base.top, base.commit, folder, changed, datasets,
                                  lambda path, raw: paper_index.holdings(read(path, raw).data))
    if found is None:  # untracked files are all in ``changed``: no need to search them
        found = [f for f in head.grep(folder, sorted(datasets), untracked=False)
                 if f not in changed]
    return found


def _parse_papers(files: Sequence[tuple[str, bytes]]) -> bytes:
    """``(path, data)`` of each paper file, data None where it does not pass validation; as
    marshal bytes, which cross from a worker process far faster than pickled objects."""
    out: list[tuple[str, Any]] = []
    for path, raw in files:
        data = read(path, raw).data
        valid = isinstance(data, dict) and schema.is_valid(layout.PAPER, data)
        if valid:
            data.pop("abstract", None)
        out.append((path, data if valid else None))
    return marshal.dumps(out)


def compare(registry: Path, base_ref: str, head_ref: str | None = None) -> Comparison:
    head_version = Version(registry, head_ref)
    base_version = merge_base(base_ref, head_version)
    try:
        return _compare(registry, base_version, head_version)
    finally:
        base_version.close()
        head_version.close()


def _compare(registry: Path, base_version: Version, head_version: Version) -> Comparison:
    folder = registry.resolve().relative_to(head_version.top.resolve()).as_posix()
    files = changed_between(base_version, head_version, folder)
    head_version.use_work_tree_if_same(folder)
    paper_files = [f for f in files if f.startswith(f"{folder}/papers/")]
    base, head = _Side(base_version, folder), _Side(head_version, folder)

    # A changed paper that no longer passes validation is left out of both sides: comparing it
    # would report its results as removed. `pwc validate` says what is wrong with it.
    after, invalid = head.papers(paper_files)
    skip = set(invalid)
    before, _ = base.papers(f for f in paper_files if f not in skip)
    datasets = {r.dataset for p in (*before, *after) for r in p.results}
    changed_files = set(paper_files)
    context, _ = head.papers(_papers_on(base_version, head_version, f"{folder}/papers",
                                        changed_files, datasets))

    base_registry = base.registry([*context, *before], datasets)
    head_registry = head.registry([*context, *after], datasets)
    affected = _benchmarks(base_registry, before) | _benchmarks(head_registry, after)
    for side in (base, head):  # the settings of the leaderboards involved
        side.load(layout.BENCHMARK, affected)
    base_boards = {b.benchmark.id: b for b in compile_leaderboards(base_registry, only=affected)}
    head_boards = {b.benchmark.id: b for b in compile_leaderboards(head_registry, only=affected)}

    old = {r.key: r for p in before for r in p.results}
    new = {r.key: r for p in after for r in p.results}
    changed: list[ValueChange] = []
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        for metric in sorted(a.metrics.keys() | b.metrics.keys()):
            x = a.metrics[metric].value if metric in a.metrics else None
            y = b.metrics[metric].value if metric in b.metrics else None
            if x != y:
                changed.append(ValueChange(b, metric, x, y))

    changed_papers = {p.id for p in after}
    new_best: list[NewBest] = []
    far: list[NewBest] = []
    for benchmark_id in sorted(affected):
        board = head_boards.get(benchmark_id)
        if board is None or board.benchmark.primary is None:
            continue
        metric = board.benchmark.primary
        direction = board.direction(metric)
        previous = base_boards[benchmark_id].best if benchmark_id in base_boards else None
        best = board.best
        if direction is None or best is None:
            continue
        if previous is not None and metric not in previous.result.metrics:
            previous = None
        prior = previous.result.metrics[metric].value if previous else None
        if best.paper.id in changed_papers and (
                prior is None or better(direction, best.result.metrics[metric].value, prior)):
            new_best.append(NewBest(board, best, previous))
        if prior is None:
            continue
        for row in board.rows:
            value = row.result.metrics.get(metric)
            if row.paper.id not in changed_papers or value is None:
                continue
            earlier = old.get(row.result.key)
            is_new = earlier is None or earlier.metrics.get(metric) != value
            if is_new and far_above(direction, value.value, prior):
                far.append(NewBest(board, row, previous))
    return Comparison(
        base=base_version.label, head=head_version.label, files=files,
        added=[new[k] for k in sorted(new.keys() - old.keys())],
        removed=[old[k] for k in sorted(old.keys() - new.keys())],
        changed=changed, new_best=new_best, far_above=far,
        papers={p.id: p for p in (*context, *before, *after)}, registry=head_registry,
        invalid=invalid)


def _benchmarks(registry: Registry, papers: Iterable[Paper]) -> set[str]:
    return set(group_results(registry, papers))


# --- reports --------------------------------------------------------------------------


def _result_line(c: Comparison, r: Result) -> list[str]:
    reg = c.registry
    paper = c.papers.get(r.paper)
    metrics = ", ".join(f"{reg.name('metric', m)} {number(v.value)}" for m, v in r.metrics.items())
    return [paper.title if paper else r.paper, reg.name("task", r.task),
            reg.name("dataset", r.dataset) + (f" ({r.split})" if r.split else ""), r.model,
            metrics]


def _best_line(c: Comparison, n: NewBest) -> str:
    reg = c.registry
    metric = n.board.benchmark.primary or ""
    value = n.row.result.metrics[metric].value
    text = (f"**{cell(n.board.benchmark.name)}** — {cell(reg.name('metric', metric))} "
            f"{number(value)} by {cell(n.row.result.model)} ({cell(n.row.paper.title)})")
    if n.previous is None:
        return text + ", the first result"
    prior = n.previous.result.metrics[metric].value
    return text + (f", previous best {number(prior)} by {cell(n.previous.result.model)} "
                   f"({cell(n.previous.paper.title)})")


def markdown(c: Comparison) -> str:
    out = [f"## Leaderboard changes: {cell(c.base)} → {cell(c.head)}", ""]
    if c.invalid:
        out += [f"### ⚠️ {len(c.invalid)} changed paper file{'s' if len(c.invalid) != 1 else ''}"
                " not compared", "", "They do not pass validation (run `pwc validate`):", "",
                *(f"- `{cell(name)}`" for name in c.invalid), ""]
    if not (c.added or c.removed or c.changed):
        out += ["No results are added, removed or changed.", ""]
    if c.changed:
        out += [f"### ⚠️ {len(c.changed)} existing value{'s' if len(c.changed) != 1 else ''} "
                "changed", "",
                "A value already in the registry is different now. This is how typos and "
                "vandalism look: check each against the paper.", ""]
        out += [table(["paper", "model", "metric", "before", "after"], [
            [c.papers[v.result.paper].title if v.result.paper in c.papers else v.result.paper,
             v.result.model, c.registry.name("metric", v.metric), number(v.before, "—"),
             number(v.after, "—")] for v in c.changed])]
    if c.far_above:
        out += [f"### ⚠️ Far above the previous best (by more than {FAR_ABOVE:.0%})", "",
                "Often a unit or typo error (a fraction for a percentage, a misplaced digit).",
                ""]
        out += [f"- {_best_line(c, n)}" for n in c.far_above] + [""]
    if c.new_best:
        out += ["### New state of the art", ""]
        out += [f"- {_best_line(c, n)}" for n in c.new_best] + [""]
    for title, results in (("Results added", c.added), ("Results removed", c.removed)):
        if results:
            out += [f"### {title} ({len(results)})", ""]
            out += [table(["paper", "task", "dataset", "model", "values"],
                          [_result_line(c, r) for r in results])]
    return "\n".join(out).rstrip("\n") + "\n"


def _result_json(r: Result) -> dict[str, Any]:
    return {"paper": r.paper, "task": r.task, "dataset": r.dataset, "split": r.split,
            "model": r.model, "values": {m: v.value for m, v in r.metrics.items()}}


def _best_json(n: NewBest) -> dict[str, Any]:
    metric = n.board.benchmark.primary or ""
    return {"benchmark": n.board.benchmark.id, "metric": metric,
            "value": n.row.result.metrics[metric].value, "model": n.row.result.model,
            "paper": n.row.paper.id,
            "previous": None if n.previous is None else {
                "value": n.previous.result.metrics[metric].value,
                "model": n.previous.result.model, "paper": n.previous.paper.id}}


def as_json(c: Comparison) -> dict[str, Any]:
    return {
        "version": 1, "base": c.base, "head": c.head, "files": c.files,
        "added": [_result_json(r) for r in c.added],
        "removed": [_result_json(r) for r in c.removed],
        "changed": [{**_result_json(v.result), "metric": v.metric, "before": v.before,
                     "after": v.after} for v in c.changed],
        "new_state_of_the_art": [_best_json(n) for n in c.new_best],
        "far_above_previous_best": [_best_json(n) for n in c.far_above],
        "far_above_threshold": FAR_ABOVE,
        "not_compared_invalid_files": c.invalid,
    }
