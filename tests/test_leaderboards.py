"""Leaderboards: ranking in both directions, ties, extra data, the task tree, state of the art
over time, settings, snapshots that reproduce byte for byte, and the commands that show them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from pwc_registry import schema, snapshot
from pwc_registry.cli import main
from pwc_registry.leaderboard import compile_leaderboards, find_leaderboard
from pwc_registry.registry import load_registry
from pwc_registry.validate import Options, validate

from conftest import REPO
from registry_builder import paper, result, speech_registry, write


def _summary(board_rows: tuple) -> list[tuple[str, int | None]]:  # type: ignore[type-arg]
    return [(row.result.model, row.rank) for row in board_rows]


def test_lower_is_better_ranking_with_ties_and_missing_values(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    assert validate(Options(registry=registry)).diagnostics == []
    board = find_leaderboard(load_registry(registry), "ASR", "LibriSpeech")
    assert board is not None
    assert board.benchmark.primary == "word-error-rate"
    assert board.benchmark.directions["word-error-rate"] == "lower"
    assert _summary(board.rows) == [
        ("F", 1), ("B-large", 2), ("B", 3),
        ("C", 3), ("A", 5), ("E", 6), ("D", None)]
    assert board.rows[0].via == "noisy-speech-recognition"
    # the rank on the other metric, also lower-is-better
    assert {r.result.model: r.ranks["real-time-factor"] for r in board.rows} == {
        "F": None, "B-large": None, "B": 3, "C": 2, "A": None, "E": None, "D": 1}
    # without extra training data, B-large leaves and the others close up
    assert {r.result.model: r.rank_without_extra_data for r in board.rows} == {
        "F": 1, "B-large": None, "B": 2, "C": 2, "A": 4, "E": 5, "D": None}
    assert {r.result.model: r.ranks_without_extra_data.get("word-error-rate")
            for r in board.rows} == {r.result.model: r.rank_without_extra_data
                                     for r in board.rows}


def test_a_point_of_reference_is_listed_never_ranked(tmp_path: Path) -> None:
    # ReCoRD's "Human Performance" ranked #1 above every model, so the board's state of the
    # art was people (the shipped registry's case; source.kind: reference since).
    registry = speech_registry(tmp_path)
    human = result("speech-recognition", "librispeech-test-clean", "Human transcribers",
                   word_error_rate=1.0, real_time_factor=0.01)
    human["source"] = {"kind": "reference"}
    paper(registry, "human-asr", "2018-01-01", [human])
    before = find_leaderboard(load_registry(speech_registry(tmp_path / "plain")),
                              "ASR", "LibriSpeech")
    board = find_leaderboard(load_registry(registry), "ASR", "LibriSpeech")
    assert board is not None and before is not None
    row = next(r for r in board.rows if r.result.model == "Human transcribers")
    assert (row.rank, row.rank_without_extra_data) == (None, None)
    assert set(row.ranks.values()) == {None} and set(row.ranks_without_extra_data.values()) \
        <= {None}
    # the others rank as if it were not there, on every metric and in both views
    assert [(r.result.model, r.rank, r.rank_without_extra_data, r.ranks)
            for r in board.rows if r is not row] == \
        [(r.result.model, r.rank, r.rank_without_extra_data, r.ranks) for r in before.rows]
    assert board.best is not None and board.best.result.model == "F"
    assert row not in [step.row for step in (*board.sota, *board.sota_without_extra_data)]
    # listed after every ranked row, with the unranked ones
    assert all(r.rank is None for r in board.rows[board.rows.index(row):])
    # the text views, whose rank cell is empty as an unranked row's, say why under the table
    said = "Not ranked, as points of reference (human performance, an oracle), not methods: " \
        "Human transcribers."
    assert said in snapshot.leaderboard_markdown(board, load_registry(registry))
    shown = CliRunner().invoke(main, ["leaderboards", "show", "ASR", "LibriSpeech",
                                      "--registry", str(registry)])
    assert shown.exit_code == 0 and said in shown.output, shown.output


def test_ranks_on_every_metric_without_extra_data(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    paper(registry, "fast-asr", "2022-07-01", [
        result("speech-recognition", "librispeech-test-clean", "G", word_error_rate=4.0,
               real_time_factor=0.05, extra=True)])
    board = find_leaderboard(load_registry(registry), "ASR", "LibriSpeech")
    assert board is not None
    assert {r.result.model: r.ranks["real-time-factor"] for r in board.rows
            if r.ranks["real-time-factor"]} == {"G": 1, "D": 2, "C": 3, "B": 4}
    # G used extra data: without it D leads on this metric too, and G has no rank there
    assert {r.result.model: r.ranks_without_extra_data.get("real-time-factor")
            for r in board.rows if r.ranks["real-time-factor"]} == {
        "G": None, "D": 1, "C": 2, "B": 3}


def test_state_of_the_art_over_time(tmp_path: Path) -> None:
    board = find_leaderboard(load_registry(speech_registry(tmp_path)), "speech-recognition",
                             "librispeech-test-clean")
    assert board is not None
    assert [(s.date, s.value, s.row.result.model) for s in board.sota] == [
        ("2019-03-01", 5.0, "A"), ("2020-06-01", 2.9, "B-large"), ("2023-05-01", 2.5, "F")]
    assert [(s.date, s.value) for s in board.sota_without_extra_data] == [
        ("2019-03-01", 5.0), ("2020-06-01", 3.2), ("2023-05-01", 2.5)]


def test_higher_is_better_on_the_shipped_astock_leaderboard() -> None:
    board = find_leaderboard(load_registry(REPO / "registry"), "Stock Market Prediction",
                             "Astock")
    assert board is not None
    assert [(r.result.model, r.rank, r.result.metrics["accuracy"].value) for r in board.rows] == [
        ("Chinese Lert Large (News+Factors)", 1, 66.36), ("Chinese Lert Large (News)", 2, 64.37)]
    assert board.benchmark.metrics == ("accuracy", "f1-score", "precision", "recall")


def test_subtask_results_count_for_the_parent_unless_filed_there(tmp_path: Path) -> None:
    registry = load_registry(REPO / "registry")
    parent = find_leaderboard(registry, "stock-market-prediction", "astock")
    assert parent is not None
    # LERT files both models under both tasks: the parent board has them once, directly
    assert [r.via for r in parent.rows] == [None, None]


def test_benchmark_settings_choose_primary_metric_order_and_direction(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    write(registry, "benchmark", {
        "id": "speech-recognition--librispeech-test-clean", "task": "speech-recognition",
        "dataset": "librispeech-test-clean", "name": "LibriSpeech (clean)",
        "primary_metric": "real-time-factor",
        "metrics": ["real-time-factor", "word-error-rate"],
        "directions": {"real-time-factor": "higher"}})
    assert validate(Options(registry=registry)).diagnostics == []
    board = find_leaderboard(load_registry(registry), "speech-recognition",
                             "librispeech-test-clean")
    assert board is not None
    assert board.benchmark.name == "LibriSpeech (clean)"
    assert board.benchmark.metrics == ("real-time-factor", "word-error-rate")
    assert [(r.result.model, r.rank) for r in board.rows][:3] == [("B", 1), ("C", 2), ("D", 3)]


def test_snapshot_is_byte_identical_and_matches_its_schemas(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One process, then two workers: the same bytes."""
    registry = speech_registry(tmp_path / "r")
    monkeypatch.setattr(snapshot, "PARALLEL_THRESHOLD", 0)
    outputs = []
    for name, jobs in (("one", 1), ("two", 2)):
        loaded = load_registry(registry)
        snapshot.build(loaded, tmp_path / name, jobs=jobs)
        outputs.append({p.relative_to(tmp_path / name).as_posix(): p.read_bytes()
                        for p in sorted((tmp_path / name).rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]
    files = outputs[0]
    assert "benchmarks/speech-recognition--librispeech-test-clean.csv" in files
    board_schema = Draft202012Validator(schema.schema("leaderboard"))
    for name, data in files.items():
        if name.startswith("benchmarks/") and name.endswith(".json"):
            board_schema.validate(json.loads(data))
    index = json.loads(files["index.json"])
    Draft202012Validator(schema.schema("leaderboard-index")).validate(index)
    speech = next(e for e in index["benchmarks"]
                  if e["id"] == "speech-recognition--librispeech-test-clean")
    assert speech["best"]["value"] == 2.5 and speech["results"] == 7
    csv_lines = files["benchmarks/speech-recognition--librispeech-test-clean.csv"].decode()
    # A subtask's result: the model as written, its task in a column of its own.
    assert csv_lines.splitlines()[0].startswith("rank,Word Error Rate,Real-Time Factor,model,"
                                                "via task,")
    assert csv_lines.splitlines()[1].startswith("1,2.5,,F,Noisy Speech Recognition,")


def test_html_and_pipes_in_names_are_escaped_in_markdown(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    paper(registry, "evil", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "<script>x</script>|M",
               word_error_rate=9.0)])
    loaded = load_registry(registry)
    board = find_leaderboard(loaded, "speech-recognition", "librispeech-test-clean")
    assert board is not None
    text = snapshot.leaderboard_markdown(board, loaded)
    assert "<script>" not in text and "&lt;script&gt;x&lt;/script&gt;\\|M" in text


#: A model name that tries every Markdown construct that could link, show, ping or run.
MARKUP_MODEL = ("![x](https://e.org/p.png) [link](https://e.org) @octocat #1 `code` "
                "<img src=x> &#64;ghost")


def test_markdown_in_names_stays_text_in_snapshots(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    registry = speech_registry(tmp_path)
    write(registry, "dataset", {"id": "librispeech-test-clean", "aliases": ["LibriSpeech"],
                                "name": "LibriSpeech [test](https://e.org) @clean"})
    write(registry, "benchmark", {"id": "speech-recognition--librispeech-test-clean",
                                  "task": "speech-recognition",
                                  "dataset": "librispeech-test-clean",
                                  "notes": "~~~ a fence that would swallow the table"})
    paper(registry, "marked", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", MARKUP_MODEL,
               word_error_rate=1.5)], title="`Title` ![t](https://e.org/t.png) @someone")
    # Markdown in a title and an HTML entity in a name are only warnings (Q004, Q015): they
    # still reach every output.
    assert [d.code for d in validate(Options(registry=registry)).diagnostics] == ["Q004",
                                                                               "Q015"]
    out = tmp_path / "snapshot"
    snapshot.build(load_registry(registry), out, jobs=1)
    render = MarkdownIt("commonmark").enable("table")
    for name in ("index.md", "benchmarks/speech-recognition--librispeech-test-clean.md"):
        tokens = render.parse((out / name).read_text(encoding="utf-8"))
        inline = [c for t in tokens for c in (t.children or [])]
        kinds = {t.type for t in [*tokens, *inline]}
        assert not kinds & {"image", "code_inline", "html_inline", "html_block", "fence"}, name
        links = [str(t.attrs["href"]) for t in inline if t.type == "link_open"]
        # index.md links each board to its file, and nothing else links anywhere
        index = json.loads((out / "index.json").read_text())["benchmarks"]
        assert links == ([f"benchmarks/{e['id']}.md" for e in index]
                         if name == "index.md" else []), name
        text = "".join(t.content for t in inline if t.type == "text")
        assert not re.search(r"@[A-Za-z0-9]|#[0-9]", text), name
    assert "table_open" in {t.type for t in render.parse(
        (out / "benchmarks/speech-recognition--librispeech-test-clean.md").read_text())}


