"""Calibration of the behaviour parameters to the public series of 2019-2024, by ABC-SMC (pyabc).

    python -m experiments.calibration.run --workers 2   # full size (see config.toml)
    python -m experiments.calibration.run --size ci     # reduced, as CI runs it

The method and its budget are in this experiment's ``config.toml``; the targets are in
``targets.py``, the model as the ABC runs it in ``simulator.py``, the fit in ``fit.py``
(:func:`experiments.calibration.fit.calibrate`, reusable for other years), the posterior in
``posterior.py`` and the posterior-predictive checks in ``predictive.py``; the analysis here.

At any size, the results folder holds pyabc's history (``abc_history.db``), the posterior
(``posterior_draws.csv``: the last generation's particles and weights), ``calibrated.toml`` and
the checks. At full size the fit (the closest particle) is also saved as the shipped scenarios
``calibrated`` (2024 with the fit) and ``pilot_calibrated`` (the pilot with the fit), which the
other experiments build on, and the fit table replaces the README's (its ``calibration-fit``
region).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import pandas as pd
import tomli_w
from matplotlib.ticker import PercentFormatter, StrMethodFormatter
from tqdm import tqdm

from experiments.calibration.fit import DATABASE, FINISHED, calibrate, read_posterior
from experiments.calibration.posterior import (
    WEIGHT,
    Posterior,
    fitted_inflow_multiplier,
    fitted_parameters,
    write_draws,
)
from experiments.calibration.predictive import (
    interval_table,
    outside,
    predictive_figure,
    predictive_intervals,
    predictive_runs,
    shown,
)
from experiments.calibration.settings import INFLOW, Settings, settings_from
from experiments.calibration.simulator import year_outcomes
from experiments.calibration.targets import (
    BASE_SCENARIO,
    REFERENCE_YEAR,
    TARGETS,
    observed_by_year,
    observed_targets,
    scaled_error,
    target_label,
    year_inputs,
)
from experiments.engine.figures import save_figure
from experiments.engine.provenance import PROJECT_ROOT
from experiments.engine.spec import SweepError
from experiments.research import Experiment, Finding, main_for
from model.markdown import markdown_table, replace_region
from model.parameters import PARAMETERS
from model.scenarios import SCENARIO_DIR, load_scenario, scenario_parameters

__all__ = ["analyse", "calibrate", "compute"]  # compute and analyse: run_experiment calls them

NAME = "calibration"
SHIPPED_SCENARIO = SCENARIO_DIR / "calibrated.toml"
SHIPPED_PILOT_SCENARIO = SCENARIO_DIR / "pilot_calibrated.toml"
POSTERIOR_DRAWS = "posterior_draws.csv"
"""The last generation's particles (fitted quantities, distance, model seed, weight)."""
PREDICTIVE_RUNS = "predictive_runs.csv"
FULL_POSTERIOR = PROJECT_ROOT / "experiments" / NAME / "results" / "full" / POSTERIOR_DRAWS
"""The full-size posterior, committed, which other experiments run the model over."""
README = PROJECT_ROOT / "README.md"
FIT_REGION = "calibration-fit"
"""The README's region that holds the full-size fit table (written by the full-size run)."""
PILOT_SCENARIO = "pilot"
FITTED_SCENARIOS = ("calibrated", "pilot_calibrated")
FITTED_FROM = {"calibrated": BASE_SCENARIO, "pilot_calibrated": PILOT_SCENARIO}
"""The scenario each fitted one was written from, whose declared inflow a draw's factor scales."""
PILOT_YEAR = 2025


