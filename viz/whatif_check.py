"""Checking the emulator with the model: real paired runs at the what-if page's setting.

A check is a one-point paired sweep (:func:`experiments.decision.active.paired_sweep`) run as
the training sweep ran its points (its scenario, horizon, replicates, master seed, so the same
seeds, and fixed values), through the sweep engine (:func:`experiments.engine.runner.
run_sweep`), into a folder of the browser session's own temporary folder, in a background
thread. Its result, the model's value in each run and their mean, stands beside the
emulator's answer for that very setting, taken when the check started: a lever moved while it
runs changes the page's answer, never the check.

The runs are made in the server's process, one after the other (``WORKERS = 1``): a check of
two pilot years takes about 9 s so, where two fresh worker processes took about 24 s (their
start-up and the model's compilation). The engine looks for a cancel between runs, so a
cancelled check ends when the run under way does. One check runs at a time in a server: the
engine's cache of simulated prefixes in this process is not made for two threads at once, so
another session's check waits its turn.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.decision.active import paired_sweep
from experiments.decision.emulator import INTERVAL, Emulator
from experiments.decision.training import sweep_runs
from experiments.engine.runner import run_sweep
from experiments.engine.spec import SweepError, SweepSpec, parse_sweep
from viz.session_job import SessionJob
from viz.whatif import interval, output_label, shown

QUEUED, RUNNING, FINISHED = "queued", "running", "finished"
CANCELLED, FAILED = "cancelled", "failed"
"""The states of a check."""

WORKERS = 1
"""Runs at once in a check: one, in the server's process (see the module docstring)."""

CHECKS_KEPT = 10
"""Checks a session keeps; an older one is dropped with its results folder."""

TURN_POLL_SECONDS = 0.2
"""How often a check waiting for another session's looks for a cancel."""

_ONE_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class Check:
    """One check: its own setting, the emulator's answer there, and the model's runs."""

    number: int
    setting: Mapping[str, Any]
    emulated: Mapping[str, float]
    """The emulator's prediction at ``setting`` (:meth:`Emulator.predict`'s columns)."""
    total_runs: int
    state: str = QUEUED
    done: int = 0
    """Runs finished so far (saved by the engine)."""
    runs: tuple[Mapping[str, Any], ...] = ()
    """The model's runs that succeeded, once the check has ended (net cost priced)."""
    seconds: float = 0.0
    message: str = ""
    cancelling: bool = False

    @property
    def running(self) -> bool:
        """Whether the check is waiting for its turn or running."""
        return self.state in (QUEUED, RUNNING)

    def status(self) -> str:
        """Where the check stands, in words."""
        if self.state == QUEUED:
            status = "waiting for another session's check to end"
        elif self.state == RUNNING:
            status = f"running the model: {self.done} of {self.total_runs} runs done"
        elif self.state == FINISHED:
            status = f"finished: {len(self.runs)} runs in {self.seconds:.0f} s"
        elif self.state == CANCELLED:
            status = f"cancelled after {self.done} of {self.total_runs} runs"
        else:
            status = "failed"
        if self.running and self.cancelling:
            status += " (cancelling: the run under way ends first)"
        return status + (f": {self.message}" if self.message else "")


def check_table(check: Check, outputs: tuple[str, ...]) -> pd.DataFrame:
    """An output a row: the emulator's answer, and the model's mean and runs beside it.

    ``inside`` counts the runs inside the emulator's interval for one run.
    """
    runs = pd.DataFrame(list(check.runs))
    rows = []
    for output in outputs:
        low, high = check.emulated[f"{output}_low"], check.emulated[f"{output}_high"]
        values = runs[output].tolist() if len(runs) else []
        rows.append(
            {
                "output": output,
                "emulator": check.emulated[output],
                "low": low,
                "high": high,
                "model_mean": sum(values) / len(values) if values else float("nan"),
                "model_runs": values,
                "inside": sum(low <= value <= high for value in values),
            }
        )
    return pd.DataFrame(rows)


