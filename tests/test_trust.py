"""The guard on history, attacked as a pull request from a fork would: every change to a published
leaderboard is an addition or is covered by a correction; CI (`validate --changed-since`) and
`pwc diff` read the same comparison and never disagree."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pwc_registry.compare import compare, render
from pwc_registry.layout import benchmark_id, relative_path
from pwc_registry.validate import Options, validate

from conftest import TODAY, git
from registry_builder import committed, paper, result, speech_registry, write

ZWSP = "\u200b"


def _repo(tmp_path: Path) -> Path:
    return committed(tmp_path, speech_registry(tmp_path), branch="pr")


def _guard(registry: Path) -> list[str]:
    """``CODE file:line message`` of each error of `validate --changed-since main`."""
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    return [f"{d.code} {d.file}:{d.line} {d.message}" for d in report.diagnostics
            if d.severity == "error"]


def _codes(registry: Path) -> list[str]:
    codes = sorted({line.split()[0] for line in _guard(registry)})
    refused = render.report(compare(registry, "main")).refused
    light = render.report(compare(registry, "main", whole_boards=False)).refused
    assert {(v.difference.kind, v.difference.board) for v in light if
            v.difference.kind != "rank"} == {(v.difference.kind, v.difference.board)
                                             for v in refused if v.difference.kind != "rank"}
    history = [c for c in codes if c.startswith("H")]
    # The comment and the guard read one comparison: refused there iff an H error here
    # (a deleted paper and bad corrections are said by the guard only).
    if not set(history) & {"H003", "H007", "H008", "H009"}:
        assert bool(refused) == bool(history), (codes, refused)
    return codes


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    plain = json.loads(json.dumps(data))  # no shared values: YAML would write them as aliases
    path.write_text(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), "utf-8")


def _file(registry: Path, kind: str, record_id: str) -> Path:
    return registry / relative_path(kind, record_id)


def _correct(path: Path, **entry: Any) -> None:
    _edit(path, lambda d: d.setdefault("corrections", []).append(
        {"date": "2026-11-20", "reason": "the source says so, checked by a maintainer", **entry}))


# --- class 4: entities --------------------------------------------------------------------


def test_flipping_a_metrics_direction_inverts_boards_and_is_refused(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    metric = _file(registry, "metric", "word-error-rate")
    _edit(metric, lambda d: d.update(direction="higher"))
    found = _guard(registry)
    assert any(line.startswith("H005 registry/metrics/word-error-rate.yaml:") and
               "direction of metric 'word-error-rate' changes (lower → higher)" in line
               for line in found), found
    _correct(metric, field="direction", old="lower", new="higher")
    assert _codes(registry) == []
    report = render.report(compare(registry, "main"))
    out = render.markdown(report)
    assert "corrected change" in out and "the source says so" in out
    # No "far above the previous best" measured against the old order's best, for a value
    # changed with it (helper-59: "0 by M1, previous best 1e+300 by M1").
    _edit(_file(registry, "paper", "worse-asr"),
          lambda d: d["results"][0]["metrics"].update({"word-error-rate": 70.0}))
    report = render.report(compare(registry, "main"))
    assert report.far_above == [] and report.new_best == []


def test_a_correction_with_other_old_and_new_values_covers_nothing(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    metric = _file(registry, "metric", "word-error-rate")
    _edit(metric, lambda d: d.update(direction="higher"))
    _correct(metric, field="direction", old="higher", new="lower")
    assert _codes(registry) == ["H005", "H008"]


def test_a_direction_for_an_unranked_board_is_an_addition(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    metric = _file(registry, "metric", "real-time-factor")
    _edit(metric, lambda d: d.pop("direction"))
    git(tmp_path, "commit", "-qam", "unknown direction")
    git(tmp_path, "branch", "-f", "main")
    _edit(metric, lambda d: d.update(direction="lower"))
    assert _codes(registry) == []


def test_a_metrics_unit_or_range_change_is_refused(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    metric = _file(registry, "metric", "word-error-rate")
    _edit(metric, lambda d: d.update(unit="fraction", range={"min": 0, "max": 1}))
    assert _codes(registry) == ["H005", "V002"] or _codes(registry)[0] == "H005"


def test_a_unit_or_range_given_where_none_was_is_refused(tmp_path: Path) -> None:
    # real-time-factor's 0.5 and 0.3 would be read as 0.5 % and 0.3 %: a unit given where none
    # was re-reads every value (found from a fork: it passed as an addition, CI green).
    registry = _repo(tmp_path)
    metric = _file(registry, "metric", "real-time-factor")
    _edit(metric, lambda d: d.update(unit="percent"))
    assert _codes(registry) == ["H005"]
    _correct(metric, field="unit", old=None, new="percent")
    assert _codes(registry) == []
    _edit(metric, lambda d: d.update(range={"min": 0, "max": 10}))
    assert _codes(registry) == ["H005"]


def test_a_benchmarks_primary_metric_change_is_refused_unless_corrected(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    board = {"id": "speech-recognition--librispeech-test-clean", "task": "speech-recognition",
             "dataset": "librispeech-test-clean"}
    path = write(registry, "benchmark", {**board, "primary_metric": "real-time-factor",
                                         "metrics": ["real-time-factor", "word-error-rate"]})
    assert _codes(registry) == ["H005"]
    _correct(path, field="primary_metric", old="word-error-rate", new="real-time-factor")
    assert _codes(registry) == []


def test_a_benchmark_direction_override_is_refused(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    write(registry, "benchmark", {"id": "speech-recognition--librispeech-test-clean",
                                  "task": "speech-recognition",
                                  "dataset": "librispeech-test-clean",
                                  "directions": {"word-error-rate": "higher"}})
    assert _codes(registry) == ["H005"]


def test_moving_a_task_in_the_tree_takes_rows_off_boards(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    task = _file(registry, "task", "noisy-speech-recognition")
    _edit(task, lambda d: d.pop("parent"))
    found = _guard(registry)
    assert [line.split()[0] for line in found] == ["H002"]
    assert "leaves the leaderboard speech-recognition--librispeech-test-clean, where it " \
        "counted via noisy-speech-recognition" in found[0]
    _correct(task, field="parent", old="speech-recognition", new=None)
    assert _codes(registry) == []


def test_deleting_a_metric_is_refused(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    _file(registry, "metric", "real-time-factor").unlink()
    codes = _codes(registry)
    assert "H005" in codes  # and R001 on the papers using it: test_gitrefs


# --- class 1: identity and shadowing ---------------------------------------------------------


def test_a_copy_that_differs_only_by_invisible_characters_is_the_same_result(
        tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "first-asr")

    def shadow(d: dict[str, Any]) -> None:
        original = d["results"][0]
        d["results"][0] = {**original, "metrics": {"word-error-rate": 1.0}}
        d["results"].append({**original, "model": f"a{ZWSP} "})

    _edit(path, shadow)
    codes = _codes(registry)
    assert "V006" in codes and "H001" in codes


def test_splits_that_slugify_alike_are_one_result(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "first-asr")
    _edit(path, lambda d: d["results"].extend([
        {**d["results"][0], "split": "Test"}, {**d["results"][0], "split": "test "},
        {**d["results"][0], "split": "（）"}]))
    found = [line for line in _guard(registry) if line.startswith("V006")]
    assert len(found) == 2, found  # "test " repeats "Test"; "（）" is no split: repeats [0]


def test_look_alike_entity_names_clash(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    write(registry, "dataset", {"id": "librispeech-clean-2", "name": "ＬｉｂｒｉＳｐｅｅｃｈ"})
    write(registry, "dataset", {"id": "librispeech-clean-3", "name": f"Libri{ZWSP}Speech  test-clean"})
    found = [line for line in _guard(registry) if line.startswith("I002")]
    assert any("librispeech-clean-2" in line for line in found)
    assert any("librispeech-clean-3" in line for line in found)


# --- class 2: renames ------------------------------------------------------------------------


def _rename(registry: Path, old: str, new: str, change: Any = None) -> Path:
    source = _file(registry, "paper", old)
    data = yaml.safe_load(source.read_text("utf-8"))
    source.unlink()
    data["id"] = new
    data.setdefault("corrections", []).append(
        {"date": "2026-11-20", "reason": "a shorter id, as the site links it",
         "renamed_from": old})
    if change:
        change(data)
    return write(registry, "paper", data)


def test_a_rename_is_compared_value_by_value(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    _rename(registry, "second-asr", "second-asr-renamed")
    assert _codes(registry) == []
    git(tmp_path, "checkout", "-qf", "pr")
    git(tmp_path, "clean", "-qfd")
    _rename(registry, "second-asr", "second-asr-renamed",
            lambda d: d["results"][0]["metrics"].update({"word-error-rate": 1.1}))
    found = _guard(registry)
    assert [line.split()[0] for line in found] == ["H001"]
    assert "registry/papers/" in found[0] and "second-asr-renamed.yaml" in found[0]


def test_a_rename_cannot_be_claimed_from_another_file(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    _file(registry, "paper", "second-asr").unlink()
    _correct(_file(registry, "paper", "third-asr"), renamed_from="second-asr")
    assert _codes(registry) == ["H003", "H009"]


def test_a_paper_absorbs_a_record_of_itself_that_holds_no_results(tmp_path: Path) -> None:
    """The archive filed some papers twice; their rows were moved into one record, leaving the
    other empty, which no change could remove (H003) nor rename into a paper that exists
    (H009). An existing paper may absorb a deleted one that holds no results, carrying its
    corrections; one that holds results, or a paper this change keeps, is still refused."""
    registry = _repo(tmp_path)
    paper(registry, "first-asr-again", "2019-03-01", [], title="Paper first-asr")
    paper(registry, "unrelated", "2019-03-01", [])  # no results either, another paper
    again = _file(registry, "paper", "first-asr-again")
    _correct(again, field="date", old="2019-03-02", new="2019-03-01")  # its history
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first-asr filed twice")
    git(tmp_path, "branch", "-f", "main")
    history = yaml.safe_load(again.read_text("utf-8"))["corrections"]
    first = _file(registry, "paper", "first-asr")
    again.unlink()
    _edit(first, lambda d: d.setdefault("corrections", []).extend(
        [*history, {"date": "2026-11-20", "reason": "the same paper, filed twice",
                    "renamed_from": "first-asr-again"}]))
    assert _codes(registry) == []
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "| first-asr-again | first-asr |" in comment
    # its history left behind is a published correction removed
    _edit(first, lambda d: d.update(corrections=d["corrections"][-1:]))
    found = _guard(registry)
    assert [line.split()[0] for line in found] == ["H007"], found
    assert "'first-asr-again', which this paper absorbs, has published corrections [0]" \
        in found[0]
    # a paper with results is not absorbed: its rows would be compared with no one's
    git(tmp_path, "checkout", "-q", "--", ".")
    _file(registry, "paper", "worse-asr").unlink()
    _edit(first, lambda d: d.setdefault("corrections", []).append(
        {"date": "2026-11-20", "reason": "the same paper, filed twice",
         "renamed_from": "worse-asr"}))
    assert "H009" in _codes(registry)
    assert "'worse-asr' still holds results: move them into 'first-asr' first" in \
        " ".join(_guard(registry))
    # helper-112: nor another paper (no identifier, not its title in common), nor by a source
    git(tmp_path, "checkout", "-q", "--", ".")
    _file(registry, "paper", "unrelated").unlink()
    _edit(first, lambda d: d.setdefault("corrections", []).append(
        {"date": "2026-11-20", "reason": "the same paper, filed twice",
         "renamed_from": "unrelated"}))
    found = _guard(registry)
    assert sorted(line.split()[0] for line in found) == ["H003", "H009"], found
    assert "'unrelated' shares no identifier and not its title" in " ".join(found)


def test_a_row_crediting_an_absorbed_paper_credits_the_other_only_with_a_correction(
        tmp_path: Path) -> None:
    """helper-112: with the absorb taken as the explanation, a row crediting the absorbed
    paper could be given to the paper that stays (or, before the same-paper rule, any paper)
    without a word."""
    registry = _repo(tmp_path)
    paper(registry, "first-asr-again", "2019-03-01", [], title="Paper first-asr")
    worse = _file(registry, "paper", "worse-asr")
    _edit(worse, lambda d: d["results"][0].update(paper="first-asr-again"))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "E credits the second record")
    git(tmp_path, "branch", "-f", "main")
    _file(registry, "paper", "first-asr-again").unlink()
    _edit(_file(registry, "paper", "first-asr"), lambda d: d.setdefault("corrections", []).append(
        {"date": "2026-11-20", "reason": "the same paper, filed twice",
         "renamed_from": "first-asr-again"}))
    _edit(worse, lambda d: d["results"][0].update(paper="first-asr"))
    assert _codes(registry) == ["H006"]
    _correct(worse, result={"task": "speech-recognition", "dataset": "librispeech-test-clean",
                            "model": "E"}, field="paper", old="first-asr-again", new="first-asr")
    assert _codes(registry) == []


def test_a_rename_of_a_paper_that_is_not_deleted_is_refused(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    data = yaml.safe_load(_file(registry, "paper", "second-asr").read_text("utf-8"))
    data["id"] = "second-asr-copy"
    data["corrections"] = [{"date": "2026-11-20", "reason": "a shorter id, as the site links it",
                            "renamed_from": "second-asr"}]
    data["results"][0]["metrics"]["word-error-rate"] = 9.9
    write(registry, "paper", data)
    assert "H009" in _codes(registry)


def test_hidden_and_stray_files_under_the_registry_are_errors(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    hidden = _file(registry, "paper", "first-asr").with_name(".first-asr.yaml")
    hidden.write_text(_file(registry, "paper", "first-asr").read_text("utf-8"), "utf-8")
    (registry / "papers" / "notes.txt").write_text("x\n", "utf-8")
    found = _guard(registry)
    assert any(line.startswith("Y013") and ".first-asr.yaml" in line for line in found), found
    assert any(line.startswith("Y013") and "notes.txt" in line for line in found), found


# --- class 3: corrections are append-only ------------------------------------------------------


def _published_correction(tmp_path: Path) -> tuple[Path, Path]:
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "first-asr")
    _edit(path, lambda d: d["results"][0]["metrics"].update({"word-error-rate": 5.2}))
    _correct(path, result={"task": "speech-recognition", "dataset": "librispeech-test-clean",
                           "model": "A"}, metric="word-error-rate", old=5.0, new=5.2)
    assert _codes(registry) == []
    git(tmp_path, "commit", "-qam", "a correction")
    git(tmp_path, "branch", "-f", "main")
    return registry, path


def test_an_edited_correction_cannot_cover_a_new_change(tmp_path: Path) -> None:
    registry, path = _published_correction(tmp_path)

    def launder(d: dict[str, Any]) -> None:
        d["results"][0]["metrics"]["word-error-rate"] = 1.0
        d["corrections"][0]["new"] = 1.0

    _edit(path, launder)
    assert _codes(registry) == ["H001", "H007"]


def test_a_removed_correction_is_refused(tmp_path: Path) -> None:
    registry, path = _published_correction(tmp_path)
    _edit(path, lambda d: d.pop("corrections"))
    assert _codes(registry) == ["H007"]


def test_an_old_correction_does_not_license_a_new_edit(tmp_path: Path) -> None:
    registry, path = _published_correction(tmp_path)
    _edit(path, lambda d: d["results"][0]["metrics"].update({"word-error-rate": 5.0}))
    assert _codes(registry) == ["H001"]


# --- rows: flags, dates, removal ---------------------------------------------------------------


def test_extra_data_flag_and_dates_are_guarded(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "second-asr")
    _edit(path, lambda d: d["results"][1].pop("extra_training_data"))
    assert _codes(registry) == ["H006"]
    _correct(path, result={"task": "speech-recognition", "dataset": "librispeech-test-clean",
                           "model": "B-large"}, field="extra_training_data", old=True,
             new=False)
    assert _codes(registry) == []
    _edit(path, lambda d: d.update(date="2018-01-01"))
    assert _codes(registry) == ["H006"]
    _correct(path, field="date", old="2020-06-01", new="2018-01-01")
    assert _codes(registry) == []


def test_a_result_made_a_point_of_reference_is_guarded(tmp_path: Path) -> None:
    # source.kind: reference takes a row out of the ranking (it was #1 on ReCoRD): a change
    # of ranks, so a correction says why, as for the extra-data flag; another kind is a notice.
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "second-asr")
    _edit(path, lambda d: d["results"][1].update(source={"kind": "reference"}))
    [found] = _guard(registry)
    assert found.startswith(f"H006 {path.relative_to(tmp_path)}:")
    assert "source.kind of 'B-large'" in found and "nothing → reference" in found
    assert "leaves the ranking" in found
    _correct(path, result={"task": "speech-recognition", "dataset": "librispeech-test-clean",
                           "model": "B-large"}, field="source_kind", old=None, new="reference")
    assert _codes(registry) == []
    _edit(path, lambda d: d["results"][0].update(source={"kind": "own"}))  # (an addition)
    git(tmp_path, "commit", "-qam", "B-large is a reference")
    git(tmp_path, "branch", "-f", "main")
    # back into the ranking: guarded the same way
    _edit(path, lambda d: d["results"][1].update(source={"kind": "own"}))
    [found] = _guard(registry)
    assert "reference → own" in found and "joins the ranking" in found
    # a kind that ranks like the old one is a notice (H014), not an error
    _edit(path, lambda d: d["results"][1].update(source={"kind": "reference"}))
    _edit(path, lambda d: d["results"][0].update(source={"kind": "baseline"}))
    assert _codes(registry) == []
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [(d.code, d.severity, d.pointer) for d in report.diagnostics] == [
        ("H014", "warning", ("results", 0, "source", "kind"))], report.diagnostics
    # a new one is placed as one in the comment (it said "unranked of 8")
    human = result("speech-recognition", "librispeech-test-clean", "Human", word_error_rate=1.0)
    human["source"] = {"kind": "reference"}
    _edit(path, lambda d: d["results"].append(human))
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "a point of reference, not ranked, among 8" in comment, comment


def test_ranks_changed_by_a_rule_the_comparison_does_not_know_are_h010_at_the_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """H010, the guard of last resort: a ranking rule the comparison does not know of (here a
    baseline taken out of the ranking, as `reference` rows are) still refuses the change, at
    the row's file (it named the first changed file of the change, another paper's)."""
    from pwc_registry import leaderboard

    registry = _repo(tmp_path)
    monkeypatch.setattr(leaderboard, "is_reference",
                        lambda r: r.source.get("kind") in ("reference", "baseline"))
    path = _file(registry, "paper", "first-asr")  # papers/8a/: after papers/36/, below
    _edit(_file(registry, "paper", "second-asr"), lambda d: d.update(authors=["A. Author"]))
    _edit(path, lambda d: d["results"][0].update(source={"kind": "baseline"}))
    [found] = _guard(registry)
    assert found.startswith(f"H010 {path.relative_to(tmp_path)}:"), found
    assert "(A: 3 → nothing)" in found, found


def test_the_comment_names_the_best_that_follows_one_made_a_reference(tmp_path: Path) -> None:
    """helper-113: MT-DNN, SNLI's #1, made a reference with its correction: the comment listed
    the corrected change and "0 new bests", and nowhere that SNLI's best fell from 91.1 to
    90.1."""
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "noisy-asr")
    _edit(path, lambda d: d["results"][0].update(source={"kind": "reference"}))
    _correct(path, result={"task": "noisy-speech-recognition",
                           "dataset": "librispeech-test-clean", "model": "F"},
             field="source_kind", old=None, new="reference")
    assert _codes(registry) == []
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "### ⚠️ Another best on" in comment, comment
    assert "2.9 by B-large" in comment and "previous best 2.5 by F" in comment, comment
    data = render.as_json(render.report(compare(registry, "main")))
    assert data["another_best_without_a_new_one"], data


def test_a_date_where_there_was_none_is_an_addition(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    paper(registry, "undated-asr", "2020-01-01",
          [result("speech-recognition", "librispeech-test-clean", "U", word_error_rate=6.0)])
    _edit(_file(registry, "paper", "undated-asr"), lambda d: d.pop("date"))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "undated")
    git(tmp_path, "branch", "-f", "main")
    _edit(_file(registry, "paper", "undated-asr"), lambda d: d.update(date="2020-02-01"))
    assert _codes(registry) == []


def test_a_result_moved_to_another_split_is_a_removal(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    _edit(_file(registry, "paper", "worse-asr"), lambda d: d["results"][0].update(split="dev"))
    assert _codes(registry) == ["H002"]


def test_a_published_value_turned_into_text_is_reported_not_a_crash(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    _edit(_file(registry, "paper", "first-asr"),
          lambda d: d["results"][0]["metrics"].update({"word-error-rate": "5.0%"}))
    codes = _codes(registry)
    assert "V001" in codes and not {"H001", "H002"} & set(codes)


def test_a_correction_of_a_field_its_record_does_not_have_explains_nothing(
        tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    _correct(_file(registry, "metric", "word-error-rate"), field="parent", old="a", new="b")
    [found] = _guard(registry)
    assert found.startswith("H008 registry/metrics/word-error-rate.yaml:")
    assert "a metric file corrects direction, range, unit, not parent" in found


# --- found by attacking the guard from a fork (each passed silently, or was refused wrongly) ---


def _tiny(tmp_path: Path, **papers: list[dict[str, Any]]) -> Path:
    """task ``tsk`` with subtask ``sub``, dataset ``ds``, metrics ``acc`` (higher, percent) and
    ``err`` (lower), and the given papers (id → results; dated 2020, 2021, ... in order);
    committed on ``main``, branch ``pr`` checked out."""
    registry = tmp_path / "registry"
    write(registry, "task", {"id": "tsk", "name": "Task"})
    write(registry, "task", {"id": "sub", "name": "Subtask", "parent": "tsk"})
    write(registry, "dataset", {"id": "ds", "name": "Dataset"})
    write(registry, "metric", {"id": "acc", "name": "Accuracy", "direction": "higher",
                               "unit": "percent", "range": {"min": 0, "max": 100}})
    write(registry, "metric", {"id": "err", "name": "Error", "direction": "lower"})
    for year, (paper_id, results) in enumerate(papers.items(), start=2020):
        paper(registry, paper_id.replace("_", "-"), f"{year}-01-01", results)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "tiny")
    git(tmp_path, "checkout", "-qb", "pr")
    return registry


ALPHA = {"task": "tsk", "dataset": "ds", "model": "Alpha", "metrics": {"acc": 50}}
BETA = {"task": "sub", "dataset": "ds", "model": "Beta", "metrics": {"acc": 60, "err": 3}}


def test_a_registry_folder_replaced_by_a_link_is_refused(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA])
    git(tmp_path, "mv", "registry", "data")
    registry.symlink_to("data")
    assert _guard(registry) == ["Y012 registry:1 the registry folder is a symbolic link"]


def test_a_direct_row_replacing_a_rolled_up_one_is_compared_as_a_value(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA], p_two=[BETA])
    write(registry, "task", {"id": "root", "name": "Root Task"})
    tsk = _file(registry, "task", "tsk")
    _edit(tsk, lambda d: d.update(parent="root"))
    _correct(tsk, field="parent", old=None, new="root")  # true, and only adds rows
    _edit(_file(registry, "paper", "p-two"), lambda d: d["results"].append(
        {**BETA, "task": "tsk", "metrics": {"acc": 99, "err": 3}}))
    found = _guard(registry)
    assert [line.split()[0] for line in found] == ["H001"], found
    assert "acc of 'Beta' on ds (tsk) changes: 60 → 99" in found[0]


def test_a_removal_correction_covers_only_a_result_that_is_gone(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA], p_two=[BETA])
    path = _file(registry, "paper", "p-two")
    _edit(path, lambda d: d["results"].append(
        {**BETA, "task": "tsk", "metrics": {"acc": 99, "err": 3}}))
    _correct(path, result={"task": "sub", "dataset": "ds", "model": "Beta"})
    assert _codes(registry) == ["H001", "H008"]


def test_two_papers_renamed_into_one_are_refused(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, a_one=[ALPHA], a_two=[ALPHA])
    for old in ("a-one", "a-two"):
        _file(registry, "paper", old).unlink()
    paper(registry, "b-new", "2021-01-01", [ALPHA], title="Paper a-two", corrections=[
        {"date": "2026-11-01", "reason": "the archive's slug was truncated",
         "renamed_from": old} for old in ("a-one", "a-two")])
    assert _codes(registry) == ["H003", "H009"]


def test_a_paper_renamed_twice_keeps_its_history(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, z_old=[ALPHA])
    _rename(registry, "z-old", "z-mid")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first rename")
    git(tmp_path, "branch", "-f", "main")
    _rename(registry, "z-mid", "z-new")
    assert _codes(registry) == []


def test_deleting_a_file_with_published_corrections_is_refused(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = write(registry, "benchmark", {"id": "tsk--ds", "task": "tsk", "dataset": "ds",
                                         "primary_metric": "acc", "metrics": ["acc"]})
    _correct(path, field="primary_metric", old=None, new="acc")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "pinned")
    git(tmp_path, "branch", "-f", "main")
    path.unlink()
    found = _guard(registry)
    assert found == ["H007 registry/benchmarks/tsk--ds.yaml:1 the file is deleted with its 1 "
                     "published corrections"]


def test_an_older_paper_that_changes_the_primary_metric_is_refused(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA], p_two=[BETA])
    paper(registry, "p-zero", "2019-01-01", [
        {"task": "tsk", "dataset": "ds", "model": "Gamma", "metrics": {"err": 9, "acc": 10}}])
    found = _guard(registry)
    assert [line.split()[0] for line in found] == ["H005"]
    assert found[0].startswith("H005 registry/papers/") and "p-zero.yaml:" in found[0]
    assert "primary metric changes (acc → err)" in found[0]


def test_a_negative_zero_is_zero(tmp_path: Path) -> None:
    """-0.0 is read as 0 (every output writes 0): writing it so changes no published number."""
    registry = _tiny(tmp_path, p_one=[{**ALPHA, "metrics": {"acc": 0.0}}])
    _edit(_file(registry, "paper", "p-one"),
          lambda d: d["results"][0]["metrics"].update({"acc": -0.0}))
    assert _guard(registry) == []
    assert render.report(compare(registry, "main")).refused == []


def test_a_corrected_removal_of_a_boards_last_value_of_a_metric_passes(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA], p_two=[BETA])
    path = _file(registry, "paper", "p-two")
    _edit(path, lambda d: d["results"][0]["metrics"].pop("err"))
    _correct(path, result={"task": "sub", "dataset": "ds", "model": "Beta"}, metric="err",
             old=3, new=None)
    assert _codes(registry) == []


def test_a_range_correction_can_be_written(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "metric", "acc")
    _edit(path, lambda d: d.update(range={"min": 0, "max": 1000}))
    assert _codes(registry) == ["H005"]
    _correct(path, field="range", old={"min": 0, "max": 100}, new={"min": 0, "max": 1000})
    assert _codes(registry) == []


def test_a_correction_with_a_short_reason_says_so(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d["results"][0]["metrics"].update({"acc": 51}))
    _edit(path, lambda d: d.setdefault("corrections", []).append({
        "date": "2026-11-20", "reason": "typo", "result": {"task": "tsk", "dataset": "ds",
                                                           "model": "Alpha"},
        "metric": "acc", "old": 50, "new": 51}))
    found = [line for line in _guard(registry) if line.startswith("S004")]
    assert found and '"typo" is shorter than 10 characters' in found[0], found


# --- found by a second attack round ---------------------------------------------------------


def test_a_parent_correction_covers_only_the_link_it_cuts(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA], p_two=[BETA])
    _edit(_file(registry, "task", "sub"), lambda d: d.pop("parent"))  # cuts Beta off tsk--ds
    write(registry, "task", {"id": "other", "name": "Other Task"})
    tsk = _file(registry, "task", "tsk")
    _edit(tsk, lambda d: d.update(parent="other"))
    _correct(tsk, field="parent", old=None, new="other")  # true, but cuts nothing
    found = _guard(registry)
    assert [line.split()[0] for line in found] == ["H002"], found
    assert found[0].startswith("H002 registry/tasks/sub.yaml:")
    out = render.markdown(render.report(compare(registry, "main")))
    assert "corrected change" not in out


def test_a_metric_a_benchmark_lists_is_guarded_though_no_row_has_it(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA])
    write(registry, "metric", {"id": "f1", "name": "F1", "direction": "higher"})
    write(registry, "benchmark", {"id": "tsk--ds", "task": "tsk", "dataset": "ds",
                                  "metrics": ["acc", "f1"], "primary_metric": "acc"})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "f1 listed")
    git(tmp_path, "branch", "-f", "main")
    _edit(_file(registry, "metric", "f1"), lambda d: d.update(direction="lower"))
    assert _codes(registry) == ["H005"]


def test_a_benchmark_correction_does_not_cover_a_metric_files_change(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = write(registry, "benchmark", {"id": "tsk--ds", "task": "tsk", "dataset": "ds"})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "settings")
    git(tmp_path, "branch", "-f", "main")
    _edit(_file(registry, "metric", "acc"), lambda d: d.update(direction="lower"))
    _correct(path, field="direction", metric="acc", old="higher", new="lower")
    assert _codes(registry) == ["H005", "H008"]


def test_a_name_spelt_otherwise_is_shown_and_warned_not_silent(tmp_path: Path) -> None:
    registry = _tiny(tmp_path, p_one=[ALPHA], p_two=[BETA])
    _edit(_file(registry, "paper", "p-two"),
          lambda d: d["results"][0].update(model="ＢＥＴＡ"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert report.errors == 0
    assert {d.code for d in report.diagnostics} == {"H011"}
    out = render.markdown(render.report(compare(registry, "main")))
    assert "1 name spelt otherwise" in out and "| model name | Beta | ＢＥＴＡ |" in out


def test_one_papers_split_spelling_renames_no_board_the_others_name(tmp_path: Path) -> None:
    """helper-76: a newer paper's `split: Test` beside an older `test` was H011 ("the
    leaderboard is shown as '... (Test)'") where the board, named as its oldest row spells the
    split, kept its name; the comment, from whole boards, rightly said nothing. A board whose
    rows all change spelling is renamed, and warned so."""
    alpha, beta = {**ALPHA, "split": "test"}, {**ALPHA, "model": "Beta", "split": "test"}
    gamma = {**ALPHA, "model": "Gamma", "split": "test"}
    registry = _tiny(tmp_path, p_one=[alpha], p_two=[beta], p_three=[gamma])
    _edit(_file(registry, "paper", "p-two"), lambda d: d["results"][0].update(split="Test"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics if d.code == "H011"] == []
    for holder in ("p-one", "p-three"):
        _edit(_file(registry, "paper", holder), lambda d: d["results"][0].update(split="Test"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics if d.code == "H011"] == ["H011"]


def test_a_published_results_provenance_changed_is_warned(tmp_path: Path) -> None:
    """A result's `source` pointed at another table and another address, CI green and "No
    results are added, removed or changed" (found by an attack): provenance is part of the
    result. A warning at the field, and a part of the comment; giving one is an addition."""
    registry = _tiny(tmp_path, p_one=[{**ALPHA, "source": {"location": "Table 2"}}])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d["results"][0].update(
        source={"location": "Table 2", "url": "https://example.org/x"}))
    assert _codes(registry) == []  # an address given: an addition
    _edit(path, lambda d: d["results"][0].update(
        source={"location": "Table 9", "url": "https://evil.example/"}))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert report.errors == 0
    [warning] = [d for d in report.diagnostics if d.code == "H014"]
    assert "source.location 'Table 2' → 'Table 9'" in warning.message
    assert warning.pointer == ("results", 0, "source", "location")
    out = render.markdown(render.report(compare(registry, "main")))
    assert "### ⚠️ Where 1 published result comes from changes" in out
    assert "| provenance: location | Table 2 | Table 9 |" in out


def test_a_papers_date_moved_behind_its_results_own_dates_is_guarded(tmp_path: Path) -> None:
    """Each result given the paper's date (an addition) and the paper's date moved in the same
    change: no row's date changed, so nothing was said, though every row's paper date did
    (found by an attack). H006, unless a correction with field: date says why."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    before = yaml.safe_load(path.read_text("utf-8"))["date"]
    _edit(path, lambda d: (d["results"][0].update(date=d["date"]), d.update(date="2019-01-04")))
    assert _codes(registry) == ["H006"]
    _correct(path, field="date", old=before, new="2019-01-04")
    assert _codes(registry) == []


