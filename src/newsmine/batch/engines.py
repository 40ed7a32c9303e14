"""Engines run `process_input` over many InputJobs and yield each InputOutcome as it finishes.

- local: this machine's processes, via newsmine.parallel.ordered_map (bounded in-flight work).
- dask: a dask.distributed cluster (an existing one via its scheduler address, or a LocalCluster),
  fed batches of inputs through a bounded window of futures, so memory stays flat however
  many inputs there are.

Both run the very same function, which writes each input's part files itself, so the results
are identical; only the order in which outcomes arrive differs.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterable, Iterator
from itertools import islice

from newsmine.batch.pipeline import InputJob, InputOutcome, PipelineSettings, init_worker, process_inputs, process_job
from newsmine.parallel import ordered_map, resolve_jobs

ENGINES = ("local", "dask")
# A dask task costs the scheduler about a millisecond: send inputs in small batches, and keep a
# few batches per worker thread in flight (a crash loses at most those).
DASK_FILES_PER_TASK = 8
DASK_TASKS_IN_FLIGHT_PER_THREAD = 2


class EngineUnavailable(Exception):
    """The chosen engine cannot run here (dask not installed, scheduler unreachable)."""


def check_dask() -> None:
    """Raise EngineUnavailable unless dask.distributed can be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise EngineUnavailable("the dask engine needs the optional dask extra: pip install 'newsmine[dask]'") from None


def run_local(jobs: Iterable[InputJob], settings: PipelineSettings, workers: int) -> Iterator[InputOutcome]:
    """Outcomes in input order, from `workers` processes (1: in this process)."""
    return ordered_map(process_job, jobs, workers, chunk_size=8, initializer=init_worker, initargs=(settings,))


def run_dask(
    jobs: Iterable[InputJob], settings: PipelineSettings, workers: int, scheduler: str | None
) -> Iterator[InputOutcome]:
    """Outcomes in completion order, from a dask.distributed cluster.

    `scheduler`: address of a running scheduler (tcp://host:8786); None starts a LocalCluster of
    `workers` single-threaded worker processes for the duration of the run.
    """
    check_dask()
    from distributed import Client, LocalCluster, as_completed

    with contextlib.ExitStack() as stack:
        try:
            if scheduler is None:
                # Worker processes inherit an ignored Ctrl-C: the run stops them, not the terminal.
                with _sigint_ignored():
                    cluster = LocalCluster(
                        n_workers=resolve_jobs(workers),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                stack.enter_context(cluster)
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(Client(scheduler, timeout="20s"))
        except OSError as exc:
            raise EngineUnavailable(f"cannot reach the dask scheduler {scheduler}: {exc}") from None
        threads = sum(client.nthreads().values()) or 1
        batches = _batched(jobs, DASK_FILES_PER_TASK)
        batch_of = {}
        running = as_completed()

        def submit_next() -> None:
            for batch in batches:
                future = client.submit(process_inputs, batch, settings, pure=False)
                batch_of[future.key] = batch
                running.add(future)
                return

        for _ in range(threads * DASK_TASKS_IN_FLIGHT_PER_THREAD):
            submit_next()
        for future in running:
            batch = batch_of.pop(future.key)
            try:
                outcomes = future.result()
            except Exception as exc:  # the worker died or the task was lost: these inputs failed
                reason = f"dask task failed: {type(exc).__name__}: {exc}"
                outcomes = [InputOutcome(job.source, "failed", reason=reason) for job in batch]
            future.release()
            submit_next()
            yield from outcomes


def _batched(items: Iterable[InputJob], size: int) -> Iterator[list[InputJob]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
