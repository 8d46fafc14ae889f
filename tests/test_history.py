"""Guards on history: branches replayed in real git repositories, validated as CI does."""

from __future__ import annotations

from pathlib import Path

from pwc_registry.validate import Options, validate

from conftest import TODAY, git
from examples import materialise
from registry_builder import committed, paper, result


def _repo(tmp_path: Path) -> Path:
    return committed(tmp_path, materialise(Path("/nonexistent"), tmp_path), branch="pr")


def _check(registry: Path) -> list[str]:
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    return [f"{d.file}:{d.line}:{d.column}: {d.code} {d.message}" for d in report.diagnostics]


def _lert(registry: Path) -> Path:
    return next(registry.glob("papers/*/lert-*.yaml"))


CORRECTION = """corrections:
  - date: "2026-11-20"
    reason: Table 3 of v2 gives 64.73 (v1 printed 64.37)
    result:
      task: stock-market-prediction
      dataset: astock
      model: Chinese Lert Large (News)
    metric: accuracy
    old: 64.37
    new: 64.73
"""


def test_a_branch_that_silently_changes_a_value_fails(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    lert = _lert(registry)
    text = lert.read_text("utf-8")
    lert.write_text(text.replace("accuracy: 64.37", "accuracy: 64.73", 1), encoding="utf-8")
    git(tmp_path, "commit", "-qam", "fix a typo?")
    [found] = _check(registry)
    line = text[: text.index("accuracy: 64.37")].count("\n") + 1
    assert found == (f"registry/{lert.relative_to(registry)}:{line}:17: H001 accuracy of "
                     "'Chinese Lert Large (News)' on astock (stock-market-prediction) changes: "
                     "64.37 → 64.73")

    # The same change, recorded as a correction with its reason: accepted.
    lert.write_text(lert.read_text("utf-8").replace("results:", CORRECTION + "results:", 1),
                    encoding="utf-8")
    git(tmp_path, "commit", "-qam", "record the correction")
    assert _check(registry) == []


def test_a_branch_that_deletes_a_result_fails(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    lert = _lert(registry)
    text = lert.read_text("utf-8")
    start = text.index("  - task: stock-trend-prediction")
    end = text.index("  - task:", start + 10)
    lert.write_text(text[:start] + text[end:], encoding="utf-8")
    git(tmp_path, "commit", "-qam", "tidy up")
    found = _check(registry)
    assert len(found) == 1 and ": H002 the result 'Chinese Lert Large (News+Factors)' on astock " \
        "(stock-trend-prediction) is removed" in found[0]


def test_deleting_a_paper_fails_and_renaming_it_with_a_record_passes(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    lert = _lert(registry)
    text = lert.read_text("utf-8")
    lert.unlink()
    git(tmp_path, "commit", "-qam", "remove")
    [found] = _check(registry)
    assert ": H003 the paper 'lert-a-linguistically-motivated-pre-trained-language-model' is " \
        "removed, with its 4 results" in found

    new_id = "lert-linguistically-motivated-plm"
    renamed = text.replace("id: lert-a-linguistically-motivated-pre-trained-language-model",
                           f"id: {new_id}").replace("results:", (
                               'corrections:\n  - date: "2026-11-20"\n    reason: a shorter id, '
                               "as the site links it\n    renamed_from: "
                               "lert-a-linguistically-motivated-pre-trained-language-model\n"
                               "results:"), 1)
    from pwc_registry.layout import relative_path

    target = registry / relative_path("paper", new_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(renamed, encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "rename")
    assert _check(registry) == []


def test_a_branch_that_only_adds_a_paper_passes_without_a_word(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    paper(registry, "better-stock-model", "2024-02-01", [
        result("stock-market-prediction", "astock", "StockNet-XL", accuracy=68.02)])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "add a paper")
    assert _check(registry) == []


def test_tool_changes_beside_data_are_flagged_for_a_maintainer(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    paper(registry, "better-stock-model", "2024-02-01", [
        result("stock-market-prediction", "astock", "StockNet-XL", accuracy=68.02)])
    (tmp_path / "ci.sh").write_text("echo hi\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "add a paper and a script")
    assert _check(registry) == ["ci.sh:1:1: H004 changed together with registry data: a "
                                "maintainer reviews tool and data changes separately"]
