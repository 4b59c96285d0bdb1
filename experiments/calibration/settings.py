"""The calibration's settings from its ``config.toml``, checked: years, prior, budget, seeds.

Every value is checked before anything runs; a bad one is a one-line :class:`SweepError`
naming the value and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from experiments.calibration.targets import observed_by_year
from experiments.engine.spec import SweepError
from experiments.research import load_experiment, merged
from model.parameters import PARAMETERS

INFLOW = "inflow_multiplier"
"""The fitted factor on every year's inflow to the coast (not a model parameter: the inflow is
not observed, so each year's is the reference year's scaled by arrivals, times this factor)."""
INFLOW_BOUNDS = (0.1, 5.0)
"""The factor's allowed prior range: a tenth to five times the scaled inflow."""

Prior = dict[str, tuple[float, float]]
"""Each fitted quantity's uniform prior range (low, high)."""


@dataclass(frozen=True)
class Budget:
    """How long the ABC-SMC runs: its population and its stopping rule.

    It stops after ``max_generations`` generations, or once the generations so far used
    ``max_simulations`` parameter vectors (each run in every year; the prior sample that sets
    the distance's first scales counts), or when a generation's threshold is at most
    ``min_epsilon``, or when a generation would need more than ``population_size /
    min_acceptance_rate`` simulations (it is then dropped).
    """

    population_size: int
    max_generations: int
    max_simulations: int
    min_epsilon: float = 0.0
    min_acceptance_rate: float = 0.0


@dataclass(frozen=True)
class Settings:
    """One size of the calibration: what it fits, to what, and how long it runs."""

    years: tuple[int, ...]
    prior: Prior
    budget: Budget
    master_seed: int
    validation_seeds: int
    predictive_draws: int


SIZES = ("full", "ci", "validation")
"""The calibration's sizes: the main fit, CI's and the rolling-origin validation's fits (the
full size with ``[validation.calibration]`` of the config merged over it)."""


def load_settings(size: str = "full") -> Settings:
    """The calibration's settings at ``size`` (one of :data:`SIZES`), checked."""
    if size not in SIZES:
        raise SweepError(f"size={size!r} is not valid: allowed are {', '.join(SIZES)}")
    config = load_experiment("calibration", "ci" if size == "ci" else "full").config
    if size == "validation":
        config = merged(config, config.get("validation", {}))
    return settings_from(config["calibration"])


CALIBRATION_KEYS = (
    "years",
    "master_seed",
    "validation_seeds",
    "predictive_draws",
    INFLOW,
    "budget",
    "prior",
)
BUDGET_KEYS = tuple(Budget.__dataclass_fields__)


def settings_from(config: dict[str, Any]) -> Settings:
    """The settings of a ``[calibration]`` table, checked (see the module docstring)."""
    known_keys(config, CALIBRATION_KEYS, "[calibration]")
    budget = config.get("budget", {})
    known_keys(budget, BUDGET_KEYS, "[calibration.budget]")
    return Settings(
        years=check_years(config.get("years")),
        prior=check_prior({**config.get("prior", {}), INFLOW: config.get(INFLOW)}),
        budget=check_budget(budget),
        master_seed=whole(config, "master_seed", 0),
        validation_seeds=whole(config, "validation_seeds", 1),
        predictive_draws=whole(config, "predictive_draws", 1),
    )


def known_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """A one-line error for the first key of ``table`` that is not ``allowed``."""
    for key in table:
        if key not in allowed:
            raise SweepError(f"unknown key {key!r} in {where}: allowed are {', '.join(allowed)}")


def whole(table: dict[str, Any], key: str, low: int) -> int:
    """A whole number at least ``low``, or a one-line error."""
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SweepError(f"{key}={value!r} is not valid: allowed is a whole number >= {low}")
    return value


def check_years(years: Any) -> tuple[int, ...]:
    """Calibration years: distinct, in order, each with its figures and the year before's."""
    known = observed_by_year()
    allowed = [year for year in sorted(known) if year - 1 in known]
    if (
        not isinstance(years, list | tuple)
        or not years
        or any(year not in allowed for year in years)
        or list(years) != sorted(set(years))
    ):
        raise SweepError(
            f"years={years!r} is not valid: allowed are distinct years in order, from "
            f"{', '.join(map(str, allowed))}"
        )
    return tuple(years)


def check_prior(prior: dict[str, Any]) -> Prior:
    """Uniform prior ranges inside each parameter's declared bounds (the inflow's own)."""
    checked = {}
    for name, bounds in prior.items():
        if name == INFLOW:
            allowed_low, allowed_high = INFLOW_BOUNDS
        elif name in PARAMETERS and PARAMETERS[name].kind is float:
            allowed_low, allowed_high = PARAMETERS[name].low, PARAMETERS[name].high
        else:
            raise SweepError(
                f"prior of {name!r} is not valid: allowed are {INFLOW} and the model's "
                "numeric parameters (model/parameters.toml)"
            )
        if (
            not isinstance(bounds, list | tuple)
            or len(bounds) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in bounds)
            or not allowed_low <= bounds[0] < bounds[1] <= allowed_high
        ):
            raise SweepError(
                f"prior {name}={bounds!r} is not valid: allowed is [low, high] with "
                f"{allowed_low} <= low < high <= {allowed_high}"
            )
        checked[name] = (float(bounds[0]), float(bounds[1]))
    return checked


def check_budget(table: dict[str, Any]) -> Budget:
    """The population and stopping rule of ``[calibration.budget]``, checked."""
    population = whole(table, "population_size", 2)
    min_epsilon = table.get("min_epsilon", 0.0)
    min_rate = table.get("min_acceptance_rate", 0.0)
    if isinstance(min_epsilon, bool) or not isinstance(min_epsilon, int | float) or min_epsilon < 0:
        raise SweepError(f"min_epsilon={min_epsilon!r} is not valid: allowed is a number >= 0")
    if isinstance(min_rate, bool) or not isinstance(min_rate, int | float) or not 0 <= min_rate < 1:
        raise SweepError(
            f"min_acceptance_rate={min_rate!r} is not valid: allowed is a number from 0 to below 1"
        )
    return Budget(
        population_size=population,
        max_generations=whole(table, "max_generations", 1),
        max_simulations=whole(table, "max_simulations", population),
        min_epsilon=float(min_epsilon),
        min_acceptance_rate=float(min_rate),
    )
