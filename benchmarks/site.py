"""Time `pwc site build` on the synthetic 50,000-paper registry, find its largest page, and time
the largest real leaderboard of the corpus (timm's 1,556 ImageNet models) opening in Chromium.

    python benchmarks/site.py [--papers 50000] [--runs 3] [--out benchmarks/out]

Needs the registry of benchmarks/run.py (made here if missing) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import csv
import functools
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from generate import generate

CORPUS = Path(os.environ.get("PWC_CORPUS", Path(__file__).resolve().parents[2] / "shared" /
                             "corpus"))


def _build(registry: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pwc_registry", "site", "build", "--registry",
                    str(registry), "--out", str(out)], check=True, capture_output=True)
    return time.perf_counter() - start


def timm_registry(root: Path) -> Path:
    """One leaderboard from the corpus's real timm results: every model's ImageNet top-1."""
    registry = root / "registry"
    if registry.exists():
        shutil.rmtree(registry)

    def put(kind: str, folder: str, record: dict[str, object]) -> None:
        path = registry / folder / f"{record['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(record, sort_keys=False))

    put("task", "tasks", {"id": "image-classification", "name": "Image Classification"})
    put("dataset", "datasets", {"id": "imagenet", "name": "ImageNet"})
    for metric, name, direction in (("top-1-accuracy", "Top-1 Accuracy", "higher"),
                                    ("top-5-accuracy", "Top-5 Accuracy", "higher"),
                                    ("parameters", "Parameters (M)", "lower")):
        put("metric", "metrics", {"id": metric, "name": name, "direction": direction})
    rows = list(csv.DictReader((CORPUS / "other-results" / "timm-results" /
                                "results-imagenet.csv").open(encoding="utf-8")))
    def read(text: str) -> float:
        return float(text.replace(",", ""))  # timm writes 1,014.45 for a billion parameters

    results = [{"task": "image-classification", "dataset": "imagenet", "model": r["model"],
                "metrics": {"top-1-accuracy": read(r["top1"]), "top-5-accuracy": read(r["top5"]),
                            "parameters": read(r["param_count"])}} for r in rows]
    from pwc_registry.layout import relative_path

    path = registry / relative_path("paper", "pytorch-image-models")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"id": "pytorch-image-models", "title": "PyTorch Image Models",
                                    "date": "2019-05-02", "results": results}, sort_keys=False))
    return registry


def open_times(site: Path, page: str, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("PWC_CHROMIUM",
                                                                   "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        for _ in range(runs):
            tab = browser.new_page()
            start = time.perf_counter()
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}", wait_until="load")
            times.append(time.perf_counter() - start)
            tab.close()
        browser.close()
    server.shutdown()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()

    root = args.out / f"registry-{args.papers}"
    if not (root / "registry").is_dir():
        generate(root / "registry", args.papers)
    site = args.out / "site"
    fresh, rebuild = [], []
    for _ in range(args.runs):
        shutil.rmtree(site, ignore_errors=True)
        fresh.append(_build(root / "registry", site))
        rebuild.append(_build(root / "registry", site))
    pages = list(site.rglob("*.html"))
    largest = max(pages, key=lambda p: p.stat().st_size)
    over = [p for p in pages if p.stat().st_size > 200_000]

    timm = timm_registry(args.out / "timm")
    timm_site = args.out / "timm" / "site"
    _build(timm, timm_site)
    board = timm_site / "benchmarks" / "image-classification--imagenet.html"
    opened = open_times(timm_site, "benchmarks/image-classification--imagenet.html", 5)
    result = {
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
                   f"Python {platform.python_version()}",
        "pages": len(pages),
        "build_fresh_s_median": round(statistics.median(fresh), 1),
        "build_fresh_s": [round(t, 1) for t in fresh],
        "rebuild_s_median": round(statistics.median(rebuild), 1),
        "rebuild_s": [round(t, 1) for t in rebuild],
        "largest_page": [largest.relative_to(site).as_posix(), largest.stat().st_size],
        "pages_over_200kb": len(over),
        "timm_board_bytes": board.stat().st_size,
        "timm_board_open_s_median": round(statistics.median(opened), 3),
        "timm_board_open_s": [round(t, 3) for t in opened],
    }
    (args.out / "site-results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
