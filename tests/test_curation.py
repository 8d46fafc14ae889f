"""The curation scripts (scripts/merge_entities.py, scripts/merge_duplicate_rows.py) on small
registries in real git repositories: what they change, and that the guard on history accepts
it as they leave it (every moved or removed row carries its correction)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from pwc_registry.layout import relative_path
from pwc_registry.leaderboard import find_leaderboard
from pwc_registry.registry import load_registry
from pwc_registry.validate import Options, validate

from conftest import REPO, TODAY, git
from examples import materialise
from registry_builder import paper, result, write

DAY = "2026-11-25"  # the corrections' date: before the suite's today


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _branch(tmp_path: Path) -> Path:
    """The registry as committed on main, checked out on a branch."""
    registry = tmp_path / "registry"
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "published")
    git(tmp_path, "checkout", "-qb", "curation")
    return registry


def _guard(registry: Path) -> list[str]:
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    return [f"{d.code} {d.file}" for d in report.diagnostics if d.code != "H004"]


def _results(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load(path.read_text(encoding="utf-8"))["results"]  # type: ignore[no-any-return]


def test_a_row_listed_twice_becomes_one_result_with_the_other_name_as_alias(tmp_path: Path
                                                                            ) -> None:
    """registry/papers/59/universal-language-model-fine-tuning-for-text-classification.yaml as
    imported: "ULMFiT (2018)" (NLP-progress) and "ULMFiT" (the paper's own row, with its code
    link), same value. Names that differ otherwise, or values that differ, are left alone."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    dated = result("stock-market-prediction", "astock", "ULMFiT (2018)", accuracy=5.01)
    dated["extra_training_data"] = False
    own = result("stock-market-prediction", "astock", "ULMFiT", accuracy=5.01)
    own["code_links"] = [{"title": "official", "url": "https://github.com/example/ulmfit"}]
    path = paper(registry, "ulmfit", "2018-01-18", [
        dated, own,
        result("stock-market-prediction", "astock", "CNN (2016)", accuracy=4.0),
        result("stock-market-prediction", "astock", "CNN", accuracy=4.5)])
    _branch(tmp_path)
    before = validate(Options(registry=registry, today=TODAY, jobs=1)).diagnostics
    assert [(d.code, d.line) for d in before] == [("Q005", 13)]

    removed, left = _script("merge_duplicate_rows").merge_registry(registry, DAY)

    assert (removed, left) == (1, [])
    results = _results(path)
    assert [(r["model"], r.get("aliases")) for r in results] == [
        ("ULMFiT", ["ULMFiT (2018)"]), ("CNN (2016)", None), ("CNN", None)]
    assert results[0]["code_links"] == own["code_links"]
    # the removal is corrected, and Q005 is gone; the alias added is said (H015)
    assert _guard(registry) == [f"H015 {path.relative_to(tmp_path)}"]
    corrections = yaml.safe_load(path.read_text(encoding="utf-8"))["corrections"]
    assert corrections == [{"date": DAY, "reason": "duplicate of 'ULMFiT' (same paper, same "
                            "values); name kept as an alias", "result": {
                                "task": "stock-market-prediction", "dataset": "astock",
                                "model": "ULMFiT (2018)"}}]