def test_code_addresses_link_in_markdown_snapshots_and_hostile_ones_stay_text(
        tmp_path: Path) -> None:
    """The code column links the address it shows (it was text broken by a zero-width space,
    neither a link nor copyable; found by a data user); an address holding what would end the
    link or a table column is text, so it links nowhere and breaks no row."""
    from markdown_it import MarkdownIt

    registry = speech_registry(tmp_path)
    plain, hostile = "https://github.com/lab/a-model", "https://e.org/x)](https://evil.org|y"
    marked = "https://a.org/*x*_y_~~z~~"  # shown as written, not marked up (helper-60)
    for i, url in enumerate((plain, hostile, marked)):
        paper(registry, f"coded-{i}", "2024-01-01", [
            result("speech-recognition", "librispeech-test-clean", f"M{i}",
                   word_error_rate=5.0 + i)], code=[{"url": url, "official": i == 0}])
    loaded = load_registry(registry)
    board = find_leaderboard(loaded, "speech-recognition", "librispeech-test-clean")
    assert board is not None
    text = snapshot.leaderboard_markdown(board, loaded)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    inline = [c for t in tokens for c in (t.children or [])]
    assert [t.attrs["href"] for t in inline if t.type == "link_open"] == [plain, marked]
    assert [t.content for t in inline if t.type == "code_inline"] == [plain, marked]
    assert not {t.type for t in inline} & {"em_open", "strong_open", "s_open"}
    rows = [line for line in text.splitlines() if "| M" in line]
    assert len(rows) == 3 and all(r.count(" | ") == rows[0].count(" | ") for r in rows), rows
    assert "(official)" in rows[0]


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    import csv

    registry = speech_registry(tmp_path)
    # "'=1+1" too: written "''=1+1", so that one leading ' removed gives back each name.
    hostile = ["=HYPERLINK(\"https://e.org\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)",
               "\tTab", "\rReturn", "'=1+1", "-1.5"]
    paper(registry, "formulas", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", model, word_error_rate=1.5 + i,
               real_time_factor=-1.5) for i, model in enumerate(hostile)],
          title="=1+1 a title")
    # A carriage return is a control character to the validator; the snapshot, which builds
    # from every file that passes the schema, still writes it safely.
    assert [d.code for d in validate(Options(registry=registry)).diagnostics] == ["V005"]
    out = tmp_path / "snapshot"
    snapshot.build(load_registry(registry), out, jobs=1)
    board = out / "benchmarks" / "speech-recognition--librispeech-test-clean.csv"
    with board.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    models = [r[header.index("model")] for r in rows[1:]]
    assert {"'" + m for m in hostile[:-1]} | {"-1.5"} <= set(models)
    assert {r[header.index("paper")] for r in rows[1:]} >= {"'=1+1 a title"}
    # Numbers stay numbers: the negative values are written as they are.
    assert [r[header.index("Real-Time Factor")] for r in rows[1:]].count("-1.5") == 8
    for name in ("index.csv", "benchmarks/speech-recognition--librispeech-test-clean.csv"):
        with (out / name).open(encoding="utf-8", newline="") as f:
            values = [value for row in csv.reader(f) for value in row]
            for value in values:
                assert not value.startswith(("=", "+", "@", "\t", "\r")) and (
                    not value.startswith("-") or re.fullmatch(r"-[0-9.e+-]+", value)), value


