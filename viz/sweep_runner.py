"""A sweep run in the background for the app's sweep page: progress, cancel, rows as they come.

The sweep runs in the sweep engine's results store (:class:`experiments.engine.runner.
ResultsStore`, one run at a time through :func:`experiments.engine.runner.execute`) in a fresh
results folder under the system's temporary folder, so the command line can resume or rerun it.
Only the thread that runs the sweep publishes its progress, each time as a new immutable
:class:`SweepProgress`: the page reads whole snapshots and never a half-updated one.

Cancelling is structural, not a matter of waiting: no more runs are handed to the workers than
there are workers, the sweep's thread looks for a cancel every ``POLL_SECONDS`` while runs are
under way, and on a cancel the workers end their runs at once (:func:`process_pool`) and the
pool is shut down without waiting. The runs under way are lost; finished runs are kept.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.engine.runner import ResultsStore, execute
from experiments.engine.spec import Run, SweepError, SweepSpec

RUNNING, FINISHED, CANCELLED, FAILED = "running", "finished", "cancelled", "failed"
"""The states of a sweep."""

POLL_SECONDS = 0.2
"""How often the sweep's thread looks for a cancel while runs are under way."""

WORKER_CHECK_SECONDS = 0.5
"""How often a worker process checks whether its sweep was cancelled or has gone."""

PoolFactory = Callable[[int], tuple[Executor, Callable[[], None]]]
"""Makes a pool of N workers; returns it with a function that stops its runs under way."""


@dataclass(frozen=True)
class SweepProgress:
    """Where a sweep stands: the rows of its finished runs so far, and its state."""

    folder: Path
    total: int
    rows: tuple[dict[str, Any], ...] = ()
    state: str = RUNNING
    message: str = ""
    """Why a sweep failed, in one line."""

    @property
    def done(self) -> int:
        """Runs finished (ok or failed)."""
        return len(self.rows)

    @property
    def failed(self) -> int:
        """Runs that raised."""
        return sum(row["status"] == "failed" for row in self.rows)

    @property
    def running(self) -> bool:
        """Whether the sweep is still under way."""
        return self.state == RUNNING

    def results(self) -> pd.DataFrame:
        """The finished runs, one row each, in run order (as the results store holds them)."""
        if not self.rows:
            return pd.DataFrame()
        return pd.DataFrame(list(self.rows)).sort_values("run_id", ignore_index=True)

    def resume_command(self) -> str:
        """The command line that resumes (or reruns) this sweep into its folder."""
        return f"deterrence sweep {self.folder / 'sweep.toml'} --out {self.folder}"


def _stop_with_sweep(cancelled: Any, parent_pid: int) -> None:
    """In a worker process: end at once when the sweep is cancelled or its server has gone.

    A run has no point at which to stop politely; its result would be thrown away anyway.
    """

    def watch() -> None:
        while not cancelled.wait(WORKER_CHECK_SECONDS):
            if os.getppid() != parent_pid:
                break
        os._exit(1)

    threading.Thread(target=watch, name="stop-with-sweep", daemon=True).start()


def process_pool(workers: int) -> tuple[Executor, Callable[[], None]]:
    """``workers`` fresh processes, and the function that ends their runs under way."""
    context = multiprocessing.get_context("spawn")  # a clean process, not a copy of the server
    cancelled = context.Event()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_stop_with_sweep,
        initargs=(cancelled, os.getpid()),
    )
    return pool, cancelled.set


class BackgroundSweep:
    """One sweep of the page, in its own results folder; cancellable from another thread."""

    def __init__(
        self,
        spec: SweepSpec,
        workers: int,
        on_progress: Callable[[SweepProgress], None],
        pool: PoolFactory = process_pool,
    ) -> None:
        """Prepare ``spec`` on ``workers`` processes; ``on_progress`` gets every snapshot."""
        self.spec = spec
        self.workers = workers
        self.folder = Path(tempfile.mkdtemp(prefix="deterrence-sweep-"))
        self.progress = SweepProgress(self.folder, len(spec.runs()))
        self._on_progress = on_progress
        self._pool = pool
        self._stop = threading.Event()
        self.cancel_seconds: float | None = None
        """Seconds from the cancel to the sweep's end, once cancelled (shown, never tested)."""
        self._cancelled_at = 0.0

    def run(self) -> SweepProgress:
        """Run the sweep to its end or until cancelled (blocking); returns the last snapshot."""
        self._publish(self.progress)
        try:
            rows = self._run_into_store()
        except Exception as error:  # shown on the page as a message: the server goes on
            message = f"{type(error).__name__}: {error}".splitlines()[0]
            return self._publish(replace(self.progress, state=FAILED, message=message))
        state = CANCELLED if self._stop.is_set() and len(rows) < self.progress.total else FINISHED
        if self._stop.is_set():
            self.cancel_seconds = time.monotonic() - self._cancelled_at
        return self._publish(replace(self.progress, rows=rows, state=state))

    def cancel(self) -> None:
        """Stop the sweep now: no run starts after this, runs under way are dropped."""
        if not self._stop.is_set():
            self._cancelled_at = time.monotonic()
        self._stop.set()

    @property
    def cancelling(self) -> bool:
        """Whether a cancel was asked for."""
        return self._stop.is_set()

    def _run_into_store(self) -> tuple[dict[str, Any], ...]:
        """Run what the store lacks; returns every stored row (in run order)."""
        with closing(ResultsStore(self.folder, self.spec)) as store:
            done = store.finished()
            # Seed by seed, so that a worker's next run most often shares its simulated prefix.
            pending = sorted(
                (run for run in self.spec.runs() if run.run_id not in done),
                key=lambda run: (run.replicate, run.point),
            )
            if pending:
                store.record_code_version()
                self._run_pending(store, pending)
            return tuple(store.consolidate(self.spec).to_dict("records"))

    def _run_pending(self, store: ResultsStore, pending: list[Run]) -> None:
        """Hand the runs to the pool, at most one a worker, until all are saved or a cancel."""
        queue = iter(pending)
        pool, stop_runs = self._pool(self.workers)
        under_way: dict[Future, Run] = {}
        try:
            self._hand_out(pool, queue, under_way, self.workers)
            while under_way and not self._stop.is_set():
                finished, _ = wait(under_way, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in finished:
                    self._save(store, future, under_way.pop(future))
                if not self._stop.is_set():
                    self._hand_out(pool, queue, under_way, len(finished))
        finally:
            if under_way:  # cancelled (or failed): end the runs under way, wait for nothing
                stop_runs()
            pool.shutdown(wait=not under_way, cancel_futures=True)

    def _hand_out(self, pool: Executor, queue, under_way: dict[Future, Run], count: int) -> None:
        for run in [run for _, run in zip(range(count), queue, strict=False)]:
            under_way[pool.submit(execute, self.spec, run)] = run

    def _save(self, store: ResultsStore, future: Future, run: Run) -> None:
        try:
            row, weekly = future.result()
        except BrokenProcessPool:
            raise SweepError(
                f"a worker process died during run {run.run_id}; finished runs are kept"
            ) from None
        store.save(row, weekly)  # a failed write is a one-line SweepError
        self._add(row)

    def _add(self, row: dict[str, Any]) -> None:
        self._publish(replace(self.progress, rows=(*self.progress.rows, row)))

    def _publish(self, progress: SweepProgress) -> SweepProgress:
        self.progress = progress
        self._on_progress(progress)
        return progress
