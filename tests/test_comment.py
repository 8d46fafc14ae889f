"""The pull request's comment (`pwc diff`) as a reviewer reads it: one summary line first, new
entities with the boards they bear on, corrections with their reasons, bests with and without
extra data, added results with their place, long parts folded, never over GitHub's limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pwc_registry.compare import compare, render
from pwc_registry.layout import relative_path

from conftest import count_calls, git
from registry_builder import committed, paper, result, speech_registry, write

TASK, DATA = "speech-recognition", "librispeech-test-clean"


def _repo(tmp_path: Path) -> Path:
    return committed(tmp_path, speech_registry(tmp_path), branch="pr")


def _comment(registry: Path, validation: render.Validation | None = None,
             limit: int = render.COMMENT_LIMIT) -> str:
    return render.markdown(render.report(compare(registry, "main")), validation, limit)


def test_a_new_dataset_is_listed_with_the_board_it_starts(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    write(registry, "dataset", {"id": "librispeech-1k", "name": "LibriSpeech 1k"})
    paper(registry, "split-board", "2024-01-01", [result(TASK, "librispeech-1k", "Z",
                                                        word_error_rate=1.0)])
    text = _comment(registry, render.Validation(0, 0))
    lines = text.split("\n")
    assert lines[2] == ("**1 result added, 0 changed, 0 removed · 1 new best · 1 task/dataset/"
                        "metric/benchmark file added · ✅ valid**")
    assert "### Tasks, datasets, metrics and benchmarks (1)" in text
    assert ("| registry/datasets/librispeech-1k.yaml | dataset added | LibriSpeech 1k | "
            "Speech Recognition on LibriSpeech 1k |") in text


def test_a_corrected_value_shows_its_reason_and_the_summary_counts_it(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    path = registry / relative_path("paper", "worse-asr")
    data = yaml.safe_load(path.read_text("utf-8"))
    data["results"][0]["metrics"]["word-error-rate"] = 6.9
    data["corrections"] = [{"date": "2026-11-20", "reason": "Table 2 of v3 says 6.9",
                            "result": {"task": TASK, "dataset": DATA, "model": "E"},
                            "metric": "word-error-rate", "old": 7.1, "new": 6.9}]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    text = _comment(registry, render.Validation(0, 2))
    assert "0 results added, 1 changed (1 corrected), 0 removed" in text.split("\n")[2]
    assert "✅ valid (2 warnings on its files)" in text.split("\n")[2]
    assert "| Table 2 of v3 says 6.9 |" in text
    assert "⛔" not in text


def test_the_best_without_extra_data_is_reported_too(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    paper(registry, "big-asr", "2024-01-01", [
        result(TASK, DATA, "Huge", word_error_rate=1.5, extra=True),
        result(TASK, DATA, "Lean", word_error_rate=2.4)])
    text = _comment(registry)
    best = text.split("### New state of the art")[1]
    assert "Word Error Rate 1.5 by Huge" in best.split("Without extra training data:")[0]
    assert "Word Error Rate 2.4 by Lean" in best.split("Without extra training data:")[1]
    assert "2 new bests" in text.split("\n")[2]


def test_long_parts_are_folded_and_the_comment_never_exceeds_the_limit(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    for i in range(60):
        paper(registry, f"bulk-{i:02d}", "2024-01-01",
              [result(TASK, DATA, f"Model {i:02d}", word_error_rate=10 + i / 10)])
    text = _comment(registry)
    assert "<details><summary>Show all 60</summary>" in text
    assert "| Model 00 | Word Error Rate 10 | rank 7 of 67 |" in text
    small = _comment(registry, limit=3000)
    assert len(small) <= 3000
    assert "more, in the full report" in small or "left out to keep this comment" in small
    assert small.split("\n")[2].startswith("**60 results added")
    # Refused changes are never the part left out.
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "bulk")
    path = registry / relative_path("paper", "first-asr")
    path.write_text(path.read_text("utf-8").replace("word-error-rate: 5.0",
                                                    "word-error-rate: 0.5"), "utf-8")
    refused = _comment(registry, limit=3000)
    assert "### ⛔ 1 change to published leaderboards without a correction" in refused
    assert len(refused) <= 3000


def test_a_flood_of_added_files_hides_no_change_to_a_published_row(tmp_path: Path) -> None:
    """helper-73: 260 new dataset files and 520 added results pushed the corrected changes
    (an extra-data flip, with its correction) and the far-above warning out of the comment,
    whose summary said "0 changed". Every change to a published row comes first, each part
    gets its first rows before any gets more, and the summary counts them all."""
    registry = _repo(tmp_path)
    path = registry / relative_path("paper", "worse-asr")
    data = yaml.safe_load(path.read_text("utf-8"))
    data["results"][0]["extra_training_data"] = True
    data["corrections"] = [{"date": "2026-11-20", "reason": "The paper pre-trains on 60k hours",
                            "result": {"task": TASK, "dataset": DATA, "model": "E"},
                            "field": "extra_training_data", "old": False, "new": True}]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    for i in range(260):
        write(registry, "dataset", {"id": f"synth-{i:03d}", "name": f"Synth {i:03d} " + "x" * 60})
    for i in range(10):
        paper(registry, f"flood-{i}", "2024-01-01",
              [result(TASK, f"synth-{i * 26 + j:03d}", f"Flood {j}", word_error_rate=9.0)
               for j in range(26)])
    text = _comment(registry, render.Validation(0, 0))
    assert len(text.encode("utf-16-le")) // 2 <= render.COMMENT_LIMIT
    head = text.split("\n")[2]
    assert "### ✏️ 1 corrected change" in text
    assert "260 results added" in head and "✏️ 1 other correction ·" in head, head
    corrected = text.split("### ✏️ 1 corrected change")[1]
    assert "| The paper pre-trains on 60k hours |" in corrected.split("###")[0]
    assert text.index("### ✏️") < text.index("### Tasks, datasets")
    assert "### Results added (260)" in text  # still previewed, with where the rest are
    assert "more, in the full report" in text


def test_a_corrected_removal_is_counted_once(tmp_path: Path) -> None:
    """helper-77: a removal with its correction read "1 removed · ✏️ 1 other corrected
    change": counted with the removed rows, as a corrected value with the changed ones."""
    registry = _repo(tmp_path)
    path = registry / relative_path("paper", "worse-asr")
    data = yaml.safe_load(path.read_text("utf-8"))
    data["results"] = data["results"][1:]
    data["corrections"] = [{"date": "2026-11-20", "reason": "Withdrawn in v2",
                            "result": {"task": TASK, "dataset": DATA, "model": "E"}}]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    head = _comment(registry).split("\n")[2]
    assert "0 changed, 1 removed (1 corrected)" in head and "other correction" not in head, head