def invoke(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args))
    return outcome.exit_code, outcome.output


def test_show_leaderboard_accepts_names_and_aliases(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    code, out = invoke("leaderboards", "show", "ASR", "LibriSpeech", "--registry", str(registry))
    assert code == 0
    assert "Ranked by Word Error Rate (lower is better)." in out
    lines = [line.split() for line in out.splitlines()[5:]]
    assert [(row[0], row[1]) for row in lines[:3]] == [("1", "2.5"), ("2", "2.9"), ("3", "3.2")]
    code, out = invoke("leaderboards", "show", "speech-recognition", "librispeech-test-clean",
                       "--no-extra-data", "--registry", str(registry))
    assert code == 0 and "B-large" not in out
    assert invoke("leaderboards", "show", "ASR", "ImageNet", "--registry", str(registry))[0] == 2
    # by the id list, diff and the exports show (it asked for a DATASET; helper-65)
    by_id = invoke("leaderboards", "show", "speech-recognition--librispeech-test-clean",
                   "--registry", str(registry))
    assert by_id == invoke("leaderboards", "show", "ASR", "LibriSpeech", "--registry",
                           str(registry))
    code, out = invoke("leaderboards", "show", "speech-recognition--imagenet", "--registry",
                       str(registry))
    assert code == 2 and "no leaderboard 'speech-recognition--imagenet'" in out
    code, out = invoke("leaderboards", "show", "speech-recognition--librispeech-test-clean",
                       "--split", "dev", "--registry", str(registry))
    assert code == 2 and "--split goes with TASK DATASET" in out  # it was ignored (helper-67)


@pytest.mark.parametrize("name", ["lert-a-linguistically-motivated-pre-trained-language-model",
                                  "2211.05344",
                                  "LERT: A Linguistically-motivated Pre-trained Language Model"])
def test_show_paper_lists_results_like_the_seed_page(name: str) -> None:
    code, out = invoke("show", "paper", name, "--registry", str(REPO / "registry"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "LERT: A Linguistically-motivated Pre-trained Language Model"
    assert "Yiming Cui, Wanxiang Che, Shijin Wang, Ting Liu" in lines
    assert "Code (official): https://github.com/ymcui/LERT" in lines
    section = lines[lines.index("Results") + 3: lines.index("Leaderboard ranks") - 1]
    rows = [line.split("  ") for line in section]
    cells = [[c.strip() for c in row if c.strip()] for row in rows]
    assert len(cells) == 16
    assert cells[0] == ["Stock Market Prediction", "Astock", "Accuracy", "66.36",
                        "Chinese Lert Large (News+Factors)"]
    assert "Leaderboard ranks" in lines
    related = lines[lines.index("Related papers") + 1:]
    # Astock shares the task and the dataset; the imported language-modelling papers, the task.
    assert related[0] == ("Astock: A New Dataset and Automated Stock Trading based on "
                          "Stock-specific News Analyzing Model (2022-06-14)")
    assert len(related) == 8


def test_show_unknown_paper_is_a_usage_error() -> None:
    assert invoke("show", "paper", "nope", "--registry", str(REPO / "registry"))[0] == 2


def test_build_command_writes_the_snapshot(tmp_path: Path) -> None:
    code, out = invoke("leaderboards", "build", "--registry", str(REPO / "registry"), "--out",
                       str(tmp_path / "lb"))
    assert code == 0 and re.search(r"wrote [0-9]+ leaderboards \([0-9]+ rows\)", out)
    assert (tmp_path / "lb" / "benchmarks" / "stock-market-prediction--astock.md").exists()


def test_rebuilding_removes_leaderboards_that_are_gone(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path / "r")
    out = tmp_path / "lb"
    loaded = load_registry(registry)
    first = snapshot.build(loaded, out)
    assert not first["rebuilt"] and first["changed"] == first["files"]
    (out / "benchmarks" / "old--board.json").write_text("{}")  # as if from an older registry
    again = snapshot.build(loaded, out)
    assert (again["rebuilt"], again["changed"], again["removed"]) == (True, 0, 1)
    assert again["files"] == first["files"] == 3 * first["benchmarks"] + 5
    names = {p.name for p in (out / "benchmarks").iterdir()}
    assert "old--board.json" not in names
    assert "speech-recognition--librispeech-test-clean.json" in names
    # What summary.json holds is the registry's, not the build's: the same bytes each time.
    assert "changed" not in json.loads((out / "summary.json").read_text())


def test_a_rebuild_says_what_it_changed(tmp_path: Path) -> None:
    """A rebuild over an unchanged registry said "wrote 276 leaderboards", though it wrote
    nothing."""
    registry = speech_registry(tmp_path / "r")
    out = tmp_path / "lb"
    args = ["leaderboards", "build", "--registry", str(registry), "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and first.output.startswith("wrote "), first.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert re.match(r"built [0-9]+ leaderboards \([0-9]+ rows\) in .*/lb/: 0 of [0-9]+ files "
                    r"new or changed since the last build, 0 removed", again.output), again.output


@pytest.mark.parametrize("jobs", [1, 2])
def test_invalid_files_are_left_out_and_named(tmp_path: Path, jobs: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pwc_registry import registry as registry_module

    monkeypatch.setattr(registry_module, "PARALLEL_THRESHOLD", 0)
    registry = speech_registry(tmp_path / "r")
    broken = paper(registry, "broken-asr", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "Z", word_error_rate="1.0%")])
    loaded = load_registry(registry, jobs=jobs)
    assert "broken-asr" not in loaded.papers and "first-asr" in loaded.papers
    assert loaded.skipped == [f"registry/{broken.relative_to(registry).as_posix()}"]
    summary = snapshot.build(loaded, tmp_path / "lb", jobs=jobs)
    assert summary["skipped_files"] == loaded.skipped
    assert "Left out because they do not pass validation" in (
        tmp_path / "lb" / "summary.md").read_text()


def test_related_papers_share_the_most_tasks_and_datasets_newest_first(tmp_path: Path) -> None:
    from pwc_registry.registry import related_papers

    loaded = load_registry(speech_registry(tmp_path))
    related = related_papers(loaded, loaded.papers["second-asr"], limit=3)
    # all share speech-recognition and librispeech; noisy-asr shares only the dataset
    assert [p.id for p in related] == ["worse-asr", "third-asr", "first-asr"]
    assert [p.id for p in related_papers(loaded, loaded.papers["second-asr"])][-1] == "noisy-asr"


def test_related_papers_tie_by_date_then_id_undated_last_and_within_the_cap(
        tmp_path: Path) -> None:
    from pwc_registry.registry import related_papers, topics_of

    registry = speech_registry(tmp_path)
    task, data = "speech-recognition", "librispeech-test-clean"
    for paper_id in ("b-same-day", "a-same-day"):
        paper(registry, paper_id, "2024-05-01", [result(task, data, paper_id, word_error_rate=9.0)])
    write(registry, "paper", {"id": "undated", "title": "Undated",
                              "results": [result(task, data, "U", word_error_rate=9.5)]})
    write(registry, "paper", {"id": "alone", "title": "Alone", "date": "2024-06-01"})
    loaded = load_registry(registry)
    assert loaded.papers["undated"].date is None
    order = [p.id for p in related_papers(loaded, loaded.papers["first-asr"], limit=20)]
    assert order[:2] == ["a-same-day", "b-same-day"]  # the same date: by id
    assert order[-2:] == ["undated", "noisy-asr"]  # undated last of those sharing as much
    assert "first-asr" not in order and "alone" not in order
    assert related_papers(loaded, loaded.papers["alone"]) == []  # no task, no dataset
    # A topic offers only its newest papers: with a cap of 2, the two newest.
    capped = related_papers(loaded, loaded.papers["first-asr"], limit=20,
                            topics=topics_of(loaded, cap=2))
    assert [p.id for p in capped] == ["a-same-day", "b-same-day"]


def test_a_pinned_primary_metric_no_row_reports_builds_an_unranked_board(tmp_path: Path) -> None:
    """A benchmark file may name a primary metric before any result reports it (Q007 warns);
    compiling it crashed every build (KeyError) — one merged file would take the site down."""
    registry = speech_registry(tmp_path)
    write(registry, "metric", {"id": "latency", "name": "Latency", "direction": "lower"})
    write(registry, "benchmark", {"id": "speech-recognition--librispeech-test-clean",
                                  "task": "speech-recognition",
                                  "dataset": "librispeech-test-clean",
                                  "primary_metric": "latency"})
    board = find_leaderboard(load_registry(registry), "speech-recognition",
                             "librispeech-test-clean")
    assert board is not None and board.benchmark.metrics[0] == "latency"
    assert all(row.rank is None for row in board.rows) and board.rows
    outcome = CliRunner().invoke(main, ["leaderboards", "build", "--registry", str(registry),
                                        "--out", str(tmp_path / "out")])
    assert outcome.exit_code == 0, outcome.output


@pytest.mark.parametrize("case", ["V011-split-without-name", "V012-benchmark-id-too-long"])
def test_a_result_on_no_board_is_left_off_by_builds_that_do_not_validate(
        tmp_path: Path, case: str) -> None:
    """`pwc leaderboards build` and `pwc site build` read without validating: a split with no
    Latin letter was ranked on the no-split board, and an id too long for a file name stopped
    them with "File name too long" and a half-written folder. Such results are on no board."""
    from examples import EXAMPLES, materialise

    registry = materialise(EXAMPLES / "invalid" / case, tmp_path)
    boards = {b.benchmark.id: [r.result.model for r in b.rows]
              for b in compile_leaderboards(load_registry(registry))}
    shown = {m for rows in boards.values() for m in rows}
    assert not shown & {"Val Model", "Wordy Model", "Nested Model"}, boards
    assert "Chinese Lert Large (News+Factors)" in shown
    for args in (["leaderboards", "build", "--out", str(tmp_path / "lb")],
                 ["site", "build", "--out", str(tmp_path / "site")]):
        outcome = CliRunner().invoke(main, [*args, "--registry", str(registry)])
        assert outcome.exit_code == 0, outcome.output


def test_a_spread_is_in_every_table_of_a_board(tmp_path: Path) -> None:
    """A value's spread (``0.25 ± 0.005``) is in the snapshot's CSV and Markdown and in `pwc
    leaderboards show`, as on the board's page and in its JSON, in a column of its own after the
    metric's values so that they stay numbers (it was missing from all three)."""
    import csv

    registry = speech_registry(tmp_path)
    paper(registry, "with-spread", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "Spread",
               word_error_rate={"value": 0.25, "spread": 0.005})])
    out = tmp_path / "snapshot"
    snapshot.build(load_registry(registry), out, jobs=1)
    board = out / "benchmarks" / "speech-recognition--librispeech-test-clean"
    with board.with_suffix(".csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    [spread] = [r for r in rows if r["model"] == "Spread"]
    assert (spread["Word Error Rate"], spread["Word Error Rate spread"]) == ("0.25", "0.005")
    assert {r["Word Error Rate spread"] for r in rows if r["model"] != "Spread"} == {""}
    assert "Real-Time Factor spread" not in rows[0]  # no row gives one
    markdown = board.with_suffix(".md").read_text("utf-8")
    assert "| Word Error Rate spread |" in markdown and "| 0.25 | 0.005 |" in markdown
    shown = CliRunner().invoke(main, ["leaderboards", "show", "ASR", "LibriSpeech",
                                      "--registry", str(registry)], env={"COLUMNS": "300"})
    assert shown.exit_code == 0 and "Word Error Rate spread" in shown.output
    assert re.search(r"0\.25\s+0\.005\s+Spread", shown.output), shown.output


def test_two_snapshots_of_one_registry_are_compared_as_data(tmp_path: Path) -> None:
    """`pwc leaderboards compare`: what CI runs when a pull request changes the tool (a tool
    that ranked Astock lower-is-better re-ranked it with CI green, found by an attack). Here
    the second snapshot stands for another tool's: the same registry ranked the other way."""
    registry = speech_registry(tmp_path)
    old, new = tmp_path / "old", tmp_path / "new"
    snapshot.build(load_registry(registry), old, jobs=1)
    snapshot.build(load_registry(registry), new, jobs=1)
    same = CliRunner().invoke(main, ["leaderboards", "compare", str(old), str(new)])
    assert same.exit_code == 0 and "the leaderboards are the same" in same.output
    metric = registry / "metrics" / "word-error-rate.yaml"
    metric.write_text(metric.read_text().replace("direction: lower", "direction: higher"))
    snapshot.build(load_registry(registry), new, jobs=1)
    changed = CliRunner().invoke(main, ["leaderboards", "compare", str(old), str(new)])
    assert changed.exit_code == 1
    board = "speech-recognition--librispeech-test-clean"
    assert f"{board}: metrics:" in changed.output and '"direction":"lower"' in changed.output
    assert re.search(rf"{board}: row 'F' of paper \S+ \(via noisy-speech-recognition\): "
                     r"rank 1 → \d", changed.output), changed.output
    assert "the state of the art over time differs" in changed.output
    (new / "benchmarks" / f"{board}.json").write_bytes(b"\xff not json")
    hostile = CliRunner().invoke(main, ["leaderboards", "compare", str(old), str(new)])
    assert hostile.exit_code == 1 and "cannot be read" in hostile.output
    assert hostile.exception is None or isinstance(hostile.exception, SystemExit)


def test_a_snapshot_changed_where_a_reader_sees_it_is_never_the_same(tmp_path: Path) -> None:
    """What a tool could change unseen by the first comparison (found by an attack): a row
    written twice, a paper's title or arXiv id, a board's name, a number in the CSV alone, and
    folders that are no snapshot."""
    registry = speech_registry(tmp_path)
    old = tmp_path / "old"
    snapshot.build(load_registry(registry), old, jobs=1)
    board = "speech-recognition--librispeech-test-clean"

    def tampered(change: Any, name: str) -> list[str]:
        new = tmp_path / name
        shutil.copytree(old, new)
        change(new)
        found = CliRunner().invoke(main, ["leaderboards", "compare", str(old), str(new)])
        assert found.exit_code == 1, (name, found.output)
        return found.output.splitlines()

    def edit_json(new: Path, edit: Any) -> None:
        path = new / "benchmarks" / f"{board}.json"
        data = json.loads(path.read_text())
        edit(data)
        path.write_text(json.dumps(data))

    twice = tampered(lambda n: edit_json(n, lambda d: d["rows"].insert(0, {
        **d["rows"][0], "values": {"word-error-rate": 0.1}})), "twice")
    assert any(": 1 on the board → 2" in line for line in twice)
    retitled = tampered(lambda n: edit_json(n, lambda d: [
        r["holder"].update(title="GPT-4 Technical Report") for r in d["rows"]]), "retitled")
    assert any("holder" in line and "GPT-4 Technical Report" in line for line in retitled)
    renamed = tampered(lambda n: edit_json(n, lambda d: d.update(name="Retracted")), "renamed")
    assert any(line.startswith(f"{board}: name:") for line in renamed)
    csv_only = tampered(lambda n: (n / "benchmarks" / f"{board}.csv").write_text(
        (n / "benchmarks" / f"{board}.csv").read_text().replace(",2.5,", ",0.5,", 1)), "csv")
    assert f"{board}: benchmarks/{board}.csv differs" in csv_only
    typed = tampered(lambda n: edit_json(n, lambda d: [
        r.update(rank=float(r["rank"])) for r in d["rows"] if r["rank"] is not None]), "typed")
    assert any(": rank 1 → 1.0" in line for line in typed)
    extra = tampered(lambda n: (n / "notes").mkdir() or (n / "notes" / ".x").write_text("x"),
                     "extra")
    assert "notes/.x is new" in extra
    (tmp_path / "empty-a").mkdir()
    (tmp_path / "empty-b").mkdir()
    empty = CliRunner().invoke(main, ["leaderboards", "compare", str(tmp_path / "empty-a"),
                                      str(tmp_path / "empty-b")])
    assert empty.exit_code == 1 and "not a leaderboard snapshot" in empty.output


def test_a_metric_named_as_another_column_does_not_share_its_header(tmp_path: Path) -> None:
    """Valid metrics named "rank" and "Word Error Rate spread" gave the CSV two columns
    named rank and two named Word Error Rate spread: csv.DictReader read the metric's value
    as the rank and the other's spread (found by an attack). Such a metric's columns say its
    id too."""
    import csv

    registry = speech_registry(tmp_path)
    write(registry, "metric", {"id": "rank", "name": "rank", "direction": "lower"})
    write(registry, "metric", {"id": "wer-spread", "name": "Word Error Rate spread",
                               "direction": "lower"})
    paper(registry, "named-like-columns", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "R",
               word_error_rate={"value": 1.9, "spread": 0.1}, rank=3, wer_spread=99)])
    out = tmp_path / "snapshot"
    snapshot.build(load_registry(registry), out, jobs=1)
    board = out / "benchmarks" / "speech-recognition--librispeech-test-clean.csv"
    with board.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert len(set(header)) == len(header), header
    with board.open(encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["model"] == "R")
    assert (row["rank (rank)"], row["Word Error Rate spread"],
            row["Word Error Rate spread (wer-spread)"]) == ("3", "0.1", "99")
    assert row["rank"] != "3"


