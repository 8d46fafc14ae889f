"""axe-core, the accessibility engine of Chrome's Lighthouse, on one page of each kind of the
site, in Chromium, in the light and the dark colour scheme, and at a phone's width.

axe-core comes from the `axe-playwright-python` wheel (its bundled ``axe.min.js``): nothing is
fetched at test time. Only violations axe rates serious or critical fail a test; each is listed
with its rule, impact and the elements it was found on.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import serve
from registry_builder import speech_registry, write

AXE = Path(str(importlib.resources.files("axe_playwright_python") / "axe.min.js"))
BLOCKING = ("serious", "critical")
LERT = "papers/lert-a-linguistically-motivated-pre-trained-language-model.html"
ASTOCK = "benchmarks/stock-market-prediction--astock.html"
LIBRISPEECH = "benchmarks/speech-recognition--librispeech-test-clean.html"

#: One page of each kind of the shipped registry's site.
SHIPPED_PAGES = [
    "index.html", "tasks/index.html", "tasks/stock-market-prediction.html",
    "tasks/areas/natural-language-processing.html", "sota/index.html",
    "sota/speech.html", ASTOCK, "datasets/index.html",
    "datasets/astock.html", "papers/index.html", LERT, "sources/index.html",
    "sources/coqa-submission-sdnet.html", "downloads.html", "submit.html", "about.html",
]


#: Rows of a long table or list after the 20th, which axe skips: they come from the same
#: template line as the first 20, and checking a thousand of them takes axe a minute.
REPEATS = "tbody tr:nth-child(n+21), li:nth-child(n+21)"


def violations(page: Any, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page as it is now (of the
    given rules, or of all)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate("""async ([repeats, rules]) => {
        const options = {resultTypes: ['violations']};
        if (rules) options.runOnly = rules;
        const r = await axe.run({exclude: [repeats]}, options);
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ?
                ' — ' + n.failureSummary.split('\\n').slice(1).join(' ').trim() : ''))}));
    }""", [REPEATS, rules])
    return [v for v in found if v["impact"] in BLOCKING]


def report(where: str, found: list[dict[str, Any]]) -> str:
    lines = [f"{where}: {len(found)} serious or critical accessibility violation(s)"]
    for v in found:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {target}" for target in v["targets"][:10]]
        if len(v["targets"]) > 10:
            lines.append(f"    … and {len(v['targets']) - 10} more")
    return "\n".join(lines)


def check(page: Any, where: str, failures: list[str]) -> None:
    """Runs axe in the light scheme, then its colour rule in the dark one (the only thing the
    scheme changes), without reloading the page."""
    for scheme, rules in (("light", None), ("dark", ["color-contrast"])):
        page.emulate_media(color_scheme=scheme)
        found = violations(page, rules)
        if found:
            failures.append(report(f"{where} ({scheme})", found))
    page.emulate_media(color_scheme="light")


def test_every_kind_of_page_passes_axe_in_light_and_dark(browser: Any, shipped_url: str) -> None:
    page = browser.new_page()
    failures: list[str] = []
    for path in SHIPPED_PAGES:
        page.goto(shipped_url + path)
        check(page, path, failures)
    page.goto(shipped_url + "search.html")
    page.locator("main").get_by_role("searchbox").fill("lert")
    page.keyboard.press("Enter")
    page.locator("main").get_by_role("link", name="LERT", exact=False).first.wait_for()
    check(page, "search.html with a query", failures)
    page.close()
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The speech registry, whose board has results with extra training data, plus a method,
    built with boards cut at 3 rows so that the site has a page of all of a board's results."""
    from pwc_registry.site import build

    root = tmp_path_factory.mktemp("speech")
    registry = speech_registry(root)
    write(registry, "method", {"id": "transformer", "name": "Transformer",
                               "description": "Attention is **all** it needs."})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "TOP", 3)
        build.build_site(registry, root / "site", jobs=1)
    server, url = serve(root / "site")
    yield url
    server.shutdown()


def test_extra_data_a_whole_board_and_methods_pass_axe(browser: Any, speech: str) -> None:
    """A board is checked as it opens and with "without extra training data" ticked."""
    page = browser.new_page()
    failures: list[str] = []
    page.goto(speech + LIBRISPEECH)
    check(page, LIBRISPEECH, failures)
    page.locator("label[for=no-extra]").click()
    check(page, LIBRISPEECH + " without extra training data", failures)
    for path in (LIBRISPEECH.replace(".html", ".all.html"), "methods/index.html",
                 "methods/transformer.html"):
        assert page.goto(speech + path).ok, path
        check(page, path, failures)
    page.close()
    assert not failures, "\n".join(failures)


def test_a_board_and_a_paper_pass_axe_on_a_phone(browser: Any, shipped_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    failures: list[str] = []
    for path in (ASTOCK, LERT):
        page.goto(shipped_url + path)
        check(page, f"{path} at 390 px", failures)
    page.close()
    assert not failures, "\n".join(failures)


def test_axe_finds_an_unlabelled_field_and_faint_text(browser: Any, tmp_path: Path) -> None:
    """The harness itself: a page with faults axe rates critical and serious must fail, and the
    report names each rule, its impact and the element."""
    (tmp_path / "broken.html").write_text(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<h1>Broken</h1><input type="text" id="q">'
        '<p id="faint" style="color:#bbb;background:#fff">Faint text nobody can read</p>'
        "</main></body></html>")
    server, url = serve(tmp_path)
    page = browser.new_page()
    page.goto(url + "broken.html")
    failures: list[str] = []
    check(page, "broken.html", failures)
    page.close()
    server.shutdown()
    assert len(failures) == 2, failures  # light and dark: the page sets its own colours
    assert "broken.html (light): 2 serious or critical" in failures[0]
    assert "  label (critical): " in failures[0] and "    #q — " in failures[0]
    assert "  color-contrast (serious): " in failures[0] and "    #faint — " in failures[0]
