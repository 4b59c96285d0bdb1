"""Benchmark of a year with its counterfactual, in BoltzmannWealth agent-steps.

Run it from the project root::

    .venv/bin/python benchmarks/benchmark_pair.py
    .venv/bin/python benchmarks/benchmark_pair.py --repeats 7 --against /path/to/other/checkout

What it measures, alternately in one process so that the machine's drifting speed hits both
alike: ``model.run.run_scenario("pilot", seed=1, days=365)`` (a year of the pilot with its
no-policy counterfactual, forked at the policy's first day, with the summary) and Mesa's
shipped BoltzmannWealth example (10,000 agents on a 100x100 grid, 100 steps, its data
collection included). The pair's cost is its median wall time times the median Boltzmann rate:
the number of BoltzmannWealth agent-steps that would run in the same time (target: at most
75,000, i.e. 0.5 s where BoltzmannWealth runs 150,000 agent-steps a second).

With ``--phases``, one more pair runs with each phase of the day timed (the calls that
``ChannelModel.step`` makes, wrapped in a timer that adds about a microsecond a call), and the
mean time a day of each is printed: where a day goes.

With ``--floor``, one pilot year (no counterfactual) also runs at 1, 1/5 and 1/25 of the
flow, alternately: what a day costs whatever the number of people (the phases' calls, the
records), and what grows with them. Then once more at each flow under cProfile, which counts
the day's function calls (Python's and C's) exactly: at 1/25 the arrays are so small that a day
is nearly all calls, which prices a call, and so splits a day at 1x into its calls and the work
on the people's arrays. The target's day is set against these.

With ``--against DIR`` (another checkout of the project, such as an older commit made with
``git worktree add``), the same pair also runs from that checkout, in a fresh process started
alternately with this one's, and the ratio of the medians is printed: the speed-up measured
side by side. With ``--readme`` the figures also replace the README's generated region
``benchmark-pair``. This is a script, not a test: it prints figures and fails on nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmark_core import time_boltzmann  # the same yardstick (this script's own folder)
from readme_section import environment, measured_on, table_rows, write_region

ROOT = Path(__file__).resolve().parents[1]
SCENARIO, SEED, DAYS = "pilot", 1, 365
TARGET_AGENT_STEPS = 75_000

PAIR_SNIPPET = """
import json, sys, time
sys.path.insert(0, {root!r})
from model.run import run_scenario
run_scenario({scenario!r}, seed={seed}, days=30)  # warm the imports and the data files
started = time.perf_counter()
result = run_scenario({scenario!r}, seed={seed}, days={days})
print(json.dumps({{"seconds": time.perf_counter() - started,
                  "arrivals": result.summary["arrivals"]}}))
