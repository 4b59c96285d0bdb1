"""Calibration of the behaviour parameters to the public series of 2019-2024 (ABC in rounds).

    python -m experiments.calibration.run --workers 2   # full size: 2 rounds x 512 draws x 6 years
    python -m experiments.calibration.run --size ci     # reduced, as CI runs it

The method is in this experiment's ``config.toml``; the targets and the distance are in
``targets.py``, the rounds and the posterior in ``rounds.py`` (on the pure functions of
``abc.py``), and the analysis here.

At full size the fitted parameters (the closest kept draw) are saved as the shipped scenarios
``calibrated`` (2024 with the fit) and ``pilot_calibrated`` (the pilot with the fit), which the
other experiments build on, and the fit table replaces the README's (its ``calibration-fit``
region); at any size, ``calibrated.toml`` and the posterior (``posterior_draws.csv``: the
last round's kept draws and their weights) go into the results folder.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tomli_w
from matplotlib.ticker import PercentFormatter, StrMethodFormatter
from tqdm import tqdm

from experiments.calibration.abc import effective_sample_size
from experiments.calibration.rounds import (  # sweeps and follow_up: run_experiment calls them
    INFLOW,
    distances,
    fitted_inflow_multiplier,
    fitted_parameters,
    follow_up,
    population,
    posterior_quantile,
    rounds_run,
    search_space,
    sweeps,
)
from experiments.calibration.targets import (
    BASE_SCENARIO,
    REFERENCE_YEAR,
    TARGETS,
    observed_by_year,
    observed_targets,
    scaled_error,
    year_inputs,
)
from experiments.engine.figures import save_figure
from experiments.engine.provenance import PROJECT_ROOT
from experiments.engine.spec import SweepError
from experiments.research import Experiment, Finding, main_for
from model.markdown import markdown_table, replace_region
from model.run import run_scenario
from model.scenarios import SCENARIO_DIR, load_scenario, scenario_parameters

__all__ = ["analyse", "follow_up", "sweeps"]

NAME = "calibration"
SHIPPED_SCENARIO = SCENARIO_DIR / "calibrated.toml"
SHIPPED_PILOT_SCENARIO = SCENARIO_DIR / "pilot_calibrated.toml"
POSTERIOR_DRAWS = "posterior_draws.csv"
"""The accepted draws (behaviour parameters, inflow multiplier, distance), in the results."""
FULL_POSTERIOR = PROJECT_ROOT / "experiments" / NAME / "results" / "full" / POSTERIOR_DRAWS
"""The full-size posterior, committed, which other experiments run the model over."""
README = PROJECT_ROOT / "README.md"
FIT_REGION = "calibration-fit"
"""The README's region that holds the full-size fit table (written by the full-size run)."""
PILOT_SCENARIO = "pilot"
FITTED_SCENARIOS = ("calibrated", "pilot_calibrated")
PILOT_YEAR = 2025


def posterior_overrides(scenario: str, path: Path = FULL_POSTERIOR) -> pd.DataFrame:
    """Each accepted draw as the parameters it sets in ``scenario``: one row per draw.

    The behaviour parameters as drawn, the scenario's inflow times the draw's multiplier, and
    the draw's posterior ``weight`` (not a parameter).

    ``scenario`` must keep its own inflow: the shipped fits already carry one multiplier.

    Raises:
        SweepError: if the posterior has not been made (one line, with the command), or
            ``scenario`` is a fitted one.
    """
    if scenario in FITTED_SCENARIOS:
        raise SweepError(
            f"scenario {scenario!r} already has the fitted inflow, and each draw brings its own: "
            "allowed is a scenario with its declared inflow, such as pilot_as_delivered"
        )
    if not path.is_file():
        raise SweepError(
            f"{path} is missing: run `deterrence experiment {NAME}` at full size first"
        )
    draws = pd.read_csv(path)
    inflow = scenario_parameters(scenario)["arrivals_per_week"]
    overrides = draws.drop(columns=[INFLOW, "distance", "weight"])
    overrides["arrivals_per_week"] = (draws[INFLOW] * inflow).round(1)
    overrides["weight"] = draws["weight"]
    return overrides