def test_a_metric_renamed_is_warned_where_its_name_heads_a_board(tmp_path: Path) -> None:
    """A metric renamed changes what its column says its numbers are ("% Test Accuracy" to
    "% Misclassification rate"): no value changed, and nothing was said (found by an
    attack). A warning at the metric's name, and a line in the comment."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "metric", "acc")
    _edit(path, lambda d: d.update(name="Misclassification rate"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert report.errors == 0
    [warning] = [d for d in report.diagnostics if d.code == "H011"]
    assert warning.file.endswith("metrics/acc.yaml")
    assert "as 'Misclassification rate', not 'Accuracy'" in warning.message
    line = Path(tmp_path, warning.file).read_text().splitlines()[warning.line - 1]
    assert line.startswith("name:") and line[warning.column - 1:] == "Misclassification rate"
    out = render.markdown(render.report(compare(registry, "main")))
    assert "| metric's name: Misclassification rate | Accuracy | Misclassification rate |" in out


def test_the_comment_shows_what_the_guard_refuses_beyond_the_leaderboards(
        tmp_path: Path) -> None:
    registry, path = _published_correction(tmp_path)
    _edit(path, lambda d: d["corrections"][0].update(reason="a reason written anew, later"))
    assert _codes(registry) == ["H007"]
    out = render.markdown(render.report(compare(registry, "main")))
    assert "### ⛔ 1 refused change to papers, corrections and leaderboards" in out and "H007" in out


def test_a_result_given_to_another_paper_is_refused_unless_corrected(tmp_path: Path) -> None:
    """A result's `paper:` credits it to a paper: naming one where none was (a source's row
    given to a famous paper), or another one, changes whose number the row says it is. CI said
    nothing and the comment said "No results are added, removed or changed" (found by an
    attack)."""
    registry = _tiny(tmp_path, p_one=[ALPHA], famous=[BETA])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d["results"][0].update(paper="famous"))
    assert _codes(registry) == ["H006"]
    [line] = [x for x in _guard(registry) if x.startswith("H006")]
    assert "is credited to changes: p-one → famous" in line
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "paper credited" in comment and "famous" in comment
    _correct(path, result={"task": "tsk", "dataset": "ds", "model": "Alpha"}, field="paper",
             old="p-one", new="famous")
    assert _codes(registry) == []


def test_a_paper_known_by_another_title_or_id_is_refused_unless_corrected(
        tmp_path: Path) -> None:
    """A paper holding published rows renamed in place (another title, another arXiv id):
    every row would be credited to the paper it now names, with no value changing (found by an
    attack: LERT's file retitled "GPT-4 Technical Report"). A title or an id given where there
    was none is an addition."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d.update(identifiers={"doi": "10.18653/v1/2020.acl-main.1"}))
    assert _codes(registry) == []  # an identifier where there was none
    git(tmp_path, "checkout", "-q", "main")
    git(tmp_path, "commit", "-qam", "a DOI")
    git(tmp_path, "checkout", "-q", "pr")
    git(tmp_path, "merge", "-q", "--ff-only", "main")
    _edit(path, lambda d: d.update(title="GPT-4 Technical Report", identifiers={
        "doi": "10.18653/v1/2020.acl-main.2", "arxiv": "2303.08774"}))
    assert _codes(registry) == ["H012"]
    lines = [x for x in _guard(registry) if x.startswith("H012")]
    assert len(lines) == 2  # the title, the DOI; the arXiv id is new: an addition
    assert any("the title of 'p-one'" in x and "Paper p-one → GPT-4 Technical Report" in x
               for x in lines)
    _correct(path, field="title", old="Paper p-one", new="GPT-4 Technical Report")
    _correct(path, field="doi", old="10.18653/v1/2020.acl-main.1", new="10.18653/v1/2020.acl-main.2")
    assert _codes(registry) == []


def test_a_date_that_rewrites_the_history_of_bests_is_said(tmp_path: Path) -> None:
    """An undated paper given a date earlier than the bests before it: an addition, but the
    board's state of the art over time loses published steps (found by an attack: four steps
    of other papers vanished from a chart with "0 new bests" in the comment). A warning at the
    changed file, and a line in the comment."""
    late = {**ALPHA, "model": "Late", "metrics": {"acc": 70}}
    registry = _tiny(tmp_path, p_one=[ALPHA], p_two=[{**ALPHA, "model": "Mid",
                                                       "metrics": {"acc": 60}}], p_three=[late])
    path = _file(registry, "paper", "p-three")
    git(tmp_path, "checkout", "-q", "main")
    _edit(path, lambda d: d.pop("date"))
    git(tmp_path, "commit", "-qam", "undated")
    git(tmp_path, "checkout", "-q", "pr")
    git(tmp_path, "merge", "-q", "--ff-only", "main")
    _edit(path, lambda d: d.update(date="2019-01-01"))
    assert _codes(registry) == []
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [warning] = [d for d in report.diagnostics if d.code == "H013"]
    assert warning.file.endswith("p-three.yaml") and warning.severity == "warning"
    assert "Alpha 50 (2020-01-01); Mid 60 (2021-01-01)" in warning.message
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "state of the art over time rewritten" in comment and "Mid 60 (2021-01-01)" in comment
    assert "spelt otherwise" not in comment


def test_a_split_spelt_otherwise_than_its_board_is_said_on_a_pull_request(
        tmp_path: Path) -> None:
    """"C" and "C++" are one split (one slug, one board). A full validation warned (Q011), a
    pull request's check did not: a change filed C results under the C++ board unannounced
    (found by an attack). Now the changed result is warned of, whichever spelling is the more
    common."""
    cpp = {**ALPHA, "split": "C++"}
    registry = _tiny(tmp_path, p_one=[cpp])
    paper(registry, "p-two", "2022-01-01", [
        {**ALPHA, "model": f"M{i}", "split": "C", "metrics": {"acc": 50 + i}} for i in range(2)])
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    found = [d for d in report.diagnostics if d.code == "Q011"]
    assert [(d.file.rsplit("/", 1)[-1], d.pointer) for d in found] == [
        ("p-two.yaml", ("results", 0, "split")), ("p-two.yaml", ("results", 1, "split"))]
    assert "with results that write it 'C++'" in found[0].message
    assert _codes(registry) == []  # a warning


def test_the_history_without_extra_data_is_guarded_too(tmp_path: Path) -> None:
    """A result without extra data dated before the view-without-extra-data's bests rewrote
    that history unwarned while the overall one (led by an extra-data result) kept its steps
    (found by an attack)."""
    extra = {**ALPHA, "model": "Extra", "metrics": {"acc": 90}, "extra_training_data": True}
    registry = _tiny(tmp_path, p_one=[extra], p_two=[{**ALPHA, "model": "Mid",
                                                       "metrics": {"acc": 60}}],
                     p_three=[{**ALPHA, "model": "Late", "metrics": {"acc": 70}}])
    paper(registry, "p-back", "2019-01-01", [{**ALPHA, "model": "Backfill",
                                               "metrics": {"acc": 80}}])
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [warning] = [d for d in report.diagnostics if d.code == "H013"]
    assert "Mid 60 (2021-01-01) (without extra training data)" in warning.message
    assert "Extra 90" not in warning.message  # the overall history keeps its steps


def test_an_arxiv_id_written_as_arxivs_doi_is_the_same_identifier(tmp_path: Path) -> None:
    """`arxiv: X` replaced by `doi: 10.48550/arXiv.X` names the same paper: no H012 (it was
    refused as the arXiv id removed, found by an attack); a DOI of another id is refused."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    git(tmp_path, "checkout", "-q", "main")
    _edit(path, lambda d: d.update(identifiers={"arxiv": "2103.00003"}))
    git(tmp_path, "commit", "-qam", "an arXiv id")
    git(tmp_path, "checkout", "-q", "pr")
    git(tmp_path, "merge", "-q", "--ff-only", "main")
    _edit(path, lambda d: d.update(identifiers={"doi": "10.48550/arXiv.2103.00003v2"}))
    assert _codes(registry) == []
    _edit(path, lambda d: d.update(identifiers={"doi": "10.48550/arXiv.2103.00004"}))
    assert _codes(registry) == ["H012"]
    # Another arXiv id written beside the old one's DOI: the id written is the one shown, and
    # it changed (the DOI's id hid the change, found by an attack).
    _edit(path, lambda d: d.update(identifiers={"arxiv": "2501.00001",
                                                "doi": "10.48550/arXiv.2103.00003"}))
    assert _codes(registry) == ["H012"]


def test_a_paper_credited_with_rows_it_does_not_hold_is_guarded(tmp_path: Path) -> None:
    """A paper other papers' results are credited to (`paper:`) changed its title, or was
    renamed leaving them naming its old id: CI green, "No results are added, removed or
    changed", and the boards credited the numbers to another title, or to nobody (found by an
    attack)."""
    registry = _tiny(tmp_path, quoter=[{**ALPHA, "paper": "cited"}], cited=[])
    cited = _file(registry, "paper", "cited")
    _edit(cited, lambda d: d.update(title="Totally Different Famous Paper"))
    assert _codes(registry) == ["H012"]
    [line] = [x for x in _guard(registry) if x.startswith("H012")]
    assert "cited.yaml" in line and "the title of 'cited'" in line
    git(tmp_path, "checkout", "-q", "--", ".")
    data = yaml.safe_load(cited.read_text())
    cited.unlink()
    paper(registry, "cited-v2", data["date"], [], title=data["title"], corrections=[
        {"date": "2026-11-20", "reason": "the archive's slug was truncated",
         "renamed_from": "cited"}])
    codes = _codes(registry)
    assert "H006" in codes, codes  # its rows now credit no paper
    assert any("is credited to changes: cited → nothing" in x for x in _guard(registry))


def test_a_paper_known_by_its_link_alone_cannot_swap_the_link_unseen(tmp_path: Path) -> None:
    """A paper with no title nor identifier is named by its link's host: another link names
    another paper, and its rows read as that one's (found by an attack); giving it its title is
    an addition."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    git(tmp_path, "checkout", "-q", "main")
    _edit(path, lambda d: (d.pop("title"), d.update(links={"pdf": "https://cv.znu.ac.ir/a.pdf"})))
    git(tmp_path, "commit", "-qam", "known by a link")
    git(tmp_path, "checkout", "-q", "pr")
    git(tmp_path, "merge", "-q", "--ff-only", "main")
    _edit(path, lambda d: d.update(links={"pdf": "https://arxiv.org/pdf/1706.03762"}))
    assert _codes(registry) == ["H012"]
    _edit(path, lambda d: d.update(links={"pdf": "https://cv.znu.ac.ir/a.pdf"},
                                   title="The Paper's Own Title"))
    assert _codes(registry) == []


