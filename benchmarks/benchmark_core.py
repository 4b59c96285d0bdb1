"""Benchmark of the model's core: speed, memory and scaling of one simulated year.

Run it from the project root (after ``./start`` or ``./run-tests`` has made ``.venv``)::

    .venv/bin/python benchmarks/benchmark_core.py
    .venv/bin/python benchmarks/benchmark_core.py --repeats 5 --large-repeats 1
    .venv/bin/python benchmarks/benchmark_core.py --scales 1 5 --json results/benchmark.json
    .venv/bin/python benchmarks/benchmark_core.py --scales 1 25 --large-repeats 1 --readme

What it measures: the default one-year ``pilot`` scenario, run WITHOUT its no-policy
counterfactual (``model.run.simulate(params, seed, 365)``), at ``migrant_flow_scale`` 1, 5 and
25 (1x, 5x, 25x the observed flow). For each scale it reports

- wall time: the median over the repeats of one ``simulate`` call (building the model, 365
  days, the daily series), less the time of the benchmark's own daily counting callback;
- migrant-days simulated per second: a migrant-day is one migrant in the model for one day in
  France or in the UK (states IN_FRANCE, AWAITING_RETURN, IN_UK and LEGAL_UK), summed over the
  days of the run (daily series ``waiting_in_france + awaiting_return + in_uk``, plus the
  LEGAL_UK count from ``model.population.state_counts()`` after each day);
- cost per migrant-day, in microseconds, and its ratio to the 1x cost (linearity);
- peak memory: each scale runs in a fresh Python process, and the figure is that process's
  peak resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, read right after its
  runs (so it includes the interpreter and the imported libraries).

In the same process as the 1x runs (after them, so that it does not count in the 1x peak
memory), Mesa's shipped BoltzmannWealth example runs as shipped (its data collection included)
with 10,000 agents on a 100x100 grid (one agent per cell, the shipped example's density) for
100 steps; its agent-steps per second (median over the same repeats) is the yardstick for the
ratio migrant-days/s : BoltzmannWealth agent-steps/s.

Targets checked: one pilot year in at most 1 s; that ratio at least 30x; peak memory of the 25x
run at most 1 GiB; cost per migrant-day at 25x at most 1.2 times the 1x cost (roughly linear).
With ``--readme`` the figures also replace the README's generated region ``benchmark-core``.
Figures vary by about +-20% from run to run on a shared 2-core machine. This is a script, not a
test: it takes a few minutes and fails on nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from readme_section import environment, measured_on, table_rows, write_region  # own folder

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "pilot"
SEED = 1
DAYS = 365
BOLTZMANN_AGENTS = 10_000
BOLTZMANN_SIDE = 100
BOLTZMANN_STEPS = 100

TARGET_YEAR_SECONDS = 1.0
TARGET_RATIO = 30.0
TARGET_PEAK_GIB = 1.0
TARGET_PEAK_SCALE = 25.0
TARGET_LINEARITY = 1.2
GIB = 1024**3


def progress(message: str) -> None:
    """One progress line on stderr (stdout of a worker carries its JSON result)."""
    print(message, file=sys.stderr, flush=True)


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes; Linux: KiB


def scale_label(scale: float) -> str:
    """``5.0`` -> ``'5x'``, ``0.5`` -> ``'0.5x'``."""
    return f"{scale:g}x"


# --- worker: runs in a fresh process for each scale ---------------------------------------------


def time_pilot_year(scale: float) -> dict[str, Any]:
    """Run the pilot year once at ``scale``; its wall time and migrant-days."""
    from agents.migrants import MigrantState
    from model.run import simulate
    from model.scenarios import scenario_parameters

    params = scenario_parameters(SCENARIO, migrant_flow_scale=scale)
    legal_uk_days = 0
    callback_seconds = 0.0

    def count_legal_uk(model: Any) -> None:
        nonlocal legal_uk_days, callback_seconds
        started = time.perf_counter()
        legal_uk_days += int(model.population.state_counts()[MigrantState.LEGAL_UK])
        callback_seconds += time.perf_counter() - started

    started = time.perf_counter()
    _, daily = simulate(params, SEED, DAYS, on_day=count_legal_uk)
    wall = time.perf_counter() - started - callback_seconds
    in_model = daily["waiting_in_france"] + daily["awaiting_return"] + daily["in_uk"]
    return {
        "seconds": wall,
        "migrant_days": int(in_model.sum()) + legal_uk_days,
        "arrivals": int(daily["arrivals"].sum()),
        "callback_seconds": callback_seconds,
    }


def time_boltzmann() -> float:
    """Agent-steps per second of Mesa's shipped BoltzmannWealth example (steps only)."""
    with warnings.catch_warnings():  # the example uses Mesa's experimental data recorder
        warnings.simplefilter("ignore")
        from mesa.examples.basic.boltzmann_wealth_model.model import (
            BoltzmannScenario,
            BoltzmannWealth,
        )

        model = BoltzmannWealth(
            BoltzmannScenario(
                n=BOLTZMANN_AGENTS, width=BOLTZMANN_SIDE, height=BOLTZMANN_SIDE, rng=SEED
            )
        )
        started = time.perf_counter()
        for _ in range(BOLTZMANN_STEPS):
            model.step()
        seconds = time.perf_counter() - started
    return BOLTZMANN_AGENTS * BOLTZMANN_STEPS / seconds


