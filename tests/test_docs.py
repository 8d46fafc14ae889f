"""Documentation that must not fall behind the code."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

from pwc_registry.diagnostics import CATALOGUE
from pwc_registry.docs import render_diagnostics

from conftest import REPO


def test_diagnostics_page_is_current() -> None:
    page = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert page == render_diagnostics(), "run `pwc docs diagnostics` and commit the result"


def test_catalogue_codes_are_stable_and_unique() -> None:
    names = [p.name for p in CATALOGUE.values()]
    assert len(set(names)) == len(names)
    for code, problem in CATALOGUE.items():
        assert re.fullmatch(r"[A-Z][0-9]{3}", code) and problem.code == code
        assert problem.title and problem.explanation.endswith(".")


def test_every_code_in_the_source_is_catalogued() -> None:
    source = "\n".join(p.read_text() for p in (REPO / "src" / "pwc_registry").rglob("*.py"))
    used = set(re.findall(r'"([A-Z][0-9]{3})"', source))
    assert used <= set(CATALOGUE), used - set(CATALOGUE)


def test_readme_opens_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    assert "pwc build" in blocks[0]  # validates, then writes the snapshot and the site
    assert "pytest" in blocks[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci, ".ci/run must run the README's test command verbatim"


def test_readme_example_diagnostic_is_real_output(tmp_path: Path) -> None:
    """The README shows the output of a misspelt metric in the LERT paper: it must stay true."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    shutil.copytree(REPO / "registry", tmp_path / "registry")
    lert = next((tmp_path / "registry").glob("papers/*/lert-*.yaml"))
    lert.write_text(lert.read_text().replace("      accuracy: 66.36", "      Acuracy: 66.36", 1))
    output = CliRunner().invoke(main, ["validate", str(lert)])
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```text\n(.*?)```", readme, re.S)
    assert example is not None
    assert output.output.replace(str(tmp_path) + "/", "") == example.group(1)


def test_the_leaderboard_shown_in_the_docs_is_real_output(monkeypatch: Any) -> None:
    """docs/leaderboards.md shows `pwc leaderboards show` on the Astock board: as it prints it
    (the separator row was missing and the columns differed; helper-65)."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    page = (REPO / "docs" / "leaderboards.md").read_text(encoding="utf-8")
    example = re.search(r"```console\n\$ COLUMNS=100 pwc (leaderboards show [^\n]*)\n(.*?)```",
                        page, re.S)
    assert example is not None
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(REPO)
    output = CliRunner().invoke(main, shlex.split(example.group(1)))
    assert output.exit_code == 0 and output.output == example.group(2)
