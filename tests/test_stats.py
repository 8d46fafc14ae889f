"""``pwc stats``: the numbers of a small registry worked out by hand, and the shipped registry's
page kept current."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pwc_registry.cli import main
from pwc_registry.leaderboard import compile_leaderboards
from pwc_registry.registry import load_registry
from pwc_registry.stats import OTHER, Share, as_json, as_text, registry_stats

from conftest import REPO
from examples import materialise
from registry_builder import result, write


def _atari(tmp_path: Path) -> Path:
    """The base registry (LERT's four rows on two Astock boards, dated, with code) plus an Atari
    board as the archive left it: a task with no area, ``score`` with no direction, an undated
    paper that lists one result twice, "DQN" beside "DQN (2015)" (as ULMFiT is in
    registry/papers/59/universal-language-model-fine-tuning-for-text-classification.yaml)."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "task", {"id": "atari-games", "name": "Atari Games"})
    write(registry, "task", {"id": "atari-pong", "name": "Atari Pong", "parent": "atari-games"})
    write(registry, "dataset", {"id": "atari-2600-pong", "name": "Atari 2600 Pong"})
    write(registry, "metric", {"id": "score", "name": "Score"})
    write(registry, "paper", {
        "id": "human-level-control", "title": "Human-level control through deep RL",
        "results": [result("atari-pong", "atari-2600-pong", "DQN (2015)", score=18.9),
                    result("atari-pong", "atari-2600-pong", "DQN", score=18.9),
                    {**result("atari-pong", "atari-2600-pong", "DQN best", score=20.9),
                     "date": "2015-02-26",
                     "code_links": ["https://github.com/deepmind/dqn"]}]})
    return registry


def test_stats_of_a_small_registry(tmp_path: Path) -> None:
    registry = load_registry(_atari(tmp_path), jobs=1)
    boards = compile_leaderboards(registry)
    assert [b.benchmark.id for b in boards] == [
        "atari-games--atari-2600-pong", "atari-pong--atari-2600-pong",
        "stock-market-prediction--astock", "stock-trend-prediction--astock"]
    stats = registry_stats(registry, boards)
    assert stats.boards_ranked == Share(2, 4)
    # LERT's 4 rows dated by their paper; of Atari's 6 rows (3 on the subtask's board, 3 on its
    # parent's through it) the one with its own date, twice.
    assert stats.rows_dated == Share(6, 10)
    assert stats.rows_with_code == Share(6, 10)  # LERT's repository, DQN best's code link
    assert stats.papers_with_authors == Share(2, 3)  # LERT's and Astock's
    assert stats.papers_with_abstract == Share(2, 3)
    assert stats.papers_titled_wrong == Share(0, 3)
    assert stats.duplicate_rows == Share(2, 10) and stats.boards_with_duplicates == 2
    assert [(m.id, m.used, m.boards, m.rows) for m in stats.undirected] == [("score", 6, 2, 6)]
    assert stats.areas == ((OTHER, 2), ("Time Series", 2))
    assert stats.boards_other == Share(2, 4)


def test_a_task_takes_its_area_from_its_nearest_ancestor(tmp_path: Path) -> None:
    root = _atari(tmp_path)
    write(root, "area", {"id": "games", "name": "Games"})
    write(root, "task", {"id": "atari-games", "name": "Atari Games", "area": "games"})
    registry = load_registry(root, jobs=1)
    stats = registry_stats(registry, compile_leaderboards(registry))
    assert stats.areas == (("Games", 2), ("Time Series", 2))


def test_text_and_json_say_the_same(tmp_path: Path) -> None:
    registry = load_registry(_atari(tmp_path), jobs=1)
    stats = registry_stats(registry, compile_leaderboards(registry))
    text = as_text(stats)
    assert "leaderboards ranked" in text and "2 of 4 (50.0 %)" in text
    assert re.search(r"duplicate rows +2 of 10 \(20\.0 %\), on 2 leaderboards\n", text)
    assert "    score  6 rows; primary on 2 leaderboards, 6 rows unranked\n" in text
    data = json.loads(as_json(stats))
    assert data["leaderboards_ranked"] == {"count": 2, "total": 4, "percent": 50.0}
    assert data["metrics_without_direction"]["metrics"] == [
        {"id": "score", "name": "Score", "rows": 6, "unranked_leaderboards": 2,
         "unranked_rows": 6}]
    assert data["leaderboards_per_area"] == [{"area": "Other", "leaderboards": 2},
                                             {"area": "Time Series", "leaderboards": 2}]


def test_cli_prints_both_formats(tmp_path: Path) -> None:
    registry = _atari(tmp_path)
    runner = CliRunner()
    text = runner.invoke(main, ["stats", "--registry", str(registry)])
    assert text.exit_code == 0, text.output
    assert text.output.startswith("leaderboards ranked ")
    out = runner.invoke(main, ["stats", "--registry", str(registry), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.output)["rows_dated"]["count"] == 6


def test_quality_page_shows_the_shipped_registry() -> None:
    registry = load_registry(REPO / "registry")
    expected = as_text(registry_stats(registry, compile_leaderboards(registry)))
    page = (REPO / "docs" / "registry-quality.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- pwc stats: begin -->\n```text\n(.*?)```\n<!-- pwc stats: end -->",
                      page, re.S)
    assert block is not None, "docs/registry-quality.md lost its markers"
    assert block.group(1) == expected, "replace the block with the output of `pwc stats`"


def test_files_that_do_not_load_are_named_not_counted(tmp_path: Path) -> None:
    root = _atari(tmp_path)
    broken = write(root, "paper", {"id": "broken", "title": "Broken", "results": "none"})
    registry = load_registry(root, jobs=1)
    stats = registry_stats(registry, compile_leaderboards(registry))
    assert stats.papers_with_authors.total == 3
    name = f"registry/{broken.relative_to(root).as_posix()}"
    assert stats.skipped == (name,)
    assert as_text(stats).endswith("not counted, failing their schema: 1 file "
                                   "(pwc validate says why)\n")
    assert json.loads(as_json(stats))["not_counted"] == [name]


def test_no_registry_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PWC_REGISTRY", raising=False)
    out = CliRunner().invoke(main, ["stats"])
    assert out.exit_code == 2 and "no registry/ folder" in out.output
