"""`pwc build` with each phase timed: wall time, CPU time (the process and its workers) and the
peak of the summed proportional set size (PSS) of the process tree, sampled each second, per
phase: validate, the registry from the validation's records, compiling the leaderboards, the
Downloads, the boards' dates from git, pages and API files, the search index, the feeds and
API lists, the leaderboard snapshot.

    python benchmarks/phases.py REGISTRY OUT
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from archive import tree_pss_mib
from pwc_registry import publish, snapshot
from pwc_registry.site import build as site_build


def _cpu() -> float:
    own, workers = (resource.getrusage(resource.RUSAGE_SELF),
                    resource.getrusage(resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


class Phases:
    def __init__(self) -> None:
        self.start = self.mark = time.perf_counter()
        self.cpu = _cpu()
        self.name = "validate"
        self.peak = 0.0
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            # Measured before the peak is read: a phase's start resets it meanwhile.
            pss = tree_pss_mib(os.getpid())
            self.peak = max(self.peak, pss)
            time.sleep(1)

    def switch(self, name: str) -> None:
        now, cpu = time.perf_counter(), _cpu()
        print(f"{self.name:>12}: {now - self.mark:8.1f} s wall {cpu - self.cpu:8.1f} s CPU "
              f"peak {self.peak:8.0f} MiB (at {now - self.start:7.1f} s)", flush=True)
        self.name, self.peak, self.mark, self.cpu = name, 0.0, now, cpu

    def wrap(self, module: ModuleType, attr: str, before: str, after: str | None = None
             ) -> None:
        function: Callable[..., Any] = getattr(module, attr)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.switch(before)
            try:
                return function(*args, **kwargs)
            finally:
                if after:
                    self.switch(after)

        setattr(module, attr, wrapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registry", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    phases = Phases()
    phases.wrap(publish, "registry_from_records", "registry")
    phases.wrap(site_build, "prepare", "compile")
    phases.wrap(site_build, "_write_downloads", "downloads", "git dates")
    phases.wrap(site_build, "page_keys", "pages")
    phases.wrap(site_build, "_write_search", "search", "feeds, API")
    phases.wrap(snapshot, "build", "snapshot")
    outcome = publish.build(args.registry, site=args.out / "site",
                            leaderboards=args.out / "leaderboards")
    phases.switch("end")
    print(f"total {time.perf_counter() - phases.start:.1f} s; {outcome.site}")
    sys.exit(0 if outcome.site is not None else 1)


if __name__ == "__main__":
    main()