def _squad(tmp_path: Path, f1: float, *, ids: str = "squad-{kind}-test") -> Path:
    """As the archive had SQuAD (registry/papers/83/reasonet-learning-to-stop-reading-in-
    machine-comprehension.yaml): its EM and F1 as two datasets, each with a metric 'score'
    (``ids``: their ids, by ``kind``, em or f1)."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    for metric in ("score", "em"):
        write(registry, "metric", {"id": metric, "name": metric.upper(), "direction": "higher"})
    write(registry, "task", {"id": "question-answering", "name": "Question Answering"})
    write(registry, "dataset", {"id": "squad", "name": "SQuAD", "description": "Wikipedia QA."})
    for kind in ("em", "f1"):
        name = f"Stanford Question Answering Dataset {kind.upper()} test"
        write(registry, "dataset", {"id": ids.format(kind=kind), "name": name})
        write(registry, "benchmark", {"id": f"question-answering--{ids.format(kind=kind)}",
                                      "task": "question-answering",
                                      "dataset": ids.format(kind=kind),
                                      "directions": {"score": "higher"}})
    paper(registry, "reasonet", "2016-09-17", [
        result("question-answering", ids.format(kind="em"), "ReasoNet ensemble", score=73.4),
        result("question-answering", ids.format(kind="f1"), "ReasoNet ensemble", score=f1)])
    _branch(tmp_path)
    return registry


def test_squads_two_datasets_become_one_board_with_its_two_metrics(tmp_path: Path) -> None:
    registry = _squad(tmp_path, 82.9)
    merge = _script("merge_entities").merge
    merge(registry, "dataset", "squad-em-test", "squad", "SQuAD's EM on its test set", DAY,
          {"score": "em"}, "test")
    merge(registry, "dataset", "squad-f1-test", "squad", "SQuAD's F1 on its test set", DAY,
          {"score": "f1-score"}, "test")

    assert _guard(registry) == []
    loaded = load_registry(registry)
    assert loaded.entities["dataset"]["squad"]["aliases"] == [
        "Stanford Question Answering Dataset EM test",
        "Stanford Question Answering Dataset F1 test"]
    assert set(loaded.entities["dataset"]) == {"astock", "squad"}
    board = find_leaderboard(loaded, "question-answering", "squad", "test")
    assert [(r.result.model, {m: v.value for m, v in r.result.metrics.items()})
            for r in board.rows] == [("ReasoNet ensemble", {"em": 73.4, "f1-score": 82.9})]
    assert sorted(p.name for p in (registry / "benchmarks").iterdir()) == [
        "question-answering--squad--test.yaml"]


def test_a_merge_that_would_lose_a_value_writes_nothing(tmp_path: Path) -> None:
    """Both datasets mapped to one metric: the paper's two values cannot both be kept."""
    registry = _squad(tmp_path, 82.9)
    module = _script("merge_entities")
    module.merge(registry, "dataset", "squad-em-test", "squad", "SQuAD's EM on its test set",
                 DAY, {"score": "em"}, "test")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "EM merged")
    with pytest.raises(module.Refused, match="two values of em"):
        module.merge(registry, "dataset", "squad-f1-test", "squad", "a mistaken mapping", DAY,
                     {"score": "em"}, "test")
    assert git(tmp_path, "status", "--porcelain") == ""


def test_a_merge_writes_no_file_through_a_link_and_refuses_a_linked_folder(
        tmp_path: Path) -> None:
    """helper-76: the scripts wrote in place, through a hard link to a file outside the
    registry, and left a paper in a linked shard out of a merge without a word (the task
    deleted, exit 0)."""
    import os

    from pwc_registry.layout import relative_path
    from pwc_registry.writing import NotWritten

    registry = _squad(tmp_path, 82.9)
    module = _script("merge_entities")
    path = registry / relative_path("paper", "reasonet")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    os.link(path, outside / "hard.yaml")
    before = (outside / "hard.yaml").read_bytes()
    module.merge(registry, "dataset", "squad-em-test", "squad", "SQuAD's EM on its test set",
                 DAY, {"score": "em"}, "test")
    assert (outside / "hard.yaml").read_bytes() == before  # the registry's file is new
    assert path.read_bytes() != before
    # A shard that is a link: refused before anything is written.
    shard = path.parent
    moved = outside / "shard"
    shard.rename(moved)
    shard.symlink_to(moved)
    git(tmp_path, "add", "-A")
    status = git(tmp_path, "status", "--porcelain")
    with pytest.raises(NotWritten):
        module.merge(registry, "dataset", "squad-f1-test", "squad",
                     "SQuAD's F1 on its test set", DAY, {"score": "f1-score"}, "test")
    assert git(tmp_path, "status", "--porcelain") == status
    assert module.main(["dataset", "squad-f1-test", "squad", "--reason", "x",
                        "--registry", str(registry)]) == 1


