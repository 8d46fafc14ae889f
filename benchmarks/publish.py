"""Time publishing a registry: the three commands publish.yml used to run (`pwc validate`, `pwc
site build`, `pwc leaderboards build`, each reading and compiling the registry) against `pwc
build` (one reading, one compilation), run side by side, each run scaled to the issue's machine
by the reference work timed right before it; then a rebuild with `pwc build` after five papers
change (a result added to three, a title changed on two), counting the files it rewrote.

    python benchmarks/publish.py --registry REGISTRY [--runs 3] [--out /tmp/publish-bench]
    python benchmarks/publish.py --registry REGISTRY --once [--out /tmp/publish-bench]

``--once`` times one `pwc build` only, sampling the summed proportional set size (PSS) of it
and its workers (for the archive-scale registry that benchmarks/archive.py imports; see
benchmarks/README.md).

REGISTRY is a registry folder in a git repository (benchmarks/run.py makes one, or copy
/work/bench/registry-50000); its papers are changed for the rebuild and restored after. OUT is
deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from archive import measured
from reference import ISSUE_MS, reference_ms, sample_of
from run import _with_new_result, page_cache


def pwc(*args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pwc_registry", *args], capture_output=True,
                          text=True, check=False)
    # `pwc validate` exits 1 on errors and the builds go on; `pwc build` writes nothing then.
    if done.returncode not in (0, 1) or (done.returncode and args[0] == "build"):
        raise SystemExit(f"pwc {' '.join(args)} failed (the registry must validate): "
                         f"{done.stdout[-2000:]}{done.stderr}")
    return time.perf_counter() - start


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            info = os.lstat(os.path.join(root, name))
            out[os.path.join(root, name)] = (info.st_ino, info.st_mtime_ns)
    return out


def rebuild(registry: Path, site: Path, sample: list[tuple[Path, str]]) -> None:
    """Change five papers, rebuild ``site`` in place with `pwc build`, restore the papers."""
    papers = sorted((registry / "papers").rglob("*.yaml"))
    changed = papers[:: max(1, len(papers) // 5)][:5]
    before = {p: p.read_text("utf-8") for p in changed}
    try:
        for i, path in enumerate(changed):
            text = before[path]
            path.write_text(_with_new_result(text) if i < 3 else text.replace(
                "\ntitle: \"", "\ntitle: \"Revised: ", 1), "utf-8")
        first = stamps(site)
        page_cache(registry, warm=True)
        ms = reference_ms(sample)
        seconds = pwc("build", "-q", "--registry", str(registry), "--site", str(site),
                      "--leaderboards", str(site / "leaderboards"))
        after = stamps(site)
        rewritten = sum(1 for p, s in after.items() if first.get(p) != s)
        print(f"rebuild after 5 changed papers: {seconds:.1f} s (scaled "
              f"{seconds * ISSUE_MS / ms:.1f} s); {rewritten} of {len(after)} files "
              f"written, {len(first.keys() - after.keys())} deleted", flush=True)
    finally:
        for path, text in before.items():
            path.write_text(text, "utf-8")


def once(registry: Path, out: Path) -> None:
    """One `pwc build` from scratch: its wall time, its CPU time (it and its workers: on a
    loaded machine the fairer figure) and its peak memory (summed PSS)."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, peak, done = measured(
        [sys.executable, "-m", "pwc_registry", "build", "-q", "--registry", str(registry),
         "--site", str(out / "site"), "--leaderboards", str(out / "site" / "leaderboards")])
    stdout, stderr = done.stdout, done.stderr
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    files = sum(len(names) for _, _, names in os.walk(out))
    print(f"pwc build: {seconds:.1f} s, {cpu:.1f} s CPU, peak {peak:.0f} MiB PSS, {files} files, "
          f"exit "
          f"{done.returncode}\n{stdout.strip().splitlines()[-1] if stdout.strip() else ''}"
          f"\n{stderr.strip()}", flush=True)
    shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/publish-bench"))
    parser.add_argument("--once", action="store_true",
                        help="time one `pwc build` and its peak memory, nothing else")
    args = parser.parse_args()
    if args.once:
        once(args.registry.resolve(), args.out)
        return
    registry, out = args.registry.resolve(), args.out
    sample = sample_of(registry, 2000)
    three, one = [], []
    try:
        for run in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            page_cache(registry, warm=True)
            ms = reference_ms(sample)
            seconds = (pwc("validate", "-q", "--registry", str(registry))
                       + pwc("site", "build", "--registry", str(registry), "--out",
                             str(out / "three")) +
                       pwc("leaderboards", "build", "--registry", str(registry), "--out",
                           str(out / "three" / "leaderboards")))
            three.append((seconds, seconds * ISSUE_MS / ms))
            page_cache(registry, warm=True)
            ms = reference_ms(sample)
            seconds = pwc("build", "-q", "--registry", str(registry), "--site",
                          str(out / "one"), "--leaderboards", str(out / "one" / "leaderboards"))
            one.append((seconds, seconds * ISSUE_MS / ms))
            print(f"run {run + 1}: three commands {three[-1][0]:.1f} s (scaled "
                  f"{three[-1][1]:.1f} s), pwc build {one[-1][0]:.1f} s (scaled "
                  f"{one[-1][1]:.1f} s)", flush=True)
            if run == 0:  # the rebuild's figure first: the runs after take long
                rebuild(registry, out / "one", sample)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if three:
        print(f"median of {len(three)}: three commands "
              f"{statistics.median(t for t, _ in three):.1f} s (scaled "
              f"{statistics.median(s for _, s in three):.1f} s); pwc build "
              f"{statistics.median(t for t, _ in one):.1f} s (scaled "
              f"{statistics.median(s for _, s in one):.1f} s)")


if __name__ == "__main__":
    main()
