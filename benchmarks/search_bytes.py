"""What a search downloads: open the search page of a built site for each query in headless
Chromium, served by `pwc site serve`'s handler, and sum the bytes of Pagefind's responses
(its script, WebAssembly, the parts' lists of records, the chunks of the words typed, the
fragments of the results shown).

    python benchmarks/search_bytes.py SITE QUERY...
"""

from __future__ import annotations

import argparse
import http.server
import threading
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from pwc_registry.site.serve import handler_for

CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for query in args.queries:
            page = browser.new_page()
            sizes: list[int] = []

            def counted(response: Any, sizes: list[int] = sizes) -> None:
                if "/pagefind/" in response.url:
                    sizes.append(len(response.body()))

            page.on("response", counted)
            page.goto(base + "search.html?q=" + query.replace(" ", "+"))
            page.wait_for_function("document.getElementById('search-status').textContent"
                                   ".indexOf(' for “') !== -1", timeout=300_000)
            status = page.locator("#search-status").inner_text()
            print(f"{query!r}: {sum(sizes) / 1000:.0f} KB in {len(sizes)} files; {status}")
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