def test_the_archive_imported_again_does_not_bring_back_what_a_merge_moved(
        tmp_path: Path) -> None:
    """After SQuAD's EM and F1 tables were merged into SQuAD's test set, importing the
    archive again put each moved row back, its EM table's as `score` on SQuAD and its F1
    table's numbered "ReasoNet ensemble [2]", beside the merged result: the corrections name
    the rows by the merged datasets' ids, which the archive's names now find as `squad`
    (found by a curator re-importing the corpus, 46 rows). Each is reported (A053)."""
    import json

    from pwc_registry.archive.importer import Options as ImportOptions
    from pwc_registry.archive.importer import import_archive

    # The archive's own ids: its import names a new dataset by its name's slug.
    ids = "stanford-question-answering-dataset-{kind}-test"
    registry = _squad(tmp_path, 82.9, ids=ids)
    merge = _script("merge_entities").merge
    merge(registry, "dataset", ids.format(kind="em"), "squad", "SQuAD's EM on its test set",
          DAY, {"score": "em"}, "test")
    merge(registry, "dataset", ids.format(kind="f1"), "squad", "SQuAD's F1 on its test set",
          DAY, {"score": "f1-score"}, "test")
    paper_file = next((registry / "papers").rglob("reasonet.yaml"))
    merged = paper_file.read_bytes()
    tables = tmp_path / "evaluation-tables.json"
    tables.write_text(json.dumps([{"task": "Question Answering", "datasets": [
        {"dataset": f"Stanford Question Answering Dataset {kind} test",
         "sota": {"metrics": ["Score"], "rows": [
             {"model_name": "ReasoNet ensemble", "paper_title": "Paper reasonet",
              "metrics": {"Score": value}}]}}
        for kind, value in (("EM", 73.4), ("F1", 82.9))]}]))
    report = import_archive(ImportOptions(registry=registry, today=TODAY, jobs=1,
                                          evaluation_tables=[tables]))
    assert paper_file.read_bytes() == merged
    assert sorted(d.message.split("'")[2] for d in report.diagnostics if d.code == "A053") == [
        "ReasoNet ensemble", "ReasoNet ensemble [2]"]


def test_a_moved_result_joins_the_same_result_listed_after_it(tmp_path: Path) -> None:
    """As ConvS2S is in registry/papers/ca/convolutional-sequence-to-sequence-learning.yaml:
    on the archive's "news-test-2014 En-De BLEU" first, on NLP-progress's "WMT 2014 EN-DE"
    further down, with one value. The merge looked for the same result among the results
    before it only, and left two (V006)."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    for metric in ("bleu-score", "bleu"):
        write(registry, "metric", {"id": metric, "name": metric.upper(), "direction": "higher"})
    write(registry, "task", {"id": "machine-translation", "name": "Machine Translation"})
    for dataset in ("news-test-2014-en-de-bleu", "wmt-2014-en-de"):
        write(registry, "dataset", {"id": dataset, "name": dataset})
    later = result("machine-translation", "wmt-2014-en-de", "ConvS2S", bleu=25.16)
    later["aliases"] = ["ConvS2S (2017)"]
    archive = {"reported_by": "papers-with-code-archive"}
    later["source"] = {"url": "https://arxiv.org/abs/1705.03122", **archive}
    first = result("machine-translation", "news-test-2014-en-de-bleu", "ConvS2S",
                   bleu_score=25.16)
    first["source"] = archive  # the same source, without its address
    paper(registry, "convs2s", "2017-05-08", [first, later])
    _branch(tmp_path)
    _script("merge_entities").merge(registry, "dataset", "news-test-2014-en-de-bleu",
                                    "wmt-2014-en-de", "one test set, newstest2014", DAY,
                                    {"bleu-score": "bleu"}, None)
    assert _guard(registry) == []
    [kept] = _results(registry / relative_path("paper", "convs2s"))
    assert kept == {**later, "metrics": {"bleu": 25.16}}


def _two_datasets(tmp_path: Path) -> Path:
    """Two datasets of one task, a metric each way (accuracy up, error down), a paper on both."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    for metric, name, direction in (("digit-acc", "Digit Accuracy", "higher"),
                                    ("digit-err", "Digit Error", "lower"),
                                    ("digit-top", "Digit Top", "higher")):
        write(registry, "metric", {"id": metric, "name": name, "direction": direction,
                                   "unit": "percent"})
    write(registry, "task", {"id": "vision", "name": "Vision"})
    write(registry, "task", {"id": "digits", "name": "Digits", "parent": "vision"})
    for dataset in ("mnist", "mnist-2"):
        write(registry, "dataset", {"id": dataset, "name": dataset.upper()})
    on_test = result("digits", "mnist", "Net", digit_acc=99.1, digit_top=99.5)
    on_test["split"] = "test"
    spread = result("digits", "mnist-2", "Wide", digit_acc={"value": 99.0, "spread": 0.1})
    paper(registry, "digits-paper", "2020-01-01",
          [on_test, spread, result("digits", "mnist", "Wide", digit_acc=99.0)], tasks=["digits"])
    _branch(tmp_path)
    return registry


