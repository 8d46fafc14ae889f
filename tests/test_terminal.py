"""What a contributor reads in the terminal and on a pull request (issue 16): the change's own
problems first, old warnings in one line, -q, tables that fit, JSON, and lists of leaderboards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pwc_registry.cli import main
from pwc_registry.terminal import cell_width, table

from conftest import REPO, git
from registry_builder import paper, registry_in_git, result, write

OLD = 12


def invoke(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args), env=env)
    return outcome.exit_code, outcome.output


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """main holds OLD papers with a warning each (V003, a fraction on a percent metric); the
    branch adds a dataset (so every paper is checked again) and a paper with a warning."""
    registry = registry_in_git(tmp_path)
    for i in range(OLD):
        paper(registry, f"old-{i:02}", "2023-01-01",
              [result("stock-market-prediction", "astock", f"Old {i}", accuracy=0.5)])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "old papers")
    git(tmp_path, "checkout", "-qb", "pr")
    write(registry, "dataset", {"id": "astock-2", "name": "Astock 2"})
    paper(registry, "mine", "2024-01-01",
          [result("stock-market-prediction", "astock", "Mine", accuracy=0.7)])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "my paper")
    return registry


def test_a_pull_request_annotates_its_own_files_and_summarises_old_warnings(
        pull_request: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = invoke("validate", "--changed-since", "main", "--format", "github",
                       "--registry", str(pull_request))
    assert code == 0, out
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 and "mine.yaml" in annotations[0], out
    assert f"{OLD} warnings on {OLD} files not changed or named, not listed" in out
    # The job summary has the full list, the others folded under the same line (it listed
    # them with the change's own, as the README says it does not; helper-65).
    page = summary.read_text("utf-8")
    own, folded = page.split("<details>")
    assert own.count("| ⚠️ |") == 1 and "mine.yaml" in own
    assert folded.startswith(f"<summary>{OLD} warnings on {OLD} files not changed or named") \
        and folded.count("| ⚠️ |") == OLD
    # Files named, one of them an entity (every file is checked again): the same (it listed
    # the registry's every warning after `pwc new dataset`; helper-65).
    dataset = next(pull_request.glob("datasets/astock-2.yaml"))
    code, out = invoke("validate", str(dataset), "--registry", str(pull_request))
    assert code == 0 and ": V003 " not in out
    assert f"{OLD + 1} warnings on {OLD + 1} files not changed or named, not listed" in out
    code, out = invoke("validate", "--changed-since", "main", "--registry", str(pull_request))
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in out.splitlines()
            if ": V003 " in line] == ["mine.yaml"]
    # Without --changed-since every warning is listed, as before.
    code, out = invoke("validate", "--registry", str(pull_request))
    assert out.count(": V003 ") == OLD + 1


def test_quiet_prints_the_errors_and_the_summary_line(pull_request: Path) -> None:
    code, out = invoke("validate", "-q", "--registry", str(pull_request))
    assert code == 0
    assert out.splitlines() == [f"checked 2 areas, 2 datasets, 4 metrics, {OLD + 3} papers, "
                                f"3 tasks (all files): 0 errors, {OLD + 1} warnings"]
    mine = next(pull_request.glob("papers/*/mine.yaml"))
    mine.write_text(mine.read_text("utf-8").replace("astock\n", "astok\n"), encoding="utf-8")
    code, out = invoke("validate", "--quiet", "--registry", str(pull_request))
    assert code == 1
    assert [line.split(" ")[1] for line in out.splitlines() if ".yaml:" in line] == ["R001"]
    assert "hint: did you mean 'astock'" in out


def test_tables_fit_the_terminal_and_count_wide_characters_as_two_columns() -> None:
    rows = [["1", "股票预测模型" * 3, "Chinese Lert Large (News+Factors)", "66.36"],
            ["2", "Über naïve", "x" * 70, "64.37"]]
    for width in (40, 60, 80):
        lines = table(["#", "Title", "Model", "Accuracy"], rows, width=width).splitlines()
        assert max(cell_width(line) for line in lines) <= width, lines
    assert cell_width("股票") == 4 and cell_width("Über") == 4
    text = table(["a", "b"], [["股票", "x"], ["ab", "y"]], width=80).splitlines()
    # The second column starts at the same place on the screen in every row.
    assert [cell_width(line[:-1]) for line in text[2:]] == [6, 6]
    # More columns than fit, even cut: the last are left out, and named.
    lines = table([f"column {i}" for i in range(12)], [["value"] * 12], width=40).splitlines()
    assert max(cell_width(line) for line in lines) <= 40
    assert lines[-1].startswith("(left out to fit 40 columns: column")


def test_the_registry_s_leaderboard_fits_eighty_columns() -> None:
    code, out = invoke("leaderboards", "show", "Stock Market Prediction", "Astock",
                       "--registry", str(REPO / "registry"), env={"COLUMNS": "80"})
    assert code == 0, out
    assert max(cell_width(line) for line in out.splitlines()) <= 80


def test_piped_output_keeps_every_cell_whole() -> None:
    """With no terminal and no COLUMNS, there is no width to fit: `pwc leaderboards show ... |
    grep` sees LERT's whole title (it was cut at 48 columns however the output went)."""
    code, out = invoke("leaderboards", "show", "Stock Market Prediction", "Astock",
                       "--registry", str(REPO / "registry"), env={"COLUMNS": None})
    assert code == 0, out
    assert "LERT: A Linguistically-motivated Pre-trained Language Model" in out
    assert "…" not in out


