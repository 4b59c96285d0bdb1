"""The calibration's targets: each year's public figures and inputs, and their common scale.

A year's targets are the Home Office's arrivals and mean people per boat, the share of arrivals
in July-December, the French prevention share (in the years that have it) and the arrivals of
January-April (in the years with a row in ``model/data/observed_arrivals_by_period.csv``: the
weather's documented red days are what those months test).

The ABC compares each target on a scale where errors are relative:

- counts (arrivals, January-April arrivals, people per boat) as their logarithm, so that a
  difference of 0.1 is about 10% off whatever the year's size;
- shares as they are (0.1 is ten percentage points off).

``scaled_error`` puts both on one scale for the tables (a share's difference divided by 0.1).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from model.data import load_observed_arrivals, load_prevention_shares
from model.observed import arrivals_in
from model.parameters import PARAMETERS
from model.scenarios import scenario_parameters

BASE_SCENARIO = "baseline"
REFERENCE_YEAR = 2024
"""The year whose inflow (the declared default) the other years' inflows are scaled from."""
SECOND_HALF_SHARE = 0.65
"""Home Office, 'Small boat arrivals and the impact of crossing conditions' (3 June 2025): on
average about 65% of a year's arrivals come in its latter part."""
SHARE_SCALE = 0.1
"""A share's error is divided by this, so ten percentage points count as a log ratio of 0.1."""
TARGETS = (
    "arrivals",
    "january_april_arrivals",
    "mean_people_per_boat",
    "second_half_share",
    "prevention_share",
)
COUNTS = ("arrivals", "january_april_arrivals", "mean_people_per_boat")
"""Targets compared as logarithms (relative errors); the others are shares."""
LAST_JANUARY_APRIL_MONTH = 4


def observed_by_year() -> dict[int, dict]:
    """Home Office arrivals and people per boat, by year."""
    return {row["year"]: row for row in load_observed_arrivals()}


def year_inputs(year: int, inflow_multiplier: float = 1.0) -> dict[str, Any]:
    """A calibration year's inputs: its start, inflow, people waiting and the gangs' load.

    The inflow is the reference year's scaled by the year's arrivals, times `inflow_multiplier`.
    """
    observed = observed_by_year()
    base = scenario_parameters(BASE_SCENARIO)
    scale = observed[year]["arrivals"] / observed[REFERENCE_YEAR]["arrivals"]

    def scaled(name: str) -> float:
        return base[name] * scale

    load = PARAMETERS["initial_people_per_boat"]
    return {
        "start_date": dt.date(year, 1, 1),
        "arrivals_per_week": round(scaled("arrivals_per_week") * inflow_multiplier, 1),
        "initial_waiting_in_france": round(scaled("initial_waiting_in_france")),
        "initial_people_per_boat": min(
            max(observed[year - 1]["people_per_boat"], load.low), load.high
        ),
    }


def january_april(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a year's January-April."""
    return dt.date(year, 1, 1), dt.date(year, LAST_JANUARY_APRIL_MONTH, 30)


def observed_targets(year: int) -> dict[str, float]:
    """The public figures a year is fitted to (prevention and January-April where they exist)."""
    observed = observed_by_year()[year]
    targets = {
        "arrivals": float(observed["arrivals"]),
        "mean_people_per_boat": float(observed["people_per_boat"]),
        "second_half_share": SECOND_HALF_SHARE,
    }
    prevention = load_prevention_shares()
    if year in prevention:
        targets["prevention_share"] = prevention[year]
    first_months = arrivals_in(*january_april(year))
    if first_months is not None:
        targets["january_april_arrivals"] = float(first_months.count)
    return {target: targets[target] for target in TARGETS if target in targets}


def statistic(target: str, value: float) -> float:
    """A target's value on the ABC's scale: the log of a count, a share as it is.

    A run with no arrivals (or no boats) has no share or load: it counts as 0, as far from the
    data as such a run is, and a count below 1 counts as 1, so the log stays finite.
    """
    if math.isnan(value):
        value = 0.0
    return math.log(max(value, 1.0)) if target in COUNTS else value


def target_label(target: str) -> str:
    """A target's name in tables: 'mean people per boat', 'January-April arrivals'."""
    return (
        "January-April arrivals" if target == "january_april_arrivals" else target.replace("_", " ")
    )


def scaled_error(target: str, model: float, observed: float) -> float:
    """The error of one target on a common scale: a log ratio, or a share's difference / 0.1."""
    if target in COUNTS:
        return math.log(max(model, 1e-9) / observed)
    return (model - observed) / SHARE_SCALE
