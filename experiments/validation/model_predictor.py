"""The model as a predictor of a validation window, from a posterior fitted before the window.

For a window in year Y, each run takes one draw of the posterior (behaviour parameters and the
inflow factor), starts on 1 January of Y with the inputs known at the window's start, and runs
to the window's end. Nothing observed in Y enters:

- **the flow towards the coast** is the one that reproduces year Y-1's arrivals (as the
  calibration sets each fitted year's), times a growth ``g`` drawn for the run:
  ``log g ~ Normal(0, s)``, ``s`` the root mean square of the year-on-year log changes of
  annual arrivals before Y. The flow is not observed, so a forecast takes it as an uncertain
  input with that prior (persistence, with persistence's own spread);
- **the boats' starting load** is year Y-1's mean people per boat;
- **the weather** holds the documented red days of Y's January-April (an input, not a target:
  the Met Office rating is known on the day).

The predictive distribution is over posterior draws (each with its weight, shared among its
seeds) times seeds times flow growths; its median and 90% interval (5th and 95th weighted
percentiles, each an actual run's value) are the model's prediction of each target.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.posterior import WEIGHT
from experiments.calibration.settings import INFLOW
from experiments.validation.persistence import log_changes
from experiments.validation.prediction import INTERVAL, Prediction, rows_ending_before
from experiments.validation.windows import (
    JANUARY_APRIL,
    PEOPLE_PER_BOAT,
    TOTAL,
    YEAR,
    ValidationWindow,
    counts_by_year,
)
from model.observed import PeriodCount, observed_arrivals
from model.parameters import PARAMETERS

PREDICTOR = "model"


@dataclass(frozen=True)
class WindowInputs:
    """What is known of a window's year at its start: last year's flow, load and waiting."""

    year: int
    arrivals_per_week: float
    initial_waiting_in_france: int
    initial_people_per_boat: float
    flow_log_spread: float
    """Root mean square of the year-on-year log changes of annual arrivals before the year."""


def window_inputs(
    window: ValidationWindow,
    reference: dict[str, Any],
    reference_arrivals: float,
    arrivals: Sequence[PeriodCount] | None = None,
    people_per_boat: dict[int, float] | None = None,
) -> WindowInputs:
    """The inputs of a window's year from the rows that end before it.

    ``reference`` holds the reference year's flow and people waiting (the shipped defaults),
    which reproduce ``reference_arrivals`` a year; the window's flow is scaled from them by last
    year's arrivals, as the calibration scales a fitted year's.
    """
    seen = rows_ending_before(observed_arrivals() if arrivals is None else arrivals, window.start)
    years = counts_by_year(seen, YEAR)
    year = window.start.year
    if year - 1 not in years:
        raise ValueError(
            f"window {window.label}: no arrivals row for {year - 1} ends before {window.start}: "
            "allowed are windows whose previous year is observed"
        )
    changes = log_changes(years)
    if len(changes) < 2:
        raise ValueError(
            f"window {window.label}: {len(changes)} year-on-year change(s) before it: allowed "
            "are windows with at least 2, from which the flow's spread is estimated"
        )
    scale = years[year - 1] / reference_arrivals
    load = PARAMETERS["initial_people_per_boat"]
    boat_load = (people_per_boat or {}).get(year - 1, reference["initial_people_per_boat"])
    return WindowInputs(
        year=year,
        arrivals_per_week=reference["arrivals_per_week"] * scale,
        initial_waiting_in_france=round(reference["initial_waiting_in_france"] * scale),
        initial_people_per_boat=min(max(boat_load, load.low), load.high),
        flow_log_spread=math.sqrt(sum(change**2 for change in changes) / len(changes)),
    )


@dataclass(frozen=True)
class PlannedRun:
    """One run of a window: a posterior draw, a seed and a flow growth."""

    draw: int
    replicate: int
    seed: int
    flow_growth: float
    weight: float
    parameters: dict[str, Any]


def plan_runs(
    window: ValidationWindow,
    inputs: WindowInputs,
    posterior: pd.DataFrame,
    base: dict[str, Any],
    seeds: int,
    master_seed: int,
) -> list[PlannedRun]:
    """Every run of a window: each posterior draw with ``seeds`` seeds and flow growths.

    Seeds and growths come from ``master_seed``, the window's year, the draw and the
    replicate, so a run is reproduced from them alone.
    """
    if seeds < 1:
        raise ValueError(f"seeds={seeds} is not valid: allowed is a whole number >= 1")
    if WEIGHT not in posterior.columns or posterior[WEIGHT].sum() <= 0:
        raise ValueError("the posterior needs a 'weight' column with a positive sum")
    fitted = [name for name in posterior.columns if name in PARAMETERS]
    weights = posterior[WEIGHT].to_numpy(float) / posterior[WEIGHT].sum()
    runs = []
    for draw, row in enumerate(posterior.to_dict("records")):
        multiplier = float(row.get(INFLOW, 1.0))
        for replicate in range(seeds):
            entropy = np.random.SeedSequence([master_seed, inputs.year, draw, replicate])
            seed = int(entropy.generate_state(1)[0])
            log_growth = np.random.default_rng(entropy).normal(0.0, inputs.flow_log_spread)
            growth = float(np.exp(log_growth))
            values = {
                **base,
                **{name: PARAMETERS[name].coerce(row[name]) for name in fitted},
                "start_date": dt.date(inputs.year, 1, 1),
                "arrivals_per_week": min(
                    inputs.arrivals_per_week * multiplier * growth,
                    PARAMETERS["arrivals_per_week"].high,
                ),
                "initial_waiting_in_france": inputs.initial_waiting_in_france,
                "initial_people_per_boat": inputs.initial_people_per_boat,
            }
            runs.append(PlannedRun(draw, replicate, seed, growth, weights[draw] / seeds, values))
    return runs


def window_outcome(run: PlannedRun, window: ValidationWindow) -> dict[str, float]:
    """Run one planned run to the window's end; its arrivals in each target period."""
    from model.run import simulate  # in the worker: the model is imported where it runs

    days = (window.end - window.start).days + 1
    _, daily = simulate(run.parameters, seed=run.seed, days=days)
    dates = daily["date"].dt.date
    outcome = {"draw": run.draw, "replicate": run.replicate, "seed": run.seed}
    outcome |= {"flow_growth": run.flow_growth, "weight": run.weight}
    # people per boat: arrivals over boats arrived in the period, as the Home Office counts it
    for target in window.targets:
        inside = daily.loc[(dates >= target.start) & (dates <= target.end)]
        people = float(inside["arrivals"].sum())
        if target.name == PEOPLE_PER_BOAT:
            boats = float(inside["boats_arrived"].sum())
            outcome[target.name] = people / boats if boats else float("nan")
        else:
            outcome[target.name] = people
    return outcome