def worker(scale: float, repeats: int, boltzmann: bool) -> dict[str, Any]:
    """Everything measured in one fresh process: the scale's runs, then BoltzmannWealth."""
    import mesa  # noqa: F401  (imported before the baseline memory reading)

    import model.run  # noqa: F401

    result: dict[str, Any] = {"scale": scale, "rss_after_imports": peak_rss_bytes(), "runs": []}
    for repeat in range(1, repeats + 1):
        run = time_pilot_year(scale)
        result["runs"].append(run)
        progress(
            f"  {scale_label(scale):>4} run {repeat}/{repeats}: {run['seconds']:7.2f} s, "
            f"{run['migrant_days'] / 1e6:8.2f} M migrant-days, {run['arrivals']:,} arrivals"
        )
    result["peak_rss"] = peak_rss_bytes()
    if boltzmann:
        result["boltzmann_agent_steps_per_s"] = []
        for repeat in range(1, repeats + 1):
            rate = time_boltzmann()
            result["boltzmann_agent_steps_per_s"].append(rate)
            progress(
                f"  BoltzmannWealth run {repeat}/{repeats}: {rate:,.0f} agent-steps/s "
                f"({BOLTZMANN_AGENTS:,} agents, {BOLTZMANN_STEPS} steps)"
            )
    return result


# --- driver ---------------------------------------------------------------------------------------


