"""`pwc validate` through click's runner, and `--changed-since` on real git repositories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pwc_registry.cli import main
from pwc_registry.layout import shard

from conftest import git
from examples import EXAMPLES, materialise
from registry_builder import registry_in_git


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return materialise(Path("/nonexistent"), tmp_path)


def add_case(registry: Path, case: str) -> None:
    source = EXAMPLES / "invalid" / case / "registry"
    for path in source.rglob("*.yaml"):
        target = registry / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def test_clean_registry_exits_0_with_a_summary(registry: Path) -> None:
    code, out = invoke("validate", "--registry", str(registry))
    assert code == 0
    assert out == "checked 2 areas, 1 dataset, 4 metrics, 2 papers, 3 tasks (all files): clean\n"


def test_text_format_gives_file_line_column_code_and_hint(registry: Path) -> None:
    add_case(registry, "R001-unknown-reference")
    code, out = invoke("validate", "--registry", str(registry))
    assert code == 1
    lines = out.splitlines()
    path = f"registry/papers/{shard('unknown-names')}/unknown-names.yaml"
    assert f"{path}:10:7: R001 results[0].metrics.Accuray: unknown metric 'Accuray' " \
           "[unknown-reference]" in lines
    assert "    hint: did you mean 'accuracy'?" in lines
    assert lines[-1].endswith("3 errors, 0 warnings")


def test_warnings_alone_pass_unless_strict(registry: Path) -> None:
    add_case(registry, "V003-fraction-on-percentage")
    assert invoke("validate", "--registry", str(registry))[0] == 0
    assert invoke("validate", "--strict", "--registry", str(registry))[0] == 1


def test_json_format(registry: Path) -> None:
    add_case(registry, "V001-value-not-number")
    code, out = invoke("validate", "--format", "json", "--registry", str(registry))
    assert code == 1
    payload = json.loads(out)
    assert payload["summary"]["errors"] == 4
    first = payload["diagnostics"][0]
    assert {k: first[k] for k in ("code", "name", "severity", "line", "column", "hint")} == {
        "code": "V001", "name": "value-not-number", "severity": "error", "line": 9,
        "column": 17, "hint": "write 76.5"}


def test_github_format_escapes_data_and_writes_the_job_summary(
        registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_case(registry, "V005-control-character")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = invoke("validate", "--format", "github", "--registry", str(registry))
    assert code == 1
    annotation = out.splitlines()[0]
    path = f"registry/papers/{shard('control')}/control.yaml"
    assert annotation.startswith(
        f"::error file={path},line=2,col=8,title=V005 control-character::title: control")
    assert "\x07" not in out and "%0A" in annotation  # the hint is on a second line
    assert "| ❌ |" in summary.read_text()


def test_github_properties_escape_commas_and_colons() -> None:
    from pwc_registry.report import _escape_data, _escape_property

    assert _escape_property("a,b:c%d\ne") == "a%2Cb%3Ac%25d%0Ae"
    assert _escape_data("::error::x\r\n") == "::error::x%0D%0A"


FORGED = "registry/papers/00/forged.yaml:1:1: V001 forged [value-not-number]"


@pytest.mark.parametrize("separator", ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029"])
@pytest.mark.parametrize("form", ["text", "github"])
def test_a_line_break_in_a_name_forges_no_line(registry: Path, separator: str, form: str) -> None:
    model = json.dumps(f"M{separator}{FORGED}")  # a YAML double-quoted string, escapes and all
    result = (f"  - task: stock-market-prediction\n    dataset: astock\n    model: {model}\n"
              "    metrics:\n      accuracy: 61.2\n")
    path = registry / "papers" / shard("twice") / "twice.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'id: twice\ntitle: Twice\ndate: "2023-01-05"\nresults:\n{result}{result}')
    code, out = invoke("validate", "--format", form, "--registry", str(registry))
    assert code == 1
    lines = out.splitlines()  # at every line break Python knows, U+2028 and NEL among them
    real = f"registry/papers/{shard('twice')}/twice.yaml:"
    assert all(line.startswith((real, f"::error file={real[:-1]},", "    hint: ", "checked "))
               for line in lines), lines
    assert any(" V006 " in line or "title=V006" in line for line in lines)
    assert out.count("\n") == len(lines)


def test_usage_problems_exit_2(registry: Path, tmp_path: Path) -> None:
    assert invoke("validate", "--registry", str(tmp_path / "nowhere"))[0] == 2
    assert invoke("validate", "--registry", str(registry), str(tmp_path / "missing.yaml"))[0] == 2
    assert invoke("validate", "--format", "xml")[0] == 2
    code, out = invoke("validate", "--registry", str(registry), "--changed-since", "HEAD")
    assert code == 2 and "cannot compare with 'HEAD'" in out


def test_paths_check_only_those_files_against_the_whole_registry(registry: Path) -> None:
    add_case(registry, "R001-unknown-reference")
    add_case(registry, "V004-future-date")
    target = registry / "papers" / shard("future") / "future.yaml"
    code, out = invoke("validate", "--registry", str(registry), str(target))
    assert code == 1
    assert "V004" in out and "R001" not in out
    assert "1 paper (selected files)" in out


def test_changed_since_checks_changed_files_only(tmp_path: Path) -> None:
    registry = registry_in_git(tmp_path)
    git(tmp_path, "checkout", "-qb", "pr")
    # A broken file already on main is not the pull request's business...
    add_case(registry, "V004-future-date")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "old problem")
    git(tmp_path, "branch", "-f", "base")
    # ...but a new, misspelt result is, and so is an arXiv id it shares with an unchanged paper.
    add_case(registry, "R001-unknown-reference")
    changed = registry / "papers" / shard("unknown-names") / "unknown-names.yaml"
    changed.write_text(changed.read_text().replace(
        'date: "2023-01-05"\n', 'date: "2023-01-05"\nidentifiers:\n  arxiv: "2211.05344"\n')
        .replace('title: "An Example Paper"', 'title: "Unknown Names"'))  # not future's (Q013)
    code, out = invoke("validate", "--registry", str(registry), "--changed-since", "base")
    assert code == 1
    codes = [line.split(": ")[1].split()[0] for line in out.splitlines()
             if line.startswith("registry/")]
    assert codes == ["I003", "R001", "R001", "R001"], out
    assert "V004" not in out
    assert "1 paper (files changed since base)" in out


def test_changed_entity_rechecks_every_paper(tmp_path: Path) -> None:
    registry = registry_in_git(tmp_path)
    metric = registry / "metrics" / "accuracy.yaml"
    metric.write_text(metric.read_text().replace("max: 100", "max: 50"))
    code, out = invoke("validate", "--registry", str(registry), "--changed-since", "main")
    assert code == 1
    assert "V002" in out and "lert-a-linguistically" in out
    assert "and every file (an entity changed)" in out


def test_docs_check(tmp_path: Path) -> None:
    target = tmp_path / "diagnostics.md"
    assert invoke("docs", "diagnostics", "--check", "--output", str(target))[0] == 1
    assert invoke("docs", "diagnostics", "--output", str(target))[0] == 0
    assert invoke("docs", "diagnostics", "--check", "--output", str(target))[0] == 0


def test_internal_errors_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                                ) -> None:
    from pwc_registry import cli, validate

    def broken(options: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(validate, "validate", broken)
    monkeypatch.setattr("sys.argv", ["pwc", "validate", "--registry", "."])
    with pytest.raises(SystemExit) as exit_info:
        cli.run()
    assert exit_info.value.code == 2
    assert "internal error: RuntimeError: boom" in capsys.readouterr().err


def test_paths_outside_the_registry_are_reported(registry: Path, tmp_path: Path) -> None:
    stray = tmp_path / "elsewhere.yaml"
    stray.write_text("id: x\n")
    code, out = invoke("validate", "--registry", str(registry), str(stray))
    assert code == 1
    assert "Y013 is not inside the registry folder registry/" in out


def test_a_folder_holding_the_registry_checks_the_registry_only(registry: Path,
                                                                  tmp_path: Path) -> None:
    # ``pwc validate .`` at a repository's top: its README, scripts and .git are not registry
    # files (every one of them was reported as Y013, 10,288 errors in this repository).
    (registry.parent / "README.md").write_text("# notes\n")
    (registry.parent / "scripts").mkdir()
    (registry.parent / "scripts" / "tool.py").write_text("print()\n")
    code, out = invoke("validate", "--registry", str(registry), str(registry.parent))
    assert (code, "Y013" in out) == (0, False), out
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.yaml").write_text("id: a\n")
    (elsewhere / "b.yaml").write_text("id: b\n")
    code, out = invoke("validate", "--registry", str(registry), str(elsewhere))
    assert code == 1 and out.count("Y013") == 1, out
    assert "is a folder outside the registry folder registry/" in out


def test_a_linked_file_named_alone_is_found_in_its_registry_and_refused(
        registry: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """helper-90: `pwc validate registry/papers/eb/x.yaml`, x.yaml a link to a file outside,
    said "no registry/ folder here or above" (the link was followed to find the registry)."""
    outside = tmp_path_factory.mktemp("outside") / "outside.yaml"  # no registry/ above it
    outside.write_text("id: x\n")
    link = registry / "papers" / "eb" / "x.yaml"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    monkeypatch.chdir(outside.parent)  # the file named by a path from elsewhere
    for command in (["validate", str(link)], ["fmt", str(link)]):
        outcome = CliRunner().invoke(main, command)
        assert "no registry/ folder" not in outcome.output, (command, outcome.output)
        assert "Y012" in outcome.output and outcome.exit_code == 1, (command, outcome.output)
    assert outside.read_text() == "id: x\n"


def test_a_registry_reached_through_a_link_of_another_name_is_found(
        registry: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """helper-91: with the registry found where a file is named (not where a link points), a
    file named through a link to the registry folder, `myreg/papers/...`, found none."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "myreg").symlink_to(registry)
    monkeypatch.chdir(elsewhere)
    [paper] = [p for p in (registry / "papers").rglob("*.yaml")][:1]
    named = elsewhere / "myreg" / paper.relative_to(registry)
    outcome = CliRunner().invoke(main, ["validate", str(named)])
    assert outcome.exit_code == 0 and "clean" in outcome.output, outcome.output
