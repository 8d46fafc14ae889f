"""What `pwc validate --changed-since` and `pwc diff` read from git, on real repositories: deleted
entity files, file names git would quote, and refs that git would take for options."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pwc_registry.cli import main
from pwc_registry.layout import relative_path, shard
from pwc_registry.validate import Options
from pwc_registry.validate import validate as run

from conftest import git
from registry_builder import registry_in_git, write

LERT = "lert-a-linguistically-motivated-pre-trained-language-model"
LERT_FILE = f"papers/{shard(LERT)}/{LERT}.yaml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def validate(registry: Path, ref: str = "main") -> tuple[int, dict[str, object]]:
    code, out = invoke("validate", "--registry", str(registry), "--changed-since", ref,
                       "--format", "json")
    assert code in (0, 1), out
    return code, json.loads(out)


def found(report: dict[str, object]) -> list[tuple[str, str]]:
    diagnostics = report["diagnostics"]
    assert isinstance(diagnostics, list)
    return [(d["file"], d["code"]) for d in diagnostics]


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """The example registry on main, and a branch `pr` checked out from it."""
    registry = registry_in_git(tmp_path)
    git(tmp_path, "checkout", "-qb", "pr")
    return registry


# --- deleted entity files ----------------------------------------------------------------

def test_deleting_a_metric_that_papers_use_reports_them(registry: Path) -> None:
    git(registry.parent, "rm", "-q", "registry/metrics/accuracy.yaml")
    git(registry.parent, "commit", "-qm", "drop a metric")
    code, report = validate(registry)
    assert code == 1
    assert (f"registry/{LERT_FILE}", "R001") in found(report)
    assert "every file" in str(report["scope"])


def test_a_deleted_entity_or_paper_reports_the_files_it_leaves_invalid(registry: Path) -> None:
    """CI passed a change that left main invalid, and `pwc build` after the merge wrote
    nothing (found by an attack): renaming away a paper a dataset names as its own, or
    deleting a dataset that a benchmark and a source name (only papers were checked again)."""
    astock = registry / "datasets" / "astock.yaml"
    data = yaml.safe_load(astock.read_text("utf-8"))
    assert data.get("paper"), "the example's dataset names its paper"
    paper_file = next(registry.glob(f"papers/*/{data['paper']}.yaml"))
    git(registry.parent, "rm", "-q", str(paper_file.relative_to(registry.parent)))
    code, report = validate(registry)
    assert ("registry/datasets/astock.yaml", "R001") in found(report), report
    assert report["scope"] == "files changed since main"  # no full validation for this
    git(registry.parent, "reset", "-q", "--hard")
    write(registry, "benchmark", {"id": "stock-market-prediction--astock",
                                  "task": "stock-market-prediction", "dataset": "astock"})
    write(registry, "source", {
        "id": "a-leaderboard", "kind": "submission", "title": "A leaderboard",
        "results": [{"task": "language-modelling", "dataset": "astock", "model": "M",
                     "metrics": {"accuracy": 50}}]})
    git(registry.parent, "add", "-A")
    git(registry.parent, "commit", "-qm", "a benchmark and a source on Astock")
    git(registry.parent, "branch", "-f", "main")
    git(registry.parent, "rm", "-q", "registry/datasets/astock.yaml")
    code, report = validate(registry)
    assert code == 1
    assert {f for f, c in found(report) if c == "R001"} >= {
        "registry/benchmarks/stock-market-prediction--astock.yaml",
        f"registry/{relative_path('source', 'a-leaderboard')}"}


def test_renaming_a_dataset_out_of_the_layout_reports_its_papers_and_the_stray(
        registry: Path) -> None:
    # Uncommitted, as a contributor's work tree would be: the old name is gone, the new one
    # (`.yml`) is no place for a registry file.
    dataset = registry / "datasets" / "astock.yaml"
    dataset.rename(dataset.with_suffix(".yml"))
    code, report = validate(registry)
    assert code == 1
    assert ("registry/datasets/astock.yml", "Y013") in found(report)
    assert any(file.startswith("registry/papers/") and code == "R001"
               for file, code in found(report)), report


def test_deleting_a_paper_alone_still_checks_papers_only(registry: Path) -> None:
    git(registry.parent, "rm", "-q", f"registry/{LERT_FILE}")
    _, report = validate(registry)
    assert report["scope"] == "files changed since main"  # no full validation for this


# --- names git quotes --------------------------------------------------------------------

ODD_NAMES = ["é\nx.yaml", "a b.yaml", 'quo"te.yaml', "tab\there.yaml"]


@pytest.mark.parametrize("name", ODD_NAMES)
@pytest.mark.parametrize("committed", [True, False], ids=["committed", "untracked"])
def test_a_paper_with_a_name_git_quotes_is_checked(registry: Path, name: str,
                                                   committed: bool) -> None:
    lert = registry / LERT_FILE
    odd = lert.with_name(name)
    shutil.copyfile(lert, odd)
    if committed:
        git(registry.parent, "add", "-A")
        git(registry.parent, "commit", "-qm", "a paper under an odd name")
    code, report = validate(registry)
    assert code == 1
    # Its id is not its file name, and it copies another paper's identifiers.
    assert (f"registry/papers/{shard(LERT)}/{name}", "I001") in found(report), report


def test_a_paper_whose_name_is_not_utf8_is_checked(registry: Path) -> None:
    folder = os.fsencode(registry / "papers" / shard(LERT))
    with open(folder + b"/\xff.yaml", "wb") as odd:
        odd.write((registry / LERT_FILE).read_bytes())
    # Shown with the byte escaped: no job summary or comment can write it as it is (helper-82).
    report = run(Options(registry=registry, changed_since="main", jobs=1))
    assert [(d.file, d.code) for d in report.diagnostics if d.code == "I001"] == [
        (os.fsdecode(folder[len(os.fsencode(registry.parent)) + 1:]) + "/\\xff.yaml", "I001")]


def test_a_named_papers_duplicate_identifier_is_reported_in_a_folder_not_utf8(
        tmp_path: Path) -> None:
    """helper-85: with file names shown escaped (no summary or comment can write their bytes),
    the identifiers check kept its findings by the names as read: in a registry folder named
    with a byte that is not UTF-8, a named paper's duplicate arXiv id (I003) went unsaid."""
    from examples import materialise

    source = materialise(Path("/nonexistent"), tmp_path / "example")
    registry = Path(os.fsdecode(bytes(tmp_path) + b"/reg\xff"))
    shutil.copytree(source, registry)
    twin = registry / relative_path("paper", "a-twin-of-lert")
    twin.parent.mkdir(parents=True, exist_ok=True)
    text = (registry / LERT_FILE).read_text("utf-8")
    twin.write_text(text.replace(f"id: {LERT}", "id: a-twin-of-lert"), "utf-8")
    report = run(Options(registry=registry, paths=[twin], jobs=1))
    assert [d.code for d in report.diagnostics if d.code == "I003"] == ["I003"]


