"""Issue 13's reproductions of the model crashing inside its bounds, as command lines.

Each ran out of memory or raised on the commit the issue attacked. Under a declared memory limit
of 1 GiB, each must now either finish with its process's peak memory under that limit, or be
refused in one line (exit 2) before it starts. They run as real processes, so that the peak
measured is theirs alone (Linux's VmHWM).
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


MEASURED_CLI = """
import atexit, re, sys
from pathlib import Path

def write_peak():
    status = Path("/proc/self/status").read_text()
    Path(sys.argv[1]).write_text(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1])

atexit.register(write_peak)
from experiments.cli import main
sys.exit(main(sys.argv[2:]))
"""
"""``deterrence`` that writes its peak resident memory (KiB) to a file as it exits. The peak is
read from /proc, of this program alone: the system's ru_maxrss of a child also counts the
pytest process it was forked from."""


def run_measured(argv: list[str], folder: Path) -> tuple[int, str, int]:
    """Exit status, stderr and peak resident memory (bytes) of ``deterrence argv``."""
    peak = folder / "peak-kib.txt"
    completed = subprocess.run(
        [sys.executable, "-c", MEASURED_CLI, str(peak), *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), LIMIT_VARIABLE: str(LIMIT_GIB)},
        timeout=600,
    )
    return completed.returncode, completed.stderr, int(peak.read_text()) * 1024


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
