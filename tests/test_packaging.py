"""What is installed is what the repository holds: a wheel built from the sdist (as pip builds
one from PyPI's) carries every file of the package, its schemas and templates included."""

from __future__ import annotations

import os
import subprocess
import tarfile
import zipfile
from pathlib import Path

from conftest import REPO


def test_a_wheel_built_from_the_sdist_holds_every_file_of_the_package(tmp_path: Path) -> None:
    """helper-71: the root's `schemas` link to the package's took their place in the sdist, so
    a wheel built from it had no schemas (every validation: FileNotFoundError)."""
    from hatchling.build import build_sdist, build_wheel

    tracked = subprocess.run(["git", "ls-files", "src/pwc_registry"], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout.split()
    package = {p.removeprefix("src/") for p in tracked if "__pycache__" not in p}
    assert any(p.endswith("common.schema.json") for p in package)
    before = os.getcwd()
    try:
        os.chdir(REPO)
        sdist = tmp_path / build_sdist(str(tmp_path / "sdist"))
    finally:
        os.chdir(before)
    sdist = tmp_path / "sdist" / sdist.name
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    [root] = (tmp_path / "unpacked").iterdir()
    try:
        os.chdir(root)
        wheel = build_wheel(str(tmp_path / "wheel"))
    finally:
        os.chdir(before)
    with zipfile.ZipFile(tmp_path / "wheel" / wheel) as built:
        held = {name for name in built.namelist() if name.startswith("pwc_registry/")}
    assert sorted(package - held) == []