"""


def time_pair() -> float:
    """Seconds of one year of the pilot with its counterfactual, in this process."""
    from model.run import run_scenario

    started = time.perf_counter()
    run_scenario(SCENARIO, seed=SEED, days=DAYS)
    return time.perf_counter() - started


def pair_in_fresh_process(root: Path) -> dict:
    """One pair run by the checkout at ``root``, in a fresh Python process."""
    snippet = PAIR_SNIPPET.format(root=str(root), scenario=SCENARIO, seed=SEED, days=DAYS)
    completed = subprocess.run(
        [sys.executable, "-c", snippet], cwd=root, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.exit(f"benchmark: the pair failed in {root}: {completed.stderr.strip()[-300:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="alternating repeats (5)")
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    parser.add_argument("--phases", action="store_true", help="also time each phase of the day")
    parser.add_argument(
        "--floor", action="store_true", help="also time a day at 1, 1/5 and 1/25 of the flow"
    )
    parser.add_argument(
        "--readme", action="store_true", help="also write the figures into the README's region"
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats {args.repeats}: allowed is 1 or more")

    facts = environment()  # the load average before this script adds to it
    figures = measure_pair(args.repeats)
    print_pair(figures)
    if args.phases:
        figures["phases"] = measure_phases()
        print_phases(figures["phases"])
    if args.floor:
        figures["floor"] = measure_floor(args.repeats)
        print_floor(figures["floor"], figures["median_rate"])
    if args.against is not None:
        figures["against"] = compare(args.against.resolve(), args.repeats)
        print_comparison(figures["against"])
    if args.readme:
        command = "benchmarks/benchmark_pair.py " + " ".join(sys.argv[1:])
        write_region("benchmark-pair", markdown_report(figures, facts, command.strip()))
    return 0


def measure_pair(repeats: int) -> dict[str, Any]:
    """The pair and BoltzmannWealth alternately in this process, ``repeats`` times each."""
    time_pair()  # warm up imports and caches before timing anything
    pairs, rates = [], []
    for repeat in range(1, repeats + 1):
        pairs.append(time_pair())
        rates.append(time_boltzmann())
        print(
            f"  repeat {repeat}: pair {pairs[-1]:.2f} s, BoltzmannWealth {rates[-1]:,.0f} "
            "agent-steps/s",
            file=sys.stderr,
            flush=True,
        )
    pair, rate = statistics.median(pairs), statistics.median(rates)
    return {"seconds": pairs, "rates": rates, "median_seconds": pair, "median_rate": rate,
            "cost": pair * rate}  # fmt: skip


def print_pair(figures: dict[str, Any]) -> None:
    pairs, rates, cost = figures["seconds"], figures["rates"], figures["cost"]
    print(f"A year of {SCENARIO!r} with its counterfactual (seed {SEED}, {DAYS} days):")
    print(f"  wall time, median of {len(pairs)}: {figures['median_seconds']:.2f} s "
          f"(all: {_list(pairs)})")  # fmt: skip
    print(f"  BoltzmannWealth, same process:   {figures['median_rate']:,.0f} agent-steps/s "
          f"(all: {_list(rates)})")  # fmt: skip
    print(f"  cost: {cost:,.0f} BoltzmannWealth agent-steps (target {TARGET_AGENT_STEPS:,}: "
          f"{_verdict(cost)})")  # fmt: skip


FLOW_SCALES = (1.0, 0.2, 0.04)
"""The flows (``migrant_flow_scale``) at which ``--floor`` times a day."""


def measure_floor(repeats: int) -> dict[str, Any]:
    """Milliseconds a day of a pilot year (no counterfactual) at each of :data:`FLOW_SCALES`.

    The scales take turns, ``repeats`` rounds after one round to warm up; the medians are
    kept, with the days the pair simulates (its fork shares the days before the policy).
    """
    from model.parameters import validate
    from model.run import simulate, simulated_days
    from model.scenarios import scenario_parameters

    parameters = {
        scale: validate({**scenario_parameters(SCENARIO), "migrant_flow_scale": scale})
        for scale in FLOW_SCALES
    }
    times: dict[float, list[float]] = {scale: [] for scale in FLOW_SCALES}
    for round_ in range(repeats + 1):
        for scale in FLOW_SCALES:
            started = time.perf_counter()
            simulate(parameters[scale], seed=SEED, days=DAYS)
            if round_ > 0:
                times[scale].append(1000 * (time.perf_counter() - started) / DAYS)
    return {
        "ms_a_day": {scale: statistics.median(values) for scale, values in times.items()},
        "calls_a_day": {scale: calls_a_day(parameters[scale]) for scale in FLOW_SCALES},
        "repeats": repeats,
        "pair_days": simulated_days(parameters[1.0], DAYS, runs=2),
    }


def calls_a_day(parameters: dict[str, Any]) -> float:
    """Function calls a day of one pilot year (set-up included), Python's and C's, by cProfile."""
    import cProfile
    import pstats

    from model.run import simulate

    profile = cProfile.Profile()
    profile.enable()
    simulate(parameters, seed=SEED, days=DAYS)
    profile.disable()
    return pstats.Stats(profile).total_calls / DAYS


def floor_rows(floor: dict[str, Any], rate: float) -> list[list[str]]:
    """The floor's table: a day at each flow, its calls, and the day the target allows."""
    ms, calls = floor["ms_a_day"], floor["calls_a_day"]
    rows = [
        [f"a day at {_flow(scale)} the flow", f"{ms[scale]:.2f}", f"{calls[scale]:,.0f}"]
        for scale in FLOW_SCALES
    ]
    least = FLOW_SCALES[-1]
    rows.append([f"what grows with the people at 1x (1x less {_flow(least)})",
                 f"{ms[1.0] - ms[least]:.2f}", f"{calls[1.0] - calls[least]:,.0f}"])  # fmt: skip
    # At the least flow a day is nearly all calls: its cost a call is an upper bound.
    call_us = 1000 * ms[least] / calls[least]
    calls_ms = calls[1.0] * call_us / 1000
    rows.append([f"the calls of a day at 1x, at most (each at a day at {_flow(least)}'s cost a "
                 f"call, {call_us:.2f} µs)", f"{calls_ms:.2f}", "-"])  # fmt: skip
    rows.append(["the rest of a day at 1x, at least: the work on the people's arrays",
                 f"{ms[1.0] - calls_ms:.2f}", "-"])  # fmt: skip
    days = floor["pair_days"]
    within = f"a day within the target ({TARGET_AGENT_STEPS:,} agent-steps over the pair's {days}"
    target_day = 1000 * TARGET_AGENT_STEPS / rate / days
    rows.append([f"{within} days, nothing outside them)", f"{target_day:.2f}", "-"])
    return rows


