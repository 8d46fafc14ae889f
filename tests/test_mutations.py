"""Mutation test of the guard on history: from the shipped registry, every mutation a pull
request could make to what is published either fails `pwc validate --changed-since` or shows in
`pwc diff`; none is silent. Mutations that change a published fact must fail.

``PWC_MUTATIONS`` sets how many are drawn (CI: the default; thousands when asked), and
``PWC_MUTATION_SEED`` the draw.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pwc_registry.compare import compare, render
from pwc_registry.layout import relative_path
from pwc_registry.validate import Options, validate

from conftest import REPO, TODAY, git

COUNT = int(os.environ.get("PWC_MUTATIONS", "200"))
SEED = int(os.environ.get("PWC_MUTATION_SEED", "20261130"))

Data = dict[str, Any]


class Registry:
    """The shipped registry, read once: which records a mutation can pick."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.records: dict[str, dict[str, Data]] = {}
        for path in sorted(root.rglob("*.yaml")):
            kind = path.relative_to(root).parts[0]
            data = yaml.safe_load(path.read_text("utf-8"))
            self.records.setdefault(kind, {})[data["id"]] = data
        self.papers = {i: d for i, d in self.records["papers"].items() if d.get("results")}
        used = {m for d in self.papers.values() for r in d["results"] for m in r["metrics"]}
        self.ranked_metrics = sorted(m for m, d in self.records["metrics"].items()
                                     if "direction" in d and m in used)
        self.used_tasks = sorted({r["task"] for d in self.papers.values() for r in d["results"]})
        self.child_tasks = sorted(t for t in self.used_tasks
                                  if self.records["tasks"].get(t, {}).get("parent"))
        # Tasks with a result that counts on an ancestor's board (not filed there directly by
        # its paper): taking such a task off the tree takes that row off a board.
        self.rolled_up: set[str] = set()
        for data in self.papers.values():
            held = {(r["task"], r["dataset"], str(r.get("split")), r["model"])
                    for r in data["results"]}
            for r in data["results"]:
                if any((a, r["dataset"], str(r.get("split")), r["model"]) not in held
                       for a in self.ancestors(r["task"])):
                    self.rolled_up.add(r["task"])

    def ancestors(self, task: str) -> list[str]:
        out: list[str] = []
        parent = self.records["tasks"].get(task, {}).get("parent")
        while isinstance(parent, str) and parent not in out:
            out.append(parent)
            parent = self.records["tasks"].get(parent, {}).get("parent")
        return out


def _write(path: Path, data: Data) -> None:
    plain = json.loads(json.dumps(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), "utf-8")


def _paper_path(root: Path, paper_id: str) -> Path:
    return root / relative_path("paper", paper_id)


Mutation = Callable[[Registry, random.Random], tuple[str, bool]]


def _pick_result(reg: Registry, rng: random.Random) -> tuple[str, Data, int]:
    paper_id = rng.choice(sorted(reg.papers))
    data = json.loads(json.dumps(reg.papers[paper_id]))
    return paper_id, data, rng.randrange(len(data["results"]))


