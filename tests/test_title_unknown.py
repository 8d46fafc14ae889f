"""Papers known by an identifier only: a record with no title loads, ranks, builds and shows,
named everywhere by one label; the validator lists it (Q009); a paper with neither a title nor
an identifier is a schema error with its position.

The case is the archive's: many rows of the Papers with Code archive carry an arXiv
``paper_url`` and an empty ``paper_title`` (all of OGB's; MT-DNN, arXiv 1901.11504, #1 on SNLI,
is filed under "Xiaodong Liu et al. '19" in registry/papers/ab/xiaodong-liu-et-al-19.yaml).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from pwc_registry import schema, snapshot
from pwc_registry.cli import main
from pwc_registry.leaderboard import compile_leaderboards
from pwc_registry.registry import load_registry, paper_label
from pwc_registry.site.build import build_site
from pwc_registry.stats import as_json, registry_stats
from pwc_registry.validate import Options, validate

from conftest import TODAY, git
from examples import materialise
from registry_builder import result, write

LABEL = "arXiv:1901.11504 (title unknown)"
MT_DNN = {"id": "arxiv-1901-11504", "date": "2019-01", "identifiers": {"arxiv": "1901.11504"},
          # Above LERT's 66.36, so that the paper holds the board's best.
          "results": [result("stock-market-prediction", "astock", "MT-DNN", accuracy=70.1)]}


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    root = materialise(Path("/nonexistent"), tmp_path)
    write(root, "paper", MT_DNN)
    return root


def _invoke(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args))
    return outcome.exit_code, outcome.output


def test_the_paper_loads_with_no_title_and_is_named_by_its_identifier(registry: Path) -> None:
    loaded = load_registry(registry, jobs=1)
    assert loaded.skipped == []
    paper = loaded.papers["arxiv-1901-11504"]
    assert paper.title is None
    assert paper_label(paper) == LABEL
    assert loaded.find_paper("arXiv:1901.11504") is paper
    lert = loaded.papers["lert-a-linguistically-motivated-pre-trained-language-model"]
    assert paper_label(lert) == lert.title  # a known title is its own label


@pytest.mark.parametrize(("identifiers", "label"), [
    ({"doi": "10.18653/v1/2022.finnlp-1.24", "pwc": "x"}, "doi:10.18653/v1/2022.finnlp-1.24"),
    ({"acl": "2022.finnlp-1.24"}, "ACL 2022.finnlp-1.24"),
    ({"openreview": "rJ4km2R5t7", "doi": "10.1145/x"}, "doi:10.1145/x"),
    ({"openreview": "rJ4km2R5t7"}, "OpenReview rJ4km2R5t7"),
])
def test_other_identifiers_name_the_paper_in_one_order(tmp_path: Path, identifiers: dict[str, str],
                                                       label: str) -> None:
    root = materialise(Path("/nonexistent"), tmp_path)
    write(root, "paper", {"id": "known-by-id", "identifiers": identifiers})
    paper = load_registry(root, jobs=1).papers["known-by-id"]
    assert paper_label(paper) == f"{label} (title unknown)"


def test_the_validator_lists_it_as_a_warning_with_its_place(registry: Path) -> None:
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert [(d.file, d.line, d.column, d.code, d.severity) for d in report.diagnostics] == [
        ("registry/papers/92/arxiv-1901-11504.yaml", 4, 10, "Q009", "warning")]
    (found,) = report.diagnostics
    assert "arXiv:1901.11504" in found.message and "pwc papers fill" in (found.hint or "")


def test_neither_title_nor_identifier_is_a_schema_error_at_its_place(tmp_path: Path) -> None:
    root = materialise(Path("/nonexistent"), tmp_path)
    write(root, "paper", {"id": "nameless", "identifiers": {"pwc": "some-slug"},
                          "results": MT_DNN["results"]})
    code, out = _invoke("validate", "--registry", str(root))
    assert code == 1 and "Traceback" not in out
    assert ("registry/papers/4b/nameless.yaml:3:3: S001 identifiers: no arxiv, doi, acl or "
            "openreview id, and no title") in out
    assert load_registry(root, jobs=1).skipped == ["registry/papers/4b/nameless.yaml"]


def test_rows_and_snapshots_name_it_by_the_label(registry: Path, tmp_path: Path) -> None:
    loaded = load_registry(registry, jobs=1)
    out = tmp_path / "lb"
    snapshot.build(loaded, out, jobs=1)
    board = json.loads((out / "benchmarks" / "stock-market-prediction--astock.json").read_text())
    Draft202012Validator(schema.schema("leaderboard")).validate(board)
    top = board["rows"][0]
    # The data says the title is unknown; only the tables, for people, show the label.
    assert top["paper"] == {"id": "arxiv-1901-11504", "title": None, "date": "2019-01",
                            "arxiv": "1901.11504"}
    assert top["holder"] == {"kind": "paper", "id": "arxiv-1901-11504", "title": None}
    assert board["sota"][-1]["holder_title"] is None
    index = json.loads((out / "index.json").read_text())
    Draft202012Validator(schema.schema("leaderboard-index")).validate(index)
    with (out / "benchmarks" / "stock-market-prediction--astock.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["paper"] == LABEL
    with (out / "index.csv").open() as f:
        best = {r["id"]: r["best_holder"] for r in csv.DictReader(f)}
    assert best["stock-market-prediction--astock"] == LABEL
    assert f"| {LABEL} |" in (out / "benchmarks" / "stock-market-prediction--astock.md"
                              ).read_text()


def test_the_site_shows_the_label(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    page = (out / "papers" / "arxiv-1901-11504.html").read_text()
    assert f"<h1>{LABEL}</h1>" in page and "The title is not known yet" in page
    assert f"<title>{LABEL} — Papers With Code 2</title>" in page
    board = (out / "benchmarks" / "stock-market-prediction--astock.html").read_text()
    assert f'<a href="../papers/arxiv-1901-11504.html">{LABEL}</a>' in board
    assert f'<a href="papers/arxiv-1901-11504.html">{LABEL}</a>' in (out / "index.html"
                                                                      ).read_text()
    from pwc_registry.site.build import gather
    from pwc_registry.site.search import records

    found = dict(records(gather(load_registry(registry, jobs=1))))
    assert f'data-value="{LABEL}"' in found["papers/arxiv-1901-11504.html"]


def test_show_paper_prints_the_label(registry: Path) -> None:
    for name in ("arxiv-1901-11504", "1901.11504"):
        code, out = _invoke("show", "paper", name, "--registry", str(registry))
        assert code == 0, out
        assert out.splitlines()[0] == LABEL
    code, out = _invoke("show", "paper", "lert-a-linguistically-motivated-pre-trained-language-"
                        "model", "--registry", str(registry))
    assert f"{LABEL} (2019-01)" in out.splitlines()  # among its related papers


def test_stats_count_papers_whose_title_is_unknown(registry: Path) -> None:
    loaded = load_registry(registry, jobs=1)
    stats = registry_stats(loaded, compile_leaderboards(loaded))
    assert (stats.papers_title_unknown.count, stats.papers_title_unknown.total) == (1, 3)
    assert stats.papers_titled_wrong.count == 0
    assert json.loads(as_json(stats))["papers_title_unknown"]["count"] == 1


def test_diff_names_the_paper_by_its_label(tmp_path: Path) -> None:
    root = materialise(Path("/nonexistent"), tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "seed")
    write(root, "paper", MT_DNN)
    code, out = _invoke("diff", "main", "--registry", str(root))
    assert code == 0, out
    assert f"by MT-DNN ([{LABEL}](https://arxiv.org/abs/1901.11504)), previous best 66.36" in out
    assert f"| {LABEL} |" in out


def test_the_archive_export_leaves_the_title_empty_and_gives_the_url(registry: Path,
                                                                     tmp_path: Path) -> None:
    code, out = _invoke("export", "pwc-archive", "--registry", str(registry), "--out",
                        str(tmp_path / "dumps"))
    assert code == 0, out
    tables = json.loads((tmp_path / "dumps" / "evaluation-tables.json").read_text())

    def rows(tasks: list[dict[str, object]]) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        for task in tasks:
            for entry in task.get("datasets", []):  # type: ignore[attr-defined]
                found += entry["sota"]["rows"]
            found += rows(task.get("subtasks", []))  # type: ignore[arg-type]
        return found

    (row,) = [r for r in rows(tables) if r["model_name"] == "MT-DNN"]
    assert row["paper_title"] == "" and row["paper_url"] == "https://arxiv.org/abs/1901.11504"
    papers = json.loads((tmp_path / "dumps" / "papers-with-abstracts.json").read_text())
    assert {"arxiv_id": "1901.11504", "title": None}.items() <= next(
        p for p in papers if p["arxiv_id"] == "1901.11504").items()


def test_the_schema_and_the_label_know_the_same_identifiers() -> None:
    from pwc_registry.ids import PAPER_IDENTIFIERS

    branches = schema.schema("paper")["anyOf"][1]["properties"]["identifiers"]["anyOf"]
    assert [b["required"] for b in branches] == [[k] for k in PAPER_IDENTIFIERS]


def test_a_sources_row_names_the_paper_of_its_method_by_the_label(registry: Path,
                                                                  tmp_path: Path) -> None:
    """OGB's archive rows: a leaderboard lists a method by its arXiv URL alone."""
    write(registry, "source", {
        "id": "astock-leaderboard", "kind": "leaderboard", "title": "Papers with Code leaderboard:"
        " Stock Market Prediction on Astock", "results": [
            {**result("stock-market-prediction", "astock", "MT-DNN (re-run)", accuracy=69.0),
             "paper": "arxiv-1901-11504"}]})
    assert validate(Options(registry=registry, today=TODAY, jobs=1)).errors == 0
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    source = (out / "sources" / "astock-leaderboard.html").read_text()
    assert f'<a href="../papers/arxiv-1901-11504.html">{LABEL}</a>' in source
    board = (out / "benchmarks" / "stock-market-prediction--astock.html").read_text()
    assert board.count(f">{LABEL}</a>") == 2  # its own row and the leaderboard's
    code, shown = _invoke("show", "paper", "1901.11504", "--registry", str(registry))
    assert code == 0 and "MT-DNN (re-run) (from Papers with Code leaderboard: Stock" in shown