def write_scenario(fitted: dict[str, Any], multiplier: float, path: Path, config: dict) -> Path:
    """The fit as a scenario file: the reference year's inputs with the fitted values."""
    document = {
        "description": (
            f"The baseline year {REFERENCE_YEAR} with the behaviour parameters "
            f"{fit_provenance(config)}."
        ),
        "parameters": {
            **load_scenario(BASE_SCENARIO),
            **year_inputs(REFERENCE_YEAR, multiplier),
            **fitted,
        },
    }
    path.write_text(tomli_w.dumps(document))
    return path


def write_pilot_scenario(
    fitted: dict[str, Any], multiplier: float, path: Path, config: dict
) -> Path:
    """The pilot as announced, with the fitted behaviour parameters and inflow multiplier.

    The pilot's own inflow (the declared 2024 level: 2025's is not known for the whole year)
    is multiplied by the fitted factor; the gangs start at 2024's load, as every calibration
    year starts at the previous year's.
    """
    pilot = load_scenario(PILOT_SCENARIO)
    inflow = scenario_parameters(PILOT_SCENARIO)["arrivals_per_week"]
    load = {**pilot_year_start(), "arrivals_per_week": round(inflow * multiplier, 1)}
    document = {
        "description": (
            "The 'one in, one out' pilot as announced (the `pilot` scenario) with the behaviour "
            f"parameters {fit_provenance(config)}."
        ),
        "parameters": {**pilot, **load, **fitted},
    }
    path.write_text(tomli_w.dumps(document))
    return path


def pilot_year_start() -> dict[str, float]:
    """What a fitted pilot run starts from: the gangs' boat load of the year before."""
    return {"initial_people_per_boat": observed_by_year()[PILOT_YEAR - 1]["people_per_boat"]}


def fit_provenance(config: dict) -> str:
    """Where the fitted values come from, for the scenarios' descriptions."""
    years = config["years"]
    return (
        f"fitted to {years[0]}-{years[-1]} by ABC in {config['rounds']} round(s) of "
        f"{config['draws']} draws, the closest {config['accept_share']:.0%} kept "
        "(experiments/calibration)"
    )


def validation_runs(scenario: Path, multiplier: float, config: dict) -> pd.DataFrame:
    """The fitted scenario in every calibration year, over several seeds."""
    rows = []
    jobs = [(year, seed) for year in config["years"] for seed in range(config["validation_seeds"])]
    for year, seed in tqdm(jobs, desc="fitted model", unit="run"):
        result = run_scenario(
            str(scenario), seed, 365, year_inputs(year, multiplier), with_counterfactual=False
        )
        rows.append({"year": year, "seed": seed, **{t: result.summary[t] for t in TARGETS}})
    return pd.DataFrame(rows)


SHOWN_AS = {
    "arrivals": "{:,.0f}".format,
    "mean_people_per_boat": "{:.1f}".format,
    "second_half_share": "{:.1%}".format,
    "prevention_share": "{:.1%}".format,
}
"""How each target's values are written in the fit table."""


def fit_table(validation: pd.DataFrame, config: dict) -> pd.DataFrame:
    """Per year and target: the data, the fitted model's mean and range, and the error."""
    rows = []
    for year, runs in validation.groupby("year"):
        for target, observed in observed_targets(year, config).items():
            values = runs[target].to_numpy(dtype=float)
            share = target.endswith("share")
            mean = values.mean()
            shown = SHOWN_AS[target]
            rows.append(
                {
                    "year": year,
                    "target": target.replace("_", " "),
                    "data": shown(observed),
                    "model (mean over seeds)": shown(mean),
                    "model range": f"{shown(values.min())} to {shown(values.max())}",
                    "error": (
                        f"{(mean - observed) * 100:+.1f} points"
                        if share
                        else f"{mean / observed - 1:+.1%}"
                    ),
                }
            )
    return pd.DataFrame(rows)


