"""Issue 13's reproductions of the model crashing inside its bounds, as command lines.

Each ran out of memory or raised on the commit the issue attacked. Under a declared memory limit
of 1 GiB, each must now either finish with its process's peak memory under that limit, or be
refused in one line (exit 2) before it starts. They run as real processes, so that the peak
measured is theirs alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from model.memory_budget import LIMIT_VARIABLE
from tests.conftest import PROJECT_ROOT

LIMIT_GIB = 1
PILOT_FROM_JUNE = (
    "run --scenario pilot --seed 1 --no-counterfactual --quiet --set start_date=2025-06-01"
)
REPRODUCTIONS = {
    # (the rest of the command line, whether it fits the limit and must finish)
    "vacancies past 10^9 when employers see no catches": (
        "--days 120 --set employer_penalty_sensitivity=5 "
        "--set base_worker_detection_per_week=0.05 --set max_worker_detection_per_week=0.15",
        True,
    ),
    "vacancies at 272,000 against 40,000 declared": (
        "--days 120 --set employer_penalty_sensitivity=2 "
        "--set base_worker_detection_per_week=0.05 --set max_worker_detection_per_week=0.15",
        True,
    ),
    "a network table as wide as its largest hub (5.4 GB)": (
        "--days 45 --set utility_leave_constant=12 --set utility_wait_constant=-7 "
        "--set arrivals_per_week=8000 --set initial_waiting_in_france=15000",
        True,
    ),
    "a year of arrivals reserved for a 30-day run (6.2 GB)": (
        "--days 30 --set migrant_flow_scale=50 --set arrivals_per_week=20000",
        False,
    ),
}


def run_measured(argv: list[str], folder: Path) -> tuple[int, str, int]:
    """Exit status, stderr and peak resident memory (bytes) of ``deterrence argv``."""
    errors = folder / "stderr.txt"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "experiments.cli", *argv],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), LIMIT_VARIABLE: str(LIMIT_GIB)},
        )
        _, status, usage = os.wait4(process.pid, 0)  # this process's own peak, not its siblings'
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, errors.read_text(), usage.ru_maxrss * 1024  # KiB on Linux


@pytest.mark.parametrize("name", REPRODUCTIONS)
def test_each_reproduction_finishes_or_is_refused_in_one_line_within_the_budget(name, tmp_path):
    rest, fits = REPRODUCTIONS[name]
    status, stderr, peak = run_measured([*PILOT_FROM_JUNE.split(), *rest.split()], tmp_path)
    assert peak < LIMIT_GIB * 2**30, f"peak {peak / 2**30:.2f} GiB"
    if fits:
        assert status == 0, stderr
        assert "Traceback" not in stderr
    else:
        assert status == 2, stderr
        [line] = stderr.splitlines()
        assert f"allowed is at most {LIMIT_GIB} GiB" in line and "migrant_flow_scale=50" in line
