"""The issue's floor, timed on this machine: "a fast YAML parser with jsonschema-rs on 2
processes, garbage collector paused, ~2 s". Every file of the registry `run.py` generated is
read, parsed with `yaml_rs` and checked with `jsonschema_rs` against its kind's schema, and
nothing else: no hazard scan, no second reader, no checks across files, no report. Each run is
a new process (start-up included) and is paired with a run of `pwc validate`, so that the two
are compared at the same minute of this machine's drifting speed.

    python benchmarks/floor.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from run import page_cache


def _check(files: list[tuple[str, str]]) -> int:
    import jsonschema_rs
    import yaml_rs

    from pwc_registry.schema import schema

    gc.disable()
    validators = {kind: jsonschema_rs.validator_for(schema(kind)) for kind in {k for _, k in files}}
    valid = 0
    for path, kind in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            text = os.read(fd, 1 << 16).decode("utf-8")
        finally:
            os.close(fd)
        valid += validators[kind].is_valid(yaml_rs.loads(text, parse_datetime=False))
    return valid


def floor(registry: Path, jobs: int = 2) -> int:
    from pwc_registry import layout

    files = [(str(p), layout.kind_of(p.relative_to(registry).parts) or layout.PAPER)
             for p in sorted(registry.rglob("*.yaml"))]
    chunks = [files[i::jobs * 4] for i in range(jobs * 4)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return sum(pool.map(_check, chunks))


def _timed(command: list[str], cwd: Path) -> float:
    page_cache(cwd / "registry", warm=True)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--registry", type=Path, help=argparse.SUPPRESS)  # the child's run
    args = parser.parse_args()
    if args.registry is not None:
        print(floor(args.registry))
        return
    root = (args.out / f"registry-{args.papers}").resolve()
    floors, validates = [], []
    for _ in range(args.runs):
        floors.append(_timed([sys.executable, __file__, "--registry", str(root / "registry")],
                             root))
        validates.append(_timed([sys.executable, "-m", "pwc_registry", "validate"], root))
    ratios = [v / f for v, f in zip(validates, floors, strict=True)]
    print(f"floor (yaml_rs + jsonschema_rs, 2 processes): {statistics.median(floors):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in floors)})")
    print(f"pwc validate: {statistics.median(validates):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in validates)})")
    print(f"pwc validate / floor, run by run: median {statistics.median(ratios):.2f} "
          f"({', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()