def measure_scale(scale: float, repeats: int, boltzmann: bool) -> dict[str, Any]:
    """Run one scale's worker in a fresh Python process and return its figures."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        str(scale),
        "--repeats",
        str(repeats),
    ]
    if boltzmann:
        command.append("--with-boltzmann")
    completed = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"benchmark: the {scale_label(scale)} run failed (exit {completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def summarise(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians, rates, ratios and the targets from the workers' raw figures."""
    rows = []
    for item in measured:
        seconds = statistics.median(run["seconds"] for run in item["runs"])
        migrant_days = item["runs"][0]["migrant_days"]  # same seed: the same every repeat
        rows.append(
            {
                "scale": item["scale"],
                "repeats": len(item["runs"]),
                "seconds_median": seconds,
                "seconds_all": [run["seconds"] for run in item["runs"]],
                "migrant_days": migrant_days,
                "arrivals": item["runs"][0]["arrivals"],
                "migrant_days_per_s": migrant_days / seconds,
                "us_per_migrant_day": seconds / migrant_days * 1e6,
                "peak_rss_bytes": item["peak_rss"],
                "rss_after_imports_bytes": item["rss_after_imports"],
            }
        )
    by_scale = {row["scale"]: row for row in rows}
    base = by_scale.get(1.0)
    if base is not None:
        for row in rows:
            row["cost_vs_1x"] = row["us_per_migrant_day"] / base["us_per_migrant_day"]

    figures: dict[str, Any] = {"scales": rows}
    targets: list[dict[str, Any]] = []
    boltzmann = next((m for m in measured if "boltzmann_agent_steps_per_s" in m), None)
    if base is not None:
        targets.append(
            {
                "target": f"one pilot year <= {TARGET_YEAR_SECONDS:g} s",
                "value": f"{base['seconds_median']:.2f} s",
                "met": base["seconds_median"] <= TARGET_YEAR_SECONDS,
            }
        )
    if base is not None and boltzmann is not None:
        rate = statistics.median(boltzmann["boltzmann_agent_steps_per_s"])
        ratio = base["migrant_days_per_s"] / rate
        figures["boltzmann"] = {
            "agents": BOLTZMANN_AGENTS,
            "grid": [BOLTZMANN_SIDE, BOLTZMANN_SIDE],
            "steps": BOLTZMANN_STEPS,
            "agent_steps_per_s_median": rate,
            "agent_steps_per_s_all": boltzmann["boltzmann_agent_steps_per_s"],
        }
        figures["ratio_to_boltzmann"] = ratio
        targets.append(
            {
                "target": f"migrant-days/s : BoltzmannWealth agent-steps/s >= {TARGET_RATIO:g}x",
                "value": f"{ratio:.1f}x",
                "met": ratio >= TARGET_RATIO,
            }
        )
    large = by_scale.get(TARGET_PEAK_SCALE)
    if large is not None:
        peak = large["peak_rss_bytes"] / GIB
        targets.append(
            {
                "target": (
                    f"{scale_label(TARGET_PEAK_SCALE)} peak memory <= {TARGET_PEAK_GIB:g} GiB"
                ),
                "value": f"{peak:.2f} GiB",
                "met": peak <= TARGET_PEAK_GIB,
            }
        )
    if base is not None and len(rows) > 1:
        largest = max(rows, key=lambda row: row["scale"])
        targets.append(
            {
                "target": (
                    f"cost per migrant-day roughly linear: {scale_label(largest['scale'])} "
                    f"<= {TARGET_LINEARITY:g} x the 1x cost"
                ),
                "value": f"{largest['cost_vs_1x']:.2f} x",
                "met": largest["cost_vs_1x"] <= TARGET_LINEARITY,
            }
        )
    figures["targets"] = targets
    return figures


