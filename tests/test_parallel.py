"""Work split over forked workers: the same answers as one process, in order; with ``run``, each
run of items in a process of its own (what bounds the memory a long build's workers copy)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from pwc_registry.parallel import fork_map, shared


def _square_with_pid(items: Sequence[int]) -> list[tuple[int, int, int]]:
    offset: int = shared()
    return [(i, i * i + offset, os.getpid()) for i in items]


def _flat(parts: list[list[tuple[int, int, int]]]) -> list[tuple[int, int, int]]:
    return [row for part in parts for row in part]


def test_runs_are_consecutive_each_in_a_fresh_process_and_in_order() -> None:
    items = list(range(23))
    parts = fork_map(_square_with_pid, items, jobs=2, threshold=2, share=5, run=4)
    assert [[i for i, _, _ in part] for part in parts] == [
        items[i:i + 4] for i in range(0, 23, 4)]
    rows = _flat(parts)
    assert [(i, v) for i, v, _ in rows] == [(i, i * i + 5) for i in items]
    pids = [{pid for _, _, pid in part} for part in parts]
    assert all(len(p) == 1 for p in pids)  # a run is not split between processes
    assert len(set().union(*pids)) == len(parts)  # and no process serves two runs
    assert os.getpid() not in set().union(*pids)


def test_without_run_a_few_long_lived_workers_do_everything() -> None:
    items = list(range(40))
    rows = _flat(fork_map(_square_with_pid, items, jobs=2, threshold=2, share=0))
    assert sorted((i, v) for i, v, _ in rows) == [(i, i * i) for i in items]
    assert len({pid for _, _, pid in rows}) <= 2


def test_below_the_threshold_the_work_is_done_here() -> None:
    rows = _flat(fork_map(_square_with_pid, [1, 2, 3], jobs=2, threshold=10, share=1, run=1))
    assert rows == [(1, 2, os.getpid()), (2, 5, os.getpid()), (3, 10, os.getpid())]


def _die(items: Sequence[int]) -> list[int]:
    if 3 in items:
        os._exit(1)  # as the kernel's out-of-memory killer ends a worker
    return list(items)


def test_a_worker_that_dies_fails_the_work_instead_of_hanging_it() -> None:
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        fork_map(_die, list(range(8)), jobs=2, threshold=2, run=2)


def _fail(items: Sequence[int]) -> None:
    raise ValueError(f"cannot take {list(items)}")


def test_work_forked_aside_shares_the_state_at_the_call_and_reports_errors() -> None:
    """``fork_aside``: one process forked at the call, while the caller goes on (the export's
    slowest format); it sees what was shared then, and its error reaches the caller."""
    from pwc_registry.parallel import fork_aside

    aside = fork_aside(_square_with_pid, [3, 4], share=10)
    assert shared() is None  # the caller's own work is not given the worker's state
    rows = aside.result(timeout=60)
    assert [(i, v) for i, v, _ in rows] == [(3, 19), (4, 26)]
    assert {pid for _, _, pid in rows} != {os.getpid()}
    with pytest.raises(ValueError, match=r"cannot take \[1\]"):
        fork_aside(_fail, [1]).result(timeout=60)
