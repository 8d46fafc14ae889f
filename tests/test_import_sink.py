"""The shared path on Imported batches as the model-index and model-card readers hand them over:
holders, the unit rule a source states, a source found again after a maintainer's edit."""

from __future__ import annotations

from pathlib import Path

import yaml

from pwc_registry.imports.records import (
    Imported,
    ImportedResult,
    ImportedValue,
    Origin,
    PaperRef,
    SourceRef,
)
from pwc_registry.imports.report import ImportReport
from pwc_registry.imports.sink import import_batches
from pwc_registry.validate import Options, validate
from test_import_contract import classification_registry

from conftest import TODAY

CARD = Origin("cards/vit/README.md", ("model-index", 0), 12)


def _value(metric: str, value: object, unit: str | None = None) -> ImportedValue:
    return ImportedValue(metric, value, CARD.at(metric), unit)


def _result(model: str, *values: ImportedValue, paper: PaperRef | None = None
            ) -> ImportedResult:
    return ImportedResult(CARD, "Image Classification", "ImageNet", model, values, "validation",
                          paper)


def _import(registry: Path, *batches: Imported, rows: list[int] | None = None) -> ImportReport:
    return import_batches(registry, batches, ["cards"], subject="Hugging Face model cards",
                          speaker="the card", reported_by="pwc-import-hf",
                          progress=rows.append if rows is not None else None, jobs=1)


def test_results_without_a_source_are_held_by_their_papers(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    vit = PaperRef(title="An Image is Worth 16x16 Words", identifiers=(("arxiv", "2010.11929"),))
    first = Imported(CARD, None, (_result("ViT-B/16", _value("top1", 81.1), paper=vit),))
    # A later card names the paper by its arXiv URL alone: the same paper.
    again = Imported(CARD, None, (_result("ViT-L/16", _value("top1", 85.1), paper=PaperRef(
        url="https://arxiv.org/abs/2010.11929v2")),))
    nameless = Imported(CARD, None, (_result("mystery", _value("top1", 70.0)),))
    rows: list[int] = []
    report = _import(registry, first, again, nameless, rows=rows)
    assert rows == [1, 2, 3]  # progress after each batch
    papers = list(registry.glob("papers/*/an-image-is-worth-16x16-words.yaml"))
    assert len(papers) == 1
    paper = yaml.safe_load(papers[0].read_text(encoding="utf-8"))
    assert paper["identifiers"] == {"arxiv": "2010.11929"}
    assert [r["model"] for r in paper["results"]] == ["ViT-B/16", "ViT-L/16"]
    assert report.totals["A034"] == 1 and report.counts["skipped row"] == 1


def test_a_stated_fraction_is_converted_and_a_stated_percent_is_not(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    card = SourceRef(kind="model-card", title="google/vit-base-patch16-224",
                     preferred_id="google-vit-base-patch16-224")
    batch = Imported(CARD, card, (
        _result("A", _value("top1", 0.811, "fraction"), _value("top5", 0.9, "percent")),
        _result("B", _value("top1", 85.0, "fraction"), _value("top5", 95.5))))
    report = _import(registry, batch)
    source = yaml.safe_load(next(registry.glob("sources/*/google-vit-base-patch16-224.yaml"))
                            .read_text(encoding="utf-8"))
    a, b = source["results"]
    assert a["metrics"] == {"top-1-accuracy": 81.1, "top-5-accuracy": 0.9}
    assert "as the source states" in a["notes"] and a["source"]["kind"] == "model-card"
    # 85.0 "as a fraction" is no fraction: reported, never multiplied to 8,500.
    assert b["metrics"] == {"top-5-accuracy": 95.5}
    assert report.totals["A032"] == 1 and report.totals["A033"] == 1


def test_a_fraction_whose_percent_no_float_holds_is_rounded_and_said_to_be(tmp_path: Path
                                                                           ) -> None:
    """0.8978260869565218 (a real card's accuracy: corpus/hf-model-cards) is 89.78260869565218
    percent, which a float holds as 89.78260869565219: once written so, with a note calling
    the conversion exact. Its last digits are a float's noise, so the percent is rounded to the
    15 digits a float keeps, and the note and the report say so (never dropped, never a digit
    changed unsaid)."""
    registry = classification_registry(tmp_path)
    card = SourceRef(kind="model-card", title="a card", preferred_id="a-card")
    batch = Imported(CARD, card, (
        _result("A", _value("top1", 0.8978260869565218, "fraction"),
                _value("top5", 0.853, "fraction")),))
    report = _import(registry, batch)
    source = yaml.safe_load(next(registry.glob("sources/*/a-card.yaml")).read_text("utf-8"))
    [a] = source["results"]
    assert a["metrics"] == {"top-1-accuracy": 89.7826086956522, "top-5-accuracy": 85.3}
    assert "rounded to 15 significant digits" in a["notes"]
    assert report.totals["A032"] == 2 and report.totals["A015"] == 0
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert report.errors == 0, report.diagnostics


def test_a_source_retitled_by_a_maintainer_is_found_by_its_id(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    card = SourceRef(kind="model-card", title="vit card", preferred_id="vit-card")
    batch = Imported(CARD, card, (_result("A", _value("top1", 81.1)),),
                     problems=(("A038", "a problem the reader met", CARD),))
    report = _import(registry, batch)
    assert report.totals["A038"] == 1  # the reader's problems reach the report
    path = next(registry.glob("sources/*/vit-card.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace("title: vit card",
                                                             "title: ViT model card"),
                    encoding="utf-8")
    report = _import(registry, batch)
    assert list(registry.glob("sources/*/*.yaml")) == [path]
    assert "title: ViT model card" in path.read_text(encoding="utf-8")
    assert any(d.code == "A007" and "'vit card'" in d.message for d in report.diagnostics)
