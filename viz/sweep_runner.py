"""A sweep run in the background for the app's sweep page: progress, cancel, rows as they come.

The sweep runs through the sweep engine (:func:`experiments.engine.runner.run_sweep`) in a
fresh results folder under the system's temporary folder, so the command line can resume or
rerun it. Only the thread that runs the sweep publishes its progress, each time as a new
immutable :class:`SweepProgress`: the page reads whole snapshots and never a half-updated one.

Cancelling is the engine's stop: no more runs are handed to the workers than there are
workers, the engine looks for a cancel every ``POLL_SECONDS`` while runs are under way, and on
a cancel the workers end their runs at once (:func:`experiments.engine.runner.process_pool`)
and the pool is shut down without waiting. The runs under way are lost; finished runs are kept.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.engine.runner import PoolFactory, process_pool, run_sweep
from experiments.engine.spec import SweepSpec

RUNNING, FINISHED, CANCELLED, FAILED = "running", "finished", "cancelled", "failed"
"""The states of a sweep."""


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
        """Run what the store lacks; returns every stored row (in run order).

        Always on a pool, even of one worker, so that a cancel ends the run under way at once.
        """
        results = run_sweep(
            self.spec,
            self.folder,
            self.workers,
            progress=False,
            on_result=self._add,
            stop=self._stop,
            pool=self._pool,
        )
        return tuple(results.to_dict("records"))

    def _add(self, row: dict[str, Any]) -> None:
        self._publish(replace(self.progress, rows=(*self.progress.rows, row)))

    def _publish(self, progress: SweepProgress) -> SweepProgress:
        self.progress = progress
        self._on_progress(progress)
        return progress