@pytest.mark.parametrize(("args", "refusal"), [
    (("dataset", "mnist", "mnist", {}, None), "merged into itself"),
    (("dataset", "mnist", "mnist-2", {"digit-acc": "digit-err"}, None), "direction 'higher'"),
    (("dataset", "mnist", "mnist-2", {"digit-acc": "gone"}, None), "no metric 'gone'"),
    (("dataset", "mnist", "mnist-2", {"digit-top": "digit-acc"}, None), "two values of one metric"),
    (("dataset", "mnist", "mnist-2", {}, "dev"), "filed under split 'test'"),
    (("dataset", "mnist-2", "mnist", {}, None), "two values of digit-acc"),
])
def test_a_merge_that_would_lose_or_invent_a_value_writes_nothing(
        tmp_path: Path, args: tuple, refusal: str) -> None:  # type: ignore[type-arg]
    """helper-87: a merge into itself deleted the dataset and its boards; two metrics mapped
    onto one kept the last; accuracy became error and a percent another metric's number; a
    split the results had was overwritten; a joined result lost its published ± 0.1."""
    registry = _two_datasets(tmp_path)
    module = _script("merge_entities")
    kind, other, keep, metrics, split = args
    with pytest.raises(module.Refused, match=refusal):
        module.merge(registry, kind, other, keep, "a reason", DAY, metrics, split)
    assert git(tmp_path, "status", "--porcelain") == ""


def test_a_task_merged_with_its_parent_is_not_its_own_parent(tmp_path: Path) -> None:
    """helper-87: the kept task took the other's parent (itself), or a child kept its parent
    renamed to itself: R003, a cycle. Nor does a dataset merge touch a paper's `tasks:`."""
    registry = _two_datasets(tmp_path)
    merge = _script("merge_entities").merge
    merge(registry, "task", "digits", "vision", "one task", DAY, {}, None)
    assert "parent" not in load_registry(registry).entities["task"]["vision"]
    assert not [line for line in _guard(registry) if not line.startswith("H")]
    git(tmp_path, "checkout", "-q", "--", ".")
    git(tmp_path, "clean", "-fdq")
    merge(registry, "task", "vision", "digits", "one task", DAY, {}, None)
    assert "parent" not in load_registry(registry).entities["task"]["digits"]


