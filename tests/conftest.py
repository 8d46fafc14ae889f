from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: The shared real-data corpus sits beside the repository (../shared/corpus), in CI too.
CORPUS = Path(os.environ.get("PWC_CORPUS", REPO.parent / "shared" / "corpus"))
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the real-data corpus is missing at {CORPUS} (set PWC_CORPUS)")
    return CORPUS


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout
