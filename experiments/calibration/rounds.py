"""The calibration's ABC rounds as sweeps, and the posterior they leave.

Round 1 is one Latin-hypercube sweep a year over the prior; each later round is one paired
sweep a year over proposals near the last round's kept draws (see ``abc.py``). A round keeps
its closest draws, weighted; the closest of the last round's is the fit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.abc import importance_weights, propose, weighted_quantile
from experiments.calibration.targets import (
    BASE_SCENARIO,
    TARGETS,
    capped_error,
    observed_targets,
    year_inputs,
)
from experiments.engine.analysis import load_results
from experiments.research import Experiment
from model.parameters import PARAMETERS

INFLOW = "inflow_multiplier"
"""The fitted factor on every year's inflow to the coast (not a model parameter: the inflow is
not observed, so each year's is the reference year's scaled by arrivals, times this factor)."""


def search_space(config: dict) -> dict[str, list[float]]:
    """Every fitted quantity's uniform prior range: the behaviour parameters and the inflow."""
    return {**config["prior"], INFLOW: config[INFLOW]}


def year_varied(year: int, config: dict) -> dict[str, dict]:
    """A year's varied parameters: the prior, and the year's inflow over the multiplier's range.

    The Latin hypercube scales each unit draw linearly into its range, so the same draw gives
    the same multiplier in every year: one factor common to all years, not one per year.
    """
    factor_low, factor_high = config[INFLOW]
    inflow = year_inputs(year)["arrivals_per_week"]
    return {
        **{name: {"low": low, "high": high} for name, (low, high) in config["prior"].items()},
        "arrivals_per_week": {"low": inflow * factor_low, "high": inflow * factor_high},
    }


def year_sweep(year: int, config: dict, design: dict, vary: dict) -> dict:
    """The sections of one round's sweep in one year: the year's inputs, one run a point."""
    return {
        "sweep": {
            "scenario": BASE_SCENARIO,
            "days": 365,
            "replicates": 1,
            "master_seed": config["master_seed"],
            **design,
            "outputs": list(TARGETS),
        },
        "fixed": {
            name: value for name, value in year_inputs(year).items() if name != "arrivals_per_week"
        },
        "vary": vary,
    }


def sweeps(experiment: Experiment) -> dict[str, dict]:
    """One Latin-hypercube sweep a year, over the same prior draws (same seed and bounds)."""
    config = experiment.config["calibration"]
    design = {"design": "latin_hypercube", "samples": config["draws"]}
    return {
        sweep_name(1, year): year_sweep(year, config, design, year_varied(year, config))
        for year in config["years"]
    }


def sweep_name(round_number: int, year: int) -> str:
    """The sweep of one ABC round in one year (round 1 draws from the prior)."""
    return f"year_{year}" if round_number == 1 else f"round{round_number}_year_{year}"


def follow_up(experiment: Experiment, folders: dict[str, Path]) -> dict[str, dict]:
    """The next ABC-PMC round's sweeps, once the last round has run; none after the last.

    Each proposal of round r is one point of a paired sweep in every year, so its parameters
    are the same in each year and its inflow is the year's inflow times its multiplier.
    """
    config = experiment.config["calibration"]
    done = rounds_run(folders, config)
    if done >= config["rounds"]:
        return {}
    kept = population(folders, config, done)
    space = search_space(config)
    low, high = (np.array([bounds[i] for bounds in space.values()]) for i in (0, 1))
    rng = np.random.default_rng([config["master_seed"], done + 1])
    proposals = pd.DataFrame(
        propose(
            kept[list(space)].to_numpy(), kept["weight"].to_numpy(), low, high, config["draws"], rng
        ),
        columns=list(space),
    )
    return {
        sweep_name(done + 1, year): year_sweep(
            year, config, {"design": "paired"}, proposal_values(proposals, year, config)
        )
        for year in config["years"]
    }


