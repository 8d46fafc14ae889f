"""Where the CPU of `pwc site build`'s rendering goes, per kind of page: building the context,
Jinja's rendering, writing the page (a leaderboard's CSV and JSON too), making the API's bytes
and writing the API's files (issues 15 and 17).

    python benchmarks/site_pages.py --registry /tmp/registry-50000/registry [--sample 800]

The registry is loaded once (`load_site`); each kind's pages (a sample of each) are rendered
and written in this one process into a scratch folder, deleted at the end. CPU is user +
system time; read it as ratios measured in the same minute (the kernel's share of creating
files grows with the machine's I/O load).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from pwc_registry import snapshot
from pwc_registry.outputs import FileSet
from pwc_registry.site import api, build

KINDS = ("paper", "benchmark", "task", "dataset", "method", "papers", "sota_area", "tasks_area",
         "datasets", "benchmark_all", "home", "tasks", "sota")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=800, help="pages of each kind")
    args = parser.parse_args()
    site = build.load_site(args.registry)
    site.downloads = {"results.parquet": 1}  # the Downloads link in every page's header
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in build.page_keys(site):
        by_kind[kind].append(key)
    cpu = time.process_time
    jinja = [0.0]

    class Timed(build.Pages):
        def _page(self, *a: Any, **k: Any) -> tuple[str, str]:
            start = cpu()
            page = super()._page(*a, **k)
            jinja[0] += cpu() - start
            return page

    pages = Timed(site)
    scratch = Path(tempfile.mkdtemp(prefix="pwc-site-pages-"))
    files = FileSet(scratch, {})
    rng = random.Random(5)
    totals = [0.0, 0.0]
    print("kind: pages; ms a page: context, Jinja, write, API bytes, API write; "
          "s for all in one process: pages / API")
    try:
        for kind in KINDS:
            keys = by_kind.get(kind, [])
            if not keys:
                continue
            sample = rng.sample(keys, min(args.sample, len(keys)))
            jinja[0] = 0.0
            spent: dict[str, float] = defaultdict(float)
            for key in sample:
                a = cpu()
                path, html = pages.render(kind, key)
                b = cpu()
                files.put(path, html.encode("utf-8"))
                if kind == "benchmark":  # as build._render_chunk writes them
                    for name, data in snapshot.board_files(site.boards[key],
                                                           site.registry).items():
                        if not name.endswith(".md"):
                            files.put(f"benchmarks/{name}", data)
                c = cpu()
                spent["render"] += b - a
                spent["write"] += c - b
                if kind in api.PER_PAGE_KIND:
                    made = api.PER_PAGE_KIND[kind](site, key)
                    d = cpu()
                    for api_path, data in made.items():
                        files.put(api_path, data)
                    spent["api"] += d - c
                    spent["api write"] += cpu() - d
            n = len(sample)
            row = [(spent["render"] - jinja[0]) / n, jinja[0] / n, spent["write"] / n,
                   spent["api"] / n, spent["api write"] / n]
            page_s, api_s = sum(row[:3]) * len(keys), sum(row[3:]) * len(keys)
            totals[0] += page_s
            totals[1] += api_s
            print(f"{kind}: {len(keys)}; " + ", ".join(f"{x * 1e3:.2f}" for x in row)
                  + f"; {page_s:.1f} / {api_s:.1f}", flush=True)
    finally:
        shutil.rmtree(scratch)
    print(f"all, one process: pages {totals[0]:.0f} s, API {totals[1]:.0f} s "
          f"(+{totals[1] / totals[0] * 100:.0f} %)")


if __name__ == "__main__":
    main()