def test_a_rows_notes_and_code_links_changed_are_said(tmp_path: Path) -> None:
    """No number changes, but the row says something else: a note that the numbers are on the
    dev set, the paper's code pointing at another repository (found from a fork: the comment
    said "no results changed")."""
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "second-asr")
    _edit(path, lambda d: d.update(code=[{"url": "https://github.com/lab/asr",
                                          "official": True}]))
    _edit(path, lambda d: d["results"][0].update(notes="Test set.",
                                                 code_links=["https://github.com/lab/b"]))
    git(tmp_path, "commit", "-qam", "code and notes")
    git(tmp_path, "branch", "-f", "main")
    _edit(path, lambda d: d.update(code=[{"url": "https://github.com/evil/asr-backdoor",
                                          "official": True}]))
    _edit(path, lambda d: d["results"][0].update(notes="Dev set, not test.",
                                                 code_links=["https://github.com/evil/b"]))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    found = sorted(f"{d.code} {d.severity} {'.'.join(map(str, d.pointer or ()))}"
                   for d in report.diagnostics)
    assert found == ["H015 warning code", "H015 warning results.0.code_links",
                     "H015 warning results.0.notes"], found
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "3 changes to what published results show beside their numbers" in comment, comment
    assert "evil/asr-backdoor" in comment and "Dev set, not test." in comment
    # Giving a note or a link where there was none, or a link after those there, is an
    # addition: nothing said. A code said official no longer (or the reverse) is said.
    git(tmp_path, "checkout", "-q", "--", ".")
    _edit(path, lambda d: d["results"][1].update(notes="With a language model."))
    _edit(path, lambda d: d["results"][0]["code_links"].append("https://github.com/lab/b2"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics] == [], report.diagnostics
    _edit(path, lambda d: d["code"][0].update(official=False))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [(d.code, d.message.split(": ", 1)[1]) for d in report.diagnostics] == [
        ("H015", "'https://github.com/lab/asr (official)' → 'https://github.com/lab/asr'")]


def test_a_rows_code_authors_links_and_aliases_rewritten_are_said(tmp_path: Path) -> None:
    """helper-108, from a fork, each with an empty comment: a first code link given to the #1
    result, whose row showed its paper's official repository, made the row link to a fork's;
    the paper's authors and its abstract and PDF links pointed at another paper's; an alias put
    its numbers under another model's name in the archive's export."""
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "second-asr")
    _edit(path, lambda d: d.update(code=[{"url": "https://github.com/lab/asr", "official": True}],
                                   authors=["A. Author"], identifiers={"arxiv": "2006.00001"},
                                   links={"abstract": "https://arxiv.org/abs/2006.00001"}))
    git(tmp_path, "commit", "-qam", "code, authors and links")
    git(tmp_path, "branch", "-f", "main")
    _edit(path, lambda d: d["results"][1].update(code_links=["https://github.com/evil/asr"],
                                                 aliases=["GPT-4 (OpenAI)"]))
    _edit(path, lambda d: d.update(authors=["Geoffrey Hinton"], links={
        "abstract": "https://arxiv.org/abs/1810.04805", "pdf": "https://arxiv.org/pdf/1"}))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    found = sorted(f"{d.code} {d.severity} {'.'.join(map(str, d.pointer or ()))}"
                   for d in report.diagnostics)
    # (and the link now names another arXiv paper than the paper's id: Q016)
    assert found == ["H015 warning authors", "H015 warning links.abstract",
                     "H015 warning results.1.aliases", "H015 warning results.1.code_links",
                     "Q016 warning links.abstract"], found
    said = " ".join(d.message for d in report.diagnostics)
    assert "'https://github.com/lab/asr (official)' → 'https://github.com/evil/asr'" in said
    assert "['A. Author'] → ['Geoffrey Hinton']" in said
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "No results are added, removed or changed" not in comment
    assert "evil/asr" in comment and "GPT-4 (OpenAI)" in comment and "Hinton" in comment
    # Its abstract rewritten, said around where it differs; the tasks it names, changed.
    git(tmp_path, "checkout", "-q", "--", ".")
    _edit(path, lambda d: d.update(abstract="We propose LERT, a model. " + "x" * 100,
                                   tasks=["speech-recognition"]))
    git(tmp_path, "commit", "-qam", "an abstract and a task")
    git(tmp_path, "branch", "-f", "main")
    _edit(path, lambda d: d.update(abstract="We propose BERT, a model. " + "x" * 100,
                                   tasks=["noisy-speech-recognition"]))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    said = {".".join(map(str, d.pointer or ())): d.message for d in report.diagnostics}
    assert set(said) == {"abstract", "tasks"}, said
    assert "126 characters, from character 1: We propose LERT" in said["abstract"]
    assert "We propose BERT" in said["abstract"]
    # Given where there were none (authors, a venue, a link, a first code link where the row
    # showed no code), an addition: nothing said. (An alias is said even then.)
    git(tmp_path, "checkout", "-q", "--", ".")
    _edit(path, lambda d: d.update(venue="ICASSP", links={
        "abstract": "https://arxiv.org/abs/2006.00001", "pdf": "https://arxiv.org/pdf/2"}))
    _edit(_file(registry, "paper", "first-asr"), lambda d: d.update(authors=["B. Author"]) or
          d["results"][0].update(code_links=["https://github.com/b/asr"]))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics] == [], report.diagnostics


