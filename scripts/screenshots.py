"""Screenshots of the site for the README and docs/site.md, taken in Debian's chromium.

    python scripts/screenshots.py [--registry registry] [--out docs/screenshots]

Builds the registry's site into a temporary folder (removed afterwards), serves it on
localhost and writes one PNG per entry of SHOTS, under the same names every time, so that
running it again after a change to the site refreshes the pictures the docs show.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pwc_registry.site.build import build_site

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("PWC_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}
ASTOCK = "benchmarks/stock-market-prediction--astock.html"
LERT = "papers/lert-a-linguistically-motivated-pre-trained-language-model.html"
#: What the search screenshot types, and a result to wait for before taking it.
QUERY, QUERY_FINDS = "bert", "BERT"


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    viewport: dict[str, int]
    scheme: str = "light"
    query: str = ""


SHOTS = (
    Shot("home.png", "index.html", DESKTOP),
    Shot("benchmark.png", ASTOCK, DESKTOP),
    Shot("lert.png", LERT, DESKTOP),
    Shot("search.png", "search.html", DESKTOP, query=QUERY),
    Shot("benchmark-phone.png", ASTOCK, PHONE),
    Shot("benchmark-dark.png", ASTOCK, DESKTOP, scheme="dark"),
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the base class names it so
        pass


def take(browser: Any, base: str, shot: Shot, out: Path) -> None:
    page = browser.new_page(viewport=shot.viewport, color_scheme=shot.scheme,
                            device_scale_factor=1)
    page.goto(base + shot.path)
    if shot.query:
        # Typed as a visitor would, so the picture shows what searching as you type shows.
        page.locator("main").get_by_role("searchbox").fill(shot.query)
        page.keyboard.press("Enter")
        page.locator("main").get_by_role("link", name=QUERY_FINDS).first.wait_for()
    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring
    page.screenshot(path=str(out / shot.name), animations="disabled", caret="hide")
    page.close()
    print(f"wrote {out / shot.name}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--registry", type=Path, default=REPO / "registry")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("-j", "--jobs", type=int, default=None)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pwc-screenshots-") as tmp:
        site = Path(tmp) / "site"
        build_site(args.registry, site, jobs=args.jobs, with_api=False)
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--hide-scrollbars", "--font-render-hinting=none"])
                for shot in SHOTS:
                    take(browser, base, shot, args.out)
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
