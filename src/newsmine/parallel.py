"""Order-preserving parallel map over a stream, with bounded memory.

Used by every command's `--jobs N`: items are sent to N worker processes in chunks, results come
back in input order, and at most a few chunks per worker are in flight, so memory stays flat
however long the input is (unlike Pool.imap, which drains its input eagerly).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_IN_FLIGHT_PER_WORKER = 4


def resolve_jobs(jobs: int) -> int:
    """`--jobs` as a worker count: 0 means every core, negatives are treated as 1."""
    if jobs == 0:
        return os.cpu_count() or 1
    return max(jobs, 1)


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _apply_to_chunk(func: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [func(item) for item in chunk]


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    jobs: int = 1,
    chunk_size: int = 1,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> Iterator[R]:
    """Yield `func(item)` for each item, in input order, using `jobs` worker processes.

    `func` and `initializer` must be picklable (module-level functions). `initializer` runs once
    per worker (or once in this process when jobs is 1) to load heavy state such as dictionaries.
    """
    workers = resolve_jobs(jobs)
    if workers == 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(func, items)
        return
    import multiprocessing  # here: single-process runs (and start-up) do without it
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)
    pending: deque = deque()
    try:
        for chunk in _batched(items, chunk_size):
            pending.append(pool.submit(_apply_to_chunk, func, chunk))
            if len(pending) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        # Wait even when abandoning the stream (closed pipe, Ctrl-C): queued chunks are
        # cancelled, so only the few running ones finish. Not waiting races Python 3.11's
        # exit hook against the pool's closing wake-up pipe ("OSError: Bad file descriptor").
        pool.shutdown(wait=True, cancel_futures=True)