def posterior_overrides(scenario: str, path: Path = FULL_POSTERIOR) -> pd.DataFrame:
    """Each posterior draw as the parameters it sets in ``scenario``: one row per draw.

    The model parameters as drawn, the scenario's inflow times the draw's multiplier, and the
    draw's posterior ``weight`` (not a parameter). Other columns (distance, model seed) are not
    parameters and are left out.

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
    overrides = draws[[name for name in draws.columns if name in PARAMETERS]].copy()
    overrides["arrivals_per_week"] = (draws[INFLOW] * inflow).round(1)
    overrides[WEIGHT] = draws[WEIGHT]
    return overrides


def posterior_draws_in(scenario: str, path: Path = FULL_POSTERIOR) -> pd.DataFrame:
    """The posterior's draws as overrides of ``scenario``, a fitted one included.

    A fitted scenario already carries the fit's inflow; each draw replaces it with the draw's
    own factor times the declared inflow of the scenario the fit was written from, and replaces
    every fitted behaviour value with the draw's. Other scenarios: :func:`posterior_overrides`.
    """
    return posterior_overrides(FITTED_FROM.get(scenario, scenario), path)


def compute(experiment: Experiment, workers: int = 1) -> dict[str, Path]:
    """Fit by ABC-SMC (or resume, or read a finished fit), then the posterior-predictive runs.

    The checks are rerun only when the fit, or their number, has changed since they were made.
    """
    settings = settings_from(experiment.config["calibration"])
    out = experiment.results_dir
    print(f"{NAME}: ABC-SMC (pyabc) into {out / DATABASE}", flush=True)
    posterior = calibrate(
        settings.years, settings.budget, settings.master_seed, workers, out, settings.prior
    )
    write_draws(posterior, out / POSTERIOR_DRAWS)
    checks = out / PREDICTIVE_RUNS
    wanted = settings.predictive_draws * len(settings.years)
    if (
        not checks.is_file()
        or checks.stat().st_mtime < (out / FINISHED).stat().st_mtime
        or len(pd.read_csv(checks)) != wanted
    ):
        runs = predictive_runs(
            posterior, settings.years, settings.predictive_draws, settings.master_seed, workers
        )
        runs.to_csv(checks, index=False)
    print(f"{NAME}: {budget_line(posterior, out)}", flush=True)
    return {}


def budget_line(posterior: Posterior, out: Path) -> str:
    """The run's size in a sentence: generations, threshold, ESS, simulations and time."""
    seconds = json.loads((out / FINISHED).read_text())["seconds_this_call"]
    return (
        f"{posterior.generations} generation(s) of {len(posterior.particles)} particles, last "
        f"threshold {posterior.epsilon:.3g}, effective sample size "
        f"{posterior.effective_sample_size:.1f}, {posterior.simulations:,} simulations "
        f"(parameter vectors, each run in every year; {seconds:,.0f} s in its last call)"
    )


def write_scenario(fitted: dict[str, Any], multiplier: float, path: Path, provenance: str) -> Path:
    """The fit as a scenario file: the reference year's inputs with the fitted values."""
    document = {
        "description": (
            f"The baseline year {REFERENCE_YEAR} with the behaviour parameters {provenance}."
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
    fitted: dict[str, Any], multiplier: float, path: Path, provenance: str
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
            f"parameters {provenance}."
        ),
        "parameters": {**pilot, **load, **fitted},
    }
    path.write_text(tomli_w.dumps(document))
    return path


def pilot_year_start() -> dict[str, float]:
    """What a fitted pilot run starts from: the gangs' boat load of the year before."""
    return {"initial_people_per_boat": observed_by_year()[PILOT_YEAR - 1]["people_per_boat"]}


def fit_provenance(settings: Settings, posterior: Posterior) -> str:
    """Where the fitted values come from, for the scenarios' descriptions."""
    years = settings.years
    return (
        f"fitted to {years[0]}-{years[-1]} by ABC-SMC (pyabc) in {posterior.generations} "
        f"generation(s) of {len(posterior.particles)} particles, {posterior.simulations} "
        "simulations; the particle closest to the data (experiments/calibration)"
    )


def validation_runs(fitted: dict[str, Any], settings: Settings) -> pd.DataFrame:
    """The closest particle in every calibration year, over several seeds."""
    jobs = [(year, seed) for year in settings.years for seed in range(settings.validation_seeds)]
    return pd.DataFrame(
        [
            {"year": year, "seed": seed, **year_outcomes(fitted, year, seed)}
            for year, seed in tqdm(jobs, desc="fitted model", unit="run")
        ]
    )


def fit_table(validation: pd.DataFrame) -> pd.DataFrame:
    """Per year and target: the data, the fitted model's mean and range, and the error."""
    rows = []
    for year, runs in validation.groupby("year"):
        for target, observed in observed_targets(int(year)).items():
            values = runs[target].to_numpy(dtype=float)
            mean = values.mean()
            rows.append(
                {
                    "year": year,
                    "target": target_label(target),
                    "data": shown(target, observed),
                    "model (mean over seeds)": shown(target, mean),
                    "model range": f"{shown(target, values.min())} to "
                    f"{shown(target, values.max())}",
                    "error": (
                        f"{(mean - observed) * 100:+.1f} points"
                        if target.endswith("share")
                        else f"{mean / observed - 1:+.1%}"
                    ),
                }
            )
    return pd.DataFrame(rows)


