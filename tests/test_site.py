"""The website: built from real registries, crawled for broken links, and driven in Chromium.

Browser tests use Debian's chromium (``/usr/bin/chromium``, or ``PWC_CHROMIUM``) through
Playwright; `.ci/run` installs it when it is missing. They serve the built site on localhost.
"""

from __future__ import annotations

import html.parser
import http.server
import itertools
import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from pwc_registry.cli import main
from pwc_registry.layout import relative_path
from pwc_registry.leaderboard import find_leaderboard
from pwc_registry.registry import load_registry
from pwc_registry.site.build import build_site
from pwc_registry.snapshot import leaderboard_markdown

from conftest import REPO, count_calls, serve, stand_in_pagefind
from registry_builder import paper, result, speech_registry, write

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "path", "circle", "line", "rect"}
NOTE = "Measured on <b>half</b> the test set"
INJECTION = "01/01/1967' AND 2*3*8=6*8 AND 'AncJ'='AncJ"  # a task name in the archive's lists
SCRIPT_TITLE = "<script>alert('pwned')</script> & <b>bold</b> claims"


#: A description as the archive writes them: Markdown, with raw HTML and an image in it.
DESCRIPTION = ("A [corpus](https://www.openslr.org/12) of **read** English speech. <b>raw</b> "
               "![img](http://example.org/x.png)")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The speech registry (word error rate, lower is better) plus hostile strings."""
    root = tmp_path_factory.mktemp("hostile")
    registry = speech_registry(root)
    write(registry, "task", {"id": "injection", "name": INJECTION, "area": "speech"})
    write(registry, "dataset", {"id": "librispeech-test-clean", "name": "LibriSpeech test-clean",
                                "aliases": ["LibriSpeech"], "description": DESCRIPTION})
    paper(registry, "hostile-paper", "2022-05-01", [
        result("injection", "librispeech-test-clean", "<img src=x onerror=alert(1)>",
               word_error_rate=9.0)], abstract="</p><script>alert(2)</script>")
    # A row that used extra data with a second metric (its ranks without extra data differ),
    # and provenance that differs between rows, with a note.
    noted = result("speech-recognition", "librispeech-test-clean", "G", word_error_rate=4.0,
                   real_time_factor=0.05, extra=True)
    noted.update(source={"kind": "own", "location": "Table 9"}, notes=NOTE)
    paper(registry, "noted-asr", "2022-07-01", [noted])
    text = (registry / "papers").rglob("hostile-paper.yaml").__next__()
    text.write_text(text.read_text().replace("title: Paper hostile-paper",
                                             f"title: \"{SCRIPT_TITLE}\""))
    (root / "CONTRIBUTING.md").write_text("# Contributing\n\n<script>alert(3)</script>\n\n"
                                          "See [the docs](docs/registry.md).\n")
    out = root / "site"
    build_site(registry, out, jobs=1)
    return registry, out


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.title = ""
        self.description = ""
        self.scripts: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(str(values[name]))
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "meta" and values.get("name") == "description":
            self.description = values.get("content") or ""
        if tag == "script":
            self.scripts.append(str(values.get("src")))
        self._in_title = tag == "title" and self.stack[-1:] == ["head"]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _crawl(site: Path) -> tuple[int, list[str]]:
    problems = []
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        page = _parse(path)
        where = path.relative_to(site).as_posix()
        if page.errors or page.stack:
            problems.append(f"{where}: unbalanced tags {page.errors[:3]} {page.stack}")
        if not page.title.strip() or not page.description.strip():
            problems.append(f"{where}: no title or description")
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "data", "mailto"):
                continue
            assert not parts.scheme, f"{where}: {link}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file() or site.resolve() not in target.parents:
                problems.append(f"{where}: broken link {link}")
            elif parts.fragment and target.suffix == ".html" and \
                    parts.fragment not in _parse(target).ids:
                problems.append(f"{where}: no #{parts.fragment} in {link}")
    return len(pages), problems


def test_every_internal_link_of_the_shipped_site_works(shipped_site: Path) -> None:
    count, problems = _crawl(shipped_site)
    assert problems == []
    assert count > 1000
    for page in shipped_site.rglob("*.html"):  # nothing is fetched from elsewhere at view time
        assert not [s for s in _parse(page).scripts if s and "://" in s], page


def test_no_page_is_over_200_kb_and_the_home_page_counts_right(shipped_site: Path) -> None:
    assert max(p.stat().st_size for p in shipped_site.rglob("*.html")) < 200_000
    registry = load_registry(REPO / "registry")
    from pwc_registry.leaderboard import compile_leaderboards

    boards = len(compile_leaderboards(registry))
    home = (shipped_site / "index.html").read_text(encoding="utf-8")
    assert f"{len(registry.papers)} papers · " in home and f" · {boards} leaderboards · " in home


def test_hostile_strings_are_text(hostile_site: tuple[Path, Path]) -> None:
    _, site = hostile_site
    _, problems = _crawl(site)
    assert problems == []
    page = (site / "papers" / "hostile-paper.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" \
        in page
    submit = (site / "submit.html").read_text(encoding="utf-8")
    assert "<script>alert(3)" not in submit and "&lt;script&gt;alert(3)" in submit
    assert "docs/registry.md" not in submit  # a repository link, with no page here
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "alert(" not in text.replace("&lt;script&gt;alert(", "").replace(
            "onerror=alert(1)&gt;", "").replace("alert(&#39;pwned&#39;)", ""), path


def test_the_build_is_deterministic(hostile_site: tuple[Path, Path], tmp_path: Path) -> None:
    registry, site = hostile_site
    again = tmp_path / "again"
    build_site(registry, again, jobs=2)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second
    (again / "stale.html").write_text("from an older build")
    build_site(registry, again, jobs=2)  # a rebuild replaces the folder
    third = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert third == first
    assert [p.name for p in tmp_path.iterdir()] == ["again"]  # the old build is gone


# --- in a real browser -------------------------------------------------------------------


def _requests_stay_local(page: Any, base: str) -> list[str]:
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else
            outside.append(r.url))
    return outside


def test_lert_page_shows_the_seed_results_row_for_row(browser: Any, shipped_url: str,
                                                      corpus: Path) -> None:
    seed = next((corpus.parent / "seed").glob("*.txt")).read_text(encoding="utf-8")
    table = seed.split("\nResults\n", 1)[1].split("\nRelated Papers", 1)[0]
    seed_rows = sorted(line for line in table.splitlines()
                       if line.strip() and line != "TaskDatasetMetricValueModel")
    page = browser.new_page()
    outside = _requests_stay_local(page, shipped_url)
    page.goto(shipped_url + "papers/lert-a-linguistically-motivated-pre-trained-language-model"
              ".html")
    assert page.locator("h1").inner_text() == \
        "LERT: A Linguistically-motivated Pre-trained Language Model"
    assert page.get_by_text("Yiming Cui, Wanxiang Che, Shijin Wang, Ting Liu").is_visible()
    assert page.get_by_role("link", name="Code (official)").get_attribute("href") == \
        "https://github.com/ymcui/LERT"
    cells = page.locator("table.results tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).slice(0, 5).map(c => c.innerText.trim()))")
    # The seed page spells the metric "Accuray", as the archive does; the registry's name is
    # "Accuracy" and keeps "Accuray" as an alias.
    shown = sorted("".join(c).replace("Accuracy", "Accuray") for c in cells)
    assert shown == seed_rows
    assert page.get_by_role("heading", name="Related papers").is_visible()
    assert page.get_by_role("heading", name="Leaderboard ranks").is_visible()
    assert outside == []
    page.close()


def test_a_lower_is_better_board_ranks_and_charts_correctly(browser: Any,
                                                             hostile_site: tuple[Path, Path]
                                                             ) -> None:
    registry, site = hostile_site
    board = find_leaderboard(load_registry(registry), "speech-recognition",
                             "librispeech-test-clean")
    assert board is not None
    server, url = serve(site)
    page = browser.new_page()
    page.goto(url + f"benchmarks/{board.benchmark.id}.html")
    def shown() -> list[list[str]]:
        rows: list[list[str]] = page.locator("table.leaderboard tbody tr:visible").evaluate_all(
            "rows => rows.map(r => Array.from(r.cells).filter(c => c.offsetParent !== null)"
            ".map(c => c.innerText.trim()))")
        return rows

    rows = shown()
    wer = [float(r[2].split()[0]) for r in rows if r[0] != "—"]
    assert wer == sorted(wer) and rows[0][0] == "1"  # lowest word error rate first
    assert [r[0] for r in rows] == [str(r.rank) if r.rank else "—" for r in board.rows]
    chart = page.locator("figure.chart-all svg.chart")
    assert chart.locator("circle.point").count() == len(board.sota) > 1
    assert "lower is better" in (chart.text_content() or "")

    page.get_by_label("Without extra training data").check()  # no script: a CSS view
    clean = [r for r in board.rows if not r.result.extra_training_data]
    assert len(clean) < len(board.rows)
    rows = shown()
    assert "extra data" not in " ".join(" ".join(r) for r in rows)
    assert [r[0] for r in rows] == [str(r.rank_without_extra_data) if r.rank_without_extra_data
                                    else "—" for r in clean]
    assert page.locator("figure.chart-clean").is_visible()
    assert not page.locator("figure.chart-all").is_visible()
    assert page.locator("figure.chart-clean circle.point").count() == \
        len(board.sota_without_extra_data)
    page.close()
    server.shutdown()


def test_search_finds_lert_by_title(browser: Any, shipped_url: str) -> None:
    page = browser.new_page()
    page.goto(shipped_url + "index.html")
    page.get_by_role("searchbox").first.fill("linguistically-motivated pre-trained")
    page.keyboard.press("Enter")
    link = page.locator("#search-results a").first
    link.wait_for()
    assert link.inner_text() == "LERT: A Linguistically-motivated Pre-trained Language Model"
    link.click()
    assert page.url.endswith("papers/lert-a-linguistically-motivated-pre-trained-language-model"
                             ".html")
    page.close()


def test_usable_on_a_phone_and_with_the_keyboard(browser: Any, shipped_url: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(shipped_url + "benchmarks/stock-market-prediction--astock.html")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.close()


def test_sota_finds_a_leaderboard_and_an_area_page_filters(browser: Any,
                                                           shipped_url: str) -> None:
    page = browser.new_page()
    page.goto(shipped_url + "sota/index.html")
    page.get_by_label("Find a leaderboard:").fill("astock")
    found = page.locator("#board-results a")
    found.first.wait_for()
    assert "Stock Market Prediction on Astock" in found.all_inner_texts()
    page.get_by_role("link", name="Natural Language Processing").click()
    total = page.locator("#boards tbody tr:visible").count()
    page.get_by_label("Filter:").fill("penn treebank")
    visible = page.locator("#boards tbody tr:visible")
    assert 0 < visible.count() < total
    assert all("penn treebank" in t.lower() for t in visible.all_inner_texts())
    page.close()


def test_shipped_paper_title_with_markup_renders_as_text(browser: Any,
                                                         hostile_site: tuple[Path, Path]) -> None:
    _, site = hostile_site
    server, url = serve(site)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url + "papers/hostile-paper.html")
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    page.goto(url + "tasks/injection.html")
    assert page.locator("h1").inner_text() == INJECTION
    assert dialogs == []
    page.close()
    server.shutdown()


def test_every_page_beside_the_records_own_has_a_reserved_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """layout.RESERVED_IDS, which the validator refuses as ids (I010), is the list of every
    other page the site writes among a kind's pages: long lists split over several pages."""
    from pwc_registry import layout
    from pwc_registry.site import build

    monkeypatch.setattr(build, "PER_PAGE", 1)
    monkeypatch.setattr(build, "PAPERS_PER_PAGE", 1)
    registry = speech_registry(tmp_path)
    write(registry, "task", {"id": "unplaced", "name": "Unplaced"})  # no area: "other"
    write(registry, "method", {"id": "transformer", "name": "Transformer"})
    for n in range(3):  # four datasets: two pages of three
        write(registry, "dataset", {"id": f"set-{n}", "name": f"Set {n}"})
    paper(registry, "unplaced-paper", "2022-05-01", [
        result("unplaced", "librispeech-test-clean", "U", word_error_rate=9.0),
        result("unplaced", "astock", "U", accuracy=60.0)])
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    loaded = load_registry(registry)
    ids = {**{kind: set(loaded.entities.get(kind, {})) for kind in layout.ENTITY_KINDS},
           layout.PAPER: set(loaded.papers)}
    folders = {"tasks": "task", "datasets": "dataset", "methods": "method", "papers": "paper",
               "sota": "area", "tasks/areas": "area"}
    others = {(kind, page.stem) for folder, kind in folders.items()
              for page in (out / folder).glob("*.html") if page.stem not in ids[kind]}
    assert ("dataset", "index-2") in others and ("area", "other") in others
    assert ("paper", "index-2") in others
    assert any(kind == "area" and stem.endswith("-2") for kind, stem in others)
    assert {(k, s) for k, s in others if not layout.RESERVED_IDS[k].fullmatch(s)} == set()