def _flow(scale: float) -> str:
    return "1x" if scale == 1.0 else f"1/{round(1 / scale)}"


def print_floor(floor: dict[str, Any], rate: float) -> None:
    print(f"A pilot year's day by the flow (medians of {floor['repeats']}, in ms):")
    for label, value, calls in floor_rows(floor, rate):
        print(f"  {label:90s} {value:>6s} ms  {calls:>6s} calls")


def _verdict(cost: float) -> str:
    return "met" if cost <= TARGET_AGENT_STEPS else "NOT met"


def markdown_report(figures: dict[str, Any], facts: dict[str, Any], command: str) -> str:
    """The figures as the README's region: the pair's cost, where a day goes, side by side."""
    pairs, rates = figures["seconds"], figures["rates"]
    rows = [
        ["wall time of the pair (median)", f"{figures['median_seconds']:.2f} s (all: "
         f"{_list(pairs)})"],
        ["BoltzmannWealth in the same process (median)", f"{figures['median_rate']:,.0f} "
         f"agent-steps a second (all: {_list(rates)})"],
        ["the pair's cost in BoltzmannWealth agent-steps", f"{figures['cost']:,.0f} (target at "
         f"most {TARGET_AGENT_STEPS:,}: {_verdict(figures['cost']).replace('NOT', '**not**')})"],
    ]  # fmt: skip
    lines = [
        f"A year of `{SCENARIO}` with its counterfactual (seed {SEED}, {DAYS} days, forked at "
        f"the policy's first day), {len(pairs)} times alternately with Mesa's BoltzmannWealth "
        f"(10,000 agents, 100 steps). {measured_on(facts, command)}",
        "",
        table_rows(["measure", "figure"], rows),
    ]
    if "phases" in figures:
        phases = figures["phases"]
        shares, rest = phase_shares(phases)
        rows = [[phase, f"{ms:.3f}", f"{share:.1%}"] for phase, ms, share in shares]
        rows.append([OUTSIDE_THE_DAYS, "-", f"{rest:.1%}"])
        lines += [
            "",
            f"Where a day goes (`--phases`: one more pair, {phases['days']} days, each phase "
            f"timed; {phases['seconds_with_timers']:.2f} s with the timers):",
            "",
            table_rows(["phase of the day", "ms a day", "share of the pair"], rows),
        ]
    if "floor" in figures:
        floor = figures["floor"]
        lines += [
            "",
            f"A day by the flow (`--floor`: a pilot year without its counterfactual at each flow, "
            f"alternately, medians of {floor['repeats']}; its calls, Python's and C's, counted "
            "by cProfile in one more year at each flow):",
            "",
            table_rows(["measure", "ms", "calls a day"], floor_rows(floor, figures["median_rate"])),
        ]
    if "against" in figures:
        against = figures["against"]
        lines += [
            "",
            f"Side by side with `{against['other']}` (`--against`, fresh processes alternately, "
            f"median of {against['repeats']}): {against['here']:.2f} s against "
            f"{against['there']:.2f} s, a speed-up of {against['there'] / against['here']:.2f}x.",
        ]
    return "\n".join(lines)


