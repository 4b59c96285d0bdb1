"""Benchmark of the command line's start-up: ``deterrence --help`` and ``deterrence params``.

Run from the project root (after ``./start`` or ``./run-tests`` has made ``.venv``)::

    .venv/bin/python benchmarks/benchmark_startup.py              # 7 repeats of each
    .venv/bin/python benchmarks/benchmark_startup.py --repeats 15

Each command runs in a fresh process, as a user types it: the ``deterrence`` console script
beside this Python (``.venv/bin/deterrence``), or ``python -m experiments.cli`` when there is
none. A bare ``python -c pass`` runs too, as the floor no command can go under. The wall time
of a process is from its start to its exit, output discarded. The commands take turns, repeat
by repeat, so that a slow moment of a shared machine falls on all of them alike. It prints the
median and the minimum of each and checks the target: each command's median under 0.5 s.
Figures vary by about +-20% from run to run on a shared 2-core machine. This is a script, not
a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.5


def deterrence_command() -> list[str]:
    """The console script beside this Python, else the module run with ``-m``."""
    script = Path(sys.executable).parent / "deterrence"
    return [str(script)] if script.exists() else [sys.executable, "-m", "experiments.cli"]


def commands() -> dict[str, list[str]]:
    """What is timed, by label; the floor first."""
    deterrence = deterrence_command()
    return {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "deterrence --help": [*deterrence, "--help"],
        "deterrence params": [*deterrence, "params"],
    }


def wall_seconds(command: list[str]) -> float:
    """Wall time of one run of ``command`` in a fresh process; a failure stops the benchmark."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs of each command (default 7)")
    args = parser.parse_args(argv)

    timed = commands()
    seconds: dict[str, list[float]] = {label: [] for label in timed}
    for command in timed.values():  # one untimed run each: disk caches warm for all
        wall_seconds(command)
    for _ in range(args.repeats):
        for label, command in timed.items():
            seconds[label].append(wall_seconds(command))

    print(f"Start-up benchmark: {args.repeats} runs of each, fresh processes, taking turns")
    print(f"{'command':<24}  {'median s':>8}  {'min s':>6}")
    print("-" * 42)
    for label, times in seconds.items():
        print(f"{label:<24}  {statistics.median(times):>8.3f}  {min(times):>6.3f}")
    print("\nTargets")
    for label, times in seconds.items():
        if label.startswith("deterrence"):
            median = statistics.median(times)
            verdict = "met" if median < TARGET_SECONDS else "NOT MET"
            print(f"  {verdict:<7}  {label} median < {TARGET_SECONDS:g} s: {median:.3f} s")


if __name__ == "__main__":
    main()
