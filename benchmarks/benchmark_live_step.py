"""Benchmark of the live page's step early and late in a run, in the server (no browser).

Run it from the project root::

    .venv/bin/python benchmarks/benchmark_live_step.py
    .venv/bin/python benchmarks/benchmark_live_step.py --steps 15 --against /path/to/other/checkout

Each checkout's live page (``viz.live_page.LivePage``, the pilot, seed 1) is rendered twice in
a process of its own, as two browser sessions would have it: one run at day 7 and one run on
to day 1,001 with "Run 13 weeks". Then "Step a week" is clicked ``--steps`` times on each page,
the pages and checkouts taking turns click by click, so that the machine's drifting load hits
every figure alike. A click's time is the server's whole answer: the week's simulation of the
policy run and its counterfactual, and the page's new render (weekly tables, effect figures,
chart options, widget updates); the simulation is also timed alone (``LiveRun.advance``), and
the page's share is the rest. The browser's part (the websocket, drawing) is not in it:
``benchmarks/load_check.py`` measures from the click in the browser.

It prints the median and 95th percentile of each, for each checkout at each day, and the late
page's median over the early one's. This is a script, not a test: it prints figures and fails
on nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EARLY_DAY, LATE_DAY = 7, 1_001
QUARTER_DAYS = 91  # the page's "Run 13 weeks"


def serve() -> None:
    """In a checkout's process: render the two pages, then click "Step a week" when asked.

    Reads ``early`` or ``late`` a line; answers each with one line of JSON, the click's
    milliseconds and those of the simulation in it.
    """
    import ipyvuetify as v
    import solara

    from viz.live import LiveRun
    from viz.live_page import LivePage

    simulated = [0.0]
    advance = LiveRun.advance

    def timed_advance(run, days=7):
        started = time.perf_counter()
        advance(run, days)
        simulated[0] += time.perf_counter() - started

    LiveRun.advance = timed_advance

    def click(page, label: str) -> None:
        page.find(v.Btn, children=[label]).widget.click()

    pages = {"early": solara.render(LivePage(), handle_error=False)[1]}
    pages["late"] = solara.render(LivePage(), handle_error=False)[1]
    click(pages["early"], "Step a week")
    for _ in range((LATE_DAY - EARLY_DAY) // QUARTER_DAYS):
        click(pages["late"], "Run 13 weeks")
    click(pages["late"], "Step a week")
    print("ready", flush=True)
    for line in sys.stdin:
        button = pages[line.strip()].find(v.Btn, children=["Step a week"]).widget
        simulated[0] = 0.0
        started = time.perf_counter()
        button.click()
        total = time.perf_counter() - started
        print(json.dumps({"click_ms": 1000 * total, "simulation_ms": 1000 * simulated[0]}))
        sys.stdout.flush()


def start(checkout: Path) -> subprocess.Popen:
    """A process serving ``checkout``'s pages (its code first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve"],
        cwd=checkout,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    ready = process.stdout.readline().strip()
    if ready != "ready":
        raise RuntimeError(f"{checkout}: the pages did not start (said {ready!r})")
    return process


def click(process: subprocess.Popen, page: str) -> dict:
    """One click on ``page`` (early or late) in a serving process."""
    process.stdin.write(page + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main(argv: list[str] | None = None) -> None:
    """Measure, side by side, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=15, help="clicks on each page (15)")
    parser.add_argument("--against", type=Path, help="another checkout, measured alongside")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve()
        return
    checkouts = [ROOT] + ([args.against.resolve()] if args.against else [])
    print(f"live step: pages at day {EARLY_DAY} and day {LATE_DAY} in {len(checkouts)} checkouts")
    processes = [start(checkout) for checkout in checkouts]
    times = {(c, p): [] for c in range(len(checkouts)) for p in ("early", "late")}
    for _ in range(args.steps):
        for page in ("early", "late"):
            for number, process in enumerate(processes):
                times[number, page].append(click(process, page))
    for process in processes:
        process.stdin.close()
        process.wait()
    report(checkouts, times)


def report(checkouts: list[Path], times: dict) -> None:
    """Medians and 95th percentiles, in milliseconds."""
    print(
        f"\n{'checkout':<28} {'from day':>8} {'click median':>13} {'p95':>6} "
        f"{'simulation':>11} {'page (rest)':>12}"
    )
    for number, checkout in enumerate(checkouts):
        medians = {}
        for page, day in (("early", EARLY_DAY), ("late", LATE_DAY)):
            clicks = [t["click_ms"] for t in times[number, page]]
            simulation = [t["simulation_ms"] for t in times[number, page]]
            rest = [t["click_ms"] - t["simulation_ms"] for t in times[number, page]]
            medians[page] = statistics.median(clicks)
            print(
                f"{str(checkout)[-28:]:<28} {day:>8,} {medians[page]:>10.0f} ms "
                f"{p95(clicks):>3.0f} ms {statistics.median(simulation):>8.0f} ms "
                f"{statistics.median(rest):>9.0f} ms"
            )
        print(f"{'':<28} late over early: {medians['late'] / medians['early']:.2f}")


if __name__ == "__main__":
    main()
