"""A sweep run in the background for the app's sweep page: progress, cancel, rows as they come.

The sweep runs on the sweep engine (:func:`experiments.engine.runner.run_sweep`) into a fresh
results folder under the system's temporary folder, so the command line can resume or rerun
it. Only the thread that runs the sweep publishes its progress, each time as a new immutable
:class:`SweepProgress`: the page reads whole snapshots and never a half-updated one.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.engine.runner import run_sweep
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
    ) -> None:
        """Prepare ``spec`` on ``workers`` processes; ``on_progress`` gets every snapshot."""
        self.spec = spec
        self.workers = workers
        self.folder = Path(tempfile.mkdtemp(prefix="deterrence-sweep-"))
        self.progress = SweepProgress(self.folder, len(spec.runs()))
        self._on_progress = on_progress
        self._stop = threading.Event()

    def run(self) -> SweepProgress:
        """Run the sweep to its end or until cancelled (blocking); returns the last snapshot."""
        self._publish(self.progress)
        try:
            results = run_sweep(
                self.spec,
                self.folder,
                workers=self.workers,
                progress=False,
                on_result=self._add,
                stop=self._stop,
            )
        except Exception as error:  # shown on the page as a message: the server goes on
            message = f"{type(error).__name__}: {error}".splitlines()[0]
            return self._publish(replace(self.progress, state=FAILED, message=message))
        rows = tuple(results.to_dict("records"))
        state = CANCELLED if self._stop.is_set() and len(rows) < self.progress.total else FINISHED
        return self._publish(replace(self.progress, rows=rows, state=state))

    def cancel(self) -> None:
        """Ask the sweep to stop after the runs under way (safe from any thread)."""
        self._stop.set()

    @property
    def cancelling(self) -> bool:
        """Whether a cancel was asked for."""
        return self._stop.is_set()

    def _add(self, row: dict[str, Any]) -> None:
        self._publish(replace(self.progress, rows=(*self.progress.rows, row)))

    def _publish(self, progress: SweepProgress) -> SweepProgress:
        self.progress = progress
        self._on_progress(progress)
        return progress