def test_a_stray_with_a_name_git_quotes_is_reported(registry: Path) -> None:
    (registry / "tasks" / "notes\tü\n.txt").write_text("hello\n")
    code, report = validate(registry)
    assert code == 1
    assert found(report) == [("registry/tasks/notes\tü\n.txt", "Y013")]


def test_an_entity_with_a_name_git_quotes_rechecks_the_papers(registry: Path) -> None:
    (registry / "metrics" / "accuracy.yaml").rename(registry / "metrics" / "accuracy é.yaml")
    code, report = validate(registry)
    assert code == 1
    files = {file for file, _ in found(report)}
    assert "registry/metrics/accuracy é.yaml" in files  # its id is not its name
    assert f"registry/{LERT_FILE}" in files  # and accuracy is gone


def test_a_changed_value_in_a_paper_with_a_name_git_quotes_is_guarded(registry: Path) -> None:
    """History reads the merge base's copy of the file: a name with a line break cannot go
    through `git cat-file --batch`, one line a name."""
    lert = registry / LERT_FILE
    odd = lert.with_name("é\nx.yaml")
    git(registry.parent, "checkout", "-q", "main")
    lert.rename(odd)  # the only holder of its results, so the change is its own
    git(registry.parent, "add", "-A")
    git(registry.parent, "commit", "-qm", "odd name")
    git(registry.parent, "checkout", "-q", "pr")
    git(registry.parent, "reset", "-q", "--hard", "main")
    odd.write_text(odd.read_text(encoding="utf-8").replace("64.37", "74.37"), encoding="utf-8")
    _, report = validate(registry)
    # (Where the comparison places it is its business: the file, or the paper's own path.)
    assert "H001" in [code for _, code in found(report)], report


def test_diff_reads_a_paper_with_a_name_git_quotes(registry: Path) -> None:
    lert = registry / LERT_FILE
    odd = lert.with_name("tab\there.yaml")
    text = lert.read_text(encoding="utf-8")
    lert.unlink()
    odd.write_text(text.replace("64.37", "74.37"), encoding="utf-8")
    code, out = invoke("diff", "--registry", str(registry), "main", "--format", "json")
    assert code == 0, out
    assert "74.37" in out


# --- refs that look like options ---------------------------------------------------------

@pytest.mark.parametrize("ref", ["--fork-point", "-x", "--output=OUT", "", "main^{tree}"])
def test_validate_refuses_a_ref_that_is_not_a_commit(registry: Path, tmp_path: Path,
                                                      ref: str) -> None:
    ref = ref.replace("OUT", str(tmp_path / "written"))
    code, out = invoke("validate", "--registry", str(registry), f"--changed-since={ref}")
    assert code == 2, out
    assert f"cannot compare with {ref!r}" in out
    assert not (tmp_path / "written").exists()


@pytest.mark.parametrize("refs", [["--fork-point"], ["main", "--output=OUT"], ["-x", "HEAD"]])
def test_diff_refuses_refs_that_look_like_options(registry: Path, tmp_path: Path,
                                                  refs: list[str]) -> None:
    refs = [r.replace("OUT", str(tmp_path / "written")) for r in refs]
    code, out = invoke("diff", "--registry", str(registry), "--", *refs)
    assert code == 2, out
    assert "is not a git ref (a ref never starts with '-')" in out
    assert not (tmp_path / "written").exists()


def test_a_ref_is_still_read_as_a_ref(registry: Path) -> None:
    git(registry.parent, "tag", "v1", "main")
    assert validate(registry, "v1")[0] == 0
    assert validate(registry, "pr~0")[0] == 0
