"""The model as the ABC sees it: one parameter vector in, every calibration year's statistics out.

A parameter vector (behaviour parameters, the way to the coast and the inflow multiplier) runs
the ``baseline`` scenario for a year from 1 January of each calibration year, with that year's
inputs (:func:`experiments.calibration.targets.year_inputs`). Its statistics are the targets of
every year, named ``"<year> <target>"``, on the ABC's scale (logs of counts, shares).

Every simulation has its own model seed, derived from the master seed and the parameter values
(a hash), and returned with its statistics as ``model_seed``: any simulation, kept or rejected,
is rerun exactly by :func:`simulate_statistics` with its values and that seed. The distance
ignores ``model_seed`` (it is not an observed statistic).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from experiments.calibration.settings import INFLOW
from experiments.calibration.targets import (
    BASE_SCENARIO,
    january_april,
    observed_targets,
    statistic,
    year_inputs,
)
from model.parameters import PARAMETERS
from model.run import simulate, summarise
from model.scenarios import scenario_parameters

MODEL_SEED = "model_seed"
YEAR_DAYS = 365
SEED_BYTES = 4
"""Model seeds are whole numbers below 2**32."""


def model_seed(master_seed: int, parameters: Mapping[str, Any]) -> int:
    """The seed of a simulation: a hash of the master seed and the exact parameter values."""
    values = ";".join(f"{name}={float(parameters[name])!r}" for name in sorted(parameters))
    digest = hashlib.blake2b(f"{master_seed};{values}".encode(), digest_size=SEED_BYTES)
    return int.from_bytes(digest.digest(), "big")


def year_overrides(parameters: Mapping[str, Any], year: int) -> dict[str, Any]:
    """The overrides of ``baseline`` for one year: the year's inputs and the vector's values."""
    behaviour = {
        name: PARAMETERS[name].coerce(float(value))
        for name, value in parameters.items()
        if name != INFLOW
    }
    return {**year_inputs(year, float(parameters.get(INFLOW, 1.0))), **behaviour}


def year_outcomes(parameters: Mapping[str, Any], year: int, seed: int) -> dict[str, float]:
    """One year's run: the model's value of every target (as counts and shares)."""
    values = scenario_parameters(BASE_SCENARIO, **year_overrides(parameters, year))
    _, daily = simulate(values, seed, YEAR_DAYS)
    summary = summarise(daily, values)
    start, end = (pd.Timestamp(day) for day in january_april(year))
    first_months = daily.loc[daily["date"].between(start, end), "arrivals"].sum()
    return {
        "arrivals": float(summary["arrivals"]),
        "january_april_arrivals": float(first_months),
        "mean_people_per_boat": float(summary["mean_people_per_boat"]),
        "second_half_share": float(summary["second_half_share"]),
        "prevention_share": float(summary["prevention_share"]),
    }


def statistic_name(year: int, target: str) -> str:
    """The name of one (year, target) statistic."""
    return f"{year} {target}"


def observed_statistics(years: Sequence[int]) -> dict[str, float]:
    """The data on the ABC's scale: every observed (year, target)."""
    return {
        statistic_name(year, target): statistic(target, value)
        for year in years
        for target, value in observed_targets(year).items()
    }


def simulate_statistics(
    parameters: Mapping[str, Any], years: Sequence[int], seed: int
) -> dict[str, float]:
    """A vector's statistics in every year, on the ABC's scale, each year run with ``seed``."""
    statistics = {}
    for year in years:
        outcomes = year_outcomes(parameters, year, seed)
        for target in observed_targets(year):
            statistics[statistic_name(year, target)] = statistic(target, outcomes[target])
    return statistics


@dataclass(frozen=True)
class YearsModel:
    """The ABC's model: a parameter vector's statistics in ``years``, with its model seed."""

    years: tuple[int, ...]
    master_seed: int

    def __call__(self, parameters: Mapping[str, Any]) -> dict[str, float]:
        """Run the vector in every year with its own seed (see the module docstring)."""
        values = {name: float(value) for name, value in parameters.items()}
        seed = model_seed(self.master_seed, values)
        return {**simulate_statistics(values, self.years, seed), MODEL_SEED: seed}
