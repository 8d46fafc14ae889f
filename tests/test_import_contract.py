"""The contract every importer keeps, one suite run over every format (imports.formats.FORMATS).

Each format imports a small piece of the real corpus into a temporary registry, then: the
registry is valid (`pwc validate`: no errors); importing again changes nothing; a maintainer's
edit to an imported value survives a new import (reported, A007); every row the input holds is
accounted for in the report (a result, merged into another row, or not imported); and a link in
the registry is never written through (A013).

A new format adds a :class:`Case` to :data:`CASES`: how to import its sample, how many rows the
sample holds.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pwc_registry import layout
from pwc_registry.archive.importer import Options, import_archive
from pwc_registry.imports.formats import FORMATS, import_format
from pwc_registry.imports.report import ImportReport
from pwc_registry.imports.table import import_tables, read_mapping
from pwc_registry.registry import load_registry
from pwc_registry.validate import Options as ValidateOptions
from pwc_registry.validate import validate

from conftest import CORPUS, TODAY
from examples import materialise
from registry_builder import write

#: The first 40 models of timm's ImageNet validation results (corpus:
#: other-results/timm-results/results-imagenet.csv, Apache-2.0).
TIMM = CORPUS / "other-results" / "timm-results" / "results-imagenet.csv"
#: The archive's ReCoRD tables (corpus: pwc-format/sota-extractor/record.json, 12 rows).
RECORD = CORPUS / "pwc-format" / "sota-extractor" / "record.json"


def classification_registry(into: Path) -> Path:
    """The examples' base registry with what timm's tables name: the task, ImageNet, and the
    metrics (Top-1/Top-5 Accuracy as the mihf branch defines them, until they are on main)."""
    registry = materialise(Path("/nonexistent"), into)
    write(registry, "area", {"id": "computer-vision", "name": "Computer Vision"})
    write(registry, "task", {"id": "image-classification", "name": "Image Classification",
                             "area": "computer-vision"})
    write(registry, "dataset", {"id": "imagenet", "name": "ImageNet"})
    for n in (1, 5):
        write(registry, "metric", {"id": f"top-{n}-accuracy", "name": f"Top-{n} Accuracy",
                                   "direction": "higher", "unit": "percent",
                                   "range": {"min": 0, "max": 100}, "aliases": [f"top{n}"]})
    write(registry, "metric", {"id": "top-1-error", "name": "Top-1 Error",
                               "direction": "lower"})
    return registry


def timm_sample(into: Path, rows: int = 40) -> Path:
    lines = TIMM.read_text(encoding="utf-8").splitlines(keepends=True)[: rows + 1]
    path = into / "results-imagenet.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


TIMM_MAPPING = {"model": "{model} @ {img_size}px", "task": "Image Classification",
                "dataset": "ImageNet", "split": "validation",
                "metrics": {"top1": "Top-1 Accuracy", "top5": "top5",
                            "top1_err": "Top-1 Error"},
                "source": {"kind": "library", "title": "timm ImageNet results",
                           "id": "timm-imagenet-results",
                           "url": "https://github.com/huggingface/pytorch-image-models/tree/"
                           "main/results"}}


def _table(registry: Path, work: Path) -> ImportReport:
    mapping_file = work / "timm.yaml"
    if not mapping_file.exists():
        mapping_file.write_text(yaml.safe_dump(TIMM_MAPPING), encoding="utf-8")
    return import_tables(registry, [timm_sample(work)], read_mapping(mapping_file, {}), jobs=1)


def _archive(registry: Path, work: Path) -> ImportReport:
    return import_archive(Options(registry=registry, evaluation_tables=[RECORD], today=TODAY,
                                  jobs=1))


def _archive_rows() -> int:
    def rows(node: Any) -> int:
        if isinstance(node, list):
            return sum(rows(n) for n in node)
        if not isinstance(node, dict):
            return 0
        sota = node.get("sota")
        own = len(sota.get("rows") or []) if isinstance(sota, dict) else 0
        return own + sum(rows(node.get(k)) for k in ("datasets", "subdatasets", "subtasks"))
    return rows(json.loads(RECORD.read_text(encoding="utf-8")))


@dataclasses.dataclass(frozen=True)
class Case:
    format: str
    #: Import the format's sample into the registry (``work`` is a folder for its inputs).
    run: Callable[[Path, Path], ImportReport]
    #: How many rows (results as the input writes them) the sample holds, counted apart.
    rows: Callable[[], int]
    registry: Callable[[Path], Path] = classification_registry


#: Two of mmocr's metafiles (corpus: model-index/mmocr/configs/textdet/{drrg,panet}/
#: metafile.yml, 894 and 1,380 bytes, Apache-2.0), in a tree with its own model-index.yml.
MMOCR = [CORPUS / "model-index" / "mmocr" / "configs" / "textdet" / name / "metafile.yml"
         for name in ("drrg", "panet")]
#: Two model cards (corpus: hf-model-cards/cards/, Apache-2.0 and BSD-3-Clause).
CARDS = [CORPUS / "hf-model-cards" / "cards" / name for name in (
    "Intel_bert-base-uncased-mrpc_README.md", "MIT_ast-finetuned-speech-commands-v2_README.md")]


def text_registry(into: Path) -> Path:
    """The classification registry with the metric mmocr's text detection is measured by."""
    registry = classification_registry(into)
    write(registry, "metric", {"id": "hmean-iou", "name": "Hmean-IoU", "direction": "higher",
                               "unit": "percent", "range": {"min": 0, "max": 100},
                               "aliases": ["hmean-iou"]})
    return registry