def test_what_two_papers_show_is_two_lines_even_where_one_row_places_both(
        tmp_path: Path) -> None:
    """helper-111: worse-asr's row E credits quoted-asr (a paper with no row of its own), so
    both papers' changes were placed on that one row, and the comment's one-line-per-fact rule
    kept one: worse-asr's authors, rewritten, went unsaid there (the guard's warnings had
    both)."""
    registry = _repo(tmp_path)
    paper(registry, "quoted-asr", "2015-01-01", [])
    worse, quoted = _file(registry, "paper", "worse-asr"), _file(registry, "paper", "quoted-asr")
    _edit(worse, lambda d: d.update(authors=["W. Author"]) or d["results"][0].update(
        paper="quoted-asr"))
    _edit(quoted, lambda d: d.update(authors=["Q. Author"]))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "authors, and E credits quoted-asr")
    git(tmp_path, "branch", "-f", "main")
    _edit(worse, lambda d: d.update(authors=["Someone Else"]))
    _edit(quoted, lambda d: d.update(authors=["Another One"]))
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "Someone Else" in comment and "Another One" in comment, comment


def test_a_result_added_with_another_papers_name_and_values_is_said(tmp_path: Path) -> None:
    """helper-110: a new paper holding LERT's row, copied (same model, the four values), passed
    clean and ranked tied #1 beside it, as two papers' results. H019 says it, in the guard and
    the comment; a quote that names the paper it is from does not."""
    registry = _repo(tmp_path)
    copy = result("speech-recognition", "librispeech-test-clean", "b", word_error_rate=3.2,
                  real_time_factor=0.5)  # second-asr's "B", its name in another case
    paper(registry, "copycat-asr", "2023-01-01", [copy])
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [said] = report.diagnostics
    assert (said.code, said.severity, said.pointer) == ("H019", "warning", ("results", 0, "model"))
    assert "every value of 'B' of 'second-asr'" in said.message
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "1 result added with the name and values of another paper's row" in comment
    assert "| the same name and values as a row of | Paper second-asr | B |" in comment, comment
    path = _file(registry, "paper", "copycat-asr")
    _edit(path, lambda d: d["results"][0].update(paper="second-asr",
                                                 source={"kind": "baseline"}))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert report.diagnostics == [], report.diagnostics
    # a trailing footnote mark or year makes no other name (helper-112: "DRL†" evaded it)
    _edit(path, lambda d: d["results"][0].pop("paper") and d["results"][0].pop("source") and
          d["results"][0].update(model="B †"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics] == ["H019"], report.diagnostics
    _edit(path, lambda d: d["results"][0].update(model="B", paper="second-asr"))
    # a value of its own is no copy
    _edit(path, lambda d: d["results"][0].pop("paper") and d["results"][0]["metrics"].update(
        {"word-error-rate": 3.3}))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert report.diagnostics == [], report.diagnostics


def test_a_point_of_reference_is_not_far_above_the_best(tmp_path: Path) -> None:
    """helper-111: a new human-performance row (WER 1.0 on a board whose best is 2.5) was
    flagged "far above the previous best": references are above the best by nature."""
    registry = _repo(tmp_path)
    human = result("speech-recognition", "librispeech-test-clean", "Human", word_error_rate=1.0)
    human["source"] = {"kind": "reference"}
    _edit(_file(registry, "paper", "worse-asr"), lambda d: d["results"].append(human))
    report = render.report(compare(registry, "main"))
    assert report.far_above == [] and report.new_best == []
    human["source"] = {"kind": "own"}
    _edit(_file(registry, "paper", "worse-asr"), lambda d: d["results"].__setitem__(1, human))
    assert [n.row.result.model for n in render.report(compare(registry, "main")).far_above] \
        == ["Human"]


def test_the_note_of_a_published_value_changed_or_removed_is_said(tmp_path: Path) -> None:
    """A value's note says what its spread is (the exports' spread_note): "std over 5 seeds on
    the test set" rewritten to "best of 5 seeds, on the dev set", or taken away, changed what
    readers take from the number with the comment saying nothing changed (helper-64)."""
    registry = _repo(tmp_path)
    path = _file(registry, "paper", "second-asr")
    metric = next(iter(yaml.safe_load(path.read_text("utf-8"))["results"][0]["metrics"]))

    def noted(note: str | None) -> Callable[[dict[str, Any]], None]:
        def edit(d: dict[str, Any]) -> None:
            metrics = d["results"][0]["metrics"]
            value = metrics[metric]["value"] if isinstance(metrics[metric], dict) \
                else metrics[metric]
            metrics[metric] = {"value": value, "spread": 0.4,
                               **({"note": note} if note else {})}
        return edit

    _edit(path, noted("std over 5 seeds on the test set"))
    git(tmp_path, "commit", "-qam", "a spread and its note")
    git(tmp_path, "branch", "-f", "main")
    _edit(path, noted("best of 5 seeds, on the dev set"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [said] = report.diagnostics
    assert (said.code, said.pointer) == ("H015", ("results", 0, "metrics", metric, "note"))
    assert said.line > 0 and "'best of 5 seeds, on the dev set'" in said.message
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "best of 5 seeds, on the dev set" in comment, comment
    _edit(path, noted(None))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [(d.code, d.message.rsplit(" → ", 1)[1]) for d in report.diagnostics] == [
        ("H015", "removed")]
    git(tmp_path, "checkout", "-q", "--", ".")  # a note given where none was: an addition
    _edit(path, lambda d: d["results"][1]["metrics"].update(
        {k: {"value": v, "note": "one run"} for k, v in d["results"][1]["metrics"].items()
         if not isinstance(v, dict)}))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics] == []


def test_a_reordered_metrics_list_is_placed_at_the_list(tmp_path: Path) -> None:
    """Without primary_metric the first metric listed ranks: swapping the list is H005, placed
    at `metrics` (it was placed at the `id:` line)."""
    registry = _repo(tmp_path)
    board = {"id": "speech-recognition--librispeech-test-clean", "task": "speech-recognition",
             "dataset": "librispeech-test-clean"}
    path = write(registry, "benchmark", {**board, "metrics": ["word-error-rate",
                                                              "real-time-factor"]})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "settings")
    git(tmp_path, "branch", "-f", "main")
    write(registry, "benchmark", {**board, "metrics": ["real-time-factor", "word-error-rate"]})
    found = _guard(registry)
    [(code, place)] = [f.split()[:2] for f in found]
    line = int(place.rsplit(":", 1)[1])
    assert code == "H005" and place.startswith(f"registry/{path.relative_to(registry)}:")
    assert path.read_text("utf-8").splitlines()[line - 1].strip() == "- real-time-factor"


def test_an_attribute_that_makes_git_check_registry_files_out_otherwise_is_refused(
        tmp_path: Path) -> None:
    """helper-56: a pull request changing only the top `.gitattributes`
    (`registry/papers/*/x.yaml working-tree-encoding=SHIFT_JIS`) had git write a paper out
    with its `¥"` as `\\"`, so the validator read a value moved onto another row while
    `pwc diff` and the guard, reading git's stored bytes, saw no change: CI green, "checked no
    files". Every registry file git checks out through such an attribute is an error, all of
    them checked when a `.gitattributes` changes; line endings are no such attribute."""
    registry = _repo(tmp_path)
    assert _guard(registry) == []
    (tmp_path / ".gitattributes").write_text(
        "*.yaml text eol=crlf\nregistry/papers/*/*.yaml working-tree-encoding=SHIFT_JIS\n",
        encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "attributes")
    papers = sorted(f"registry/{p.relative_to(registry).as_posix()}"
                    for p in registry.glob("papers/*/*.yaml"))
    assert papers
    refused = [line for line in _guard(registry) if line.startswith("H016")]
    assert [line.split()[1].rsplit(":", 1)[0] for line in refused] == papers, refused
    assert "working-tree-encoding=SHIFT_JIS" in refused[0]
    full = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert sorted(d.file for d in full.diagnostics if d.code == "H016") == papers
    # Line endings alone change no value: no error.
    (tmp_path / ".gitattributes").write_text("*.yaml text eol=crlf\n", encoding="utf-8")
    git(tmp_path, "commit", "-qam", "attributes: line endings only")
    assert not [line for line in _guard(registry) if line.startswith("H016")]


def test_a_leaderboards_notes_changed_are_said(tmp_path: Path) -> None:
    """helper-56: a board's notes, printed under its heading, rewritten to "values are error
    rates" passed with no warning and the comment said only "benchmark changed"."""
    registry = speech_registry(tmp_path)
    board = write(registry, "benchmark", {"id": "speech-recognition--librispeech-test-clean",
                                          "task": "speech-recognition",
                                          "dataset": "librispeech-test-clean",
                                          "notes": "Word error rate on test-clean."})
    committed(tmp_path, registry, branch="pr")
    _edit(board, lambda d: d.update(notes="Values are accuracies (100 - WER)."))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [said] = [d for d in report.diagnostics if d.code == "H015"]
    assert said.severity == "warning" and said.pointer == ("notes",), said
    assert "'Word error rate on test-clean.' → 'Values are accuracies (100 - WER).'" \
        in said.message
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "Values are accuracies (100 - WER)." in comment, comment
    # Notes where there were none say what every number is too (helper-60: added, they
    # passed as an addition, also after a first change removed the old ones).
    _edit(board, lambda d: d.pop("notes"))
    git(tmp_path, "commit", "-qam", "notes removed")
    git(tmp_path, "branch", "-f", "main")
    _edit(board, lambda d: d.update(notes="Values are accuracies (100 - WER)."))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [said] = [d for d in report.diagnostics if d.code == "H015"]
    assert "notes none → 'Values are accuracies (100 - WER).'" in said.message, said


def test_a_board_renamed_by_its_task_is_warned_at_the_task(tmp_path: Path) -> None:
    """helper-56: a task and a dataset renamed in one change warned at the dataset's file for
    the boards of another dataset too, a file that names none of them: each board's new name
    is placed at its task's file (or its dataset's, or its own settings)."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    write(registry, "dataset", {"id": "zz", "name": "Other"})
    paper(registry, "p-two", "2021-01-01", [{**ALPHA, "dataset": "zz", "model": "Gamma"}])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "zz")
    git(tmp_path, "branch", "-f", "main")
    _edit(_file(registry, "task", "tsk"), lambda d: d.update(name="The Task"))
    _edit(_file(registry, "dataset", "ds"), lambda d: d.update(name="The Dataset"))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    placed = sorted((d.message.split()[2], d.file.rsplit("/", 1)[-1])
                    for d in report.diagnostics if d.code == "H011")
    assert placed == [("tsk--ds", "tsk.yaml"), ("tsk--zz", "tsk.yaml")], placed


def test_an_alias_naming_another_result_of_the_paper_is_refused(tmp_path: Path) -> None:
    """helper-59: result X with `aliases: [Y]` beside result Y (90) of the same paper and
    board passed; the archive export wrote a row under each alias, so Y was exported with
    X's 10, and a re-import filed it so."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d["results"].extend([
        {**ALPHA, "model": "X", "aliases": ["Yota", "x "], "metrics": {"acc": 10}},
        {**ALPHA, "model": "Yota", "metrics": {"acc": 90}},
        {**ALPHA, "model": "Z", "aliases": ["alpha"], "metrics": {"acc": 30}}]))
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    refused = sorted((d.code, ".".join(map(str, d.pointer or ()))) for d in report.diagnostics
                     if d.severity == "error")
    # Yota is results[2]'s model; "alpha" is results[0]'s, ALPHA's; "x " is X's own name.
    assert refused == [("V006", "results.1.aliases.0"), ("V006", "results.3.aliases.0")], refused