def fit_figure(validation: pd.DataFrame, config: dict, path: Path) -> Path:
    """Model (mean and range over seeds) against data, year by year, for each target."""
    figure, axes = plt.subplots(2, 2, figsize=(10, 7))
    labels = {
        "arrivals": "small-boat arrivals a year (people)",
        "mean_people_per_boat": "mean people per boat",
        "second_half_share": "share of arrivals in July-December",
        "prevention_share": "share of attempts prevented in France",
    }
    by_year = validation.groupby("year")
    for axis, target in zip(axes.flat, TARGETS, strict=True):
        years = [y for y in config["years"] if target in observed_targets(y, config)]
        data = [observed_targets(y, config)[target] for y in years]
        model = by_year[target].agg(["mean", "min", "max"]).loc[years]
        axis.plot(years, data, "ks-", label="public figure")
        axis.errorbar(
            years,
            model["mean"],
            yerr=[model["mean"] - model["min"], model["max"] - model["mean"]],
            fmt="o--",
            color="tab:blue",
            capsize=3,
            label="fitted model (mean, range over seeds)",
        )
        axis.set_ylabel(labels[target], fontsize=9)
        if target.endswith("share"):
            axis.yaxis.set_major_formatter(PercentFormatter(1.0))
        else:
            axis.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        axis.set_xlabel("year")
        axis.set_xticks(years)
        axis.legend(fontsize=7)
    figure.suptitle("The calibrated model against the public series", fontsize=11)
    return save_figure(figure, path)


def posterior_figure(table: pd.DataFrame, accepted: pd.DataFrame, prior: dict, path: Path) -> Path:
    """Each fitted parameter: the prior draws and the last round's kept draws.

    The kept draws are weighted by their importance weights, scaled to their count.
    """
    columns = 4
    rows = math.ceil(len(prior) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(12, 2.4 * rows), squeeze=False)
    for axis, (name, (low, high)) in zip(axes.flat, prior.items(), strict=False):
        bins = np.linspace(low, high, 11)
        axis.hist(table[name], bins=bins, color="lightgray", label="prior draws")
        axis.hist(
            accepted[name],
            bins=bins,
            weights=accepted["weight"] * len(accepted),
            color="tab:blue",
            label="posterior (kept draws, weighted)",
        )
        axis.set_title(name.replace("_", " "), fontsize=8)
        axis.tick_params(labelsize=7)
        axis.set_ylabel("draws (count)", fontsize=7)
    for axis in axes.flat[len(prior) :]:
        axis.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    figure.suptitle("ABC: prior draws and the posterior (the last round's kept draws)", fontsize=10)
    return save_figure(figure, path)


def year_errors(validation: pd.DataFrame, config: dict) -> pd.Series:
    """The fitted model's distance to each year's targets (mean over seeds, same scale)."""
    errors = {}
    for year, runs in validation.groupby("year"):
        scaled = [
            scaled_error(target, runs[target].mean(), observed)
            for target, observed in observed_targets(year, config).items()
        ]
        errors[year] = math.sqrt(np.mean(np.square(scaled)))
    return pd.Series(errors).sort_values()


NARROWED = 0.6
"""A parameter counts as narrowed by the data when its posterior's 10-90% range is at most this
share of its prior range."""


def narrowed_parameters(accepted: pd.DataFrame, prior: dict) -> list[str]:
    """The parameters whose posterior is clearly narrower than their prior."""
    return [
        name
        for name, (low, high) in prior.items()
        if posterior_quantile(accepted, name, 0.9) - posterior_quantile(accepted, name, 0.1)
        <= NARROWED * (high - low)
    ]


def interpretation(
    rounds: list[pd.DataFrame],
    accepted: pd.DataFrame,
    fit: pd.DataFrame,
    by_year: pd.Series,
    narrowed: list[str],
) -> str:
    """How the fit went, in words, from the numbers."""
    worst = fit.copy()
    worst["size"] = worst["error"].str.extract(r"([+-][\d.]+)").astype(float).abs()
    worst = worst.sort_values("size", ascending=False).iloc[0]
    proposed = " then ".join(
        f"{len(table)} {'prior draws' if number == 1 else 'proposals near the kept draws'}"
        f" (median distance {table['distance'].median():.2f})"
        for number, table in enumerate(rounds, start=1)
    )
    return (
        f"ABC in {len(rounds)} round(s): {proposed}. The last round kept its {len(accepted)} "
        f"closest (distances {accepted['distance'].min():.2f} to "
        f"{accepted['distance'].max():.2f}; effective sample size of their weights "
        f"{effective_sample_size(accepted['weight'].to_numpy()):.0f}). The fit is the "
        f"closest of them (distance {accepted['distance'].min():.2f} in one run a year); "
        "run over several seeds a year, its "
        f"largest error is {worst['target']} in {worst['year']} ({worst['error']}); the year "
        f"fitted best is {by_year.index[0]} (distance {by_year.iloc[0]:.2f}), the worst "
        f"{by_year.index[-1]} ({by_year.iloc[-1]:.2f}). The inflow to the coast is not "
        "observed: each year's is 2024's scaled by the year's arrivals, times one fitted "
        f"multiplier ({fitted_inflow_multiplier(accepted):.2f} in the fit, posterior median "
        f"{posterior_quantile(accepted, INFLOW, 0.5):.2f}), so annual totals "
        "test the year-to-year pattern rather than the level; people per boat, the season "
        "and the prevention share are what the behaviour parameters have to reproduce. "
        + (
            "The data narrow "
            + ", ".join(name.replace("_", " ") for name in narrowed)
            + f" (posterior 10-90% range at most {NARROWED:.0%} of the prior's); the other "
            "parameters stay nearly as uncertain as their priors, so results that depend on "
            "them (see the sensitivity experiment) rest on assumptions."
            if narrowed
            else "No parameter's posterior is clearly narrower than its prior: the public "
            "series do not identify these behaviour parameters one by one."
        )
    )


