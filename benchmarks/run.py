"""Time `pwc` on a synthetic registry: a full validation, `--changed-since` with five changed
papers, a full leaderboard build, `pwc export results` in each format and in all four, and
`pwc diff` between commits five papers apart. Prints
medians as a Markdown table and writes them to OUT/results.json.

Each run starts with the registry's files in the page cache, as a checkout leaves them (git's
own files are left as they are); the full validation is also timed with them dropped from it.

    python benchmarks/run.py [--papers 50000] [--runs 5] [--out benchmarks/out]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from generate import generate
from reference import ISSUE_MS, reference_ms, sample_of


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def page_cache(folder: Path, *, warm: bool) -> None:
    """Read every file under ``folder`` (as a checkout leaves them: in the page cache), or ask
    the kernel to drop them from it (as files not read for a while; on the machine measured
    here the kernel's DAMON reclaim drops page cache that goes unused for about a minute)."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                if warm:
                    while os.read(fd, 1 << 16):
                        pass
                else:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def timed(args: list[str], cwd: Path, runs: int, *, cache: bool | None = True
          ) -> tuple[float, list[float], str]:
    """Median time of ``pwc args`` in ``cwd``; the registry's files in the page cache before
    each run (``cache=True``), dropped from it (``False``), or left as they are (``None``)."""
    times = []
    last = ""
    for _ in range(runs):
        if cache is not None:
            page_cache(cwd / "registry", warm=cache)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pwc_registry", *args], cwd=cwd,
                              capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"pwc failed: {done.stderr}")
        last = done.stdout.strip().splitlines()[-1]
    return statistics.median(times), times, last


def on_issue_machine(args: list[str], cwd: Path, runs: int, sample: list[tuple[Path, str]]
                     ) -> tuple[float, list[float]]:
    """``timed``, each run scaled by the issue's reference work timed right before it (this
    machine's speed drifts by 1.5x within minutes): what the run would take on the machine the
    issue's targets were set on. An estimate, best for work bound by the processor."""
    runs_scaled = []
    for _ in range(runs):
        ms = reference_ms(sample)
        seconds, _, _ = timed(args, cwd, 1)
        runs_scaled.append(seconds * ISSUE_MS / ms)
    return statistics.median(runs_scaled), runs_scaled


#: `pwc export results --format F` for each format, and with none (all four in one run).
EXPORT_FORMATS = ("parquet", "jsonl", "csv", "sqlite", "all")


