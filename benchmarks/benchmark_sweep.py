"""Benchmark of the sweep machinery: runs per second on 1 and 2 local workers, and on Dask.

Run from the project root::

    .venv/bin/python benchmarks/benchmark_sweep.py            # 200 runs of 60 days
    .venv/bin/python benchmarks/benchmark_sweep.py --runs 100 --days 30

A sweep of ``--runs`` runs (each a ``pilot`` run with its counterfactual, 2 replicates of
evenly spaced return caps) goes through ``run_sweep`` into a fresh results store three times:
on 1 local worker (in this process), on 2 local worker processes, and on a Dask LocalCluster of
2 worker processes on 127.0.0.1 (its start-up not timed). It prints runs per second, the speed-up
from the second worker (target: at least 1.7x) and the overhead per run of the Dask path against
local processes: (Dask time - local time) / runs. This is a script, not a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from experiments.engine.runner import run_sweep
from experiments.engine.spec import load_sweep

TARGET_SPEEDUP = 1.7


def sweep_file(folder: Path, runs: int, days: int) -> Path:
    points = runs // 2
    caps = ", ".join(str(round(800 * i / max(points - 1, 1))) for i in range(points))
    path = folder / "benchmark_sweep.toml"
    path.write_text(f"""
[sweep]
scenario = "pilot"
days = {days}
replicates = 2
master_seed = 1
[fixed]
start_date = 2025-07-01
pilot_start_date = 2025-07-02
first_return_date = 2025-07-10
[vary.return_cap_per_week]
values = [{caps}]
""")
    return path


def timed(label: str, **kwargs) -> float:
    started = time.perf_counter()
    results = run_sweep(progress=False, **kwargs)
    seconds = time.perf_counter() - started
    assert (results["status"] == "ok").all(), results["error"].unique()
    print(f"  {label:28} {seconds:7.2f} s   {len(results) / seconds:6.2f} runs/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        spec = load_sweep(sweep_file(folder, args.runs, args.days))
        n = len(spec.runs())
        print(f"Sweep benchmark: {n} runs of {args.days} days, each with its counterfactual")
        one = timed("1 worker (in process)", spec=spec, folder=folder / "one", workers=1)
        two = timed("2 local worker processes", spec=spec, folder=folder / "two", workers=2)
        with LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: never clash with another cluster
            processes=True,
        ) as cluster:
            dask = timed(
                "Dask LocalCluster, 2 workers",
                spec=spec,
                folder=folder / "dask",
                scheduler=cluster.scheduler_address,
            )
    speedup = one / two
    print(
        f"\nSpeed-up from the second worker: {speedup:.2f}x "
        f"({'met' if speedup >= TARGET_SPEEDUP else 'NOT MET'}: target {TARGET_SPEEDUP}x)"
    )
    print(f"Dask overhead per run against local processes: {(dask - two) / n * 1000:+.1f} ms")


if __name__ == "__main__":
    main()
