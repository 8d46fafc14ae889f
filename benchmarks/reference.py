"""How fast this machine is, in the issue's own terms: the foundation issue measured PyYAML's C
loader plus the pure ``jsonschema`` package, one process, at ~0.64 ms a paper file of the
synthetic registry. This times the same work on a sample of the registry `run.py` generated,
so that the figures in the README can be read against the issue's targets."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from pwc_registry.schema import schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path,
                        default=Path(__file__).parent / "out" / "registry-50000" / "registry")
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = sorted((args.registry / "papers").rglob("*.yaml"))
    sample = random.Random(3).sample(files, min(args.sample, len(files)))
    validator = Draft202012Validator(schema("paper"))
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for path in sample:
            validator.validate(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader))
        times.append((time.perf_counter() - start) / len(sample) * 1000)
    print(f"PyYAML C loader + jsonschema, one process: {statistics.median(times):.2f} ms a file "
          f"(median of {args.runs}: {', '.join(f'{t:.2f}' for t in times)}); the issue: ~0.64")


if __name__ == "__main__":
    main()
