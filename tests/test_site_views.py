"""The website's smaller promises, in Chromium: dark mode follows the reader's setting, a section
with nothing in it has no link, and a board nobody can rank says why instead of ranking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pwc_registry.site.build import build_site

from conftest import REPO, serve
from registry_builder import paper, result, speech_registry, write

UNRANKED = "speech-recognition--librispeech-test-clean"


@pytest.fixture(scope="module")
def unranked_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The speech registry with its board's primary metric undecided (no direction), and a
    method."""
    root = tmp_path_factory.mktemp("unranked")
    registry = speech_registry(root)
    write(registry, "metric", {"id": "word-error-rate", "name": "Word Error Rate",
                               "unit": "percent", "aliases": ["WER"]})
    write(registry, "method", {"id": "conformer", "name": "Conformer"})
    paper(registry, "conformer-asr", "2020-05-16", [
        result("speech-recognition", "librispeech-test-clean", "Conformer",
               word_error_rate=1.9)], methods=["conformer"])
    build_site(registry, root / "site", jobs=1)
    server, url = serve(root / "site")
    yield url
    server.shutdown()


def _background(page: Any) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_dark_mode_follows_the_readers_setting(browser: Any, shipped_url: str) -> None:
    page = browser.new_page()
    page.goto(shipped_url + "index.html")
    page.emulate_media(color_scheme="light")
    light = _background(page)
    page.emulate_media(color_scheme="dark")
    dark = _background(page)
    page.close()
    channels = [int(c) for c in dark.removeprefix("rgb(").rstrip(")").split(",")[:3]]
    assert dark != light and max(channels) < 80, (light, dark)


def test_methods_are_linked_only_when_the_registry_has_some(
        browser: Any, shipped_url: str, unranked_url: str) -> None:
    assert not any((REPO / "registry").glob("methods/**/*.yaml")), \
        "the shipped registry has methods now: make a registry without any for this test"
    page = browser.new_page()
    page.goto(shipped_url + "index.html")
    header = page.locator("header")
    assert header.get_by_role("link", name="Methods", exact=True).count() == 0
    assert header.get_by_role("link", name="Papers", exact=True).count() == 1
    page.goto(unranked_url + "index.html")
    page.locator("header").get_by_role("link", name="Methods", exact=True).click()
    assert page.locator("main").get_by_role("link", name="Conformer").count() == 1
    page.close()


def test_a_board_nobody_can_rank_says_why_and_ranks_no_row(
        browser: Any, unranked_url: str) -> None:
    page = browser.new_page()
    page.goto(unranked_url + f"benchmarks/{UNRANKED}.html")
    intro = page.locator("main").inner_text()
    assert "Not ranked yet: nobody has said whether higher or lower" in intro
    assert "Ranked by" not in intro
    ranks = page.locator("tbody tr td:first-child").all_inner_texts()
    assert ranks and all(r.strip() == "—" for r in ranks), ranks
    assert page.locator("svg").count() == 0  # no chart of "new bests" without a direction
    page.close()


def test_a_result_another_paper_quotes_names_the_paper_that_holds_it(tmp_path: Any) -> None:
    """A paper's file may hold a result it attributes to another paper (``paper:``, a quoted
    baseline). The leaderboard row names the paper the result is attributed to, so it also says
    which file reports the number, as it does for a source: otherwise a fork could file 99.9
    under LERT's name and the row would read as LERT's own (found by an attack)."""
    from examples import materialise

    registry = materialise(Path("/nonexistent"), tmp_path)
    lert = "lert-a-linguistically-motivated-pre-trained-language-model"
    quoted = result("stock-market-prediction", "astock", "Chinese Lert Large (News+Factors)",
                    accuracy=99.9)
    paper(registry, "hostile-baseline", "2023-01-01", [{**quoted, "paper": lert}])
    build_site(registry, tmp_path / "site")
    page = (tmp_path / "site" / "benchmarks" / "stock-market-prediction--astock.html").read_text()
    [row] = [r for r in page.split("<tr ") if ">99.9<" in r]
    # The paper it is attributed to: every row's here, so said once above the table.
    assert f'For every result here: from <a href="../papers/{lert}.html">' in page
    assert 'href="../papers/hostile-baseline.html">Paper hostile-baseline</a>' in row
    assert "the paper that reports it" in row
    [own] = [r for r in page.split("<tr ") if ">66.36<" in r]
    assert "hostile-baseline" not in own and "reports it" not in own
    feed = (tmp_path / "site" / "feeds" / "sota.atom").read_text()
    assert "as reported in Paper hostile-baseline" in feed