def test_show_paper_and_leaderboards_show_as_json() -> None:
    registry = str(REPO / "registry")
    code, out = invoke("show", "paper", "2211.05344", "--format", "json", "--registry", registry)
    assert code == 0
    found = json.loads(out)
    assert found["id"] == "lert-a-linguistically-motivated-pre-trained-language-model"
    assert found["results"] and found["ranks"]
    code, out = invoke("leaderboards", "show", "Stock Market Prediction", "Astock", "--format",
                       "json", "--registry", registry)
    assert code == 0
    board = json.loads(out)
    assert board["id"] == "stock-market-prediction--astock" and board["rows"][0]["rank"] == 1


def test_a_misspelt_name_gets_suggestions_in_show_and_leaderboards() -> None:
    registry = str(REPO / "registry")
    code, out = invoke("leaderboards", "show", "Stock Market Predction", "Astock",
                       "--registry", registry)
    assert code == 2 and "Usage:" not in out
    assert "did you mean 'stock-market-prediction'" in out
    code, out = invoke("show", "paper", "LERT: A Linguistically-motivated Pre-trained Languag",
                       "--registry", registry)
    assert code == 2 and "Usage:" not in out
    assert "did you mean 'lert-a-linguistically-motivated-pre-trained-language-model'" in out
    # Not a typo of any title, but a word of one (a newcomer typed it): still found.
    code, out = invoke("show", "paper", "lert", "--registry", registry)
    assert code == 2 and "did you mean 'lert-a-linguistically-motivated" in out, out


def test_leaderboards_are_listed_and_searched() -> None:
    registry = str(REPO / "registry")
    code, out = invoke("leaderboards", "list", "astock", "--registry", registry,
                       env={"COLUMNS": "200"})
    assert code == 0
    assert "Stock Market Prediction on Astock" in out
    assert out.splitlines()[-1].endswith(("leaderboard", "leaderboards"))
    code, out = invoke("leaderboards", "list", "--format", "json", "--registry", registry)
    everything = json.loads(out)
    assert any(b["id"] == "stock-market-prediction--astock" for b in everything)
    code, out = invoke("leaderboards", "list", "stokc market", "--registry", registry)
    assert code == 2 and "did you mean" in out