def test_without_extra_data_every_header_stays_over_its_column(
        browser: Any, hostile_site: tuple[Path, Path]) -> None:
    _, site = hostile_site
    server, url = serve(site)
    page = browser.new_page()
    page.goto(url + "benchmarks/speech-recognition--librispeech-test-clean.html")
    page.locator("label[for=no-extra]").click()
    visible = """t => [Array.from(t.tHead.rows[0].cells).filter(c => c.offsetParent).map(
        c => c.innerText.trim()), Array.from(t.tBodies[0].rows).filter(r => r.offsetParent)
        .map(r => Array.from(r.cells).filter(c => c.offsetParent).length)]"""
    header, rows = page.locator("table.leaderboard").evaluate(visible)
    assert header[0] == "Rank" and header.count("Rank") == 1
    assert rows and all(n == len(header) for n in rows), (header, rows)
    page.close()
    server.shutdown()


def test_descriptions_are_markdown_without_html_or_images(
        browser: Any, hostile_site: tuple[Path, Path]) -> None:
    _, site = hostile_site
    server, url = serve(site)
    page = browser.new_page()
    outside = _requests_stay_local(page, url)
    page.goto(url + "datasets/librispeech-test-clean.html")
    prose = page.locator("main .prose").first
    assert prose.locator("a").first.get_attribute("href") == "https://www.openslr.org/12"
    assert prose.locator("strong").inner_text() == "read"
    assert "<b>raw</b>" in prose.inner_text() and prose.locator("b, img").count() == 0
    assert outside == []
    page.close()
    server.shutdown()