def change_value(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    metric = rng.choice(sorted(data["results"][i]["metrics"]))
    raw = data["results"][i]["metrics"][metric]
    old = raw["value"] if isinstance(raw, dict) else raw
    data["results"][i]["metrics"][metric] = round(old * 1.01 + 0.1, 4)
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: {metric} {old} changed", True


def remove_result(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    del data["results"][i]
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: results[{i}] removed", True


def delete_paper(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id = rng.choice(sorted(reg.papers))
    _paper_path(reg.root, paper_id).unlink()
    return f"{paper_id} deleted", True


def rename_and_change(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    _paper_path(reg.root, paper_id).unlink()
    data["id"] = f"{paper_id[:150]}-renamed"
    data.setdefault("corrections", []).append({
        "date": "2026-11-20", "reason": "a better id for the same paper",
        "renamed_from": paper_id})
    metric = sorted(data["results"][i]["metrics"])[0]
    raw = data["results"][i]["metrics"][metric]
    data["results"][i]["metrics"][metric] = (raw["value"] if isinstance(raw, dict) else raw) + 1
    _write(_paper_path(reg.root, data["id"]), data)
    return f"{paper_id} renamed with {metric} changed", True


def shadow(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    original = json.loads(json.dumps(data["results"][i]))
    variant = rng.choice([original["model"].upper(), f" {original['model']}  ",
                          original["model"] + "\u200b", original["model"].replace(" ", "\u00a0")])
    if variant == original["model"]:
        variant = original["model"] + "\u200d"
    metric = sorted(original["metrics"])[0]
    raw = original["metrics"][metric]
    data["results"][i]["metrics"][metric] = (raw["value"] if isinstance(raw, dict) else raw) + 3
    data["results"].append({**original, "model": variant})
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: {original['model']!r} changed behind a copy {variant!r}", True


def flip_direction(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    metric = rng.choice(reg.ranked_metrics)
    data = dict(reg.records["metrics"][metric])
    data["direction"] = "lower" if data["direction"] == "higher" else "higher"
    _write(reg.root / relative_path("metric", metric), data)
    return f"metric {metric} direction flipped", True


def drop_direction(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    metric = rng.choice(reg.ranked_metrics)
    data = {k: v for k, v in reg.records["metrics"][metric].items() if k != "direction"}
    _write(reg.root / relative_path("metric", metric), data)
    return f"metric {metric} direction removed", True


def detach_task(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    task = rng.choice(reg.child_tasks)
    data = {k: v for k, v in reg.records["tasks"][task].items() if k != "parent"}
    _write(reg.root / relative_path("task", task), data)
    return f"task {task} detached from its parent", task in reg.rolled_up


def delete_entity(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    kind = rng.choice(["metric", "task", "dataset"])
    used = {"metric": reg.ranked_metrics, "task": reg.used_tasks,
            "dataset": sorted({r["dataset"] for d in reg.papers.values() for r in d["results"]})}
    entity = rng.choice(used[kind])
    (reg.root / relative_path(kind, entity)).unlink()
    return f"{kind} {entity} deleted", True


def change_date(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    dated = sorted(i for i, d in reg.papers.items() if d.get("date"))
    paper_id = rng.choice(dated)
    data = json.loads(json.dumps(reg.papers[paper_id]))
    data["date"] = "2001-01-01" if data["date"] != "2001-01-01" else "2002-02-02"
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: date changed", True


def flip_extra_data(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    data["results"][i]["extra_training_data"] = not data["results"][i].get(
        "extra_training_data", False)
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: results[{i}] extra data flipped", True


def change_split(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    data["results"][i]["split"] = "held-out " + str(data["results"][i].get("split", ""))
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: results[{i}] moved to another split", True


def value_as_text(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    metric = rng.choice(sorted(data["results"][i]["metrics"]))
    raw = data["results"][i]["metrics"][metric]
    data["results"][i]["metrics"][metric] = f"{raw['value'] if isinstance(raw, dict) else raw}%"
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: {metric} written as text", True


def stray_correction(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    r = data["results"][i]
    metric = sorted(r["metrics"])[0]
    data.setdefault("corrections", []).append({
        "date": "2026-11-20", "reason": "written ahead, to cover a later edit",
        "result": {k: r[k] for k in ("task", "dataset", "split", "model") if k in r},
        "metric": metric, "old": 1, "new": 2})
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: a correction that covers nothing", True


def add_result(reg: Registry, rng: random.Random) -> tuple[str, bool]:
    paper_id, data, i = _pick_result(reg, rng)
    # A new result of its own: not with the copied one's other names (an alias naming another
    # result is V006).
    new = {k: v for k, v in data["results"][i].items() if k != "aliases"}
    data["results"].append({**new, "model": "A model never seen before"})
    _write(_paper_path(reg.root, paper_id), data)
    return f"{paper_id}: a result added", False


MUTATIONS: list[Mutation] = [
    change_value, remove_result, delete_paper, rename_and_change, shadow, flip_direction,
    drop_direction, detach_task, delete_entity, change_date, flip_extra_data, change_split,
    value_as_text, stray_correction, add_result]


def _refused(report: render.Report) -> set[tuple[Any, ...]]:
    return {(v.difference.kind, v.difference.board, v.difference.metric,
             v.difference.row.result.key if v.difference.row else None)
            for v in report.refused if v.difference.kind != "rank"}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    top = tmp_path_factory.mktemp("mutations")
    shutil.copytree(REPO / "registry", top / "registry")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "shipped")
    return Registry(top / "registry")


def test_no_mutation_is_silent(shipped: Registry) -> None:
    rng = random.Random(SEED)
    top = shipped.root.parent
    silent: list[str] = []
    let_through: list[str] = []
    for n in range(COUNT):
        mutate = MUTATIONS[n % len(MUTATIONS)]
        what, must_fail = mutate(shipped, rng)
        # The shipped registry's corrections carry the day they were made: judged against today,
        # not the suite's fixed day (a mutated paper may hold one made after it).
        report = validate(Options(registry=shipped.root, changed_since="main",
                                  today=max(TODAY, dt.date.today()), jobs=1))
        shown = render.report(compare(shipped.root, "main"))
        # The guard compiles only the changed papers' rows when it can: same verdicts.
        light = render.report(compare(shipped.root, "main", whole_boards=False))
        assert _refused(light) == _refused(shown), what
        errors = report.errors
        if not errors and not shown.verdicts and not shown.settings:
            silent.append(f"{mutate.__name__}: {what}")
        if must_fail and not errors:
            let_through.append(f"{mutate.__name__}: {what}")
        if not must_fail and errors:
            let_through.append(f"{mutate.__name__} refused: {what}: {report.diagnostics[:2]}")
        git(top, "checkout", "-qf", "main")
        git(top, "clean", "-qfd")
    assert not silent, silent
    assert not let_through, let_through