def print_report(figures: dict[str, Any]) -> None:
    """The table of figures and the targets."""
    header = (
        f"{'scale':>5}  {'runs':>4}  {'wall s':>7}  {'migrant-days':>13}  "
        f"{'migrant-days/s':>14}  {'us/migrant-day':>14}  {'vs 1x':>5}  {'peak MiB':>8}"
    )
    print()
    print(f"Core benchmark: '{SCENARIO}' scenario, {DAYS} days, seed {SEED}, no counterfactual")
    print(header)
    print("-" * len(header))
    for row in figures["scales"]:
        versus = f"{row['cost_vs_1x']:.2f}" if "cost_vs_1x" in row else "-"
        print(
            f"{scale_label(row['scale']):>5}  {row['repeats']:>4}  {row['seconds_median']:>7.2f}  "
            f"{row['migrant_days']:>13,}  {row['migrant_days_per_s']:>14,.0f}  "
            f"{row['us_per_migrant_day']:>14.3f}  {versus:>5}  "
            f"{row['peak_rss_bytes'] / 2**20:>8,.0f}"
        )
    print(
        "wall s: median of the runs; peak MiB: ru_maxrss of the scale's own fresh process "
        "(interpreter and libraries included)"
    )
    if "boltzmann" in figures:
        b = figures["boltzmann"]
        print(
            f"\nMesa BoltzmannWealth as shipped, {b['agents']:,} agents on "
            f"{b['grid'][0]}x{b['grid'][1]}, {b['steps']} steps (1x process): "
            f"{b['agent_steps_per_s_median']:,.0f} agent-steps/s (median)"
        )
        print(
            f"Ratio migrant-days/s : BoltzmannWealth agent-steps/s = "
            f"{figures['ratio_to_boltzmann']:.1f}x"
        )
    print("\nTargets")
    for target in figures["targets"]:
        verdict = "met" if target["met"] else "NOT MET"
        print(f"  {verdict:<7}  {target['target']}: {target['value']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per scale; the median counts (default 3)"
    )
    parser.add_argument(
        "--large-repeats",
        type=int,
        help="runs for the largest scale, e.g. 1 to save time at 25x (default: --repeats)",
    )
    parser.add_argument(
        "--scales",
        type=float,
        nargs="+",
        default=[1.0, 5.0, 25.0],
        help="migrant_flow_scale values to run (default 1 5 25)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    parser.add_argument(
        "--readme", action="store_true", help="also write the figures into the README's region"
    )
    parser.add_argument("--worker", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--with-boltzmann", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1 or (args.large_repeats is not None and args.large_repeats < 1):
        parser.error("repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run every scale in its own process and print the report."""
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.repeats, args.with_boltzmann)))
        return

    scales = sorted(set(args.scales))
    largest = max(scales)
    measured = []
    for scale in scales:
        repeats = args.repeats
        if scale == largest and args.large_repeats is not None:
            repeats = args.large_repeats
        progress(
            f"{scale_label(scale)}: {repeats} run(s) of one {SCENARIO} year in a fresh process"
        )
        measured.append(measure_scale(scale, repeats, boltzmann=scale == 1.0))
    figures = summarise(measured)
    figures["environment"] = environment()
    print_report(figures)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"\nFigures written to {args.json}")
    if args.readme:
        command = "benchmarks/benchmark_core.py " + " ".join(sys.argv[1:])
        write_region("benchmark-core", markdown_report(figures, command.strip()))


def markdown_report(figures: dict[str, Any], command: str) -> str:
    """The figures as the README's region: the table by scale, the yardstick, the targets."""
    rows = []
    for row in figures["scales"]:
        versus = f" ({row['cost_vs_1x']:.2f})" if "cost_vs_1x" in row else ""
        rows.append(
            [
                scale_label(row["scale"]),
                row["repeats"],
                f"{row['seconds_median']:.2f} s",
                f"{row['migrant_days'] / 1e6:.2f} M",
                f"{row['migrant_days_per_s'] / 1e6:.2f} M",
                f"{row['us_per_migrant_day']:.3f}{versus}",
                f"{row['peak_rss_bytes'] / 2**20:,.0f} MiB",
            ]
        )
    header = [
        "flow",
        "runs",
        "wall time (median)",
        "migrant-days",
        "migrant-days per second",
        "µs per migrant-day (vs 1x)",
        "peak memory (the scale's own process)",
    ]
    lines = [
        f"One `{SCENARIO}` year (seed {SEED}, no counterfactual) at each flow, each flow in a "
        f"fresh process. {measured_on(figures['environment'], command)}",
        "",
        table_rows(header, rows),
    ]
    if "boltzmann" in figures:
        rate = figures["boltzmann"]["agent_steps_per_s_median"]
        lines += [
            "",
            f"Mesa's BoltzmannWealth in the 1x process: {rate:,.0f} agent-steps a second; "
            f"migrant-days per second at 1x : its agent-steps per second = "
            f"{figures['ratio_to_boltzmann']:.1f}x.",
        ]
    targets = [
        [target["target"], target["value"], "met" if target["met"] else "**not met**"]
        for target in figures["targets"]
    ]
    lines += ["", table_rows(["target", "measured", "verdict"], targets)]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