def day_phases() -> dict[str, tuple[type, str]]:
    """The phases of a day (the calls ``ChannelModel.step`` makes), by the class that runs them."""
    from mesa.datacollection import DataCollector

    from agents.arrangements import ReturnsArrangements
    from agents.coast import Coast
    from agents.employers import IllegalWorkingEnforcement, IllegalWorkMarket
    from agents.enforcement import UKBorderForce
    from agents.returns import LegalRoute, ReturnsUnit
    from agents.smugglers import SmugglingGang
    from model.model import ChannelModel
    from model.weather import Weather

    return {
        "reset the day's records": (ChannelModel, "_reset_daily_records"),
        "weather": (Weather, "advance"),
        "arrivals on the coast (and their ties)": (Coast, "arrive"),
        "learning": (Coast, "learn"),
        "decisions and bookings": (Coast, "decide"),
        "gangs' launches": (SmugglingGang, "step"),
        "UK Border Force": (UKBorderForce, "step"),
        "returns unit": (ReturnsUnit, "step"),
        "returns arrangements": (ReturnsArrangements, "step"),
        "legal route": (LegalRoute, "step"),
        "illegal-work market": (IllegalWorkMarket, "step"),
        "illegal-working enforcement": (IllegalWorkingEnforcement, "step"),
        "weekly round (every 7th day)": (ChannelModel, "weekly_adaptation"),
        "returns unit's day closed": (ReturnsUnit, "close_day"),
        "stocks counted": (ChannelModel, "_take_stock"),
        "data collection (Mesa)": (DataCollector, "collect"),
    }


def measure_phases() -> dict[str, Any]:
    """One pair with every phase of its days timed: seconds of each, days, total seconds."""
    from model.model import ChannelModel

    phases = day_phases()
    seconds = dict.fromkeys(phases, 0.0)
    originals = {}
    for phase, (owner, name) in phases.items():
        originals[phase] = (owner, name, owner.__dict__[name])
        setattr(owner, name, _timed(originals[phase][2], phase, seconds))
    days = [0]
    step = ChannelModel.__dict__["step"]

    def counted_step(model):
        days[0] += 1
        return step(model)

    ChannelModel.step = counted_step
    try:
        started = time.perf_counter()
        time_pair()
        total = time.perf_counter() - started
    finally:
        ChannelModel.step = step
        for owner, name, original in originals.values():
            setattr(owner, name, original)
    return {"seconds": seconds, "days": days[0], "seconds_with_timers": total}


OUTSIDE_THE_DAYS = "outside the days (set-up, fork, series, summary)"


def phase_shares(phases: dict[str, Any]) -> tuple[list[tuple[str, float, float]], float]:
    """Each phase's milliseconds a day and share of the pair, costliest first; the rest's share."""
    days, total, seconds = phases["days"], phases["seconds_with_timers"], phases["seconds"]
    ordered = sorted(seconds.items(), key=lambda item: -item[1])
    shares = [(phase, 1000 * spent / days, spent / total) for phase, spent in ordered]
    return shares, (total - sum(seconds.values())) / total


def print_phases(phases: dict[str, Any]) -> None:
    print(f"Where a day goes ({phases['days']} days simulated, "
          f"{phases['seconds_with_timers']:.2f} s with the timers):")  # fmt: skip
    shares, rest = phase_shares(phases)
    for phase, ms, share in shares:
        print(f"  {phase:50s} {ms:6.3f} ms a day  {share:6.1%}")
    print(f"  {OUTSIDE_THE_DAYS:50s} {'':17s}{rest:6.1%}")


def _timed(function, phase: str, seconds: dict[str, float]):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[phase] += time.perf_counter() - started

    return timed


def compare(other: Path, repeats: int) -> dict[str, Any]:
    """The pair from this checkout against another's, in fresh processes run alternately."""
    mine, theirs = [], []
    for _ in range(repeats):
        mine.append(pair_in_fresh_process(ROOT))
        theirs.append(pair_in_fresh_process(other))
    return {
        "other": str(other),
        "repeats": repeats,
        "here": statistics.median(run["seconds"] for run in mine),
        "there": statistics.median(run["seconds"] for run in theirs),
        "same_run": mine[0]["arrivals"] == theirs[0]["arrivals"],
        "arrivals": (mine[0]["arrivals"], theirs[0]["arrivals"]),
    }


def print_comparison(against: dict[str, Any]) -> None:
    if not against["same_run"]:
        here, there = against["arrivals"]
        print(f"  note: the two checkouts give different runs ({here:,} against {there:,} "
              "arrivals)")  # fmt: skip
    print(f"Side by side, fresh processes alternately, median of {against['repeats']}:")
    print(f"  this checkout  {against['here']:.2f} s")
    print(f"  {against['other']}  {against['there']:.2f} s")
    print(f"  speed-up: {against['there'] / against['here']:.2f}x")


def _list(values: list[float]) -> str:
    return ", ".join(f"{value:,.2f}" if value < 1000 else f"{value:,.0f}" for value in values)


if __name__ == "__main__":
    sys.exit(main())