def check_markdown(check: Check, outputs: tuple[str, ...]) -> str:
    """The check's table as Markdown: the emulator beside the model, an output a row."""
    table = check_table(check, outputs)
    lines = [
        f"| figure | emulator: central value ({INTERVAL:.0%} interval for one run) "
        "| model: mean of its runs | model: each run | runs inside the interval |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in table.itertuples(index=False):
        output = row.output
        runs = ", ".join(shown(output, value) for value in row.model_runs) or "none"
        lines.append(
            f"| {output_label(output)} | {shown(output, row.emulator)} "
            f"({interval(output, row.low, row.high)}) "
            f"| {shown(output, row.model_mean)} | {runs} "
            f"| {row.inside} of {len(row.model_runs)} |"
        )
    return "\n".join(lines)


def check_sweep(training: SweepSpec, setting: Mapping[str, Any], number: int) -> SweepSpec:
    """The one-point paired sweep of a check, checked as every sweep file is."""
    name = f"{training.name}-check-{number}"
    header = (
        "# A check of the emulator from the app's what-if page (viz/whatif_check.py): the\n"
        f"# model at one setting, run as the training sweep {training.name!r} ran its points.\n"
    )
    return parse_sweep(header + paired_sweep(training, pd.DataFrame([dict(setting)]), name), name)


def model_runs(folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The check's runs that succeeded, net cost priced as for training, and the failures."""
    runs, _ = sweep_runs([folder])
    results = pd.read_csv(folder / "results.csv")
    errors = results.loc[results["status"] != "ok", "error"].astype(str).tolist()
    return runs.to_dict("records"), errors


@dataclass(eq=False)
class WhatIfSession(SessionJob):
    """One browser session's what-if page: its setting and its checks with the model."""

    stop_wait_seconds = 30.0  # a cancelled check stops only after its run under way

    setting: dict[str, Any] | None = None
    """The sliders' setting, kept for the session (None until the page first shows)."""
    checks: tuple[Check, ...] = ()
    """The session's checks, oldest first (at most :data:`CHECKS_KEPT`)."""
    version: int = 0
    """Counts the changes to ``checks``, for pages following them."""
    folder: Path | None = None
    """The session's temporary folder, holding a folder a check (made at the first)."""
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        """Whether a check is under way."""
        return any(check.running for check in self.checks)

    def start(self, emulator: Emulator, training: SweepSpec, setting: Mapping[str, Any]) -> Check:
        """Check ``emulator`` at ``setting`` with the model, run as ``training`` ran, in a thread.

        Raises a one-line SweepError while a check runs, or for a setting the emulator refuses.
        """
        if self.running:
            raise SweepError("a check is running already: cancel it or wait for its end")
        emulated = emulator.predict(dict(setting)).iloc[0].to_dict()
        number = self.checks[-1].number + 1 if self.checks else 1
        spec = check_sweep(training, setting, number)
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="deterrence-whatif-"))
        check = Check(number, dict(setting), emulated, len(spec.runs()))
        self._stop = threading.Event()
        self._keep(check)
        self._start_thread(
            self._run, "whatif-check", check, spec, self.folder / f"check-{number}", self._stop
        )
        return check

    def cancel(self) -> None:
        """Stop the running check after its run under way (the engine's stop)."""
        self._stop.set()
        for check in self.checks:
            if check.running:
                self._update(check.number, cancelling=True)

    def wait_for_news(self, seen: int, timeout: float) -> int:
        """The version once it differs from ``seen``, or after ``timeout`` seconds."""
        self._wait_until(lambda: self.version != seen, timeout)
        return self.version

    def folders_to_remove(self) -> list[Path]:
        """The session's temporary folder, with every check's results."""
        return [self.folder] if self.folder is not None else []

    def _run(self, check: Check, spec: SweepSpec, folder: Path, stop: threading.Event) -> None:
        started = time.monotonic()
        try:
            if not _wait_for_turn(stop):
                self._update(check.number, state=CANCELLED)
                return
            try:
                self._update(check.number, state=RUNNING)
                run_sweep(
                    spec,
                    folder,
                    workers=WORKERS,
                    progress=False,
                    on_result=lambda row: self._count_run(check.number),
                    stop=stop,
                )
            finally:
                _ONE_AT_A_TIME.release()
            runs, errors = model_runs(folder)
        except Exception as error:  # shown on the page as a message: the server goes on
            message = f"{type(error).__name__}: {error}".splitlines()[0]
            self._update(check.number, state=FAILED, message=message)
            return
        seconds = time.monotonic() - started
        if stop.is_set() and len(runs) + len(errors) < check.total_runs:
            self._update(check.number, state=CANCELLED, seconds=seconds)
        elif not runs:
            self._update(check.number, state=FAILED, message=errors[0] if errors else "")
        else:
            failed = f"{len(errors)} run(s) failed: {errors[0]}" if errors else ""
            self._update(
                check.number, state=FINISHED, runs=tuple(runs), seconds=seconds, message=failed
            )

    def _count_run(self, number: int) -> None:
        (check,) = [check for check in self.checks if check.number == number]
        self._update(number, done=check.done + 1)

    def _keep(self, check: Check) -> None:
        """Add ``check``; drop the oldest beyond :data:`CHECKS_KEPT`, with its folder."""
        with self._changed:
            kept = (*self.checks, check)
            dropped, self.checks = kept[:-CHECKS_KEPT], kept[-CHECKS_KEPT:]
            self.version += 1
            self._changed.notify_all()
        for old in dropped:
            shutil.rmtree(self.folder / f"check-{old.number}", ignore_errors=True)

    def _update(self, number: int, **changes: Any) -> None:
        with self._changed:
            self.checks = tuple(
                replace(check, **changes) if check.number == number else check
                for check in self.checks
            )
            self.version += 1
            self._changed.notify_all()


def _wait_for_turn(stop: threading.Event) -> bool:
    """Take the server's one check slot; False if ``stop`` was set first."""
    while not _ONE_AT_A_TIME.acquire(timeout=TURN_POLL_SECONDS):
        if stop.is_set():
            return False
    if stop.is_set():  # cancelled while the slot came free: no run starts
        _ONE_AT_A_TIME.release()
        return False
    return True
