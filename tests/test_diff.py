"""`pwc diff` on real git repositories: what a branch does to the leaderboards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pwc_registry.cli import main

from conftest import REPO, git
from registry_builder import committed, paper, result, speech_registry


def invoke(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args))
    return outcome.exit_code, outcome.output


def _repo(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    return committed(tmp_path, tmp_path / "registry", branch="pr")


def test_a_branch_adding_a_result_prints_the_new_state_of_the_art(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    paper(registry, "better-stock-model", "2024-02-01", [
        result("stock-market-prediction", "astock", "StockNet-XL", accuracy=68.02,
               f1_score={"value": 67.5, "spread": 0.3})])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "add a result")
    code, out = invoke("diff", "main", "pr", "--registry", str(registry))
    assert code == 0, out
    assert "### New state of the art" in out
    assert ("- **Stock Market Prediction on Astock** — Accuracy 68.02 by StockNet-XL "
            "(Paper better-stock-model), previous best 66.36 by Chinese Lert Large "
            "(News+Factors) ([LERT: A Linguistically-motivated Pre-trained Language Model]"
            "(https://arxiv.org/abs/2211.05344)); also the best without extra training data"
            ) in out
    # One summary line first; a HEAD other than the work tree is not validated.
    assert out.split("\n")[2] == ("**1 result added, 0 changed, 0 removed · 1 new best · "
                                   "validation not run**")
    assert "### Results added (1)" in out
    # with the spread the paper gives (helper-65: the comment dropped it)
    assert "| StockNet-XL | Accuracy 68.02, F1-score 67.5 ± 0.3 | rank 1 of 3 |" in out
    assert "###" not in out.split("### New state")[0]  # nothing refused, corrected or changed
    code, out = invoke("diff", "main", "pr", "--registry", str(registry), "--format", "json")
    data = json.loads(out)
    assert data["new_state_of_the_art"] == [{
        "benchmark": "stock-market-prediction--astock", "metric": "accuracy", "value": 68.02,
        "model": "StockNet-XL", "holder": "better-stock-model",
        "previous": {"value": 66.36, "model": "Chinese Lert Large (News+Factors)",
                     "holder": "lert-a-linguistically-motivated-pre-trained-language-model"}}]
    assert data["far_above_previous_best"] == []


def test_changed_and_removed_values_and_far_jumps_are_flagged(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    text = lert.read_text()
    text = text.replace("accuracy: 64.37", "accuracy: 94.37", 1)  # a typo: 64 → 94
    head = text.partition("  - task: stock-trend-prediction")
    lert.write_text(head[0])  # drops both stock-trend-prediction results
    # compared with the work tree: nothing committed
    code, out = invoke("diff", "main", "--registry", str(registry))
    assert code == 0, out
    assert "### ⛔ 3 changes to published leaderboards without a correction" in out
    assert "| stock-market-prediction--astock | LERT: A Linguistically-motivated Pre-trained " \
           "Language Model | Chinese Lert Large (News) | value: Accuracy | 64.37 | 94.37 |" in out
    assert "| stock-trend-prediction--astock | LERT: A Linguistically-motivated Pre-trained " \
           "Language Model | Chinese Lert Large (News) | result removed | — | — |" in out
    assert "### ⚠️ Far above the previous best (by more than 20%)" in out
    assert "### Results removed (2)" in out
    far = out.split("### ⚠️ Far above")[1].split("###")[0]
    assert "Accuracy 94.37 by Chinese Lert Large (News)" in far
    assert "Accuracy 94.37 by Chinese Lert Large (News)" in out.split("### New state")[1]


def test_lower_is_better_new_best(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "speech")
    paper(registry, "even-better-asr", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "G", word_error_rate=2.4),
        result("speech-recognition", "librispeech-test-clean", "G-small", word_error_rate=4.0)])
    code, out = invoke("diff", "HEAD", "--registry", str(registry))
    assert code == 0, out
    new_best = out.split("### New state of the art")[1].split("###")[0]
    assert "Word Error Rate 2.4 by G (Paper even-better-asr), previous best 2.5 by F" in new_best
    assert "G-small" not in new_best


def test_no_change(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    code, out = invoke("diff", "main", "pr", "--registry", str(registry))
    assert code == 0
    assert "No results are added, removed or changed." in out


def test_unknown_ref_is_a_usage_error(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    code, out = invoke("diff", "no-such-branch", "--registry", str(registry))
    assert code == 2 and "no-such-branch" in out


def test_a_commit_is_read_from_the_object_store_when_the_work_tree_differs(
        tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    paper(registry, "better-stock-model", "2024-02-01", [
        result("stock-market-prediction", "astock", "StockNet-XL", accuracy=68.02)])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "add a result")
    # an uncommitted edit on top: `diff main pr` is about the commit, not the work tree
    edited = next(registry.glob("papers/*/better-stock-model.yaml"))
    edited.write_text(edited.read_text().replace("68.02", "99.9"))
    code, out = invoke("diff", "main", "pr", "--registry", str(registry))
    assert code == 0
    assert "Accuracy 68.02 by StockNet-XL" in out and "99.9" not in out
    code, out = invoke("diff", "main", "--registry", str(registry))
    assert "Accuracy 99.9 by StockNet-XL" in out


def test_a_broken_paper_is_not_reported_as_removed_results(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    lert.write_text(lert.read_text().replace("accuracy: 66.36", "accuracy: [66.36", 1))
    code, out = invoke("diff", "main", "--registry", str(registry))
    assert code == 0
    assert "### ⚠️ 1 changed paper or source file not compared" in out
    assert "❌ validation failed" in out.split("\n")[2]
    assert f"- {lert.relative_to(tmp_path).as_posix()}" in out
    assert "Results removed" not in out


def test_the_same_report_when_papers_are_parsed_by_worker_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pwc_registry import source

    registry = speech_registry(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "speech")
    paper(registry, "even-better-asr", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "G", word_error_rate=2.4)])
    one = invoke("diff", "HEAD", "--registry", str(registry), "--format", "json")
    monkeypatch.setattr(source, "PARALLEL_THRESHOLD", 0)
    two = invoke("diff", "HEAD", "--registry", str(registry), "--format", "json")
    assert one == two and one[0] == 0
    assert '"value": 2.4' in one[1]


def test_the_best_row_changed_is_not_a_new_state_of_the_art(tmp_path: Path) -> None:
    """LERT's 66.36 is Astock's best: raising it to 66.50 changes a published number (listed
    as such), it sets no new best over itself."""
    registry = _repo(tmp_path)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    text = lert.read_text()
    lert.write_text(text.replace("accuracy: 66.36", "accuracy: 66.5", 1))  # the first: Astock
    code, out = invoke("diff", "main", "--registry", str(registry))
    assert code == 0, out
    assert "### New state of the art" not in out
    assert "| Chinese Lert Large (News+Factors) | value: Accuracy | 66.36 | 66.5 |" in out
    code, out = invoke("diff", "main", "--registry", str(registry), "--format", "json")
    assert json.loads(out)["new_state_of_the_art"] == []


def test_a_corrected_value_is_not_questioned_as_far_above(tmp_path: Path) -> None:
    """A value a correction changes (0.851 → 85.1, a fraction to percent) was listed as far
    above the previous best, its own old value; the correction explains it."""
    registry = _repo(tmp_path)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    text = lert.read_text().replace("accuracy: 64.37", "accuracy: 94.37", 1)
    lert.write_text(text + (
        "corrections:\n  - date: \"2026-12-02\"\n    reason: the paper's table says 94.37\n"
        "    result:\n      task: stock-market-prediction\n      dataset: astock\n"
        "      model: Chinese Lert Large (News)\n    metric: accuracy\n    old: 64.37\n"
        "    new: 94.37\n"))
    code, out = invoke("diff", "main", "--registry", str(registry))
    assert code == 0, out
    assert "corrected change" in out and "Far above" not in out, out


def test_a_verdict_on_head_is_not_the_work_trees_when_they_differ(tmp_path: Path) -> None:
    """helper-92: a paper committed on a new dataset left untracked: `pwc diff main HEAD`
    said "valid" (the work tree's verdict) of a commit that fails CI (R001)."""
    from registry_builder import write

    registry = committed(tmp_path, speech_registry(tmp_path), branch="pr")
    paper(registry, "new-asr", "2024-01-01", [
        result("speech-recognition", "new-speech-set", "Net", word_error_rate=3.0)])
    git(tmp_path, "add", "registry/papers")
    git(tmp_path, "commit", "-qm", "the paper, not its dataset")
    write(registry, "dataset", {"id": "new-speech-set", "name": "New speech set"})
    outcome = CliRunner().invoke(main, ["diff", "main", "HEAD", "--registry", str(registry)])
    assert outcome.exit_code == 0
    assert "✅ valid" not in outcome.stdout and "no verdict" in outcome.stderr
    assert "registry/datasets/new-speech-set.yaml" in outcome.stderr
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the dataset")
    outcome = CliRunner().invoke(main, ["diff", "main", "HEAD", "--registry", str(registry)])
    assert "✅ valid" in outcome.stdout and outcome.stderr == ""
