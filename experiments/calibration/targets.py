"""The calibration's targets: each year's public figures, inputs and the scaled errors.

The distance of a parameter vector to the data is the root mean square of scaled errors over
every (year, target):

- arrivals and people per boat: the log ratio of model to data (0.1 is about 10% off);
- the second-half share and the prevention share: the difference in shares divided by 0.1
  (0.1 is ten percentage points off);
- each error capped at 0.5 either way (``ERROR_CAP``), so that a target the model cannot reach
  does not decide the fit alone.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from model.data import load_observed_arrivals, load_prevention_shares
from model.parameters import PARAMETERS
from model.scenarios import scenario_parameters

BASE_SCENARIO = "baseline"
REFERENCE_YEAR = 2024
"""The year whose inflow (the declared default) the other years' inflows are scaled from."""
SHARE_SCALE = 0.1
"""A share's error is divided by this, so ten percentage points count as a log ratio of 0.1."""
ERROR_CAP = 0.5
"""Largest scaled error one target adds to the distance (a log ratio of 0.5 is 65% too many).

A target no parameter can reach (the dozen people per boat of 2019-2020: the model has one
regime of boats) would otherwise decide the fit alone, at the expense of every other target."""
TARGETS = ("arrivals", "mean_people_per_boat", "second_half_share", "prevention_share")


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


def observed_targets(year: int, config: dict) -> dict[str, float]:
    """The public figures a year is fitted to (prevention only in years that have it)."""
    observed = observed_by_year()[year]
    targets = {
        "arrivals": float(observed["arrivals"]),
        "mean_people_per_boat": float(observed["people_per_boat"]),
        "second_half_share": float(config["second_half_share"]),
    }
    prevention = load_prevention_shares()
    if year in prevention:
        targets["prevention_share"] = prevention[year]
    return targets


def scaled_error(target: str, model: float, observed: float) -> float:
    """The error of one target on the distance's common scale (see the module docstring)."""
    if target in ("arrivals", "mean_people_per_boat"):
        return math.log(max(model, 1e-9) / observed)
    return (model - observed) / SHARE_SCALE


def capped_error(target: str, model: float, observed: float) -> float:
    """The scaled error, capped at ERROR_CAP either way: what the distance adds up."""
    return min(max(scaled_error(target, model, observed), -ERROR_CAP), ERROR_CAP)
