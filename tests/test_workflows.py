"""The GitHub workflows: linted by actionlint and audited by zizmor (offline), and pinned."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_actionlint_is_clean() -> None:
    done = subprocess.run([_tool("actionlint"), *map(str, WORKFLOWS)], capture_output=True,
                          text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_is_clean_even_when_pedantic() -> None:
    done = subprocess.run([_tool("zizmor"), "--offline", "--persona", "pedantic",
                           "--format", "plain", ".github/workflows"],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def test_third_party_actions_are_pinned_and_permissions_are_read_only_by_default() -> None:
    assert [w.name for w in WORKFLOWS] == ["comment.yml", "publish.yml", "pull-request.yml"]
    for workflow in WORKFLOWS:
        text = workflow.read_text(encoding="utf-8")
        for uses in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), (workflow.name, uses)
        assert yaml.safe_load(text)["permissions"] == {}, workflow.name
    pull_request = yaml.safe_load((REPO / ".github/workflows/pull-request.yml").read_text())
    assert pull_request["concurrency"]["cancel-in-progress"] is True
    steps = " ".join(str(s.get("run", "")) for s in pull_request["jobs"]["check"]["steps"])
    assert 'pwc validate --changed-since "$BASE_SHA" --format github' in steps
    comment = (REPO / ".github/workflows/comment.yml").read_text()
    assert "actions/checkout" not in comment  # the privileged run never runs the PR's code