def _with_new_result(text: str) -> str:
    """The paper's text with a copy of its first result under a new model name appended (the
    generator writes ``results`` last)."""
    head, results = text.split("\nresults:\n", 1)
    first = "  - task:" + results.split("  - task:")[1]
    copy = first.replace("    model: ", "    model: New ", 1)
    return f"{head}\nresults:\n{results.rstrip(chr(10))}\n{copy.rstrip(chr(10))}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()

    root = args.out / f"registry-{args.papers}"
    if not (root / ".git").is_dir():
        print(f"generating {args.papers} papers in {root} ...", flush=True)
        generate(root / "registry", args.papers)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "synthetic registry")
    files = sum(1 for _ in (root / "registry").rglob("*.yaml"))

    full, full_runs, full_summary = timed(["validate"], root, args.runs)
    sample = sample_of(root / "registry", 1000)
    scaled, scaled_runs = on_issue_machine(["validate"], root, args.runs, sample)
    uncached, uncached_runs, _ = timed(["validate"], root, args.runs, cache=False)
    build, build_runs, build_summary = timed(
        ["leaderboards", "build", "--out", str(args.out / "leaderboards")], root, args.runs)
    exports = {fmt: timed(["export", "results", *(["--format", fmt] if fmt != "all" else []),
                           "--out", str(args.out / "results")], root, args.runs)
               for fmt in EXPORT_FORMATS}

    # What a pull request usually does: five papers each gain a result (a new model on a board
    # the paper is already on). Values changed or results removed would also need a correction.
    papers = sorted((root / "registry" / "papers").rglob("*.yaml"))[:5]
    for p in papers:
        p.write_text(_with_new_result(p.read_text()))
    try:
        changed, changed_runs, changed_summary = timed(
            ["validate", "--changed-since", "HEAD"], root, args.runs)
        git(root, "checkout", "-q", "-b", "five-papers")
        git(root, "commit", "-qam", "five papers changed")
        diff, diff_runs, _ = timed(["diff", "main", "five-papers"], root, args.runs)
        # As in a fresh clone (CI): no index of papers left by a full validation.
        (root / ".git" / "pwc-paper-index").unlink(missing_ok=True)
        cold, cold_runs, _ = timed(["validate", "--changed-since", "main"], root, args.runs)
        cold_scaled, cold_scaled_runs = on_issue_machine(
            ["validate", "--changed-since", "main"], root, args.runs, sample)
        cold_diff, cold_diff_runs, _ = timed(["diff", "main", "five-papers"], root, args.runs)
    finally:
        git(root, "checkout", "-q", "main")
        git(root, "branch", "-q", "-D", "five-papers")

    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "papers": args.papers, "files": files, "runs": args.runs,
        "validate_full_s": round(full, 2), "validate_full_runs": [round(t, 2) for t in full_runs],
        "validate_full_summary": full_summary,
        "validate_full_on_issue_machine_s": round(scaled, 2),
        "validate_full_on_issue_machine_runs": [round(t, 2) for t in scaled_runs],
        "validate_full_uncached_s": round(uncached, 2),
        "validate_full_uncached_runs": [round(t, 2) for t in uncached_runs],
        "changed_since_5_s": round(changed, 2),
        "changed_since_5_runs": [round(t, 2) for t in changed_runs],
        "changed_since_summary": changed_summary,
        "changed_since_5_without_index_s": round(cold, 2),
        "changed_since_5_without_index_runs": [round(t, 2) for t in cold_runs],
        "changed_since_5_without_index_on_issue_machine_s": round(cold_scaled, 2),
        "changed_since_5_without_index_on_issue_machine_runs":
            [round(t, 2) for t in cold_scaled_runs],
        "leaderboards_build_s": round(build, 2),
        "leaderboards_build_runs": [round(t, 2) for t in build_runs],
        "leaderboards_build_summary": build_summary,
        **{f"export_results_{fmt}_s": round(t, 2) for fmt, (t, _, _) in exports.items()},
        **{f"export_results_{fmt}_runs": [round(t, 2) for t in runs]
           for fmt, (_, runs, _) in exports.items()},
        "diff_5_papers_s": round(diff, 2),
        "diff_5_papers_runs": [round(t, 2) for t in diff_runs],
        "diff_5_papers_without_index_s": round(cold_diff, 2),
        "diff_5_papers_without_index_runs": [round(t, 2) for t in cold_diff_runs],
    }
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"| run | median of {args.runs} | target |\n|---|---|---|")
    print(f"| `pwc validate`, {args.papers:,} papers ({files:,} files) | {full:.2f} s | < 6 s |")
    print(f"| the same, scaled to the issue's machine (reference work timed before each run) "
          f"| {scaled:.2f} s | < 6 s |")
    print(f"| the same, files not in the page cache | {uncached:.2f} s | |")
    print(f"| `pwc validate --changed-since`, 5 changed papers | {changed:.2f} s | < 1 s |")
    print(f"| the same without the index of papers (fresh clone) | {cold:.2f} s | |")
    print(f"| the same, scaled to the issue's machine | {cold_scaled:.2f} s | < 1 s |")
    print(f"| `pwc leaderboards build` | {build:.2f} s | < 3 × validate |")
    for fmt, (seconds, _, _) in exports.items():
        print(f"| `pwc export results` ({fmt}) | {seconds:.2f} s | < 2 × validate |")
    print(f"| `pwc diff` of two commits 5 papers apart | {diff:.2f} s | < 2 s |")
    print(f"| the same without the index of papers (fresh clone) | {cold_diff:.2f} s | |")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
