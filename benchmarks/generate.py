"""Write a synthetic registry of N papers, deterministic for a given seed.

    python benchmarks/generate.py OUT [--papers 50000] [--seed 1]

About 3.5 results a paper, abstracts of ~150 words, and thousands of tasks, datasets and metrics,
written in the same style as the shipped registry. Every file is valid, so a validation run
measures the clean path that almost every real run takes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from pwc_registry.layout import relative_path

WORDS = [
    "model", "learning", "neural", "network", "training", "data", "language", "image", "graph",
    "transformer", "attention", "representation", "task", "benchmark", "results",
    "performance", "method", "approach", "propose", "novel", "robust", "efficient", "large",
    "scale", "pre-trained", "fine-tuning", "evaluation", "state", "art", "accuracy",
    "improvement", "features", "semantic", "visual", "generation", "detection", "segmentation",
    "classification", "reinforcement", "policy", "agent", "reward", "contrastive",
    "self-supervised", "supervised", "dataset", "experiments", "show", "that", "significantly",
    "outperforms", "baseline", "previous", "methods", "across", "multiple", "domains", "we",
]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def slug(text: str) -> str:
    return "-".join(text.lower().split())


def write(root: Path, kind: str, record_id: str, text: str) -> None:
    path = root / relative_path(kind, record_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(root: Path, papers: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    # Not "area-<n>": an area id ending in a number is reserved for its paged leaderboards (I010).
    areas = [f"area-{letter}" for letter in "abcdefghijklmnop"]
    for a in areas:
        write(root, "area", a, f"id: {a}\nname: Area {a[5:]}\n")
    n_tasks, n_datasets, n_metrics = max(30, papers // 16), max(40, papers // 12), max(20, papers // 33)
    tasks = [f"task-{i}-{slug(words(rng, 2))}" for i in range(n_tasks)]
    for i, t in enumerate(tasks):
        parent = f"parent: {tasks[rng.randrange(20)]}\n" if i > 20 and rng.random() < 0.3 else ""
        write(root, "task", t, f"id: {t}\nname: Task {i} {t.split('-', 2)[2].title()}\n"
              f"description: {words(rng, 20)}\n{parent}area: {rng.choice(areas)}\n"
              f"aliases:\n  - Task Alias {i}\n")
    datasets = [f"dataset-{i}" for i in range(n_datasets)]
    for i, d in enumerate(datasets):
        write(root, "dataset", d, f"id: {d}\nname: Dataset {i}\nfull_name: The {words(rng, 3)} "
              f"dataset {i}\nhomepage: https://example.org/datasets/{i}\nmodalities:\n  - texts\n"
              f"languages:\n  - English\nlicense: CC-BY-4.0\n")
    metrics = [f"metric-{i}" for i in range(n_metrics)]
    for i, m in enumerate(metrics):
        percent = i % 3 != 2
        extra = "unit: percent\nrange:\n  min: 0\n  max: 100\n" if percent else ""
        write(root, "metric", m, f"id: {m}\nname: Metric {i}\ndirection: "
              f"{'higher' if i % 4 else 'lower'}\n{extra}aliases:\n  - M{i}\n")
    # Each task is evaluated on a few datasets, and a few tasks are very popular: 50,000 papers
    # make ~8,000 leaderboards, as in the archive.
    task_datasets = {t: rng.sample(datasets, rng.randint(1, 4)) for t in tasks}
    dataset_metrics = {d: rng.sample(metrics, rng.randint(1, 4)) for d in datasets}
    popularity = [1 / (i + 1) ** 0.6 for i in range(len(tasks))]
    for i in range(papers):
        pid = f"paper-{i}-{slug(words(rng, 4))}"
        lines = [
            f"id: {pid}",
            f'title: "Paper {i}: {words(rng, 8).capitalize()}"',
            "authors:", *(f"  - Author {rng.randrange(100000)}" for _ in range(rng.randint(1, 6))),
            f'date: "{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"',
            "identifiers:", f'  arxiv: "{1000 + i // 90000:04d}.{i % 90000 + 10000:05d}"',
            "abstract: >-",
            *(f"  {words(rng, 14)}" for _ in range(11)),
            "links:", f"  abstract: https://arxiv.org/abs/{i}", f"  pdf: https://arxiv.org/pdf/{i}",
            "code:", f"  - url: https://github.com/example/repo-{i}", "    official: true",
            "    framework: pytorch",
        ]
        chosen_tasks = list(dict.fromkeys(rng.choices(tasks, popularity, k=2)))
        lines += ["tasks:", *(f"  - {t}" for t in chosen_tasks), "results:"]
        for r in range(rng.choice((1, 2, 3, 3, 4, 4, 5, 6))):
            task = rng.choice(chosen_tasks)
            dataset = rng.choice(task_datasets[task])
            lines += [f"  - task: {task}", f"    dataset: {dataset}",
                      f"    model: Model {r} of paper {i}", "    metrics:"]
            used = dataset_metrics[dataset]
            for m in sorted(rng.sample(used, rng.randint(1, len(used)))):
                value = round(rng.uniform(1.5, 99), 2)
                lines.append(f"      {m}: {value}")
            lines += [f"    extra_training_data: {'true' if rng.random() < 0.1 else 'false'}",
                      "    source:", "      kind: own", f"      location: Table {rng.randint(1, 9)}"]
        write(root, "paper", pid, "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out / "registry", args.papers, args.seed)


if __name__ == "__main__":
    main()