def test_a_long_required_part_leaves_the_next_its_rows() -> None:
    """helper-77: past the previews, the first required part took all the room it asked for,
    leaving the next only a heading ("Its 1 rows are too long") well under the limit."""
    huge = render._Part("### ⛔ Refused", ["Why.", "", "| a |", "|---|",
                                          *(f"| {'🏆' * 1500} {i} |" for i in range(20))],
                        20, required=True)
    reason = render._Part("### ✏️ 1 corrected change", ["Why.", "", "| reason |", "|---|",
                                                         "| " + "r" * 2100 + " |"], 1, True)
    text, left_out = render._fit(["## head", ""], [huge, reason], render.COMMENT_LIMIT)
    assert left_out == 0 and "r" * 2100 in text
    assert len(text.encode("utf-16-le")) // 2 <= render.COMMENT_LIMIT


def test_the_warnings_on_its_files_are_listed_for_the_reviewer(tmp_path: Path) -> None:
    """helper-74: a fraction where a percentage belongs (V003), which CI lets through "for a
    reviewer to confirm", showed in the comment as "1 warning on its files" and no more."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    registry = _repo(tmp_path)
    paper(registry, "fraction-asr", "2024-01-01", [result(TASK, DATA, "F", word_error_rate=0.5)])
    outcome = CliRunner().invoke(main, ["diff", "main", "--registry", str(registry)])
    assert outcome.exit_code == 0, outcome.output
    part = outcome.output.split("### ⚠️ 1 warning on its files")[1].split("###")[0]
    assert "V003" in part and "fraction-asr.yaml:" in part and "looks like a fraction" in part
    assert "write 50" in part  # its hint, which says what to do (helper-77)
    # The guard's own warnings are its parts above, not listed twice (helper-80).
    path = registry / relative_path("paper", "worse-asr")
    path.write_text(path.read_text("utf-8").replace("model: E", "model: Ｅ"), "utf-8")
    both = CliRunner().invoke(main, ["diff", "main", "--registry", str(registry)]).output
    assert "1 name spelt otherwise" in both and "H011" not in both, both


def test_a_credited_row_and_a_boards_notes_are_said_as_what_they_are(tmp_path: Path) -> None:
    """helper-79: a source's row crediting a paper (whose page gets its rank) showed as the
    source's alone; a leaderboard's notes were listed among "names spelt otherwise"."""
    registry = _repo(tmp_path)
    write(registry, "source", {"id": "asr-repro", "kind": "report", "title": "ASR reproductions",
                               "results": [{"task": TASK, "dataset": DATA, "model": "A repro",
                                            "paper": "first-asr",
                                            "metrics": {"word-error-rate": 5.5}}]})
    write(registry, "benchmark", {"id": f"{TASK}--{DATA}", "task": TASK, "dataset": DATA,
                                  "notes": "Values are word error rates on test-clean."})
    text = _comment(registry)
    assert "| ASR reproductions (credited to " in text
    shown = text.split("to what published results show beside their numbers")[1]
    assert "leaderboard's notes" in shown.split("###")[0]
    assert "spelt otherwise" not in text


def test_names_are_escaped_once_in_tables(tmp_path: Path) -> None:
    registry = _repo(tmp_path)
    path = registry / relative_path("paper", "worse-asr")
    data = yaml.safe_load(path.read_text("utf-8"))
    data["results"][0]["model"] = "E & <b>bold</b> | [x](http://evil)"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    text = _comment(registry)
    assert "E &amp; &lt;b&gt;bold&lt;/b&gt; \\| \\[x\\](http:&#8203;//evil)" in text
    assert "&amp;amp;" not in text and "<b>" not in text


def test_a_cut_part_counts_its_rows_and_a_required_one_is_never_dropped(
        tmp_path: Path) -> None:
    """A table cut to fit said "… and 0 more" with a row hidden (the rule line was not told
    from the rows), and a refused change with one huge cell was dropped whole, leaving only its
    count (found by an attack)."""
    table = ["Why.", "", "| a | b |", "|---|---|", "| 1 | x |", "| 2 | y |", "| 3 | " + "z" * 5000
             + " |"]
    cut = render._cut(render._Part("### Part", table, 3), 600)
    assert cut is not None and "| 2 | y |" in cut and "*… and 1 more, in the full report.*" in cut
    huge = render._Part("### ⛔ Refused", ["Why.", "", "| a |", "|---|", "| " + "z" * 9000 + " |"],
                        1, required=True)
    kept = render._cut(huge, 600)
    assert kept is not None and kept.startswith("### ⛔ Refused")
    assert "too long for the comment" in kept
    assert render._cut(render._Part("### Other", huge.body, 1), 600) is None


def test_the_limit_counts_what_github_counts_and_the_head_is_named(tmp_path: Path) -> None:
    """Model names of emoji: 48,280 code points, 93,280 UTF-16 units, cut mid-table by
    comment.yml (found by an attack): the comment fits in UTF-16 units. Its heading names the
    commits compared, so that a comment left from an earlier push can be told."""
    registry = _repo(tmp_path)
    for i in range(15):
        paper(registry, f"emoji-{i:02d}", "2024-01-01",
              [result(TASK, DATA, "🏆" * 3000 + str(i), word_error_rate=10 + i / 10)])
    text = _comment(registry)
    assert len(text.encode("utf-16-le")) // 2 <= render.COMMENT_LIMIT
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "emoji")
    head = git(tmp_path, "rev-parse", "HEAD").strip()
    named = render.markdown(render.report(compare(registry, "main", "HEAD")))
    assert named.startswith("## Leaderboard changes: main (") and f"HEAD ({head[:12]})" in \
        named.split("\n")[0]


def test_new_bests_are_matched_once_not_once_a_best(tmp_path: Path,
                                                    monkeypatch: Any) -> None:
    """helper-81: the clean bests were gathered again for each new best (8,000 new boards, one
    split each, took `pwc diff` over three minutes): once a comment."""
    registry = _repo(tmp_path)
    paper(registry, "many-splits", "2024-01-01", [
        {**result(TASK, DATA, "S", word_error_rate=4.0), "split": f"part-{i}"} for i in range(40)])
    calls = count_calls(monkeypatch, render, "_keys")
    text = _comment(registry)
    assert "### New state of the art" in text
    assert calls() <= 4, calls()