def test_a_deep_task_tree_is_refused_and_its_roll_up_bounded(tmp_path: Path) -> None:
    """A chain of 300 tasks, each the next's parent, validated clean, and each result filed on
    the last was copied onto 300 boards: 35 KB of YAML made a 181 MB site (found by fuzzing).
    Past ten ancestors a task is R004, and its results count on ten ancestors' boards."""
    from pwc_registry.leaderboard import MAX_TASK_DEPTH

    registry = speech_registry(tmp_path)
    for i in range(30):
        write(registry, "task", {"id": f"level-{i:02}", "name": f"Level {i}",
                                 **({"parent": f"level-{i - 1:02}"} if i else {})})
    paper(registry, "deep", "2024-01-01", [
        result("level-29", "librispeech-test-clean", "Deep", word_error_rate=3.0)])
    report = validate(Options(registry=registry))
    deep = [d for d in report.diagnostics if d.code == "R004"]
    assert [d.file.rsplit("/", 1)[1] for d in deep] == [f"level-{MAX_TASK_DEPTH + 1:02}.yaml"]
    boards = [b for b in compile_leaderboards(load_registry(registry))
              if any(r.result.model == "Deep" for r in b.rows)]
    assert len(boards) == MAX_TASK_DEPTH + 1


def test_every_view_says_an_unranked_board_is_not_ranked(tmp_path: Path) -> None:
    # The snapshot's Markdown said "Ranked by MRPC (unknown is better)" where the site and the
    # terminal said it is not ranked (found by an analyst).
    registry = speech_registry(tmp_path)
    metric = registry / "metrics" / "word-error-rate.yaml"
    metric.write_text(metric.read_text("utf-8").replace("direction: lower\n", ""), "utf-8")
    loaded = load_registry(registry, jobs=1)
    board = find_leaderboard(loaded, "speech-recognition", "librispeech-test-clean")
    assert board is not None
    said = "Not ranked yet: nobody has said whether higher or lower Word Error Rate is better."
    assert said in snapshot.leaderboard_markdown(board, loaded)
    code, out = invoke("leaderboards", "show", "ASR", "LibriSpeech", "--registry", str(registry))
    assert code == 0 and said in out