def test_no_page_scrolls_sideways_on_a_phone(browser: Any, shipped_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in ("submit.html", "papers/index.html", "sources/index.html",
                 "datasets/squad.html",
                 # its ranks list names "…+Broadcast" models: it scrolled sideways once
                 "papers/english-conversational-telephone-speech-recognition-by-humans-and-"
                 "machines.html"):
        page.goto(shipped_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
    page.close()


def test_no_page_has_an_id_twice(hostile_site: tuple[Path, Path]) -> None:
    """A board with extra-data rows drew two charts whose titles had one id, so the second
    chart was labelled by the first's title."""
    _, site = hostile_site
    boards = 0
    for page in sorted(site.rglob("*.html")):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text("utf-8"))
        assert len(ids) == len(set(ids)), (page, sorted(i for i in ids if ids.count(i) > 1))
        boards += "chart-title-clean" in ids
    assert boards  # a board with both charts was among them


def test_a_long_boards_view_without_extra_data_says_how_many_it_shows(
        browser: Any, tmp_path: Path) -> None:
    """Over 300 rows, the page shows the first 300; ticking "without extra training data"
    showed those of them without, under "Showing the first 300 of 320", and said nothing of
    the rest."""
    registry = speech_registry(tmp_path)
    write(registry, "dataset", {"id": "long-board", "name": "Long Board"})
    for i in range(320):
        paper(registry, f"long-{i:03}", "2023-01-01", [result(
            "speech-recognition", "long-board", f"M{i:03}", word_error_rate=1.0 + i,
            extra=i % 2 == 0)])
    out = tmp_path / "site"
    build_site(registry, out, jobs=2)
    server, url = serve(out)
    page = browser.new_page()
    page.goto(url + "benchmarks/speech-recognition--long-board.html")
    note = page.locator("p.view-clean")
    assert not note.is_visible()
    page.locator("label[for=no-extra]").click()
    assert note.is_visible()
    assert note.inner_text() == ("Without extra training data: the 150 such results among the "
                                 "first 300; all 160 of them.")
    assert page.locator("table.leaderboard tbody tr:visible").count() == 150
    page.close()
    server.shutdown()


def test_provenance_says_a_sources_kind_once(shipped_site: Path) -> None:
    """A report's result of kind report read "Twitter word embeddings (report) · report"."""
    board = (shipped_site / "benchmarks" / "part-of-speech-tagging--social-media.html"
             ).read_text("utf-8")
    assert "(report)</span>" in board
    assert not re.search(r"\(report\)</span> · report(?!ed by)", board)


def test_a_view_with_no_result_says_so_not_that_none_is_dated(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    for i in (1, 2):
        paper(registry, f"extra-{i}", f"2023-0{i}-01", [result(
            "speech-recognition", "librispeech-test-other", f"X{i}", word_error_rate=5.0 - i,
            extra=True)])
    write(registry, "dataset", {"id": "librispeech-test-other", "name": "LibriSpeech test-other"})
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    board = (out / "benchmarks" / "speech-recognition--librispeech-test-other.html").read_text(
        "utf-8")
    assert ("No chart of the state of the art over time without extra training data: no "
            "result without extra training data reports the primary metric") in board
    assert "no result with the primary metric is dated" not in board


def test_a_chart_needs_two_bests_and_names_them(hostile_site: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    _, site = hostile_site
    board = (site / "benchmarks" / "speech-recognition--librispeech-test-clean.html").read_text(
        "utf-8")
    assert "plotted so that up is better" in board and 'class="label"' in board
    # A board with one dated best has a sentence, not a one-point chart.
    one = tmp_path / "one"
    from registry_builder import speech_registry as fresh

    small = fresh(one)
    for path in (small / "papers").rglob("*.yaml"):
        if "first-asr" not in path.name:
            path.unlink()
    build_site(small, one / "site", jobs=1)
    page = (one / "site" / "benchmarks" / "speech-recognition--librispeech-test-clean.html"
            ).read_text("utf-8")
    assert "<svg" not in page and "one dated result holds the best" in page


def test_a_paper_page_shows_its_ranks_first_and_how_to_cite_it(browser: Any,
                                                               shipped_url: str) -> None:
    page = browser.new_page()
    page.goto(shipped_url + "papers/lert-a-linguistically-motivated-pre-trained-language-model"
              ".html")
    badge = page.locator("p.badges a").first
    assert badge.inner_text() == "#1 on Stock Market Prediction on Astock"
    # Before the results table, not under it.
    assert badge.bounding_box()["y"] < page.locator("table.results").bounding_box()["y"]
    meta = dict(page.locator("meta[name^=citation_]").evaluate_all(
        "ms => ms.map(m => [m.name + (m.name === 'citation_author' ? m.content : ''), "
        "m.content])"))
    assert meta["citation_title"] == ("LERT: A Linguistically-motivated Pre-trained Language "
                                      "Model")
    assert meta["citation_authorYiming Cui"] == "Yiming Cui"
    assert meta["citation_arxiv_id"] == "2211.05344"
    assert meta["citation_pdf_url"] == "https://arxiv.org/pdf/2211.05344v1.pdf"  # its link
    bib = page.locator("#bibtex").inner_text()
    assert bib.startswith("@misc{lert-a-linguistically-motivated-pre-trained-language-model,")
    assert "author = {Yiming Cui and Wanxiang Che and Shijin Wang and Ting Liu}" in bib
    assert "eprint = {2211.05344}" in bib
    # Hidden in the page (it does nothing without script), shown by the script.
    assert page.locator("button[data-copy]").is_visible()
    page.close()


def test_bibtex_fields_cannot_be_closed_by_a_title() -> None:
    """Read back by pybtex, a BibTeX-compatible parser: one entry, its fields as written. An
    unbalanced brace escaped as `\\}` still closed the field (BibTeX counts it), `~` and `^`
    became accents, and an author named "C and D" became two authors."""
    from pybtex.database import parse_string

    from pwc_registry.registry import Paper
    from pwc_registry.site.cite import bibtex

    title = "A} @misc{evil, title={B ~x^2 \\ 100% & $5 #1 snake_case"
    entry = bibtex(Paper(id="x", title=title, file="x.yaml",
                         authors=("C and D", "E & F", "Bob Smith, Jr."),
                         identifiers={"doi": "10.1000/a_b{c}"},
                         links={"abstract": "https://example.org/~me/p%20q_r"}))
    assert entry is not None
    [(key, parsed)] = parse_string(entry, "bibtex").entries.items()
    assert key == "x"
    shown = parsed.fields["title"]
    for latex, text in (("\\textbraceleft{}", "{"), ("\\textbraceright{}", "}"),
                        ("\\textbackslash{}", "\\"), ("\\textasciitilde{}", "~"),
                        ("\\textasciicircum{}", "^"), ("\\%", "%"), ("\\&", "&"),
                        ("\\$", "$"), ("\\#", "#"), ("\\_", "_")):
        shown = shown.replace(latex, text)
    assert shown == title
    authors = parsed.persons["author"]
    # A comma would make "Bob Smith, Jr." last name "Bob Smith", first name "Jr.".
    assert len(authors) == 3 and str(authors[0]) == "{C and D}"
    assert str(authors[2]) == "{Bob Smith, Jr.}" and not authors[2].first_names
    assert parsed.fields["url"] == "https://example.org/~me/p%20q_r"
    assert parsed.fields["doi"] == "10.1000/a_b%7Bc%7D"
    assert bibtex(Paper(id="y", title=None, file="y.yaml")) is None


# --- paper pages, paper lists, feeds ----------------------------------------------------------

LERT = "lert-a-linguistically-motivated-pre-trained-language-model"


def test_a_paper_page_shows_provenance_and_links_each_model_to_its_row(
        browser: Any, shipped_url: str) -> None:
    from pwc_registry.site.build import registry_date

    page = browser.new_page()
    page.goto(shipped_url + f"papers/{LERT}.html")
    # The archive's note that it gives no table for the Astock numbers, beside their rows.
    note = page.locator("table.results td.provenance").first
    assert "gives no table or figure for these numbers" in note.inner_text()
    assert "reported by papers-with-code-archive" in note.inner_text()
    first_row = page.locator("table.results tbody tr").first
    assert first_row.locator("td.provenance").count() == 1
    assert note.get_attribute("rowspan") == "4"  # its four metrics
    model = first_row.locator("td").nth(4).get_by_role("link")
    name = model.inner_text()
    model.click()
    page.wait_for_load_state()
    assert "/benchmarks/stock-market-prediction--astock.html#r-" in page.url
    assert name in page.locator("tr:target").inner_text()
    page.go_back()
    # No repository configured (this build): no link to a file or to editing it.
    assert page.get_by_role("link", name="Edit on GitHub").count() == 0
    assert page.get_by_role("link", name="YAML source").count() == 0
    built = registry_date(REPO / "registry")
    assert built and page.locator("footer time").get_attribute("datetime") == built
    page.close()


def test_the_papers_index_pages_through_every_paper_newest_first(
        browser: Any, shipped_url: str, shipped_site: Path) -> None:
    import re

    registry = load_registry(REPO / "registry")
    pages = sorted(shipped_site.glob("papers/index*.html"),
                   key=lambda p: int(p.stem.split("-")[1]) if "-" in p.stem else 1)
    assert len(pages) == -(-len(registry.papers) // 200) > 1
    listed: list[str] = []
    for path in pages:
        papers = path.read_text("utf-8").split('<ul class="papers">')[1].split("</ul>")[0]
        listed += re.findall(r'<li><a href="\.\./papers/([^"/]+)\.html">', papers)
    assert sorted(listed) == sorted(registry.papers)  # each paper once
    dates = [registry.papers[p].date or "" for p in listed]
    assert dates == sorted(dates, reverse=True)
    page = browser.new_page()
    page.goto(shipped_url + "papers/index.html")
    first = page.locator("ul.papers li a").first.inner_text()
    page.get_by_role("link", name="Older →").click()
    assert page.url.endswith("papers/index-2.html")
    assert page.locator("ul.papers li a").first.inner_text() != first
    assert page.locator("nav.pages [aria-current=page]").inner_text() == "2"
    page.close()


def test_paper_lists_show_the_paper_pages_rank_badges(browser: Any, shipped_url: str) -> None:
    page = browser.new_page()
    for where in ("index.html", "papers/index.html", "datasets/astock.html"):
        page.goto(shipped_url + where)
        item = page.locator("ul.papers li", has=page.locator(".badge")).first
        in_list = item.locator(".badge").all_inner_texts()
        assert in_list, where
        item.locator("a").first.click()
        assert page.locator("p.badges .badge").all_inner_texts() == in_list, where
    page.goto(shipped_url + "datasets/astock.html")
    lert = page.locator("ul.papers li", has=page.locator(f'a[href="../papers/{LERT}.html"]'))
    badges = lert.locator(".badge").all_inner_texts()
    assert "#1 on Stock Market Prediction on Astock" in badges
    # One badge a board: LERT also holds #2 there, which read as a contradiction beside #1.
    boards = [b.split(" on ", 1)[1] for b in badges]
    assert len(boards) == len(set(boards)), badges
    page.close()


def test_record_links_come_from_configuration_only(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pwc_registry.cli import main

    from conftest import git

    registry = speech_registry(tmp_path / "data")  # the registry in a folder of the repository
    source = write(registry, "source", {
        "id": "asr-board", "kind": "leaderboard", "title": "An ASR leaderboard",
        "results": [result("speech-recognition", "librispeech-test-clean", "Z",
                           word_error_rate=4.0)]})
    git(tmp_path, "init", "-q", "-b", "trunk")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "registry")
    out = tmp_path / "site"
    build_site(registry, out, jobs=1, repository_url="https://github.com/owner/repo/")
    record = next((registry / "papers").rglob("first-asr.yaml")).relative_to(tmp_path)
    page = (out / "papers" / "first-asr.html").read_text("utf-8")
    assert f'href="https://github.com/owner/repo/blob/trunk/{record}"' in page
    assert f'href="https://github.com/owner/repo/edit/trunk/{record}"' in page
    assert str(record).startswith("data/registry/papers/")
    held = (out / "sources" / "asr-board.html").read_text("utf-8")
    assert f'/edit/trunk/{source.relative_to(tmp_path)}"' in held
    build_site(registry, out, jobs=1)  # not configured: no such link
    assert "github.com" not in (out / "papers" / "first-asr.html").read_text("utf-8")
    refused = CliRunner().invoke(main, ["site", "build", "--registry", str(registry), "--out",
                                        str(tmp_path / "x"), "--repository-url", "owner/repo"])
    assert refused.exit_code == 2 and "is not a web address" in refused.output
    assert "Traceback" not in refused.output


def _atom(path: Path) -> Any:
    from defusedxml import ElementTree

    return ElementTree.parse(path).getroot()


A = "{http://www.w3.org/2005/Atom}"


def test_the_sota_feeds_announce_each_boards_new_bests(shipped_site: Path) -> None:
    registry = load_registry(REPO / "registry")
    whole = _atom(shipped_site / "feeds" / "sota.atom")
    assert whole.tag == f"{A}feed"
    entries = whole.findall(f"{A}entry")
    assert 0 < len(entries) <= 100
    stamps = [e.findtext(f"{A}updated") for e in entries]
    assert stamps == sorted(stamps, reverse=True) and whole.findtext(f"{A}updated") == stamps[0]
    assert len({e.findtext(f"{A}id") for e in entries}) == len(entries)
    for entry in entries:
        assert entry.findtext(f"{A}id", "").startswith("urn:uuid:")
        assert entry.findtext(f"{A}title") and entry.find(f"{A}link[@rel='alternate']") \
            is not None
    # A task's feed: its boards' steps, newest first, each linking the row that set it.
    board = find_leaderboard(registry, "question-answering", "hotpotqa")
    assert board is not None and len(board.sota) >= 2
    task = _atom(shipped_site / "feeds" / "tasks" / "question-answering.atom")
    assert task.find(f"{A}link[@rel='alternate']").get("href") == \
        "../../tasks/question-answering.html"
    mine = [e for e in task.findall(f"{A}entry")
            if "/benchmarks/question-answering--hotpotqa.html#" in
            e.find(f"{A}link[@rel='alternate']").get("href")]
    assert [e.findtext(f"{A}title", "").split(": ")[0] for e in mine] == \
        [s.row.result.model for s in reversed(board.sota)]
    href = mine[0].find(f"{A}link[@rel='alternate']").get("href")
    target, fragment = href.split("#")
    assert target.startswith("../../benchmarks/")
    assert fragment in _parse(shipped_site / "feeds" / "tasks" / target).ids
    # The home page and the task's page announce them.
    for page, feed in (("index.html", "feeds/sota.atom"),
                       ("tasks/question-answering.html", "../feeds/tasks/question-answering.atom")):
        text = (shipped_site / page).read_text("utf-8")
        assert '<link rel="alternate" type="application/atom+xml"' in text
        assert f'href="{feed}"' in text


def test_feed_entries_keep_hostile_model_names_as_text(tmp_path: Path) -> None:
    from pwc_registry.leaderboard import compile_leaderboards
    from pwc_registry.site.feed import feeds

    registry_path = speech_registry(tmp_path)
    model = "]]><script>alert(4)</script> & <b>x</b>"
    paper(registry_path, "hostile-asr", "2024-02", [
        result("speech-recognition", "librispeech-test-clean", model, word_error_rate=1.0)])
    registry = load_registry(registry_path)
    boards = {b.benchmark.id: b for b in compile_leaderboards(registry)}
    by_task: dict[str, list[str]] = {}
    for board_id, board in boards.items():
        by_task.setdefault(board.benchmark.task, []).append(board_id)
    written = feeds(registry, boards, by_task, "https://example.org/pwc/")
    raw = written["feeds/tasks/speech-recognition.atom"]
    assert b"<script>" not in raw and b"<b>" not in raw
    (tmp_path / "feed.atom").write_bytes(raw)
    newest = _atom(tmp_path / "feed.atom").find(f"{A}entry")
    assert newest.findtext(f"{A}title") == \
        f"{model}: 1 Word Error Rate on Speech Recognition on LibriSpeech test-clean"
    assert newest.findtext(f"{A}updated") == "2024-02-01T00:00:00Z"  # a month: its first day
    assert newest.find(f"{A}link[@rel='alternate']").get("href").startswith(
        "https://example.org/pwc/benchmarks/speech-recognition--librispeech-test-clean.html#r-")
    assert feeds(registry, boards, by_task) == feeds(registry, boards, by_task)


def test_the_first_best_without_extra_data_says_it_is_the_first_of_its_view(
        tmp_path: Path) -> None:
    """helper-89: a board whose first dated result used extra data: the first best without
    any said it was "the first dated result on this leaderboard", which it is not."""
    from pwc_registry.leaderboard import compile_leaderboards
    from pwc_registry.site.feed import feed

    registry_path = speech_registry(tmp_path)
    for path in (registry_path / "papers").rglob("*.yaml"):
        path.unlink()
    paper(registry_path, "with-extra", "2019-01-01", [result(
        "speech-recognition", "librispeech-test-clean", "Big", word_error_rate=2.0,
        extra=True)])
    paper(registry_path, "without", "2020-01-01", [result(
        "speech-recognition", "librispeech-test-clean", "Small", word_error_rate=3.0)])
    registry = load_registry(registry_path)
    raw = feed(registry, compile_leaderboards(registry), "feeds/sota.atom", "t")
    assert raw is not None
    (tmp_path / "feed.atom").write_bytes(raw)
    summaries = [e.findtext(f"{A}summary", "") for e in
                 _atom(tmp_path / "feed.atom").findall(f"{A}entry")]
    assert any("Small set a new best Word Error Rate without extra training data" in s
               and s.endswith("The first dated result without extra training data on this "
                              "leaderboard.") for s in summaries), summaries
    assert any(s.startswith("Big set a new best Word Error Rate (with extra training data)")
               and s.endswith("The first dated result on this leaderboard.")
               for s in summaries), summaries
# --- leaderboards (issue 17, items 3 to 5) ----------------------------------------------------

SPEECH_BOARD = "benchmarks/speech-recognition--librispeech-test-clean.html"
#: The model names of the visible rows, top to bottom (a row's first text: no tag, no "via").
VISIBLE_MODELS = """t => Array.from(t.tBodies[0].rows).filter(r => r.offsetParent)
    .map(r => r.cells[t.tHead.rows[0].querySelector('th.model').cellIndex].firstChild
    .nodeValue.split(' (via ')[0].trim())"""


def test_a_leaderboard_sorts_by_any_metric_and_by_date(browser: Any,
                                                      hostile_site: tuple[Path, Path]) -> None:
    registry, site = hostile_site
    board = find_leaderboard(load_registry(registry), "speech-recognition",
                             "librispeech-test-clean")
    assert board is not None
    ranked = [r.result.model for r in board.rows]
    server, url = serve(site)
    plain = browser.new_page(java_script_enabled=False)
    plain.goto(url + SPEECH_BOARD)  # the ranked order is the page's own
    assert plain.locator("table.leaderboard").evaluate(VISIBLE_MODELS) == ranked
    plain.close()

    page = browser.new_page()
    page.set_default_timeout(5000)
    page.goto(url + SPEECH_BOARD)
    table = page.locator("table.leaderboard")
    assert table.locator("th.rank-all").get_attribute("aria-sort") == "ascending"
    rtf = page.get_by_role("button", name="Real-Time Factor")
    header = table.locator("th", has=rtf)
    rtf.focus()
    page.keyboard.press("Enter")  # lower is better: the lowest first, the empty cells last
    empty = [m for m in ranked if m not in ("G", "D", "C", "B")]
    assert table.evaluate(VISIBLE_MODELS) == ["G", "D", "C", "B", *empty]
    assert header.get_attribute("aria-sort") == "ascending"
    assert table.locator("th[aria-sort]").count() == 1
    page.keyboard.press("Space")  # the other way; the empty cells still last
    assert table.evaluate(VISIBLE_MODELS) == ["B", "C", "D", "G", *empty]
    assert header.get_attribute("aria-sort") == "descending"
    page.get_by_role("button", name="Date").click()  # newest first
    dates = [r.date or "" for r in board.rows]
    by_date = [m for _, m in sorted(zip(dates, ranked, strict=True), key=lambda p: p[0],
                                    reverse=True)]
    shown = table.evaluate(VISIBLE_MODELS)
    assert [dates[ranked.index(m)] for m in shown] == sorted(dates, reverse=True)
    assert set(shown) == set(by_date)
    page.get_by_role("button", name="Word Error Rate").click()  # back to the ranked order
    assert table.evaluate(VISIBLE_MODELS) == ranked

    page.locator("label[for=no-extra]").click()  # re-sorting in the view without extra data
    rtf.click()
    assert table.evaluate(VISIBLE_MODELS) == ["D", "C", "B", *[m for m in empty if m not in
                                                                ("B-large",)]]
    ranks = table.locator("tbody tr:visible td:nth-child(5) small:visible").all_inner_texts()
    assert ranks == ["#1", "#2", "#3"]  # among the rows without extra data (G, #1, hidden)
    page.close()
    server.shutdown()


def test_the_view_without_extra_data_is_linkable(browser: Any,
                                                 hostile_site: tuple[Path, Path]) -> None:
    from playwright.sync_api import expect

    _, site = hostile_site
    server, url = serve(site)
    page = browser.new_page()
    page.goto(url + SPEECH_BOARD + "#no-extra")
    box = page.locator("#no-extra")
    assert box.is_checked()
    models = page.locator("table.leaderboard").evaluate(VISIBLE_MODELS)
    assert "B-large" not in models and "G" not in models and "B" in models
    box.uncheck()
    assert not page.url.endswith("#no-extra")
    assert "B-large" in page.locator("table.leaderboard").evaluate(VISIBLE_MODELS)
    box.check()
    assert page.url.endswith(SPEECH_BOARD + "#no-extra")
    page.goto(url + SPEECH_BOARD + "#main")  # another fragment leaves the view as it is
    assert box.is_checked()
    page.close()
    page = browser.new_page()
    page.goto(url + SPEECH_BOARD)
    page.get_by_role("link", name="link to this view").click()
    # The box is ticked on the hashchange event, which comes after the click returns.
    expect(page.locator("#no-extra")).to_be_checked()
    assert page.url.endswith(SPEECH_BOARD + "#no-extra")
    page.close()
    # Without JavaScript the link would tick nothing: it is not shown; the box still works.
    plain = browser.new_page(java_script_enabled=False)
    plain.goto(url + SPEECH_BOARD)
    assert plain.get_by_role("link", name="link to this view").count() == 0
    assert not plain.locator("a[href='#no-extra']").is_visible()
    plain.locator("label[for=no-extra]").click()
    assert "B-large" not in plain.locator("table.leaderboard").evaluate(VISIBLE_MODELS)
    plain.close()
    server.shutdown()


def test_the_leaderboard_header_stays_in_view_while_scrolling(browser: Any,
                                                              shipped_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(shipped_url + "benchmarks/natural-language-inference--snli.html")
    rows = page.locator("table.leaderboard tbody tr")
    assert rows.count() > 60
    rows.nth(rows.count() - 1).scroll_into_view_if_needed()
    # The model's column (the board has rows with extra training data since MT-DNN was
    # flagged: the hidden column of ranks without them is the second header cell)
    header = page.locator("table.leaderboard thead th:visible").nth(1).bounding_box()
    last = rows.nth(rows.count() - 1).bounding_box()
    assert header is not None and last is not None
    assert header["y"] >= 0 and header["y"] + header["height"] <= last["y"] < 800
    page.close()


def test_a_column_the_same_on_every_row_is_said_once_above_the_table(
        browser: Any, shipped_url: str, hostile_site: tuple[Path, Path]) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(shipped_url + "benchmarks/stock-market-prediction--astock.html")
    headers = page.locator("table.leaderboard thead th").all_inner_texts()
    assert not {"Paper", "Code", "Source", "Provenance"} & {h.strip() for h in headers}
    folded = page.locator("p.folded").inner_text()
    assert "LERT: A Linguistically-motivated Pre-trained Language Model" in folded
    assert "reported by papers-with-code-archive" in folded
    assert "which gives no table or figure for these numbers" in folded  # the rows' note
    model = page.locator("table.leaderboard tbody td:nth-child(2)").first.bounding_box()
    assert model is not None and model["height"] < 50  # one line, or two: not five
    page.close()
    # Where rows differ, each says where its numbers come from, with its note.
    _, site = hostile_site
    server, url = serve(site)
    page = browser.new_page()
    page.goto(url + SPEECH_BOARD)
    assert "Provenance" in page.locator("table.leaderboard thead").inner_text()
    row = page.locator("table.leaderboard tbody tr", has_text="Table 9")
    assert row.locator("td").nth(2).inner_text().startswith("G")
    assert "Table 9 · own" in row.inner_text()
    row.get_by_text("note", exact=True).click()
    assert row.locator("details.note").inner_text().endswith(NOTE)  # as text, not markup
    assert row.locator("details.note b").count() == 0
    page.close()
    server.shutdown()


def test_the_chart_names_each_new_best_and_reads_on_a_phone(
        browser: Any, hostile_site: tuple[Path, Path]) -> None:
    registry, site = hostile_site
    board = find_leaderboard(load_registry(registry), "speech-recognition",
                             "librispeech-test-clean")
    assert board is not None
    server, url = serve(site)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + SPEECH_BOARD)
    chart = page.locator("figure.chart-all")
    labels = chart.locator("text.label")
    assert sorted(labels.all_text_contents()) == sorted(s.row.result.model for s in board.sota)
    sizes = labels.evaluate_all(
        "ls => ls.map(l => l.getScreenCTM().a * parseFloat(getComputedStyle(l).fontSize))")
    assert min(sizes) >= 10, sizes
    ticks = chart.locator("text.tick").evaluate_all(
        "ts => ts.map(t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))")
    assert min(ticks) >= 10, ticks
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    chart.get_by_text("Each new best").click()
    assert chart.locator("details.steps li").all_inner_texts() == [
        f"{s.date}: {s.row.result.model}, {s.value:g}" for s in board.sota]
    page.close()
    server.shutdown()


def test_every_board_says_when_it_was_last_updated(shipped_site: Path) -> None:
    pages = list((shipped_site / "benchmarks").glob("*.html"))
    assert pages and all('Last updated <time datetime="' in p.read_text("utf-8") for p in pages)


def test_a_board_is_updated_when_its_own_files_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import git

    registry = speech_registry(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-02T12:00:00Z")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the registry")
    paper(registry, "worse-asr", "2022-01-01", [result("speech-recognition",
                                                       "librispeech-test-clean", "E",
                                                       word_error_rate=7.0)])
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-03-04T12:00:00Z")
    git(tmp_path, "commit", "-qam", "a corrected result")
    build_site(registry, tmp_path / "site", jobs=1, with_api=False)
    boards = tmp_path / "site" / "benchmarks"
    def updated(page: Path) -> str:
        return page.read_text("utf-8").split('Last updated <time datetime="', 1)[1][:10]

    assert updated(boards / "speech-recognition--librispeech-test-clean.html") == "2024-03-04"
    others = [p for p in boards.glob("*.html") if "librispeech" not in p.name]
    assert others and {updated(p) for p in others} == {"2024-01-02"}


def test_a_new_commit_changes_the_date_in_built_js_not_in_every_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17: the footer printed the registry's date in every page, so any commit rewrote all
    of them on the next build. The same registry whose last commit is dated otherwise builds
    the same pages; only built.js and the Downloads page (which says the date) differ."""
    from conftest import git

    registry = speech_registry(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-02T12:00:00Z")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the registry")
    area = registry / "areas" / "speech.yaml"  # a commit in the registry that no board holds
    area.write_text(area.read_text("utf-8") + "# a comment\n", "utf-8")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-03-04T12:00:00Z")
    git(tmp_path, "commit", "-qam", "a comment")
    build_site(registry, tmp_path / "march", jobs=1, with_api=False)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-05-06T12:00:00Z")
    git(tmp_path, "commit", "-q", "--amend", "--no-edit")  # the same files, another date
    build_site(registry, tmp_path / "may", jobs=1, with_api=False)

    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
                if p.is_file()}

    march, may = files(tmp_path / "march"), files(tmp_path / "may")
    assert march.keys() == may.keys()
    assert {p for p in march if march[p] != may[p]} == {"built.js", "downloads.html",
                                                        ".pwc-files"}
    assert b"2024-05-06" in may["built.js"] and b"2024-05-06" in may["downloads.html"]
    page = may["papers/first-asr.html"].decode()
    assert "2024-05-06" not in page and 'src="../built.js"' in page


def test_the_footer_shows_the_registry_date_with_javascript_and_links_it_without(
        browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The date comes from built.js, a script (not JSON to fetch), so it shows from file:// too;
    without JavaScript the footer links to the Downloads page, which says the date."""
    from conftest import git

    registry = speech_registry(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-02T12:00:00Z")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the registry")
    date = "2024-01-02"
    site = tmp_path / "site"
    build_site(registry, site, jobs=1, with_api=False)
    page = browser.new_page()
    page.set_default_timeout(5000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "papers" / "first-asr.html").as_uri())
    time = page.locator("footer #built time")
    assert time.inner_text() == date and time.get_attribute("datetime") == date
    assert "as of " + date + "." in page.locator("footer").inner_text()
    assert page.locator("footer #built").get_attribute("href") == "../downloads.html"
    plain = browser.new_page(java_script_enabled=False)
    plain.goto((site / "papers" / "first-asr.html").as_uri())
    assert "as of its last commit." in plain.locator("footer").inner_text()
    plain.locator("footer #built").click()
    assert plain.url.endswith("/downloads.html") and date in plain.locator("main").inner_text()
    assert errors == []
    page.close()
    plain.close()


def test_outside_git_there_is_no_date_and_no_script_for_it(hostile_site: tuple[Path, Path]
                                                           ) -> None:
    _, site = hostile_site
    assert not (site / "built.js").exists()
    page = (site / "papers" / "first-asr.html").read_text("utf-8")
    assert "built.js" not in page and 'id="built"' not in page


# --- search (Pagefind's index, pagefind/; static/search.js) -------------------------------


def _search(page: Any, base: str, query: str) -> list[str]:
    """The results the search page lists for ``query``, each as its kind and title."""
    page.goto(base + "search.html?q=" + query.replace(" ", "+"))
    page.wait_for_function("document.getElementById('search-status').textContent"
                           ".indexOf(' for “') !== -1")
    return page.locator("#search-results > li").evaluate_all(
        "items => items.map(li => li.querySelector('.tag').textContent + ': ' + "
        "li.querySelector('a').textContent)")


def test_search_ranks_names_before_words(browser: Any, shipped_url: str) -> None:
    """Issue 17: "squad" found only the dataset's page and "bert" put Q*Bert first."""
    page = browser.new_page()
    outside = _requests_stay_local(page, shipped_url)
    found = _search(page, shipped_url, "squad")
    assert found[:2] == ["Dataset: SQuAD", "Leaderboard: Question Answering on SQuAD (test)"]
    found = _search(page, shipped_url, "bert")
    bert = "Paper: BERT: Pre-training of Deep Bidirectional Transformers for Language " \
        "Understanding"
    assert found[0] == bert
    assert found.index(bert) < found.index("Dataset: Atari 2600 Q*Bert")
    # The board ranked by WER, by the metric's alias (registry/metrics/wer.yaml), before the
    # dataset whose name says "Word error rate".
    for query in ("word error rate", "wer"):
        found = _search(page, shipped_url, query)
        assert found[0] == "Leaderboard: Speech Recognition on Switchboard Hub5'00", query
        detail = page.locator("#search-results > li .muted").first.inner_text()
        assert detail.endswith("ranked by WER"), detail
    # A paper's result carries its ranks, as its page does; an arXiv id finds the paper, and
    # so does its page's address pasted without its scheme (helper-78).
    for address in ("arxiv.org/abs/2211.05344v1", "arxiv.org/html/2211.05344v1",
                    "https://arxiv.org/pdf/2211.05344.pdf?download=1"):
        _search(page, shipped_url, address)
        assert page.locator("#search-results > li").first.locator("a").first.inner_text() == (
            "LERT: A Linguistically-motivated Pre-trained Language Model"), address
    _search(page, shipped_url, "2211.05344")
    first = page.locator("#search-results > li").first
    assert first.locator("a").first.inner_text() == ("LERT: A Linguistically-motivated "
                                                     "Pre-trained Language Model")
    badge = first.locator(".badges a").first
    assert badge.inner_text() == "#1 on Stock Market Prediction on Astock"
    assert badge.get_attribute("href") == "benchmarks/stock-market-prediction--astock.html"
    assert outside == []
    page.close()


@pytest.fixture(scope="module")
def shipped_gathered() -> Any:
    from pwc_registry.site.build import gather

    return gather(load_registry(REPO / "registry"))


def test_search_indexes_a_papers_opening_words_and_its_names_whole(
        shipped_gathered: Any) -> None:
    """Issue 17: whole abstracts made the index most of the site build's time and a word that
    most abstracts hold a megabyte to download. A paper's record keeps the abstract's first
    words; its title, authors, arXiv id and models stay whole."""
    from pwc_registry.site.search import ABSTRACT_WORDS, records

    found = dict(records(shipped_gathered))
    lert = found["papers/lert-a-linguistically-motivated-pre-trained-language-model.html"]
    body = lert.split("<div>", 1)[1].split("</div>", 1)[0]
    assert body.startswith("Pre-trained Language Model (PLM) has become a representative")
    assert len(body.split()) == ABSTRACT_WORDS
    assert "Resources are available" not in lert  # the abstract's last sentence
    for whole in ("LERT: A Linguistically-motivated Pre-trained Language Model", "2211.05344",
                  "Yiming Cui · Wanxiang Che · Shijin Wang · Ting Liu"):
        assert whole in lert, whole


def test_search_records_fall_back_to_disk_when_memory_is_full(
        shipped_gathered: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The records go to /dev/shm (deleting 67,000 files from a busy disk took minutes), whose
    size a container may set at 64 MB: out of room there, the index is still made."""
    import errno

    from pwc_registry.site import search

    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(search, "_memory_folder", lambda: str(memory))
    write_text = Path.write_text

    def full(path: Path, *args: Any, **kwargs: Any) -> int:
        if memory in path.parents:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return write_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    count = search.write_search_index(shipped_gathered, tmp_path / "out")
    assert count == len(list(search.records(shipped_gathered)))
    assert (tmp_path / "out" / "pagefind" / "pagefind-entry.json").is_file()
    assert list(memory.iterdir()) == []  # nothing left behind in memory


def test_search_merges_an_index_written_in_parts(
        browser: Any, shipped_site: Path, shipped_gathered: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17: the archive's ~600,000 records in one Pagefind index took over 9.5 GB to
    write, and a build failed there. The records are indexed in parts, which the browser merges:
    the same answers as from one index, leaderboards from the first part and papers from the
    last, and the SotA page's box still lists leaderboards only."""
    import json
    import math

    from pwc_registry.site import search

    total = len(list(search.records(shipped_gathered)))
    monkeypatch.setattr(search, "PART_RECORDS", math.ceil(total / 3))
    site = tmp_path / "site"
    site.mkdir()
    for entry in shipped_site.iterdir():
        if entry.name != search.FOLDER:
            (site / entry.name).symlink_to(entry)
    assert search.write_search_index(shipped_gathered, site, jobs=2) == total
    index = site / search.FOLDER
    assert json.loads((index / "parts.json").read_text()) == ["part-2/", "part-3/"]
    for part in ("part-2", "part-3"):
        assert (index / part / "pagefind-entry.json").is_file()
    lert = "papers/lert-a-linguistically-motivated-pre-trained-language-model.html"
    in_last = [path for path, _ in search.records(shipped_gathered)][-math.ceil(total / 3):]
    assert lert in in_last  # papers come last: LERT's record is in the third part
    server, url = serve(site)
    page = browser.new_page()
    outside = _requests_stay_local(page, url)
    found = _search(page, url, "squad")
    assert found[:2] == ["Dataset: SQuAD", "Leaderboard: Question Answering on SQuAD (test)"]
    _search(page, url, "2211.05344")
    first = page.locator("#search-results > li").first
    assert first.locator("a").first.inner_text() == ("LERT: A Linguistically-motivated "
                                                     "Pre-trained Language Model")
    first.locator("a").first.click()
    assert page.url == url + lert
    page.goto(url + "sota/index.html")
    page.get_by_label("Find a leaderboard:").fill("language model")
    found_boards = page.locator("#board-results a")
    found_boards.first.wait_for()
    hrefs = found_boards.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all("benchmarks/" in h for h in hrefs), hrefs
    assert outside == []
    page.close()
    server.shutdown()


def test_search_reranks_pagefinds_answers_by_how_well_names_and_details_match(
        browser: Any, shipped_site: Path, tmp_path: Path) -> None:
    """``search.js`` re-ranks what Pagefind answers: the title is the query, then another
    name is, the title starts with it, a name does, every word typed starts a word of them, every
    word typed is a word of the detail line (authors, arXiv id), then the rest in Pagefind's
    order. The detail level exists because a merged part that lacks an author's number offers
    its near misses ("8904" for "89048") before the paper that has it. Pagefind's own matching is
    not under test here: a module in its place answers every query with the same results, in
    an order that puts each level behind the next."""

    site = tmp_path / "site"
    site.mkdir()
    for entry in shipped_site.iterdir():
        if entry.name != "pagefind":
            (site / entry.name).symlink_to(entry)
    answers = [  # (title, kind, names, detail), worst match first
        ("Text only", "paper", "", "Someone Else · 2020"),
        ("Near miss", "paper", "", "Author 8904 · 2021"),
        ("Exact author", "paper", "", "Author 89048, Jane Roe · 2020 · arXiv:2001.00001"),
        ("On author 89048 and more", "paper", "", ""),
        ("Numbers", "dataset", "author 89048 benchmark", ""),
        ("Author 89048 Benchmark", "benchmark", "", "3 results"),
        ("Other", "task", "Author 89048", ""),
        ("Author 89048", "paper", "", ""),
    ]
    results = [{"url": f"/papers/r{i}.html", "excerpt": "",
                "meta": {"title": t, "kind": k, "names": n, "detail": d}}
               for i, (t, k, n, d) in enumerate(answers)]
    stand_in_pagefind(site, {"*": results})
    server, url = serve(site)
    page = browser.new_page()
    found = _search(page, url, "author 89048")
    assert found == ["Paper: Author 89048", "Task: Other", "Leaderboard: Author 89048 Benchmark",
                     "Dataset: Numbers", "Paper: On author 89048 and more",
                     "Paper: Exact author", "Paper: Text only", "Paper: Near miss"]
    page.close()
    server.shutdown()


def test_search_shows_results_as_you_type(browser: Any, shipped_url: str) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(shipped_url + "search.html")
    page.locator("#search-q").press_sequentially("perplexity", delay=30)  # no Enter
    # A slow machine may show the answer to a shorter prefix first: wait for the whole word's.
    page.wait_for_url("**/search.html?q=perplexity")
    first = page.locator("#search-results > li").first
    expect(first.locator(".tag")).to_have_text("Leaderboard")
    assert "ranked by" in first.inner_text() and "erplexity" in first.inner_text()
    page.close()


def _serve_with_pwc(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    from pwc_registry.site.serve import handler_for

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_search_finds_metrics_and_shows_markup_as_text(
        browser: Any, hostile_site: tuple[Path, Path]) -> None:
    """Through ``pwc site serve`` (its types for Pagefind's files, with nosniff): a metric's name
    or alias finds the leaderboards it ranks, before papers that merely mention it; a title,
    model and abstract with markup in them show as text."""
    _, site = hostile_site
    server, url = _serve_with_pwc(site)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for query in ("word error rate", "wer"):  # three boards are ranked by it
        found = _search(page, url, query)
        assert "Leaderboard: Speech Recognition on LibriSpeech test-clean" in found[:3], query
        assert [f.split(":")[0] for f in found[:3]] == ["Leaderboard"] * 3, query
        details = page.locator("#search-results > li .muted").all_inner_texts()[:3]
        assert all(d.endswith("ranked by Word Error Rate") for d in details), details
    found = _search(page, url, "bold claims")
    assert found[0] == f"Paper: {SCRIPT_TITLE}"
    results = page.locator("#search-results")
    for query, shown in (("onerror", "<img src=x onerror=alert(1)>"),
                         ("alert", "<script>alert(2)</script>")):
        assert _search(page, url, query), query
        assert results.locator("script, img, b, p").count() == 0
        assert shown in results.inner_text(), query
    assert dialogs == []
    page.close()
    server.shutdown()


def test_a_count_of_one_is_singular(hostile_site: tuple[Path, Path]) -> None:
    # "1 results." on 35 of the shipped boards' pages (found by an analyst).
    _, out = hostile_site
    page = (out / "benchmarks" / "injection--librispeech-test-clean.html").read_text("utf-8")
    assert "1 result." in page and "1 results" not in page
    assert "1 results" not in (out / "index.html").read_text("utf-8")


def test_a_results_own_code_is_shown_wherever_its_row_is(tmp_path: Path) -> None:
    """A result's `code_links` (its model's code, where the paper has none: 123 results of the
    shipped registry) were only in the JSON: not on its board row, its paper's page, the API's
    repositories of the paper or `pwc show paper` (found by an analyst)."""
    registry = speech_registry(tmp_path)
    coded = result("speech-recognition", "librispeech-test-clean", "K", word_error_rate=6.0)
    coded["code_links"] = ["https://github.com/lab/k-model"]
    paper(registry, "coded-asr", "2022-09-01", [coded])
    # Beside a paper's own code, the row's is the model's (the snapshot showed the paper's).
    other = result("speech-recognition", "librispeech-test-clean", "L", word_error_rate=6.5)
    other["code_links"] = ["https://github.com/lab/l-model"]
    paper(registry, "coded-twice", "2022-10-01", [other],
          code=[{"url": "https://github.com/lab/paper-code", "official": True}])
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    link = 'href="https://github.com/lab/k-model"'
    board = (out / "benchmarks" / "speech-recognition--librispeech-test-clean.html")
    row = next(line for line in board.read_text("utf-8").splitlines() if ">K<" in line)
    assert link in row
    row = next(line for line in board.read_text("utf-8").splitlines() if ">L<" in line)
    assert 'href="https://github.com/lab/l-model"' in row and "(official)" not in row
    loaded = load_registry(registry, jobs=1)
    found = find_leaderboard(loaded, "speech-recognition", "librispeech-test-clean")
    assert found is not None
    markdown_row = next(line for line in leaderboard_markdown(found, loaded).splitlines()
                        if "| L |" in line)
    assert "github.com/lab/l-model" in markdown_row and "paper-code" not in markdown_row
    assert link in (out / "papers" / "coded-asr.html").read_text("utf-8")
    repositories = json.loads((out / "api" / "v1" / "papers" / "coded-asr" / "repositories"
                               / "index.json").read_text("utf-8"))
    assert [(r["url"], r["is_official"]) for r in repositories["results"]] == [
        ("https://github.com/lab/k-model", False)]
    shown = CliRunner().invoke(main, ["show", "paper", "coded-asr", "--registry", str(registry)])
    assert "Code of K: https://github.com/lab/k-model" in shown.output


def test_the_about_page_links_to_the_submit_page(hostile_site: tuple[Path, Path]) -> None:
    # It showed "(see [Submit](submit.html))" as text: relative links are refused in
    # descriptions (they point at files of some repository), and were in the site's own prose.
    _, out = hostile_site
    about = (out / "about.html").read_text("utf-8")
    assert '<a href="submit.html">Submit</a>' in about and "[Submit]" not in about
    submit = (out / "submit.html").read_text("utf-8")
    assert 'href="docs/registry.md"' not in submit  # a file of the repository: still text


def test_markdown_nested_deeper_than_the_renderer_goes_is_shown_as_written() -> None:
    """helper-59: a task's list nested ten levels deep lost its last item, and a dataset's
    description behind twenty `>` its whole sentence, on their pages: markdown-it drops what
    is deeper than 20 levels without a word. Such text is shown as written."""
    from pwc_registry.site.build import render_markdown

    nested = "\n".join("  " * i + f"- level {i}" for i in range(11))
    assert "level 10" in render_markdown(nested)
    quoted = render_markdown("> " * 20 + "This sentence is kept.")
    assert "This sentence is kept." in quoted and "<blockquote>" not in quoted
    assert render_markdown("- a\n  - b").count("<ul>") == 2  # shallow: Markdown as before
    # Dropped text is told by the lines no text token covers, not by words (helper-61: list
    # numbers, `_emphasis_`, entities and reference links made 5 shipped pages plain text;
    # a word found elsewhere hid a dropped one).
    deep = render_markdown("word here\n\n" + ">" * 25 + " word").replace("&gt;", ">")
    assert ">" * 25 + " word" in deep
    for markdown, shown in (("Steps:\n\n1. first\n2. second", "<ol>"),
                            ("An _emphasised_ word &copy;.", "<em>emphasised</em>"),
                            ("[x][1]\n\n[1]: https://e.org", '<a href="https://e.org">')):
        assert shown in render_markdown(markdown), markdown


@pytest.mark.parametrize(("values", "ticks"), [
    ((3e-11, 2e-11, 1e-11), {"1e-11", "1.5e-11", "2e-11", "2.5e-11", "3e-11"}),
    ((1.00000000009, 1.00000000005, 1.00000000001),
     {"1.00000000002", "1.00000000004", "1.00000000006", "1.00000000008"})])
def test_chart_ticks_are_written_to_their_own_digits(values: tuple[float, ...],
                                                     ticks: set[str]) -> None:
    """helper-59: every tick of a board of 1e-11 error rates read "0", and close values gave
    the same label twice: ticks were rounded to 10 decimals, not to their step's digits."""
    import re
    from types import SimpleNamespace

    from pwc_registry.leaderboard import Step
    from pwc_registry.site.chart import sota_chart

    steps = [Step(f"{2020 + i}-01-01", v, SimpleNamespace(  # type: ignore[arg-type]
        result=SimpleNamespace(model=f"M{i}"))) for i, v in enumerate(values)]
    svg = sota_chart(steps, "Tiny error", "lower")
    assert set(re.findall(r'class="tick" text-anchor="end">([^<]+)<', svg)) == ticks, svg


_EXTREMES = (0.0, 5e-324, 5e-323, 6e-323, 1.2e-322, 2.2250738585072014e-308, 1e-11, 1.0,
             1.0000000000000002, 66.36, 1e300, 1.7976931348623157e308)


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_a_chart_of_any_two_valid_values_is_drawn(direction: str) -> None:
    """helper-68: two bests of 5e-323 and 6e-323 (valid: neither reads as 0) crashed
    `pwc build` with "math domain error" after CI passed each of the two papers alone: half
    the span of subnormal values is 0. Every pair of extremes, of either sign, draws."""
    import itertools
    from types import SimpleNamespace

    from pwc_registry.leaderboard import Step
    from pwc_registry.site.chart import sota_chart

    values = (*_EXTREMES, *(-v for v in _EXTREMES if v))
    for a, b in itertools.product(values, repeat=2):
        steps = [Step(f"{2020 + i}-01-01", v, SimpleNamespace(  # type: ignore[arg-type]
            result=SimpleNamespace(model=f"M{i}"))) for i, v in enumerate((a, b))]
        svg = sota_chart(steps, "m", direction)
        assert svg.startswith("<svg") and "nan" not in svg.lower() \
            and "inf" not in svg.lower(), (a, b)


def test_a_site_build_says_which_files_it_left_out(tmp_path: Path) -> None:
    """A paper that fails validation is missing from every page; `pwc site build` said nothing
    (the snapshot and the exports say how many files they left out) (helper-63)."""
    registry = speech_registry(tmp_path)
    paper(registry, "broken-asr", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "B", word_error_rate=2.0)])
    path = registry / relative_path("paper", "broken-asr")
    path.write_text(path.read_text("utf-8").replace("word-error-rate: 2", "word-error-rate: '2'"),
                    encoding="utf-8")
    built = CliRunner().invoke(main, ["site", "build", "--registry", str(registry), "--out",
                                      str(tmp_path / "site")])
    assert built.exit_code == 0, built.output
    assert "left out 1 file that does not pass validation (run pwc validate)" in built.output
    assert not (tmp_path / "site" / "papers" / "broken-asr.html").exists()


def test_a_row_linked_to_lands_below_the_sticky_header_marked(browser: Any,
                                                              shipped_url: str) -> None:
    """A paper's model names link to their rows: the last row of HotpotQA's board landed under
    the sticky header, its rank and model hidden, and nothing marked it (helper-62)."""
    board = "benchmarks/question-answering--hotpotqa.html"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(shipped_url + board)
    last = page.locator("table.leaderboard tbody tr").last.get_attribute("id")
    assert last
    page.goto(f"{shipped_url}{board}#{last}")
    page.wait_for_timeout(100)
    header, row = page.evaluate("""id => [document.querySelector('table.leaderboard thead')
        .getBoundingClientRect().bottom, document.getElementById(id).getBoundingClientRect().top]""",
                                last)
    assert row >= header - 1, (header, row)
    marked = page.evaluate(
        "id => getComputedStyle(document.getElementById(id).cells[0]).boxShadow", last)
    assert marked != "none"
    other = page.evaluate("() => getComputedStyle(document.querySelector("
                          "'table.leaderboard tbody tr').cells[0]).boxShadow")
    assert other == "none"
    page.close()


def test_descriptions_show_tables_and_the_text_of_relative_links(shipped_site: Path) -> None:
    """NLP-progress descriptions hold Markdown tables (shown as rows of pipes on 15 pages) and
    links to the README they were copied from ("[Go back to the README](../README.md)" shown
    as written): tables render (in a box that scrolls), a relative link is its text (helper-62)."""
    task = (shipped_site / "tasks" / "penn-treebank.html").read_text("utf-8")
    assert '<div class="table-wrap" tabindex="0"><table>' in task
    assert "| ---" not in task.split("<main")[1] and "---|" not in task.split("<main")[1]
    page = (shipped_site / "tasks" / "references.html").read_text("utf-8").split("<main")[1]
    assert "Go back to the README" in page and "../README.md" not in page
    assert "[Go back" not in page


def test_an_arxiv_papers_pdf_is_in_its_meta_tags_without_a_link(shipped_site: Path) -> None:
    """Scholar and Zotero fetch `citation_pdf_url`: Mogrifier LSTM has an arXiv id and no PDF
    link, and had none (helper-62)."""
    page = (shipped_site / "papers" / "mogrifier-lstm.html").read_text("utf-8")
    assert '<meta name="citation_pdf_url" content="https://arxiv.org/pdf/1909.01792">' in page


def test_a_date_column_empty_on_every_row_is_folded_above_the_table(tmp_path: Path) -> None:
    """45 shipped boards showed a Date column empty on every row (helper-62): it is said once
    above the table, as a column the same on every row is."""
    registry = speech_registry(tmp_path)
    write(registry, "dataset", {"id": "librispeech-test-other", "name": "LibriSpeech test-other"})
    for i in (1, 2):
        write(registry, "paper", {"id": f"undated-{i}", "title": f"Undated {i}", "results": [
            result("speech-recognition", "librispeech-test-other", f"U{i}",
                   word_error_rate=5.0 - i)]})
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    board = (out / "benchmarks" / "speech-recognition--librispeech-test-other.html").read_text(
        "utf-8")
    assert "no date known" in board and 'data-sort="date"' not in board
    assert '<td class="date">' not in board
    dated = (out / "benchmarks" / "speech-recognition--librispeech-test-clean.html").read_text(
        "utf-8")
    assert 'data-sort="date"' in dated and "no date known" not in dated


def test_a_table_row_with_more_cells_than_its_header_is_shown_as_written() -> None:
    """markdown-it drops the cells past the header's: '| 1 | 2 | 3 |' showed 1 and 2
    (helper-67). Such a table is shown as written, every cell of it."""
    from pwc_registry.site.build import render_markdown

    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 | 3 |")
    assert "<table>" not in html and "3" in html
    assert "<table>" in render_markdown("| a | b |\n|---|---|\n| 1 \\| x | 2 |")


def test_a_refused_clipboard_selects_the_bibtex_to_copy_by_hand(browser: Any,
                                                                shipped_url: str) -> None:
    """helper-88: with the clipboard refused (no permission), the copy button threw an
    uncaught error and said nothing."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script("navigator.clipboard.writeText = () => Promise.reject("
                         "new DOMException('refused', 'NotAllowedError'));")
    page.goto(shipped_url + "papers/lert-a-linguistically-motivated-pre-trained-language-model"
              ".html")
    button = page.locator("button[data-copy]")
    button.click()
    page.wait_for_function("document.querySelector('button[data-copy]').textContent "
                           "!== 'Copy BibTeX'")
    assert button.inner_text() == "Selected: copy it"
    assert page.evaluate("window.getSelection().toString()").startswith("@misc{lert-")
    assert errors == []
    page.close()


def test_a_chart_wider_than_a_phone_opens_at_its_newest_end(browser: Any,
                                                            shipped_url: str) -> None:
    """helper-88: on a 390 px phone the chart showed its oldest results, the best off-screen
    to the right, with nothing saying the box scrolls."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(shipped_url + "benchmarks/machine-translation--wmt-2014-en-de.html")

    def scrolled() -> list[int]:
        [box] = [b for b in page.locator(".chart-scroll").all() if b.is_visible()]
        return box.evaluate("b => [b.scrollLeft, b.scrollWidth, b.clientWidth]")

    scroll = scrolled()
    assert scroll[1] > scroll[2] and scroll[0] == scroll[1] - scroll[2], scroll
    # The other view's chart, hidden at first (helper-89: it opened at its oldest end).
    page.evaluate("document.getElementById('no-extra').click()")
    scroll = scrolled()
    assert scroll[1] > scroll[2] and scroll[0] == scroll[1] - scroll[2], scroll
    page.close()


def test_the_feeds_carry_the_bests_without_extra_training_data(shipped_site: Path) -> None:
    """helper-88: the feeds announced "Transformer Big + BT set a new best BLEU: 35" with no
    word of its extra data, and none of the bests without it (DynamicConv 29.7, MUSE 29.9)."""
    task = _atom(shipped_site / "feeds" / "tasks" / "machine-translation.atom")
    titles = [e.findtext(f"{A}title", "") for e in task.findall(f"{A}entry")]
    assert "Transformer Big + BT: 35 BLEU on Machine Translation on WMT 2014 EN-DE (extra " \
        "training data)" in titles
    assert "MUSE (2019): 29.9 BLEU on Machine Translation on WMT 2014 EN-DE (without extra " \
        "training data)" in titles
    [muse] = [e for e in task.findall(f"{A}entry") if e.findtext(f"{A}title", "").startswith(
        "MUSE (2019): 29.9")]
    assert "set a new best BLEU without extra training data" in muse.findtext(f"{A}summary", "")


def test_human_performance_is_listed_as_a_reference_never_the_best(shipped_site: Path) -> None:
    """helper-104: ReCoRD's and VCR's boards named "Human Performance" their state of the art,
    #1 above every model; it is a point of reference now (source.kind: reference)."""
    board = (shipped_site / "benchmarks" / "common-sense--record.html").read_text("utf-8")
    assert ('<td class="num rank-all">—</td><td>Human Performance Johns Hopkins University '
            '<abbr class="tag" title="a point of reference (human performance, an oracle), not '
            'a method: never ranked">reference</abbr>') in board
    task = (shipped_site / "tasks" / "common-sense.html").read_text("utf-8")
    assert "90.64 <span class=\"muted\">EM</span> — LUKE (single model)" in task
    assert "Human Performance" not in task
    # the API says why its rank is null (helper-109: it read as a row without the primary metric)
    api = json.loads((shipped_site / "api" / "v1" / "evaluations" / "common-sense--record" /
                      "results" / "index.json").read_text("utf-8"))["results"][-1]
    assert (api["methodology"], api["rank"], api["best_rank"], api["source_kind"]) == (
        "Human Performance Johns Hopkins University", None, None, "reference")


def test_a_best_that_used_extra_data_says_so_wherever_it_is_listed(shipped_site: Path) -> None:
    """helper-88: the lists of boards showed CMRC 2018's best, MacBERT-large-extData-v2, with
    no extra-data mark, which its board has."""
    page = (shipped_site / "tasks" / "chinese-reading-comprehension.html").read_text("utf-8")
    assert ('— MacBERT-large-extData-v2 (single model) <abbr class="tag" title="used extra '
            'training data">extra data</abbr>') in page


def test_the_charts_labels_cover_no_point_and_no_other_label(browser: Any,
                                                             shipped_url: str) -> None:
    """helper-88: on WMT 2014 EN-DE a label sat over another model's point (it read as that
    point's), two labels ran into one, and the line crossed labels. Measured as Chromium lays
    the chart out, in both views."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for board, view in itertools.product(("machine-translation--wmt-2014-en-de",
                                          "machine-translation--wmt-2014-en-fr"),
                                         ("", "#no-extra")):
        page.goto(shipped_url + f"benchmarks/{board}.html{view}")
        page.reload()  # a fragment alone does not load the page again
        charts = [c for c in page.locator("svg.chart").all() if c.is_visible()]
        assert len(charts) == 1, (board, view)
        for chart in charts:
            found = chart.evaluate("""svg => {
                const box = e => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width,
                                                                  b.y + b.height]; };
                return {labels: [...svg.querySelectorAll('text.label')].map(box),
                        points: [...svg.querySelectorAll('circle.point')].map(box),
                        line: svg.querySelector('path.line').getAttribute('d')}; }""")
            labels, points = found["labels"], found["points"]
            assert len(labels) >= 5, labels
            # The step line's segments, from its path (M x,y then H x V y ...), as thin boxes.
            segments, (px, py) = [], map(float, found["line"].split()[0][1:].split(","))
            for command in found["line"].split()[1:]:
                to = float(command[1:])
                if command[0] == "H":
                    segments.append([min(px, to), py, max(px, to), py])
                    px = to
                else:
                    segments.append([px, min(py, to), px, max(py, to)])
                    py = to

            def meet(a: list[float], b: list[float]) -> bool:
                return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]

            assert not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]
                        if meet(a, b)], board
            assert not [(a, p) for a in labels for p in points if meet(a, p)], board
            assert not [(a, g) for a in labels for g in segments if meet(a, g)], board
    page.close()


def test_a_chart_of_thousands_of_bests_names_only_its_latest_in_linear_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request can make a board of thousands of new bests (each result a little better
    and a day later): every label tested against every point and every part of the line is
    quadratic work in the site build. A chart names its latest bests only, and a label looks
    at the steps in its own columns."""
    import datetime as dt
    from types import SimpleNamespace

    from pwc_registry.leaderboard import Step
    from pwc_registry.site import chart

    def steps(count: int) -> list[Step]:
        start = dt.date(1990, 1, 1).toordinal()
        return [Step(dt.date.fromordinal(start + i).isoformat(), 1.0 + i / count,
                     SimpleNamespace(result=SimpleNamespace(model=f"Model {i}")))  # type: ignore[arg-type]
                for i in range(count)]

    work = []
    for count in (2_000, 8_000):
        calls = count_calls(monkeypatch, chart, "_overlap")
        svg = chart.sota_chart(steps(count), "m", "higher")
        work.append(calls())
        monkeypatch.undo()
        assert svg.count('class="label"') <= chart.MAX_LABELS
    assert work[1] < work[0] * 6, work  # 4 × the steps; quadratic would be 16 ×


def test_a_labels_width_is_taken_at_least_as_wide_as_chromium_draws_it(
        browser: Any, tmp_path: Path) -> None:
    """helper-89: a label's width was taken as 0.6 em a glyph; Chromium drew
    "MMMMMMMMMMMMMMMMMMMMMMM" 238 units wide against 166 taken, so a label placed at the
    plot's edge or beside a neighbour ran past it. Each width the chart takes is measured
    against the font the site's style sheet gives its labels."""
    from pwc_registry.site.chart import _text_width

    names = ["M" * 23, "W" * 15, "漢字のモデル名前長い", "😀" * 10, "Ordinary model 2.0",
             "m" * 26, "%&@" * 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Ⅻ ﷽ ꧅ 𒐫"]
    style = (REPO / "src" / "pwc_registry" / "site" / "static" / "style.css").as_uri()
    texts = "".join(f'<text x="10" y="{20 + 20 * i}" class="label"></text>'
                    for i in range(len(names)))
    page_file = tmp_path / "labels.html"
    page_file.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><link '
                         f'rel="stylesheet" href="{style}"></head><body><svg class="chart" '
                         f'viewBox="0 0 720 300" style="width:720px">{texts}</svg></body></html>',
                         "utf-8")
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.goto(page_file.as_uri())
    widths = page.locator("svg.chart").evaluate(
        "(svg, names) => [...svg.querySelectorAll('text.label')].map((t, i) => { "
        "t.textContent = names[i]; return t.getBBox().width; })", names)
    assert all(w > 0 for w in widths)
    assert [(n, w, _text_width(n)) for n, w in zip(names, widths, strict=True)
            if _text_width(n) < w] == []
    page.close()