def test_the_command_refuses_what_the_validator_would(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    registry = _two_datasets(tmp_path)
    main = _script("merge_entities").main
    for extra in (["--reason", " "], ["--reason", "r", "--date", "2026-02-30"],
                  ["--reason", "r", "--date", "2999-01-01"],
                  ["--reason", "r", "--split", "验证集"], ["--reason", "r", "--metric", "digit-acc"]):
        with pytest.raises(SystemExit) as stop:
            main(["dataset", "mnist", "mnist-2", "--registry", str(registry), *extra])
        assert stop.value.code == 2, extra
    assert git(tmp_path, "status", "--porcelain") == ""


def test_duplicate_rows_that_differ_in_a_spread_are_left_alone(tmp_path: Path) -> None:
    """The duplicate rule compares numbers: "ULMFiT (2018)" with ± 0.2 beside "ULMFiT"
    without lost its spread when the dated row was removed."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    path = paper(registry, "ulmfit", "2018-01-18", [
        result("stock-market-prediction", "astock", "ULMFiT (2018)",
               accuracy={"value": 5.01, "spread": 0.2}),
        result("stock-market-prediction", "astock", "ULMFiT", accuracy=5.01)])
    _branch(tmp_path)
    removed, left = _script("merge_duplicate_rows").merge_registry(registry, DAY)
    assert removed == 0 and len(left) == 1 and "spread or note" in left[0]
    assert len(_results(path)) == 2


def test_a_moved_row_joins_no_published_row_it_would_flag(tmp_path: Path) -> None:
    """helper-89: a moved row trained on extra data joined the published row of the same
    model and value, which had no flag (false): it became flagged with no correction."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "metric", {"id": "digit-acc", "name": "Digit Accuracy",
                               "direction": "higher", "unit": "percent"})
    write(registry, "task", {"id": "digits", "name": "Digits"})
    for dataset in ("mnist", "mnist-2"):
        write(registry, "dataset", {"id": dataset, "name": dataset.upper()})
    flagged = result("digits", "mnist-2", "Flag", digit_acc=98.0, extra=True)
    paper(registry, "flag-paper", "2020-01-01",
          [result("digits", "mnist", "Flag", digit_acc=98.0), flagged])
    _branch(tmp_path)
    module = _script("merge_entities")
    with pytest.raises(module.Refused, match="extra_training_data True"):
        module.merge(registry, "dataset", "mnist-2", "mnist", "one dataset", DAY, {}, None)
    assert git(tmp_path, "status", "--porcelain") == ""


def test_a_board_of_another_split_is_not_refiled(tmp_path: Path) -> None:
    """helper-89: `--split test` moved the benchmark file of the dev board onto test."""
    registry = _two_datasets(tmp_path / "x")  # its own repository
    write(registry, "benchmark", {"id": "digits--mnist-2--dev", "task": "digits",
                                  "dataset": "mnist-2", "split": "dev",
                                  "primary_metric": "digit-acc"})
    git(tmp_path / "x", "add", "-A")
    git(tmp_path / "x", "commit", "-qm", "a dev board")
    module = _script("merge_entities")
    with pytest.raises(module.Refused, match="split 'dev' is not refiled"):
        module.merge(registry, "dataset", "mnist-2", "mnist", "one", DAY, {}, "test")
    assert git(tmp_path / "x", "status", "--porcelain") == ""


def test_three_duplicate_rows_that_disagree_among_themselves_are_left_alone(
        tmp_path: Path) -> None:
    """helper-89: of "Net", "Net (2018)" (code A) and "Net (2019)" (code B), both dated rows
    were removed: B was compared with "Net" alone, which had no code, and was lost."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    rows = [result("stock-market-prediction", "astock", name, accuracy=5.01)
            for name in ("Net", "Net (2018)", "Net (2019)")]
    rows[1]["code_links"] = [{"title": "a", "url": "https://github.com/example/a"}]
    rows[2]["code_links"] = [{"title": "b", "url": "https://github.com/example/b"}]
    path = paper(registry, "net", "2018-01-18", rows)
    _branch(tmp_path)
    removed, left = _script("merge_duplicate_rows").merge_registry(registry, DAY)
    assert removed == 0 and len(left) == 1 and "another code_links" in left[0]
    assert len(_results(path)) == 3
