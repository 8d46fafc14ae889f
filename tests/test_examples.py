"""The examples corpus is the specification: each invalid case gives exactly its diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from pwc_registry.diagnostics import CATALOGUE
from pwc_registry.validate import Options, validate

from conftest import TODAY
from examples import cases, expected, materialise


def _run(case: Path, tmp_path: Path) -> list[str]:
    registry = materialise(case, tmp_path)
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    return [f"{d.file}:{d.line}:{d.column}: {d.code}" for d in report.diagnostics]


@pytest.mark.parametrize("case", cases("valid"), ids=lambda p: p.name)
def test_valid_case_is_clean(case: Path, tmp_path: Path) -> None:
    assert _run(case, tmp_path) == []


@pytest.mark.parametrize("case", cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_gives_its_diagnostics(case: Path, tmp_path: Path) -> None:
    found = _run(case, tmp_path)
    assert found == expected(case)
    code = case.name.split("-")[0]
    assert any(line.endswith(f": {code}") for line in found), f"{case.name} must show {code}"


def test_every_code_has_an_invalid_case() -> None:
    covered = {case.name.split("-")[0] for case in cases("invalid")}
    # A: test_archive.py; H (history, needs two versions): test_history.py, test_trust.py;
    # F (pwc fmt): test_canonical.py
    validation = {code for code in CATALOGUE if code[0] not in "AFH"}
    # Made on the fly in test_load.py rather than committed: Y010 (file too large) and Y016 (a
    # named pipe, which git cannot hold).
    assert validation - covered == {"Y010", "Y016"}


def test_base_registry_is_clean(tmp_path: Path) -> None:
    report = validate(Options(registry=materialise(Path("/nonexistent"), tmp_path), today=TODAY))
    assert report.diagnostics == []