def headline(fit: pd.DataFrame, narrowed: list[str], fitted_count: int) -> str:
    """The finding in a sentence."""
    arrivals = fit[fit["target"] == "arrivals"]["error"].str.rstrip("%").astype(float)
    return (
        f"Fitted by ABC to 2019-2024, the model's annual arrivals are {arrivals.min():+.0f}% to "
        f"{arrivals.max():+.0f}% off the data; its boats are too full before 2022 (one regime "
        f"of boats); the data narrow {len(narrowed)} of the {fitted_count} fitted quantities."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Distances, posterior, fitted scenario, fit table and figures."""
    config = experiment.config["calibration"]
    out = experiment.results_dir
    rounds = [
        distances(folders, config, number) for number in range(1, rounds_run(folders, config) + 1)
    ]
    accepted = population(folders, config, len(rounds))
    fitted = fitted_parameters(accepted, config["prior"])
    multiplier = fitted_inflow_multiplier(accepted)
    every_draw = pd.concat(
        [table.assign(round=number) for number, table in enumerate(rounds, start=1)]
    )
    every_draw.to_csv(out / "draws_and_distances.csv", index=False)
    posterior = accepted[[*config["prior"], INFLOW, "distance", "weight"]]
    posterior.to_csv(out / POSTERIOR_DRAWS, index=False)
    scenario = write_scenario(fitted, multiplier, out / "calibrated.toml", config)
    if experiment.size == "full":
        write_scenario(fitted, multiplier, SHIPPED_SCENARIO, config)
        write_pilot_scenario(fitted, multiplier, SHIPPED_PILOT_SCENARIO, config)
    validation = validation_runs(scenario, multiplier, config)
    validation.to_csv(out / "fitted_model_runs.csv", index=False)
    fit = fit_table(validation, config)
    fit.to_csv(out / "fit_table.csv", index=False)
    if experiment.size == "full":
        README.write_text(replace_region(README.read_text(), FIT_REGION, markdown_table(fit)))
    space = search_space(config)
    estimates = {**fitted, INFLOW: multiplier}
    fitted_table = pd.DataFrame(
        {
            "parameter": list(estimates),
            "fitted (closest draw)": [f"{value:g}" for value in estimates.values()],
            "posterior median": [
                f"{posterior_quantile(accepted, name, 0.5):.4g}" for name in estimates
            ],
            "prior range": [f"{low:g} to {high:g}" for low, high in space.values()],
            "posterior 10-90%": [
                f"{posterior_quantile(accepted, name, 0.1):.3g} to "
                f"{posterior_quantile(accepted, name, 0.9):.3g}"
                for name in estimates
            ],
        }
    )
    narrowed = narrowed_parameters(accepted, space)
    return experiment.finding(
        interpretation(rounds, accepted, fit, year_errors(validation, config), narrowed),
        headline=headline(fit, narrowed, len(space)),
        figures=[
            fit_figure(validation, config, out / "calibration_fit.png"),
            posterior_figure(rounds[0], accepted, space, out / "calibration_posterior.png"),
        ],
        tables=[
            ("Fit of the calibrated model, per target (error: model against data)", fit),
            ("Fitted behaviour parameters", fitted_table),
        ],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