def fit_figure(validation: pd.DataFrame, settings: Settings, path: Path) -> Path:
    """Model (mean and range over seeds) against data, year by year, for each target."""
    columns = 3
    rows = math.ceil(len(TARGETS) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(12, 3.4 * rows), squeeze=False)
    by_year = validation.groupby("year")
    for axis, target in zip(axes.flat, TARGETS, strict=False):
        years = [y for y in settings.years if target in observed_targets(y)]
        if not years:
            axis.set_visible(False)
            continue
        data = [observed_targets(y)[target] for y in years]
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
        axis.set_title(target.replace("_", " "), fontsize=9)
        if target.endswith("share"):
            axis.yaxis.set_major_formatter(PercentFormatter(1.0))
        else:
            axis.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        axis.set_xticks(years)
        axis.tick_params(labelsize=7)
        axis.legend(fontsize=7)
    for axis in axes.flat[len(TARGETS) :]:
        axis.set_visible(False)
    figure.suptitle(
        "The calibrated model (closest particle) against the public series", fontsize=11
    )
    return save_figure(figure, path)


def posterior_figure(posterior: Posterior, settings: Settings, path: Path) -> Path:
    """Each fitted quantity: the posterior (weighted particles) over its uniform prior's range."""
    columns = 4
    rows = math.ceil(len(settings.prior) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(12, 2.4 * rows), squeeze=False)
    weights = posterior.particles[WEIGHT]
    for axis, (name, (low, high)) in zip(axes.flat, settings.prior.items(), strict=False):
        bins = [low + (high - low) * i / 10 for i in range(11)]
        axis.axhline(0.1, color="lightgray", lw=3, label="uniform prior (0.1 a bin)")
        axis.hist(
            posterior.particles[name],
            bins=bins,
            weights=weights,
            color="tab:blue",
            label="posterior (weighted particles)",
        )
        axis.set_xlim(low, high)
        axis.set_title(name.replace("_", " "), fontsize=8)
        axis.tick_params(labelsize=7)
        axis.set_ylabel("posterior weight a bin", fontsize=6)
    for axis in axes.flat[len(settings.prior) :]:
        axis.set_visible(False)
    axes.flat[0].legend(fontsize=6)
    figure.suptitle("ABC-SMC: the posterior (last generation) against the prior", fontsize=10)
    return save_figure(figure, path)


def year_errors(validation: pd.DataFrame) -> pd.Series:
    """The fitted model's distance to each year's targets (root mean square scaled error)."""
    errors = {}
    for year, runs in validation.groupby("year"):
        scaled = [
            scaled_error(target, runs[target].mean(), observed)
            for target, observed in observed_targets(int(year)).items()
        ]
        errors[year] = math.sqrt(sum(e * e for e in scaled) / len(scaled))
    return pd.Series(errors).sort_values()


NARROWED = 0.6
"""A quantity counts as narrowed by the data when its posterior's 10-90% range is at most this
share of its prior range."""


def narrowed_parameters(posterior: Posterior, prior: dict) -> list[str]:
    """The fitted quantities whose posterior is clearly narrower than their prior."""
    return [
        name
        for name, (low, high) in prior.items()
        if posterior.quantile(name, 0.9) - posterior.quantile(name, 0.1) <= NARROWED * (high - low)
    ]


def interpretation(
    posterior: Posterior,
    settings: Settings,
    fit: pd.DataFrame,
    by_year: pd.Series,
    narrowed: list[str],
    missed: list[str],
) -> str:
    """How the fit went, in words, from the numbers."""
    worst = fit.copy()
    worst["size"] = worst["error"].str.extract(r"([+-][\d.]+)").astype(float).abs()
    worst = worst.sort_values("size", ascending=False).iloc[0]
    budget = settings.budget
    checks = (
        "Every target's observed value lies inside its posterior-predictive 90% interval"
        if not missed
        else f"{len(missed)} observed values lie outside their posterior-predictive 90% "
        f"interval: {', '.join(missed)}"
    )
    return (
        f"ABC-SMC (pyabc) with an adaptive L1 distance ran {posterior.generations} "
        f"generation(s) of {budget.population_size} particles and used "
        f"{posterior.simulations:,} simulations (parameter vectors, each run in "
        f"{len(settings.years)} years; the stopping rule allows at most "
        f"{budget.max_generations} generations and {budget.max_simulations:,} simulations). "
        f"The last generation's threshold is {posterior.epsilon:.3g} and the effective sample "
        f"size of its weights {posterior.effective_sample_size:.1f}. The fit is the particle "
        f"closest to the data; run over {settings.validation_seeds} seeds a year, its largest "
        f"error is {worst['target']} in {worst['year']} ({worst['error']}); the year fitted "
        f"best is {by_year.index[0]} (root mean square error {by_year.iloc[0]:.2f}), the worst "
        f"{by_year.index[-1]} ({by_year.iloc[-1]:.2f}). {checks} ({settings.predictive_draws} "
        "posterior draws by weight, fresh seeds). The inflow to the coast is not observed: "
        "each year's is 2024's scaled by the year's arrivals, times one fitted multiplier "
        f"({fitted_inflow_multiplier(posterior.particles):.2f} in the fit, posterior median "
        f"{posterior.quantile(INFLOW, 0.5):.2f}), so annual totals test the year-to-year "
        "pattern rather than the level; people per boat, the season, the prevention share and "
        "January-April against its red days are what the other parameters have to reproduce. "
        + (
            "The data narrow "
            + ", ".join(name.replace("_", " ") for name in narrowed)
            + f" (posterior 10-90% range at most {NARROWED:.0%} of the prior's); the other "
            "quantities stay nearly as uncertain as their priors, so results that depend on "
            "them rest on assumptions."
            if narrowed
            else "No quantity's posterior is clearly narrower than its prior: the public "
            "series do not identify these parameters one by one."
        )
    )