def test_a_submodule_in_the_registry_is_refused(tmp_path: Path) -> None:
    """A gitlink (mode 160000) under registry/ passed as "checked no files: clean": a checkout
    leaves an empty folder, a recursive clone fills it with files CI never saw (helper-64)."""
    registry = _repo(tmp_path)
    commit = git(tmp_path, "rev-parse", "HEAD").strip()
    git(tmp_path, "update-index", "--add", "--cacheinfo", f"160000,{commit},registry/papers/zz")
    # One outside the registry is not the registry's business (helper-71).
    git(tmp_path, "update-index", "--add", "--cacheinfo", f"160000,{commit},vendor/lib")
    git(tmp_path, "commit", "-qm", "a submodule")
    expected = [("Y016", "error", "registry/papers/zz")]
    for changed_since in ("main", None):
        report = validate(Options(registry=registry, changed_since=changed_since, today=TODAY,
                                  jobs=1))
        assert [(d.code, d.severity, d.file) for d in report.diagnostics] == expected, \
            changed_since
    # A folder named holding it, or naming it: `pwc validate registry/papers` said "clean".
    (registry / "papers" / "zz").mkdir()  # as a checkout leaves it
    for named in (registry / "papers", registry / "papers" / "zz", registry):
        report = validate(Options(registry=registry, paths=[named], today=TODAY, jobs=1))
        assert [(d.code, d.severity, d.file) for d in report.diagnostics] == expected, named
    # A path named outside the work tree took every git check with it (helper-71).
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    report = validate(Options(registry=registry, paths=[registry / "papers", outside],
                              today=TODAY, jobs=1))
    assert ("Y016", "error", "registry/papers/zz") in [
        (d.code, d.severity, d.file) for d in report.diagnostics], report.diagnostics
    report = validate(Options(registry=registry, paths=[tmp_path], today=TODAY, jobs=1))
    assert [d.file for d in report.diagnostics if d.code == "Y016"] == ["registry/papers/zz"]


