"""Nothing after validation crashes on validated data: every registry `pwc validate` passes
compiles with `pwc leaderboards build`, `pwc site build` and `pwc diff` (issue 12, class 7: a
400-digit value validated clean, then one merged line took the site down).

Checked on every valid example, and on generated registries that pass validation: extreme numbers
(10**300, 10**400, 2**60, the smallest normal float, -0.0), metrics without a range or a
direction, names with line breaks and Unicode. A build costs a hundred documents' checking, so
these run a hundredth of PWC_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pwc_registry import canonical, layout
from pwc_registry.cli import main
from pwc_registry.diagnostics import count
from pwc_registry.validate import Options, validate

from conftest import TODAY, git
from examples import cases, materialise


def _invoke(*args: str) -> str:
    outcome = CliRunner().invoke(main, list(args))
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), (
        args, outcome.output, outcome.exception)
    assert outcome.exit_code == 0, (args, outcome.output)
    return outcome.output


def _builds(registry: Path, out: Path) -> None:
    _invoke("leaderboards", "build", "--registry", str(registry), "--out", str(out / "lb"),
            "-j", "1")
    _invoke("site", "build", "--registry", str(registry), "--out", str(out / "site"))
    _invoke("diff", "main", "--registry", str(registry))
    _invoke("diff", "main", "--registry", str(registry), "--format", "json")


def _base_in_git(root: Path) -> Path:
    registry = materialise(Path("/nonexistent"), root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return registry


@pytest.mark.parametrize("case", cases("valid"), ids=lambda p: p.name)
def test_every_valid_example_builds(case: Path, tmp_path: Path) -> None:
    registry = _base_in_git(tmp_path / "repo")
    for source in sorted((case / "registry").rglob("*.yaml")):  # over the committed base
        target = registry / source.relative_to(case / "registry")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert count(report.diagnostics, "error") == 0, report.diagnostics
    _builds(registry, tmp_path / "out")


_numbers = st.one_of(
    st.integers(-(2 ** 53), 2 ** 53),
    st.integers(16, 400).map(lambda k: 10 ** k),  # to 10**308 floats exactly, then none
    st.integers(2 ** 53, 2 ** 70),  # mostly floats approximately
    # Subnormal floats are refused (Y020): the smallest normal one is the edge.
    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False),
    st.sampled_from([2.2250738585072014e-308, -0.0, 1e308, -1.7976931348623157e308, 2 ** 53,
                     0.1 + 0.2]))
_value = st.one_of(_numbers, st.fixed_dictionaries(
    {"value": _numbers}, optional={"spread": st.floats(0, 1e308), "note": st.just("std")}))
_name = st.lists(st.sampled_from(
    [*"aZ09 -_.()+/:#'\"é漢\n", "\u00a0", "Ａ", "😀", "<b>", "&amp;", "|", "*"]),
    min_size=1, max_size=8).map("".join).filter(lambda s: s.strip() != "")


@st.composite
def _results(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(1, 4))):
        metrics: dict[str, Any] = {}
        for metric in draw(st.lists(st.sampled_from(["perplexity", "score", "accuracy"]),
                                    min_size=1, max_size=3, unique=True)):
            metrics[metric] = (draw(st.floats(0, 100)) if metric == "accuracy"
                               else draw(_value))
        result: dict[str, Any] = {
            "task": draw(st.sampled_from(["stock-market-prediction", "language-modelling"])),
            "dataset": "astock", "model": f"{draw(_name)} {i}", "metrics": metrics}
        if draw(st.booleans()):
            result["split"] = draw(_name)
        if draw(st.booleans()):
            result["extra_training_data"] = draw(st.booleans())
        if draw(st.booleans()):
            result["date"] = draw(st.dates(dt.date(1990, 1, 1), TODAY)).isoformat()
        out.append(result)
    return out


# Most generated registries have an error (a value out of a metric's range, a name of a
# newline alone...) and are skipped by the `assume` below: what validation lets through must
# build. Hypothesis's health check then failed a run now and then, at random (50 skipped for
# 1 kept), which says nothing of the code under test.
@settings(max_examples=max(3, int(os.environ.get("PWC_FUZZ_EXAMPLES", "300")) // 100),
          deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.filter_too_much])
@given(papers=st.lists(_results(), min_size=1, max_size=3),
       dated=st.lists(st.dates(dt.date(1990, 1, 1), TODAY), min_size=3, max_size=3))
@example(papers=[[{"task": "language-modelling", "dataset": "astock", "model": "M",  # issue 12
                   "metrics": {"perplexity": 10 ** 400}}]], dated=[TODAY] * 3)
@example(papers=[[{"task": "language-modelling", "dataset": "astock", "model": "A\nB",
                   "metrics": {"perplexity": 10 ** 300, "score": {
                       "value": -0.0, "spread": 2.2250738585072014e-308}}}]],
         dated=[TODAY] * 3)
@example(papers=[[{"task": "language-modelling", "dataset": "astock", "model": "A",
                   "metrics": {"perplexity": 1e308}}],  # the chart's span overflowed
                 [{"task": "language-modelling", "dataset": "astock", "model": "B",
                   "metrics": {"perplexity": -1.7976931348623157e308}}]],
         dated=[dt.date(2020, 1, 1), dt.date(2021, 1, 1), TODAY])
def test_generated_valid_registries_build(tmp_path_factory: pytest.TempPathFactory,
                                          papers: list[list[dict[str, Any]]],
                                          dated: list[dt.date]) -> None:
    root = tmp_path_factory.mktemp("generated")
    registry = _base_in_git(root / "repo")
    for metric, extra in (("perplexity", {"direction": "lower"}), ("score", {})):
        path = registry / layout.relative_path("metric", metric)
        path.write_text(canonical.dump({"id": metric, "name": metric.title(), **extra},
                                       "metric"), encoding="utf-8")
    for n, results in enumerate(papers):
        record = {"id": f"generated-{n}", "title": f"Generated {n}",
                  "date": dated[n].isoformat(), "results": results}
        path = registry / layout.relative_path("paper", record["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(canonical.dump(record, "paper"), encoding="utf-8")
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assume(count(report.diagnostics, "error") == 0)  # what validation lets through must build
    _builds(registry, root / "out")


def test_a_published_value_turned_into_text_is_reported_at_its_line(tmp_path: Path) -> None:
    """`"66.36%"` in place of a merged 66.36 crashed `--changed-since` (issue 12, class 7): it is a
    V001 on its line, and `pwc diff` says the file was not compared."""
    registry = _base_in_git(tmp_path / "repo")
    paper = next(registry.glob("papers/*/astock-*.yaml"))
    text = paper.read_text("utf-8")
    assert "accuracy: 66.36\n" not in text
    paper.write_text(text + "results:\n  - task: stock-market-prediction\n    dataset: astock\n"
                     "    model: M\n    metrics:\n      accuracy: 66.36\n", encoding="utf-8")
    git(tmp_path / "repo", "commit", "-qam", "a result")
    lines = paper.read_text("utf-8").splitlines()
    line = lines.index("      accuracy: 66.36") + 1
    paper.write_text(paper.read_text("utf-8").replace("accuracy: 66.36", 'accuracy: "66.36%"'),
                     encoding="utf-8")
    outcome = CliRunner().invoke(main, ["validate", "--changed-since", "main", "--registry",
                                        str(registry), "--format", "json"])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(outcome.output)["diagnostics"]]
    assert ("V001", line, 17) in found, found
    assert "not compared" in _invoke("diff", "main", "--registry", str(registry))