def headline(
    fit: pd.DataFrame, years: tuple[int, ...], narrowed: list[str], fitted_count: int, missed: int
) -> str:
    """The finding in a sentence."""
    arrivals = fit[fit["target"] == "arrivals"]["error"].str.rstrip("%").astype(float)
    return (
        f"Fitted by ABC-SMC to {years[0]}-{years[-1]}, the model's annual arrivals are "
        f"{arrivals.min():+.0f}% "
        f"to {arrivals.max():+.0f}% off the data; {missed} of {len(fit)} observed targets fall "
        "outside the posterior-predictive 90% interval; the data narrow "
        f"{len(narrowed)} of the {fitted_count} fitted quantities."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Posterior, fitted scenarios, fit table, posterior-predictive checks and figures."""
    settings = settings_from(experiment.config["calibration"])
    out = experiment.results_dir
    posterior = read_posterior(out / DATABASE)
    fitted = fitted_parameters(posterior.particles)
    multiplier = fitted_inflow_multiplier(posterior.particles)
    provenance = fit_provenance(settings, posterior)
    write_scenario(fitted, multiplier, out / "calibrated.toml", provenance)
    if experiment.size == "full":
        write_scenario(fitted, multiplier, SHIPPED_SCENARIO, provenance)
        write_pilot_scenario(fitted, multiplier, SHIPPED_PILOT_SCENARIO, provenance)
    validation = validation_runs({**fitted, INFLOW: multiplier}, settings)
    validation.to_csv(out / "fitted_model_runs.csv", index=False)
    fit = fit_table(validation)
    fit.to_csv(out / "fit_table.csv", index=False)
    if experiment.size == "full":
        README.write_text(replace_region(README.read_text(), FIT_REGION, markdown_table(fit)))
    intervals = predictive_intervals(pd.read_csv(out / PREDICTIVE_RUNS))
    checks = interval_table(intervals)
    checks.to_csv(out / "predictive_checks.csv", index=False)
    missed = outside(intervals)
    estimates = {**fitted, INFLOW: multiplier}
    fitted_table = pd.DataFrame(
        {
            "quantity": list(estimates),
            "fitted (closest particle)": [f"{value:g}" for value in estimates.values()],
            "posterior median": [f"{posterior.quantile(name, 0.5):.4g}" for name in estimates],
            "prior range": ["{:g} to {:g}".format(*settings.prior[name]) for name in estimates],
            "posterior 10-90%": [
                f"{posterior.quantile(name, 0.1):.3g} to {posterior.quantile(name, 0.9):.3g}"
                for name in estimates
            ],
        }
    )
    narrowed = narrowed_parameters(posterior, settings.prior)
    return experiment.finding(
        interpretation(posterior, settings, fit, year_errors(validation), narrowed, missed),
        headline=headline(fit, settings.years, narrowed, len(settings.prior), len(missed)),
        figures=[
            fit_figure(validation, settings, out / "calibration_fit.png"),
            predictive_figure(intervals, out / "posterior_predictive.png"),
            posterior_figure(posterior, settings, out / "calibration_posterior.png"),
        ],
        tables=[
            ("Fit of the calibrated model, per target (error: model against data)", fit),
            ("Posterior-predictive check: 90% intervals against the data", checks),
            ("Fitted quantities", fitted_table),
        ],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