def test_a_submodule_that_gitmodules_tells_git_to_ignore_is_refused(tmp_path: Path) -> None:
    """helper-82: with `ignore = all` in a .gitmodules of the pull request, `git diff` left
    the submodule out: `validate --changed-since` said "checked no files: clean" and the
    comment "no results are added, removed or changed"; only the full validation of the
    site's build failed."""
    registry = _repo(tmp_path)
    commit = git(tmp_path, "rev-parse", "HEAD").strip()
    git(tmp_path, "update-index", "--add", "--cacheinfo",
        f"160000,{commit},registry/papers/e2/zz-sub")
    (tmp_path / ".gitmodules").write_text(
        '[submodule "x"]\n\tpath = registry/papers/e2/zz-sub\n'
        "\turl = https://example.com/evil.git\n\tignore = all\n")
    git(tmp_path, "add", ".gitmodules")
    git(tmp_path, "commit", "-qm", "a hidden submodule")
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert ("Y016", "registry/papers/e2/zz-sub") in [(d.code, d.file)
                                                     for d in report.diagnostics]
    render.markdown(render.report(compare(registry, "main")))  # the comment's step runs


def test_a_corrections_value_written_as_text_is_said_so(tmp_path: Path) -> None:
    """`old: "50%"` read as the change was written ("the change is 50 → 55"), with no word that
    the correction's value is text (helper-65)."""
    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d["results"][0]["metrics"].update(acc=55))
    _correct(path, result={"task": "tsk", "dataset": "ds", "model": "Alpha"}, metric="acc",
             old="50%", new=55)
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [h008] = [d for d in report.diagnostics if d.code == "H008"]
    assert h008.hint == "old is text ('50%'), not a number: write the number as the file " \
        "writes it"


