"""The pre-commit hooks (issue 16): paths as pre-commit and people type them are placed in the
registry, and the real `pre-commit` tool runs both hooks of .pre-commit-hooks.yaml on a
registry checkout, passing on clean files and failing on a bad one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from pwc_registry import layout
from pwc_registry.cli import main

from conftest import REPO, git
from examples import materialise

LERT = "papers/e2/lert-a-linguistically-motivated-pre-trained-language-model.yaml"
# A misspelt metric: R001 from validate, and fmt leaves the file as it is (it is not an error
# fmt can see), so only the validate hook fails on it.
MISSPELT = ("accuracy: 66.36", "Acuracy: 66.36")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A registry checkout in git, in the canonical layout (the example files are not)."""
    registry = materialise(Path("/nonexistent"), tmp_path / "checkout")
    assert CliRunner().invoke(main, ["fmt", "--registry", str(registry)]).exit_code == 0
    git(registry.parent, "init", "-q", "-b", "main")
    git(registry.parent, "add", "-A")
    git(registry.parent, "commit", "-qm", "registry")
    return registry.parent


@pytest.mark.parametrize("target", ["registry", "registry/papers/e2", f"registry/{LERT}"])
def test_paths_relative_to_the_working_folder_are_in_the_registry(
        checkout: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.chdir(checkout)
    for command in (["fmt", "--check", target], ["validate", target]):
        outcome = CliRunner().invoke(main, command)
        assert "Y013" not in outcome.output
        assert outcome.exit_code == 0, outcome.output


def test_paths_through_a_link_to_the_checkout_are_in_the_registry(checkout: Path) -> None:
    # The registry folder is found resolved; the path as typed goes through the link.
    link = checkout.parent / "link"
    link.symlink_to(checkout)
    for target in (link / "registry", link / "registry/papers/e2", link / "registry" / LERT):
        found, strays = layout.discover(checkout / "registry", [target])
        assert strays == []
        assert f"registry/{LERT}" in [f.name for f in found]
        outcome = CliRunner().invoke(main, ["fmt", "--check", str(target)])
        assert outcome.exit_code == 0, outcome.output


def test_a_link_inside_the_registry_is_still_a_link(checkout: Path) -> None:
    registry = checkout / "registry"
    (registry / "papers/e2/link.yaml").symlink_to(registry / LERT)
    found, strays = layout.discover(registry, [Path(os.path.relpath(registry / "papers/e2"))])
    assert [d.code for d in strays] == ["Y012"]
    assert [f.stem for f in found] == [Path(LERT).stem]


def _offline_env(home: Path) -> dict[str, str]:
    """pre-commit builds a virtualenv for `language: python` hooks and pip-installs the hook
    repository into it. Offline: no index, the package alone (no dependencies, no isolated
    build), and the build backend and the dependencies seen from this test's own environment
    on PYTHONPATH (pip honours PIP_* variables; .pth files on PYTHONPATH are not read, so the
    `pwc` the hooks run is the one installed from the hook repository)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    return {**env, "PRE_COMMIT_HOME": str(home), "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1",
            "PIP_NO_BUILD_ISOLATION": "0", "PIP_CONFIG_FILE": os.devnull,
            "PYTHONPATH": sysconfig.get_paths()["purelib"]}


def test_pre_commit_runs_both_hooks_on_a_registry_checkout(checkout: Path, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed")
    env = _offline_env(tmp_path / "pre-commit-home")
    # try-repo clones the hook repository as committed, plus the work tree's changes.
    tool = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO)]

    def hooks(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*tool, *args], cwd=checkout, env=env, capture_output=True,
                              text=True, timeout=600)

    clean = hooks("--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "pwc validate" in clean.stdout and "pwc fmt" in clean.stdout
    assert clean.stdout.count("Passed") == 2, clean.stdout

    lert = checkout / "registry" / LERT
    lert.write_text(lert.read_text("utf-8").replace(*MISSPELT), encoding="utf-8")
    git(checkout, "add", "-A")  # pre-commit passes staged files: relative paths
    bad = hooks("--files", f"registry/{LERT}")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"registry/{LERT}" in bad.stdout and "R001" in bad.stdout
    assert "Y013" not in bad.stdout