def _model_index(registry: Path, work: Path) -> ImportReport:
    tree = work / "mmocr"
    if not tree.exists():
        for metafile in MMOCR:
            target = tree / metafile.relative_to(CORPUS / "model-index" / "mmocr")
            target.parent.mkdir(parents=True)
            shutil.copyfile(metafile, target)
        (tree / "model-index.yml").write_text(
            "Import:\n  - configs/textdet/drrg/metafile.yml\n"
            "  - configs/textdet/panet/metafile.yml\n", encoding="utf-8")
    return import_format("model-index", registry, [tree], None, jobs=1)


def _model_index_rows() -> int:
    return sum(len(model.get("Results") or []) for metafile in MMOCR
               for model in yaml.safe_load(metafile.read_text(encoding="utf-8"))["Models"])


def _hf(registry: Path, work: Path) -> ImportReport:
    return import_format("hf", registry, CARDS, None, jobs=1)


def _hf_rows() -> int:
    def front(card: Path) -> Any:
        return yaml.safe_load(card.read_text(encoding="utf-8").split("---\n")[1])
    return sum(len(model["results"]) for card in CARDS for model in front(card)["model-index"])


CASES = [
    Case("pwc-archive", _archive, _archive_rows),
    Case("table", _table, lambda: 40),
    Case("model-index", _model_index, _model_index_rows, text_registry),
    Case("hf", _hf, _hf_rows),
]


@pytest.fixture(params=CASES, ids=lambda c: c.format)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


def _imported(case: Case, tmp_path: Path) -> tuple[Path, Path, ImportReport]:
    registry = case.registry(tmp_path / "repo")
    work = tmp_path / "work"
    work.mkdir()
    return registry, work, case.run(registry, work)


def _holder_files(registry: Path, case: Case) -> list[Path]:
    """The files holding results the import wrote (each result says who filed it)."""
    reported_by = FORMATS[case.format].reported_by
    return sorted(p for folder in ("papers", "sources")
                  for p in (registry / folder).rglob(f"*{layout.SUFFIX}")
                  if (yaml.safe_load(p.read_text(encoding="utf-8")).get("results") or [{}])[0]
                  .get("source", {}).get("reported_by") == reported_by)


def _snapshot(registry: Path) -> dict[str, bytes]:
    return {str(p.relative_to(registry)): p.read_bytes()
            for p in sorted(registry.rglob("*")) if p.is_file()}


def test_every_format_has_a_case() -> None:
    assert {c.format for c in CASES} == set(FORMATS)


def test_the_import_is_a_valid_registry(case: Case, tmp_path: Path) -> None:
    registry, _, report = _imported(case, tmp_path)
    assert report.errors == 0
    assert report.counts["result"] > 0
    found = validate(ValidateOptions(registry=registry, today=TODAY, jobs=1))
    assert [d for d in found.diagnostics if d.severity == "error"] == []


def test_a_second_import_changes_nothing(case: Case, tmp_path: Path) -> None:
    registry, work, _ = _imported(case, tmp_path)
    before = _snapshot(registry)
    again = case.run(registry, work)
    assert _snapshot(registry) == before
    assert {outcome for _, outcome in again.files} == {"unchanged"}


