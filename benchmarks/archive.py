"""Time `pwc import pwc-archive` on synthetic dumps at the archive's scale, and its peak memory.

The dumps have the archive's format and proportions: 576,000 papers with abstracts (~1 KB
each), 300,000 code links, 300,000 results over ~10,000 task × dataset tables, 2,000 methods
and 5,000 datasets, gzipped as the archive ships them. A tenth of the values are strings such
as ``"76.5%"`` or ``"-"``; a few rows name no paper.

    python benchmarks/archive.py [--papers 576000] [--runs 3] [--out benchmarks/out]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

WORDS = [
    "neural", "learning", "deep", "graph", "attention", "transformer", "robust", "efficient",
    "sparse", "language", "vision", "model", "network", "adversarial", "contrastive", "self",
    "supervised", "generative", "diffusion", "retrieval", "reasoning", "benchmark", "scalable",
    "semantic", "temporal", "causal", "multimodal"
]


def _title(rng: random.Random, i: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize() + f" {i}"


def generate(out: Path, papers: int, links: int, results: int, seed: int = 7) -> dict[str, Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    titles = [_title(rng, i) for i in range(papers)]
    arxiv = [f"{rng.randint(15, 25):02d}{rng.randint(1, 12):02d}.{i % 100000:05d}"
             for i in range(papers)]

    def write(name: str, records: Any) -> Path:
        path = out / f"{name}.json.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
            f.write("[")
            for n, record in enumerate(records):
                f.write(("," if n else "") + json.dumps(record))
            f.write("]")
        return path

    def paper_records() -> Any:
        for i in range(papers):
            yield {"paper_url": f"https://paperswithcode.com/paper/p{i}",
                   "arxiv_id": arxiv[i], "title": titles[i],
                   "abstract": " ".join(rng.choice(WORDS) for _ in range(140)),
                   "url_abs": f"https://arxiv.org/abs/{arxiv[i]}v1",
                   "url_pdf": f"https://arxiv.org/pdf/{arxiv[i]}v1.pdf", "proceeding": None,
                   "authors": [f"Author {rng.randint(1, 90000)}" for _ in range(rng.randint(1, 6))],
                   "tasks": [f"Task {rng.randint(1, 3000)}"], "date": f"20{rng.randint(15, 24)}-0"
                   f"{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "methods": [
                       {"name": f"Method {rng.randint(1, 2000)}", "full_name": "A method"}]}

    def link_records() -> Any:
        for n in range(links):
            i = rng.randrange(papers)
            yield {"paper_url": f"https://paperswithcode.com/paper/p{i}", "paper_title": titles[i],
                   "paper_arxiv_id": arxiv[i], "repo_url": f"https://github.com/o{n}/r{n}",
                   "is_official": n % 3 == 0, "mentioned_in_paper": False,
                   "mentioned_in_github": True, "framework": rng.choice(["pytorch", "tf", "none"])}

    def value() -> Any:
        x = round(rng.uniform(10, 99), 2)
        r = rng.random()
        return x if r < 0.85 else f"{x}%" if r < 0.93 else f"**{x}**" if r < 0.98 else "-"

    tables: list[dict[str, Any]] = []
    per_table = max(1, results // 10_000)
    made = 0
    for t in range(1000):
        datasets = []
        for d in range(10):
            rows: list[dict[str, Any]] = []
            for _ in range(per_table):
                if made >= results:
                    break
                i = rng.randrange(papers)
                made += 1
                rows.append({"model_name": f"Model {made}", "paper_title": titles[i]
                             if made % 500 else "", "paper_url":
                             f"https://arxiv.org/abs/{arxiv[i]}v1", "paper_date": None,
                             "code_links": [], "model_links": [], "uses_additional_data": False,
                             "metrics": {"Accuracy": value(), "Top-1 Error": value()}})
            datasets.append({"dataset": f"Dataset {t}-{d}", "description": "", "dataset_links": [],
                             "dataset_citations": [], "subdatasets": [],
                             "sota": {"metrics": ["Accuracy", "Top-1 Error"], "rows": rows}})
        tables.append({"task": f"Task {t}", "description": "", "categories": ["Computer Vision"],
                       "datasets": datasets, "subtasks": [], "synonyms": [], "source_link": None})
    return {
        "evaluation-tables": write("evaluation-tables", tables),
        "papers": write("papers-with-abstracts", paper_records()),
        "links": write("links-between-papers-and-code", link_records()),
        "methods": write("methods", ({"url": f"https://paperswithcode.com/method/m{i}",
                                      "name": f"Method {i}", "full_name": "A method",
                                      "description": "", "collections": []}
                                     for i in range(1, 2001))),
        "datasets": write("datasets", ({"url": f"https://paperswithcode.com/dataset/d{i}",
                                        "name": f"Dataset {i // 10}-{i % 10}",
                                        "modalities": ["Images"]} for i in range(5000))),
    }


#: Hugging Face's pwc-archive: a dataset per dump ("paper" singular for the code links) and
#: its number of shards there.
HF_DATASETS = {"evaluation-tables": ("evaluation-tables", 4),
               "papers-with-abstracts": ("papers-with-abstracts", 4),
               "links-between-papers-and-code": ("links-between-paper-and-code", 1),
               "methods": ("methods", 1), "datasets": ("datasets", 1)}
ROW_GROUP = 1000  # rows per row group, as ``datasets`` writes them


def _as_text(value: Any, key: str = "") -> Any:
    """A metric value as text: a Parquet column has one type, and the archive's are text."""
    if isinstance(value, dict):
        if key == "metrics":
            return {k: v if isinstance(v, str) or v is None else json.dumps(v)
                    for k, v in value.items()}
        return {k: _as_text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return value


def to_parquet(dumps: dict[str, Path], out: Path) -> Path:
    """The JSON dumps as Hugging Face has them (setup, not timed): a folder per dataset, its
    records in ``data/train-0000i-of-0000n.parquet``, row groups of 1,000 rows, the schema
    pyarrow infers from all records (a JSON object is a struct of every key any record has).
    Streamed twice: once to infer the schema, once to write."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pwc_registry.archive.dumps import records

    def batches(path: Path, size: int = ROW_GROUP) -> Any:
        batch: list[Any] = []
        for _, record in records(path, print):
            batch.append(_as_text(record))
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    for dump, path in dumps.items():
        name, shards = HF_DATASETS[dump]
        data = out / name / "data"
        data.mkdir(parents=True, exist_ok=True)
        count, schemas = 0, []
        for batch in batches(path):
            count += len(batch)
            schemas.append(pa.Table.from_pylist(batch).schema)
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        per_shard = -(-count // shards)
        writer, shard, written = None, -1, 0
        for batch in batches(path, min(ROW_GROUP, per_shard)):
            if written // per_shard != shard:
                if writer is not None:
                    writer.close()
                shard = written // per_shard
                writer = pq.ParquetWriter(data / f"part-{shard:05d}", schema)
            assert writer is not None
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            written += len(batch)
        if writer is not None:
            writer.close()
        for n in range(shard + 1):  # named once their number is known
            (data / f"part-{n:05d}").rename(data / f"train-{n:05d}-of-{shard + 1:05d}.parquet")
    return out


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in rollup.splitlines()
                 if line.startswith("Pss:")), 0)


def tree_pss_mib(pid: int) -> float:
    """Proportional set size of a process and its descendants, summed: a page a forked worker
    shares with its parent counts once, split between them (summed resident memory would count
    it in each, overstating the footprint of a build that forks page workers)."""
    return sum(_pss_kib(p) for p in _tree(pid)) / 1024


def measured(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run ``command``: its wall time, the peak of :func:`tree_pss_mib` (sampled every 0.5 s)
    and what it printed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_pss_mib(process.pid))
        time.sleep(0.5)
    stdout, stderr = process.communicate()
    return (time.perf_counter() - start, peak,
            subprocess.CompletedProcess(command, process.returncode, stdout, stderr))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=576_000)
    parser.add_argument("--links", type=int, default=300_000)
    parser.add_argument("--results", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--format", choices=["json", "parquet"], default="json",
                        help="import the gzipped JSON dumps, or the same records as Parquet in "
                        "Hugging Face's layout (converted once, untimed)")
    args = parser.parse_args()

    dumps_dir = args.out / f"archive-{args.papers}"
    names = ["evaluation-tables", "papers-with-abstracts", "links-between-papers-and-code",
             "methods", "datasets"]
    if not all((dumps_dir / f"{n}.json.gz").exists() for n in names):
        print(f"generating dumps in {dumps_dir} ...", file=sys.stderr)
        generate(dumps_dir, args.papers, args.links, args.results)
    dumps = [str(dumps_dir / f"{n}.json.gz") for n in names]
    if args.format == "parquet":
        hub = dumps_dir / "pwc-archive"
        if not (hub / "datasets" / "data").is_dir():
            print(f"converting the dumps to Parquet in {hub} ...", file=sys.stderr)
            shutil.rmtree(hub, ignore_errors=True)
            to_parquet({n: dumps_dir / f"{n}.json.gz" for n in names}, hub)
        dumps = [str(hub)]
    times, peaks, last = [], [], ""
    for run in range(args.runs):
        target = args.out / "archive-registry"
        shutil.rmtree(target, ignore_errors=True)
        (target / "registry").mkdir(parents=True)
        seconds, peak, done = measured(
            [sys.executable, "-m", "pwc_registry", "import", "pwc-archive", *dumps,
             "--registry", str(target / "registry"), "--report", str(target / "report.md")])
        times.append(seconds)
        if done.returncode not in (0, 1):
            raise SystemExit(f"import failed: {done.stderr}")
        peaks.append(peak)
        last = done.stdout.strip().splitlines()[0]
        print(f"run {run + 1}: {times[-1]:.1f} s, peak {peak:.0f} MiB", file=sys.stderr)
    result = {
        "format": args.format,
        "papers": args.papers,
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
                   f"Python {platform.python_version()}",
        "import_seconds_median": round(statistics.median(times), 1),
        "import_seconds": [round(t, 1) for t in times],
        "peak_memory_mib_median": round(statistics.median(peaks)),
        "summary": last,
    }
    suffix = "" if args.format == "json" else f"-{args.format}"
    (args.out / f"archive-results{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
