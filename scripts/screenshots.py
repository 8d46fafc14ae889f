"""Screenshots of the built site for the README: the home page, the Astock leaderboard and the
LERT paper, taken in Debian's chromium.

    pwc site build && python scripts/screenshots.py [--site site] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import threading
from pathlib import Path

PAGES = {
    "home.png": "index.html",
    "benchmark.png": "benchmarks/stock-market-prediction--astock.html",
    "lert.png": "papers/lert-a-linguistically-motivated-pre-trained-language-model.html",
}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("PWC_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        for name, path in PAGES.items():
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}")
            page.screenshot(path=str(args.out / name))
            print(f"wrote {args.out / name}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