def test_a_maintainers_value_is_never_overwritten(case: Case, tmp_path: Path) -> None:
    registry, work, _ = _imported(case, tmp_path)
    path = _holder_files(registry, case)[0]
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    metrics = record["results"][0]["metrics"]
    metric = next(iter(metrics))
    value = metrics[metric]
    corrected = (value["value"] if isinstance(value, dict) else value) + 0.25
    metrics[metric] = corrected
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    again = case.run(registry, work)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["results"][0]["metrics"][metric] \
        == corrected
    kept = [d for d in again.diagnostics if d.code == "A007"
            and d.file.endswith(str(path.relative_to(registry.parent)).removeprefix("registry"))]
    assert kept and repr(corrected) in kept[0].message


def test_a_result_a_correction_removed_is_not_imported_again(case: Case, tmp_path: Path
                                                             ) -> None:
    """A maintainer removes an imported result, with the correction CI asks for: importing
    again used to add it back (a reviewed removal undone without a word)."""
    registry, work, _ = _imported(case, tmp_path)
    path = _holder_files(registry, case)[0]
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    gone = record["results"].pop(0)
    record["corrections"] = [{"date": "2026-11-20", "reason": "the row is not in the paper",
                              "result": {k: gone[k] for k in ("task", "dataset", "split",
                                                              "model") if k in gone}}]
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    edited = path.read_bytes()
    again = case.run(registry, work)
    assert path.read_bytes() == edited
    [refused] = [d for d in again.diagnostics if d.code == "A053"]
    assert refused.file.endswith(path.name) and repr(gone["model"]) in refused.message
    # At the correction that removed it.
    assert path.read_text(encoding="utf-8").splitlines()[refused.line - 1][
        refused.column - 1:].startswith("date: '2026-11-20'")


def test_every_row_is_accounted_for(case: Case, tmp_path: Path) -> None:
    registry, _, report = _imported(case, tmp_path)
    counts = report.counts
    assert counts["row"] == case.rows()
    assert counts["row"] == counts["result"] + counts["merged row"] + counts["skipped row"]
    loaded = load_registry(registry, jobs=1)
    held = sum(len(h.results) for h in (*loaded.papers.values(), *loaded.sources.values()))
    base = load_registry(case.registry(tmp_path / "base"), jobs=1)
    before = sum(len(h.results) for h in (*base.papers.values(), *base.sources.values()))
    assert held - before == counts["result"]
    # Each row not imported is one listed problem at least.
    assert sum(report.totals.values()) >= counts["skipped row"]


def test_a_link_in_the_registry_is_not_written_through(case: Case, tmp_path: Path) -> None:
    registry, work, _ = _imported(case, tmp_path)
    path = _holder_files(registry, case)[0]
    outside = tmp_path / "outside.yaml"
    text = path.read_text(encoding="utf-8")
    # The maintainer's copy lost its results: an import would add them back through the link.
    record = yaml.safe_load(text)
    record["results"] = record["results"][1:] or [
        {**record["results"][0], "model": "another model"}]
    outside.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    before = outside.read_bytes()
    path.unlink()
    os.symlink(outside, path)
    again = case.run(registry, work)
    assert path.is_symlink() and outside.read_bytes() == before
    assert any(d.code == "A013" for d in again.diagnostics)
    shutil.rmtree(registry)


def test_the_model_index_and_hf_commands(tmp_path: Path) -> None:
    registry = text_registry(tmp_path / "repo")
    work = tmp_path / "work"
    work.mkdir()
    _model_index(registry, work)  # lays out the sample tree (and imports it once)
    pwc = [sys.executable, "-m", "pwc_registry"]
    common = ["--registry", str(registry), "--report", str(tmp_path / "report.md")]
    done = subprocess.run([*pwc, "import", "model-index", str(work / "mmocr"), *common],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"{_model_index_rows()} rows read" in done.stdout and "0 files created" in done.stdout
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Import of model-index metafiles\n")
    done = subprocess.run([*pwc, "import", "hf", *map(str, CARDS), *common],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"{_hf_rows()} rows read" in done.stdout
    done = subprocess.run([*pwc, "import", "hf", str(CARDS[0]), "--repo-id", "no-slash",
                           *common], capture_output=True, text=True)
    assert done.returncode == 2 and "expected OWNER/NAME" in done.stderr
    assert "Traceback" not in done.stderr