def test_a_correction_naming_its_result_without_its_split_says_which_it_may_mean(
        tmp_path: Path) -> None:
    """helper-74: CONTRIBUTING's example names a result without `split:`; copied for a result
    on a split, H008 said only that it explains no change."""
    registry = _tiny(tmp_path, p_one=[{**ALPHA, "split": "test"}])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d["results"][0]["metrics"].update(acc=55))
    _correct(path, result={"task": "tsk", "dataset": "ds", "model": "Alpha"}, metric="acc",
             old=50, new=55)
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [h008] = [d for d in report.diagnostics if d.code == "H008"]
    assert h008.message.endswith("did you mean task: tsk, dataset: ds, split: test, model: "
                                 "Alpha (its acc 50 → 55)?"), h008.message


def test_fmt_keeps_a_published_corrections_number_what_it_was(tmp_path: Path) -> None:
    """helper-77: a published correction's `new: 6.` (a float) rewritten by `pwc fmt` as `6`
    (an integer) read as an edited correction (H007): a file could pass the format check or
    the history guard, never both. Written in decimal digits, a number keeps its type."""
    from pwc_registry.formatting import format_registry

    registry = _tiny(tmp_path, p_one=[ALPHA])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: d["results"][0]["metrics"].update(acc=6.0))
    _correct(path, result={"task": "tsk", "dataset": "ds", "model": "Alpha"}, metric="acc",
             old=50, new=6.0)
    path.write_text(path.read_text("utf-8").replace("acc: 6.0", "acc: 6.").replace(
        "new: 6.0", "new: 6."), "utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "a corrected value written 6.")
    git(tmp_path, "branch", "-f", "main")
    format_registry(registry, [path], jobs=1)
    text = path.read_text("utf-8")
    assert "new: 6.0" in text and "acc: 6.0" in text, text
    assert _guard(registry) == []


def test_the_near_miss_named_is_the_change_the_correction_states(tmp_path: Path) -> None:
    """helper-77: of two changed results of one model, the first was named, though the
    correction's old and new were the second's; with nothing to tell them apart, none is."""
    registry = _tiny(tmp_path, p_one=[{**ALPHA, "split": "a", "metrics": {"acc": 50}},
                                      {**ALPHA, "split": "b", "metrics": {"acc": 50}}])
    path = _file(registry, "paper", "p-one")
    _edit(path, lambda d: (d["results"][0]["metrics"].update(acc=51),
                           d["results"][1]["metrics"].update(acc=52)))
    _correct(path, result={"task": "tsk", "dataset": "ds", "model": "Alpha"}, metric="acc",
             old=50, new=52)
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [h008] = [d for d in report.diagnostics if d.code == "H008"]
    assert h008.message.endswith("split: b, model: Alpha (its acc 50 → 52)?"), h008.message
    _edit(path, lambda d: d["corrections"][0].update(new=99))
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [h008] = [d for d in report.diagnostics if d.code == "H008"]
    assert "did you mean" not in h008.message, h008.message


def _on_splits(count: int, model: str) -> list[dict[str, Any]]:
    """``count`` results of ``model``, each on a split of its own of the noisy-speech task (a
    subtask: each opens a leaderboard there and one on its parent's)."""
    return [result("noisy-speech-recognition", "librispeech-test-clean", model,
                   split=f"part-{i}", word_error_rate=round(1 + i / 1000, 3))
            for i in range(count)]


def test_a_change_opening_thousands_of_leaderboards_is_refused(tmp_path: Path) -> None:
    # helper-81: 2,400 results on splits of their own under a ten-deep task tree (276 KB)
    # passed CI and made the site build write 328,000 files; a 2 MiB file, ~2.5 million.
    registry = _repo(tmp_path)
    flood = paper(registry, "flood-asr", "2024-01-01", _on_splits(501, "F"))
    found = _guard(registry)
    assert [line.split(" ", 2)[:2] for line in found] == [
        ["H017", f"registry/{flood.relative_to(registry)}:5"]], found
    assert "adds 1,002 leaderboards, more than the 1,000" in found[0]
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "H017" in comment and "refused change" in comment
    _edit(flood, lambda d: d.update(results=d["results"][:499]))  # 998: within the limit
    assert _guard(registry) == []


def test_boards_the_changed_paper_joins_are_not_counted_as_new(tmp_path: Path) -> None:
    # The guard compiles a change's boards from its own papers when it can: a paper joining
    # 600 split boards others opened looks like it opens 1,200 until whole boards are read.
    registry = speech_registry(tmp_path)
    paper(registry, "many-splits", "2023-06-01", _on_splits(600, "G"))
    # Each board's primary metric set in its benchmark file: else whole boards anyway.
    for task in ("noisy-speech-recognition", "speech-recognition"):
        for i in range(600):
            write(registry, "benchmark", {
                "id": benchmark_id(task, "librispeech-test-clean", f"part-{i}"), "task": task,
                "dataset": "librispeech-test-clean", "split": f"part-{i}",
                "primary_metric": "word-error-rate"})
    committed(tmp_path, registry, branch="pr")
    paper(registry, "joins-them", "2024-01-01", _on_splits(600, "H"))
    assert _guard(registry) == []


def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """helper-82: a pull request adding ``registry/papers/e2/\\xffbad.yaml`` crashed `pwc
    validate` writing the job summary and `pwc diff` measuring the comment (exit 2, an empty
    comment: any real error of the change was shown nowhere)."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    registry = _repo(tmp_path)
    original = _file(registry, "paper", "first-asr")
    odd = os.fsdecode(bytes(original.parent) + b"/\xffbad.yaml")
    Path(odd).write_bytes(original.read_bytes())
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "a name that is not UTF-8")
    summary = tmp_path.parent / f"{tmp_path.name}-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    shown = f"registry/{Path(relative_path('paper', 'first-asr')).parent}/\\xffbad.yaml"
    for fmt in ("text", "github", "json", "markdown"):
        done = CliRunner().invoke(main, ["validate", "--registry", str(registry),
                                         "--changed-since", "main", "--format", fmt])
        said = json.loads(done.output)["changed_files"] if fmt == "json" else done.output
        assert done.exit_code == 1 and shown in said, (fmt, done.output)
    assert shown in summary.read_text("utf-8")
    done = CliRunner().invoke(main, ["diff", "--registry", str(registry), "main", "HEAD"])
    assert done.exit_code == 0, done.output


def test_renaming_a_dataset_of_many_boards_adds_none(tmp_path: Path) -> None:
    """helper-85: H017 counted the boards a dataset's rename moves as added (1,202, beside the
    renamed rows' own errors), which no split of the change could bring under the limit."""
    registry = speech_registry(tmp_path)
    paper(registry, "many-splits", "2023-06-01", _on_splits(600, "G"))
    committed(tmp_path, registry, branch="pr")
    for path in registry.rglob("*.yaml"):
        text = path.read_text("utf-8")
        if "librispeech-test-clean" in text:
            path.write_text(text.replace("librispeech-test-clean", "librispeech-clean"), "utf-8")
    old = _file(registry, "dataset", "librispeech-test-clean")
    old.rename(old.with_name("librispeech-clean.yaml"))
    codes = {line.split()[0] for line in _guard(registry)}
    assert "H002" in codes and "H017" not in codes


def test_a_task_tree_rolling_rows_up_into_many_boards_is_refused_at_the_task(
        tmp_path: Path) -> None:
    """helper-85: eight new ancestor tasks above speech recognition roll each of 150 split
    results up into eight more boards (1,200): H017 named an unchanged paper's file."""
    registry = speech_registry(tmp_path)
    paper(registry, "many-splits", "2023-06-01", _on_splits(150, "G"))
    committed(tmp_path, registry, branch="pr")
    for i in range(1, 9):
        write(registry, "task", {"id": f"chain-{i}", "name": f"Chain {i}", "area": "speech",
                                 **({"parent": f"chain-{i - 1}"} if i > 1 else {})})
    _edit(_file(registry, "task", "speech-recognition"), lambda d: d.update(parent="chain-8"))
    [line] = [line for line in _guard(registry) if line.startswith("H017")]
    assert line.startswith("H017 registry/tasks/speech-recognition.yaml:1 ")
    assert "a changed task or dataset does" in line


def test_a_fraction_among_percents_is_said_where_it_is(tmp_path: Path) -> None:
    """helper-98: model cards write a word error rate as 0.3719 or as 18.504; a metric without
    a unit is never converted, so the fraction led the lower-is-better board, CI green and the
    comment silent. Now a warning at the value (H018) and in the comment; a value 1 to 10
    times its neighbours (a BPC of 0.99 among 1.1s) says nothing."""
    registry = _repo(tmp_path)
    task, data = "speech-recognition", "librispeech-test-clean"
    paper(registry, "card-asr", "2023-06-01", [
        result(task, data, "Card", word_error_rate=0.3719, real_time_factor=0.2)])
    git(registry.parent, "add", "-A")
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    found = [d for d in report.diagnostics if d.code == "H018"]
    assert [(d.severity, d.file, d.line) for d in found] == [
        ("warning", "registry/papers/" + relative_path("paper", "card-asr").split("/", 1)[1],
         found[0].line)] and found[0].line > 1, report.diagnostics
    assert "Word Error Rate 0.3719" in found[0].message and "(2.5–7.1)" in found[0].message
    assert report.errors == 0  # a warning: CI stays green, the comment says it
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "value on another scale than the leaderboard's" in comment
    assert "| 2.5–7.1 | 0.3719 |" in comment
    # the real-time factors (0.1-0.5) are one scale: nothing said of them; nor of 1.5 (a
    # value 1 to 10 times the others)
    paper(registry, "card-asr", "2023-06-01", [
        result(task, data, "Card", word_error_rate=1.5, real_time_factor=0.2)])
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert not [d for d in report.diagnostics if d.code == "H018"]
    # helper-99: as many fractions as the board had percents were judged by each other, and
    # said nothing; each is judged by the board as it was
    paper(registry, "card-asr", "2023-06-01", [
        result(task, data, f"Card {n}", word_error_rate=0.05 + n / 100) for n in range(9)])
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert len([d for d in report.diagnostics if d.code == "H018"]) == 9


def test_a_fraction_filed_under_a_new_subtask_is_said_once(tmp_path: Path) -> None:
    """helper-101: a fraction filed under a subtask of its own (a new board, nothing to judge it
    by) led the parent's board of percents with nothing said: judged on every board it is on,
    said once. A metric whose board holds a negative value is a score: not judged."""
    registry = _repo(tmp_path)
    write(registry, "task", {"id": "far-field-speech-recognition", "name": "Far-Field ASR",
                             "parent": "speech-recognition", "area": "speech"})
    data = "librispeech-test-clean"
    paper(registry, "card-asr", "2023-06-01", [
        result("far-field-speech-recognition", data, "Card", word_error_rate=0.3719)])
    git(registry.parent, "add", "-A")
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    [found] = [d for d in report.diagnostics if d.code == "H018"]
    assert "Word Error Rate 0.3719" in found.message
    # a new board whose values include a negative one: scores, not rates
    write(registry, "dataset", {"id": "game-x", "name": "Game X"})
    write(registry, "metric", {"id": "game-score", "name": "Game score", "direction": "higher"})
    paper(registry, "card-asr", "2023-06-01", [
        result("speech-recognition", "game-x", f"G{n}", game_score=v)
        for n, v in enumerate([0.2, -3.0, 40.0, 55.0])])
    git(registry.parent, "add", "-A")
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert not [d for d in report.diagnostics if d.code == "H018"]
    paper(registry, "card-asr", "2023-06-01", [
        result("speech-recognition", "game-x", f"G{n}", game_score=v)
        for n, v in enumerate([0.2, 3.0, 40.0, 55.0])])
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics if d.code == "H018"] == ["H018"]