def run_window(
    window: ValidationWindow,
    runs: Sequence[PlannedRun],
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """The outcomes of ``runs`` (one row a run), on ``workers`` processes."""
    if workers < 1:
        raise ValueError(f"workers={workers} is not valid: allowed is a whole number >= 1")
    rows = []
    if workers == 1:
        for run in runs:
            rows.append(window_outcome(run, window))
            if progress:
                progress(1)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for row in pool.map(window_outcome, runs, [window] * len(runs)):
                rows.append(row)
                if progress:
                    progress(1)
    return pd.DataFrame(rows)


def predictions_from_runs(
    window: ValidationWindow, outcomes: pd.DataFrame, note: str
) -> list[Prediction]:
    """The model's median and 90% interval of each target, over the weighted runs."""
    tail = (1.0 - INTERVAL) / 2.0
    predictions = []
    for target in window.targets:
        values = outcomes[target.name].to_numpy(float)
        landed = ~np.isnan(values)  # a mean load needs boats; a run with none has no value
        low, median, high = (
            float(
                np.quantile(
                    values[landed], q, weights=outcomes[WEIGHT][landed], method="inverted_cdf"
                )
            )
            for q in (tail, 0.5, 1.0 - tail)
        )
        predictions.append(
            Prediction(window.label, target.name, PREDICTOR, median, low, high, note)
        )
    return predictions


TARGETS_SCORED = (TOTAL, JANUARY_APRIL, PEOPLE_PER_BOAT)
"""The targets the model predicts in a window (as the baselines do)."""