def test_shell_completion_as_the_readme_documents_it() -> None:
    import os
    import subprocess
    import sys

    pwc = Path(sys.executable).parent / "pwc"
    readme = (REPO / "README.md").read_text("utf-8")
    assert 'eval "$(_PWC_COMPLETE=bash_source pwc)"' in readme
    env = {**os.environ, "COMP_WORDS": "pwc leaderboards l", "COMP_CWORD": "2",
           "_PWC_COMPLETE": "bash_complete"}
    done = subprocess.run([str(pwc)], env=env, capture_output=True, text=True, timeout=60)
    assert "plain,list" in done.stdout.splitlines()


def test_show_paper_lists_the_rows_its_page_lists(tmp_path: Path) -> None:
    """A paper quoting another's baseline (`paper:` names it): `pwc show paper` listed the
    row under neither paper that holds or is credited with it, though both pages list it, and
    its JSON left out the result's `paper`, date and notes (found by an attack)."""
    import shutil

    registry = tmp_path / "registry"
    shutil.copytree(REPO / "tests" / "examples" / "base" / "registry", registry)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    astock = "astock-a-new-dataset-and-automated-stock-trading-based-on-stock-specific-news-" \
        "analyzing-model"
    lert.write_text(lert.read_text().replace("results:\n", (
        "results:\n  - task: stock-market-prediction\n    dataset: astock\n"
        f"    model: Quoted Baseline\n    paper: {astock}\n    date: 2022-06\n"
        "    metrics:\n      accuracy: 61.2\n    notes: as LERT's Table 4 quotes it\n"), 1))
    shown = {}
    for paper_id in ("lert-a-linguistically-motivated-pre-trained-language-model", astock):
        code, out = invoke("show", "paper", paper_id, "--format", "json", "--registry",
                           str(registry))
        assert code == 0, out
        shown[paper_id] = json.loads(out)
        code, text = invoke("show", "paper", paper_id, "--registry", str(registry))
        assert "Quoted Baseline (" in text, text
    lert_data = shown["lert-a-linguistically-motivated-pre-trained-language-model"]
    [quoted] = [r for r in lert_data["results"] if r["model"] == "Quoted Baseline"]
    assert (quoted["paper"], quoted["date"], quoted["notes"]) == (
        astock, "2022-06", "as LERT's Table 4 quotes it")
    for data in shown.values():
        [rank] = [r for r in data["ranks"] if r["model"] == "Quoted Baseline"]
        assert (rank["holder"], rank["paper"]) == (lert_data["id"], astock)


def test_one_long_name_does_not_pad_every_row(tmp_path: Path) -> None:
    """A valid paper with a 100,000-character model name and 2,000 results: `pwc show paper`
    to a pipe padded every row to that name, 200 MB from a 231 KB file (found by fuzzing).
    The output now grows with the cells, and every cell is still whole."""
    registry = registry_in_git(tmp_path)
    long_name = "m" * 100_000
    paper(registry, "many", "2024-01-01", [
        result("stock-market-prediction", "astock", name, accuracy=50 + i / 100)
        for i, name in enumerate([long_name, *(f"m{i}" for i in range(2000))])])
    code, out = invoke("show", "paper", "many", "--registry", str(registry),
                       env={"COLUMNS": None})
    assert code == 0, out[:500]
    assert long_name in out and "m1999" in out
    assert len(out) < 1_000_000, len(out)


def test_show_paper_on_a_file_that_fails_its_schema_says_so(tmp_path: Path) -> None:
    """The paper's file exists but does not pass its schema: `pwc show paper` said "no paper",
    as if it were missing (found by fuzzing)."""
    registry = registry_in_git(tmp_path)
    broken = paper(registry, "broken", "2024-01-01", [
        result("stock-market-prediction", "astock", "M", accuracy="1.0%")])
    code, out = invoke("show", "paper", "broken", "--registry", str(registry))
    assert code == 2
    assert f"is in registry/{broken.relative_to(registry).as_posix()}, which does not pass its " \
           "schema" in out, out