def proposal_values(proposals: pd.DataFrame, year: int, config: dict) -> dict[str, dict]:
    """A paired sweep's [vary] tables: each proposal's parameters and the year's inflow."""
    values = {
        name: {"values": [PARAMETERS[name].coerce(v) for v in proposals[name].tolist()]}
        for name in config["prior"]
    }
    inflow = year_inputs(year)["arrivals_per_week"]
    values["arrivals_per_week"] = {"values": (proposals[INFLOW] * inflow).tolist()}
    return values


def rounds_run(folders: dict[str, Path], config: dict) -> int:
    """How many ABC rounds have run in every year."""
    done = 0
    while all(sweep_name(done + 1, year) in folders for year in config["years"]):
        done += 1
    return done


def population(folders: dict[str, Path], config: dict, round_number: int) -> pd.DataFrame:
    """The draws a round keeps (the closest share), closest first, with normalised weights.

    Round 1's draws come from the prior and weigh alike; a later round's proposals weigh
    prior / proposal density (see ``abc.py``), computed from the round before's kept draws.
    """
    table = distances(folders, config, round_number)
    space = list(search_space(config))
    if round_number == 1:
        table["weight"] = 1.0
    else:
        previous = population(folders, config, round_number - 1)
        bounds = search_space(config).values()
        table["weight"] = importance_weights(
            table[space].to_numpy(),
            previous[space].to_numpy(),
            previous["weight"].to_numpy(),
            [low for low, _ in bounds],
            [high for _, high in bounds],
        )
    kept = table.head(max(1, round(config["accept_share"] * len(table))))
    kept = kept[np.isfinite(kept["distance"])].copy()
    kept["weight"] /= kept["weight"].sum()
    return kept


def distances(folders: dict[str, Path], config: dict, round_number: int = 1) -> pd.DataFrame:
    """Each draw's parameters (and inflow multiplier) in a round, and its distance to the data."""
    prior = list(config["prior"])
    draws, errors = None, []
    for year in config["years"]:
        results = load_results(folders[sweep_name(round_number, year)])
        results = results.set_index("point").sort_index()
        results = results[results["status"] == "ok"]
        if draws is None:
            draws = results[prior].copy()
            draws[INFLOW] = results["arrivals_per_week"] / year_inputs(year)["arrivals_per_week"]
        for target, observed in observed_targets(year, config).items():
            errors.append(
                results[target].map(lambda model, t=target, o=observed: capped_error(t, model, o))
            )
    squared = pd.concat(errors, axis=1) ** 2
    table = draws.copy()
    # a draw that failed in any year has a missing error and is never accepted
    table["distance"] = np.sqrt(squared.mean(axis=1, skipna=False))
    return table.sort_values("distance").reset_index()


def posterior_quantile(accepted: pd.DataFrame, name: str, q: float) -> float:
    """A quantile of one fitted quantity over the kept draws, by their weights."""
    return weighted_quantile(accepted[name].to_numpy(), accepted["weight"].to_numpy(), q)


def closest_draw(accepted: pd.DataFrame) -> pd.Series:
    """The fit: the kept draw nearest the data (the point estimate the scenarios carry).

    Not the posterior medians: the parameters trade off against each other (a higher wish to
    reach the UK against a higher wish to leave, say), so medians taken one by one make a
    combination no draw had, which can fit worse than any kept draw.
    """
    return accepted.loc[accepted["distance"].idxmin()]


def fitted_parameters(accepted: pd.DataFrame, prior: dict) -> dict[str, Any]:
    """The closest draw's parameters (to 4 significant digits), as their declared types."""
    draw = closest_draw(accepted)
    return {name: PARAMETERS[name].coerce(float(f"{draw[name]:.4g}")) for name in prior}


def fitted_inflow_multiplier(accepted: pd.DataFrame) -> float:
    """The closest draw's inflow multiplier (to 4 significant digits)."""
    return float(f"{closest_draw(accepted)[INFLOW]:.4g}")
