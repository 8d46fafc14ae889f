"""Work split over forked worker processes.

Workers are forked so that they share what the parent has built — a vocabulary, a loaded
registry — instead of receiving it pickled. The caller hands that state over as ``shared``;
a worker function reads it with :func:`shared`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_SHARED: Any = None


def shared() -> Any:
    """What the current :func:`fork_map` call shares with its workers."""
    return _SHARED


def fork_map(function: Callable[[Sequence[T]], R], items: Sequence[T], *, jobs: int | None,
             threshold: int, share: Any = None, chunks_per_job: int = 4,
             run: int | None = None) -> list[R]:
    """``function`` applied to chunks of ``items``: in ``jobs`` forked processes, or here when
    one job is asked for, there are fewer than ``threshold`` items, or the system cannot fork.

    With ``run``, the chunks are consecutive runs of at most ``run`` items, each in a process
    forked for it alone. A long-lived worker ends up with a private copy of every page of the
    parent's memory it touched (reference counts are written on each read object), which at
    the archive's scale is gigabytes; a fresh one gives its copies back when its run is done."""
    return list(fork_imap(function, items, jobs=jobs, threshold=threshold, share=share,
                          chunks_per_job=chunks_per_job, run=run))


def fork_imap(function: Callable[[Sequence[T]], R], items: Sequence[T], *, jobs: int | None,
              threshold: int, share: Any = None, chunks_per_job: int = 8,
              run: int | None = None) -> Iterator[R]:
    """:func:`fork_map`, each chunk's result handed over as soon as it and those before it are
    done, so that the caller's work on them overlaps the workers'."""
    global _SHARED
    jobs = jobs or os.cpu_count() or 1
    _SHARED = share
    try:
        if jobs == 1 or len(items) < threshold or \
                "fork" not in multiprocessing.get_all_start_methods():
            yield _without_gc(function, items)
            return
        from concurrent.futures import ProcessPoolExecutor  # ~30 ms to import: only when used

        if run is not None:
            runs = [items[i:i + run] for i in range(0, len(items), run)]
            # ``jobs`` threads, each forking one worker for one run at a time (the parent keeps
            # what it shares until the last run is forked). Not multiprocessing.Pool's
            # maxtasksperchild: a worker killed there (out of memory) hangs the pool for ever,
            # where an executor's fails the build.
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(jobs) as threads:
                yield from threads.map(functools.partial(_alone, function), runs)
            return

        n = jobs * chunks_per_job
        chunks = [items[i::n] for i in range(n)]
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = pool.map(functools.partial(_without_gc, function), chunks)
            _SHARED = None  # the workers are forked (pool.map submits every chunk): they have it
            yield from results
    finally:
        _SHARED = None


def fork_aside(function: Callable[[Sequence[T]], R], items: Sequence[T], *,
               share: Any = None) -> Future[R]:
    """``function(items)`` in a process forked for it now, while the caller goes on: its result
    (or its error) comes from the future. The worker is forked before this returns, so it
    shares the caller's state as it is at this call. Where the system cannot fork, the work is
    done here and the future returned done."""
    global _SHARED
    if "fork" not in multiprocessing.get_all_start_methods():
        done: Future[R] = Future()
        _SHARED = share
        try:
            done.set_result(_without_gc(function, items))
        finally:
            _SHARED = None
        return done
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    _SHARED = share
    try:
        # A fork context starts its worker within submit(), in this thread.
        future = pool.submit(_without_gc, function, items)
    finally:
        _SHARED = None
    pool.shutdown(wait=False)  # the worker ends after its one task
    return future


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while. Loading and checking a registry makes
    hundreds of thousands of small objects that live long and hold no cycles: the collector
    would only scan them again and again (in a full validation's parent, ~0.4 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _alone(function: Callable[[Sequence[T]], R], chunk: Sequence[T]) -> R:
    """``function(chunk)`` in a process forked for it alone."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as one:
        return one.submit(_without_gc, function, chunk).result()


def _without_gc(function: Callable[[Sequence[T]], R], chunk: Sequence[T]) -> R:
    with gc_paused():
        return function(chunk)
