"""How fast this machine is, in the issue's own terms: the foundation issue measured PyYAML's C
loader plus the pure ``jsonschema`` package, one process, at ~0.64 ms a file of a synthetic
registry of ~60,000 files (papers and entities). This times the same work on a sample of all the
files of the registry `run.py` generated, so that the figures in the README can be read against
the issue's targets; `run.py` times it before each run it scales."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from pwc_registry import layout
from pwc_registry.schema import schema

#: The issue's figure for this work on the machine its targets were set on, ms a paper file.
ISSUE_MS = 0.64


def sample_of(registry: Path, size: int) -> list[tuple[Path, str]]:
    """Files with their kinds, every kind in its share of the registry: the issue's figure is
    for "a file" of a registry of papers and entities."""
    files = [(path, layout.kind_of(path.relative_to(registry).parts) or layout.PAPER)
             for path in sorted(registry.rglob("*.yaml"))]
    return random.Random(3).sample(files, min(size, len(files)))


def reference_ms(sample: list[tuple[Path, str]]) -> float:
    """Milliseconds a file for the issue's reference work on ``sample``, one process: PyYAML's
    C loader, then the pure ``jsonschema`` validator of the file's kind."""
    validators = {kind: Draft202012Validator(schema(kind)) for kind in {k for _, k in sample}}
    start = time.perf_counter()
    for path, kind in sample:
        validators[kind].validate(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader))
    return (time.perf_counter() - start) / len(sample) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path,
                        default=Path(__file__).parent / "out" / "registry-50000" / "registry")
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sample = sample_of(args.registry, args.sample)
    times = [reference_ms(sample) for _ in range(args.runs)]
    print(f"PyYAML C loader + jsonschema, one process: {statistics.median(times):.2f} ms a file "
          f"(median of {args.runs}: {', '.join(f'{t:.2f}' for t in times)}); the issue: ~{ISSUE_MS}")


if __name__ == "__main__":
    main()
