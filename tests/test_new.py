"""`pwc new`: from an arXiv id to a passing validation, against a local server (no network).

``tests/data/arxiv-2211.05344.xml`` is an arXiv API response in the API's Atom format for the
seed paper, its fields taken from the seed page (this machine cannot reach arXiv to record one).
"""

from __future__ import annotations

import decimal
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pwc_registry import load
from pwc_registry.cli import main
from pwc_registry.leaderboard import find_leaderboard
from pwc_registry.registry import load_registry
from pwc_registry.validate import Options, validate

from conftest import TODAY, arxiv_server
from examples import materialise

RESPONSE = Path(__file__).parent / "data" / "arxiv-2211.05344.xml"


@pytest.fixture
def arxiv_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A local arXiv API serving the recorded response; the requests it got."""
    requests: list[str] = []

    def answer(path: str) -> tuple[int, bytes]:
        requests.append(path)
        return 200, RESPONSE.read_bytes() if "id_list=2211.05344" in path else (
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>')

    server = arxiv_server(monkeypatch, answer)
    yield requests
    server.shutdown()


def _registry_without_lert(tmp_path: Path) -> Path:
    registry = materialise(Path("/nonexistent"), tmp_path)
    for paper in registry.glob("papers/*/lert-*.yaml"):
        paper.unlink()
    dataset = registry / "datasets" / "astock.yaml"
    assert "lert" not in dataset.read_text()
    return registry


def invoke(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args))
    return outcome.exit_code, outcome.output


def test_from_an_arxiv_id_to_a_passing_validation(tmp_path: Path, arxiv_api: list[str]) -> None:
    registry = _registry_without_lert(tmp_path)
    code, out = invoke("new", "paper", "arXiv:2211.05344v1", "--registry", str(registry))
    assert code == 0, out
    assert arxiv_api == ["/api/query?id_list=2211.05344&max_results=1"]
    paper_id = "lert-a-linguistically-motivated-pre-trained-language-model"
    path = next(registry.glob(f"papers/*/{paper_id}.yaml"))
    text = path.read_text("utf-8")
    assert 'title: "LERT: A Linguistically-motivated Pre-trained Language Model"' in text
    assert 'date: "2022-11-10"' in text and 'arxiv: "2211.05344"' in text
    assert "  - Yiming Cui\n  - Wanxiang Che\n  - Shijin Wang\n  - Ting Liu\n" in text

    # Names as a contributor types them: the task's name, the dataset in capitals, an alias.
    code, out = invoke("new", "result", paper_id, "--task", "Stock Market Prediction",
                       "--dataset", "ASTOCK", "--model", "Chinese Lert Large (News+Factors)",
                       "--metric", "Acc=66.36", "--metric", "F1-score=66.16",
                       "--location", "Table 5", "--kind", "own", "--no-extra-data",
                       "--registry", str(registry))
    assert code == 0, out
    assert "      accuracy: 66.36\n      f1-score: 66.16\n" in path.read_text("utf-8")
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert report.diagnostics == []

    code, out = invoke("new", "result", paper_id, "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "Chinese Lert Large (News+Factors)",
                       "--metric", "accuracy=66.63", "--registry", str(registry))
    assert code == 1 and "already has accuracy=66.36" in out and "correction" in out
    code, out = invoke("new", "paper", "2211.05344", "--registry", str(registry))
    assert code == 1 and "already in the registry" in out
    # Told from the registry before arXiv is asked: offline, the answer is the same.
    assert arxiv_api == ["/api/query?id_list=2211.05344&max_results=1"]
    assert f"to add a result to it: pwc new result {paper_id} --task" in out
    assert "Usage:" not in out
    # The paper by its arXiv id, as `pwc show paper` takes it (it said there was no such paper;
    # helper-65)
    code, out = invoke("new", "result", "2211.05344", "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "LERT Base", "--metric", "accuracy=60.1",
                       "--registry", str(registry))
    assert code == 0, out
    assert "    model: LERT Base\n" in path.read_text("utf-8")
    # the digits as given, trailing zeros too (66.360 was written 66.36, 68.0 as 68), and a
    # value already there shown as written, not as a Python dict (helper-65)
    code, out = invoke("new", "result", "2211.05344", "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "LERT Small", "--metric",
                       "accuracy=66.360", "--metric", "precision=68.0%", "--metric",
                       "recall=64.0±0.30", "--registry", str(registry))
    assert code == 0, out
    assert ("    model: LERT Small\n    metrics:\n      accuracy: 66.360\n      precision: 68.0\n"
            "      recall:\n        value: 64.0\n        spread: 0.30\n") in path.read_text("utf-8")
    assert validate(Options(registry=registry, today=TODAY, jobs=1)).diagnostics == []
    # but not a leading zero, which YAML 1.1 reads as octal (helper-67): 016 is written 16
    code, out = invoke("new", "result", "2211.05344", "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "LERT Tiny", "--metric",
                       "accuracy=016", "--metric", "precision=07.50", "--registry",
                       str(registry))
    assert code == 0, out
    assert "    model: LERT Tiny\n    metrics:\n      accuracy: 16\n      precision: 7.5\n" \
        in path.read_text("utf-8")
    assert validate(Options(registry=registry, today=TODAY, jobs=1)).diagnostics == []
    code, out = invoke("new", "result", "2211.05344", "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "LERT Small", "--metric",
                       "recall=64.1", "--registry", str(registry))
    assert code == 1 and "already has recall=64.0±0.3 for 'LERT Small'" in out, out


def test_names_are_checked_and_suggested_on_the_spot(tmp_path: Path) -> None:
    registry = materialise(Path("/nonexistent"), tmp_path)
    paper = "lert-a-linguistically-motivated-pre-trained-language-model"
    before = next(registry.glob(f"papers/*/{paper}.yaml")).read_text("utf-8")
    code, out = invoke("new", "result", paper, "--task", "Stock Market Predction", "--dataset",
                       "astock", "--model", "M", "--metric", "accuracy=1",
                       "--registry", str(registry))
    assert code == 1 and "no task 'Stock Market Predction'" in out \
        and "did you mean 'stock-market-prediction'?" in out
    code, out = invoke("new", "result", paper, "--task", "stock-market-prediction", "--dataset",
                       "astock", "--model", "M", "--metric", "accuracy=**66.4**",
                       "--registry", str(registry))
    assert code == 1 and "stripped bold markers" in out and "write 66.4" in out
    # A name the validator would refuse (V005, V010) is not written (found by an attack).
    code, out = invoke("new", "result", paper, "--task", "stock-market-prediction", "--dataset",
                       "astock", "--model", "X7\x1b[31m", "--location", "Table\u200b 2",
                       "--metric", "accuracy=66.4", "--registry", str(registry))
    assert code == 1 and "--model: control character U+001B at offset 2 (V005)" in out, out
    assert "--location: invisible character U+200B" in out
    assert next(registry.glob(f"papers/*/{paper}.yaml")).read_text("utf-8") == before
    # An alias that is the name in another case is the name again (helper-98: it was "given
    # twice", once); one given twice as written is.
    code, out = invoke("new", "metric", "MC2", "--alias", "mc2", "--direction", "higher",
                       "--registry", str(registry))
    assert code == 1 and "'mc2' is 'MC2' again (names are compared ignoring case" in out, out
    code, out = invoke("new", "metric", "MC3", "--alias", "M C", "--alias", "M C",
                       "--direction", "higher", "--registry", str(registry))
    assert code == 1 and "'M C' is given twice" in out, out
    assert not (registry / "metrics" / "mc2.yaml").exists()


def test_offline_says_so_and_how_to_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PWC_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    registry = _registry_without_lert(tmp_path)
    code, out = invoke("new", "paper", "2211.05344", "--registry", str(registry))
    assert code == 2 and "cannot reach arXiv" in out and "--title" in out
    assert "Usage:" not in out  # not a mistake in the command (helper-65)
    code, out = invoke("new", "paper", "--title", "A Paper Written by Hand", "--author", "A. Person",
                       "--date", "2024-05-01", "--registry", str(registry))
    assert code == 0 and next(registry.glob("papers/*/a-paper-written-by-hand.yaml"))
    # a month is a date the registry takes (it was refused here; helper-65), a 13th month not
    code, out = invoke("new", "paper", "--title", "A Paper of a Month", "--date", "2024-05",
                       "--registry", str(registry))
    assert code == 0, out
    assert "\ndate: 2024-05\n" in next(registry.glob("papers/*/a-paper-of-a-month.yaml")).read_text()
    code, out = invoke("new", "paper", "--title", "Another", "--date", "2024-13",
                       "--registry", str(registry))
    assert code != 0 and "'2024-13' is not a date (YYYY-MM-DD, or YYYY-MM" in out


def test_a_title_that_would_take_a_page_of_the_site_needs_another_id(tmp_path: Path) -> None:
    registry = materialise(Path("/nonexistent"), tmp_path)
    code, out = invoke("new", "paper", "--title", "Index", "--date", "2024-05-01",
                       "--registry", str(registry))
    assert code == 1 and "'index' is reserved" in out and "--id" in out
    assert not list(registry.glob("papers/*/index.yaml"))


def test_an_unknown_arxiv_id(tmp_path: Path, arxiv_api: list[str]) -> None:
    registry = _registry_without_lert(tmp_path)
    code, out = invoke("new", "paper", "2401.00001", "--registry", str(registry))
    assert code == 2 and "arXiv has no paper 2401.00001" in out
    shutil.rmtree(registry)


@pytest.mark.parametrize(("given", "refusal"), [
    ("1e-400", "too small for a 64-bit float"),  # was written as 0
    ("5e-324", "too small for a 64-bit float to hold in full"),  # subnormal: readers refuse it
    ("1.0e400", "too large for a 64-bit float"),
    ("1" + "0" * 400, "too large for a 64-bit float"),
    ("2222399999999999999999999999999", "which holds 2222400000000000000000000000000"),
    ("12345678901234567", "which holds 12345678901234568"),  # was written so
    ("0.1234567890123456789", "which holds 0.12345678901234568"),
])
def test_a_number_no_registry_file_can_hold_is_refused_not_rounded(
        tmp_path: Path, given: str, refusal: str) -> None:
    registry = materialise(Path("/nonexistent"), tmp_path)
    paper = next(registry.glob("papers/*/lert-*.yaml"))
    before = paper.read_text("utf-8")
    code, out = invoke("new", "result", paper.stem, "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "M", "--metric", f"f1-score={given}",
                       "--registry", str(registry))
    assert code == 1 and refusal in out, out
    assert paper.read_text("utf-8") == before


def test_a_point_of_reference_is_added_as_one(tmp_path: Path) -> None:
    registry = materialise(Path("/nonexistent"), tmp_path)
    paper = next(registry.glob("papers/*/lert-*.yaml"))
    code, out = invoke("new", "result", paper.stem, "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "Human annotators", "--metric",
                       "accuracy=90.5", "--kind", "reference", "--registry", str(registry))
    assert code == 0, out
    assert "    source:\n      kind: reference\n" in paper.read_text("utf-8")
    assert validate(Options(registry=registry, today=TODAY, jobs=1)).diagnostics == []
    board = find_leaderboard(load_registry(registry), "stock-market-prediction", "astock")
    assert board is not None and [r.rank for r in board.rows
                                  if r.result.model == "Human annotators"] == [None]


def test_a_value_is_written_with_the_digits_given(tmp_path: Path) -> None:
    registry = materialise(Path("/nonexistent"), tmp_path)
    paper = next(registry.glob("papers/*/lert-*.yaml"))
    # A metric without unit or range: every number a file can hold is written.
    (registry / "metrics" / "score.yaml").write_text(
        "id: score\nname: Score\ndirection: higher\n", encoding="utf-8")
    given = ["66.36", "88", "12.50", "1e-5", "0.000123", "100000000000000000000", "1e22",
             "9007199254740992", "99.99999999999999", "2.2250738585072014e-308"]
    for i, text in enumerate(given):
        code, out = invoke("new", "result", paper.stem, "--task", "stock-market-prediction",
                           "--dataset", "astock", "--model", f"M{i}", "--metric",
                           f"score={text}", "--registry", str(registry))
        assert code == 0, out
    written = load.read_rich(paper.name, paper.read_bytes()).data
    assert written is not None
    values = {r["model"]: r["metrics"]["score"] for r in written["results"]
              if "score" in r["metrics"]}
    for i, text in enumerate(given):  # the same number, not one a float rounded
        assert decimal.Decimal(repr(values[f"M{i}"])) == decimal.Decimal(text), text
    raw = paper.read_text("utf-8")
    assert "score: 100000000000000000000\n" in raw and "score: 12.50\n" in raw  # as given


def test_a_result_or_benchmark_on_no_board_is_refused_before_writing(tmp_path: Path) -> None:
    """`--split 验证集` wrote a result that validation then refused (V011), and a long split one
    no build could write the files of (V012): both are said before anything is written."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    before = lert.read_bytes()
    for split, code in (("验证集", "V011"), (" ".join(["word"] * 60), "V012")):
        out = invoke("new", "result", lert.stem, "--task", "stock-market-prediction",
                     "--dataset", "astock", "--model", "X", "--metric", "accuracy=50",
                     "--split", split, "--registry", str(registry))
        assert out[0] == 1 and f"({code})" in out[1], out
        out = invoke("new", "benchmark", "stock-market-prediction", "astock", "--split", split,
                     "--registry", str(registry))
        assert out[0] == 1 and f"({code})" in out[1], out
    assert lert.read_bytes() == before
    assert not list(registry.glob("benchmarks/*--astock--*.yaml"))


