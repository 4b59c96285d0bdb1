"""Benchmark of a whole sweep file, in runs per second, against another checkout's code.

Run from the project root::

    .venv/bin/python benchmarks/benchmark_sweep_file.py --against /path/to/other/checkout
    .venv/bin/python benchmarks/benchmark_sweep_file.py --sweep my_sweep.toml --workers 2

The sweep (by default ``experiments/sweeps/return_cap_x_crackdown.toml``: 45 points of the
return cap by the crackdown, 5 seeds, a year each with its counterfactual) runs through
``run_sweep`` into a fresh folder, in a fresh process, once with this checkout's code and, with
``--against``, once with the other checkout's, one after the other. It prints each one's wall
time and runs per second, the ratio, and whether the two results tables agree run for run on
every stored output (the same seeds must give the same numbers). This is a script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SWEEP = ROOT / "experiments" / "sweeps" / "return_cap_x_crackdown.toml"

SWEEP_SNIPPET = """
import json, sys, time
sys.path.insert(0, {root!r})
try:
    from experiments.engine.runner import run_sweep
    from experiments.engine.spec import load_sweep
except ImportError:  # a checkout from before the engine had its own package
    from experiments.sweep import run_sweep
    from experiments.sweep_spec import load_sweep
spec = load_sweep({sweep!r})
started = time.perf_counter()
results = run_sweep(spec, __import__("pathlib").Path({out!r}), workers={workers}, progress=False)
print(json.dumps({{"seconds": time.perf_counter() - started, "runs": len(results),
                  "failed": int((results["status"] != "ok").sum())}}))
"""


def run_in(root: Path, sweep: Path, out: Path, workers: int) -> dict:
    """The sweep run by the checkout at ``root`` in a fresh process; its time and runs."""
    snippet = SWEEP_SNIPPET.format(root=str(root), sweep=str(sweep), out=str(out), workers=workers)
    completed = subprocess.run(
        [sys.executable, "-c", snippet],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(root)},  # that checkout's code, not this one's
    )
    if completed.returncode != 0:
        sys.exit(f"benchmark: the sweep failed in {root}: {completed.stderr.strip()[-400:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def same_results(mine: Path, theirs: Path) -> str:
    """Whether two results tables agree run for run on every output both stored."""
    import pandas as pd

    a = pd.read_parquet(mine / "results.parquet").set_index("run_id").sort_index()
    b = pd.read_parquet(theirs / "results.parquet").set_index("run_id").sort_index()
    shared = [c for c in a.columns if c in b.columns and c != "wall_seconds"]
    differing = [c for c in shared if not a[c].equals(b[c])]
    if list(a.index) != list(b.index):
        return "NO: different runs"
    return "yes, every run and output" if not differing else f"NO: {differing}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", type=Path, default=DEFAULT_SWEEP, help="the sweep file")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes (2)")
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    sweep = args.sweep.resolve()
    with tempfile.TemporaryDirectory() as scratch:
        mine = run_in(ROOT, sweep, Path(scratch) / "mine", args.workers)
        rate = mine["runs"] / mine["seconds"]
        print(f"{sweep.name}: {mine['runs']} runs on {args.workers} workers")
        print(f"  this checkout  {mine['seconds']:7.1f} s  {rate:6.2f} runs/s")
        if args.against is None:
            return 0
        other = args.against.resolve()
        theirs = run_in(other, sweep, Path(scratch) / "theirs", args.workers)
        other_rate = theirs["runs"] / theirs["seconds"]
        print(f"  {other}  {theirs['seconds']:7.1f} s  {other_rate:6.2f} runs/s")
        print(f"  speed-up: {rate / other_rate:.2f}x")
        print(f"  same results: {same_results(Path(scratch) / 'mine', Path(scratch) / 'theirs')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