def test_new_files_are_never_written_through_a_link(tmp_path: Path) -> None:
    """A link where `pwc new` would write (the file, or a folder on the way) is refused and
    what it points to is untouched: `pwc new paper` wrote the paper into the file a link
    pointed to (found by an attack)."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    victim = tmp_path / "thesis.txt"
    victim.write_text("MY THESIS DRAFT")
    (registry / "papers" / "3d").mkdir()
    (registry / "papers" / "3d" / "a-paper-written-by-hand.yaml").symlink_to(victim)
    args = ["new", "paper", "--title", "A Paper Written by Hand", "--date", "2024-05-01",
            "--registry", str(registry)]
    code, out = invoke(*args)
    assert code != 0 and "symbolic link" in out and "Traceback" not in out
    assert victim.read_text() == "MY THESIS DRAFT"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(registry / "tasks")
    (registry / "tasks").symlink_to(elsewhere)
    code, out = invoke("new", "task", "Zeta Task", "--registry", str(registry))
    assert code != 0 and "symbolic link" in out and list(elsewhere.iterdir()) == []


def test_a_file_rewritten_is_a_new_file_renamed_over_the_old(tmp_path: Path) -> None:
    """`pwc new result` and `pwc fmt` write a new file and rename it over the old one: a run
    killed half-way (or a full disk) leaves the person's file whole, where writing in place
    left it cut short, and a hard link to it elsewhere keeps its bytes."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    paper = next(registry.glob("papers/*/lert-*.yaml"))
    backup = tmp_path / "backup.yaml"
    backup.hardlink_to(paper)
    before = paper.read_bytes()
    code, out = invoke("new", "result", paper.stem, "--task", "stock-market-prediction",
                       "--dataset", "astock", "--model", "New Model", "--metric",
                       "accuracy=61.2", "--registry", str(registry))
    assert code == 0, out
    assert backup.read_bytes() == before and b"New Model" in paper.read_bytes()
    assert sorted(p.name for p in paper.parent.iterdir()) == [paper.name]  # no temporary left
    messy = paper.read_text("utf-8").replace("model: New Model", "model:   New Model")
    paper.write_text(messy, "utf-8")
    backup.unlink()
    backup.hardlink_to(paper)
    code, out = invoke("fmt", "--registry", str(registry))
    assert code == 0, out
    assert backup.read_text("utf-8") == messy and "model: New Model" in paper.read_text("utf-8")


@pytest.mark.parametrize(("bounds", "said"), [
    (["--max", "1e-400"], "too small for a 64-bit float"),
    (["--max", "0.1234567890123456789"], "more digits than a 64-bit float keeps"),
    (["--min", "nan"], "is not a plain number"), (["--max", "inf"], "is not a plain number"),
    (["--min", "1e400"], "too large for a 64-bit float"),
    (["--min", "100", "--max", "0"], "min 100 is above max 0")])
def test_a_metrics_range_is_read_as_a_value_is(tmp_path: Path, bounds: list[str],
                                               said: str) -> None:
    """helper-90: `--max 1e-400` wrote 0, 0.1234567890123456789 was rounded, inf and nan were
    a traceback, and an inverted range was written (every value of the metric refused)."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    code, out = invoke("new", "metric", "Odd Score", "--direction", "higher", "--registry",
                       str(registry), *bounds)
    assert code == 2 and said in out and "Traceback" not in out, out
    assert not (registry / "metrics" / "odd-score.yaml").exists()


@pytest.mark.parametrize("args", [
    ["paper", "--title", "Title\u202eRTL"], ["paper", "--title", "A title", "--author",
                                            "Bob\u00adSmith"],
    ["paper", "--title", "Bell\x07 rings"], ["task", "Unicode Task \u202e"],
    ["dataset", "Zero\u200bwidth"], ["metric", "Score", "--direction", "higher",
                                     "--description", "next\u0085line"]])
def test_new_writes_no_text_the_validator_refuses(tmp_path: Path, args: list[str]) -> None:
    """helper-90: `pwc new paper`, `task` and `dataset` wrote a title or name with a control or
    invisible character (U+202E, U+00AD, U+200B, BEL), which `pwc validate` then refused."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    before = sorted(p for p in registry.rglob("*") if p.is_file())
    code, out = invoke("new", *args, "--registry", str(registry))
    assert code != 0 and ("V005" in out or "V010" in out), out
    assert sorted(p for p in registry.rglob("*") if p.is_file()) == before
