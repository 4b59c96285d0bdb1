"""Making forecasts: the model run over the calibration's posterior and seeds, summed by period.

Each run is the forecast scenario from its own start (1 January 2025 for the pilot: the days
before a period are the model's spin-up) to the last day of the last period, through the
project's run API (:func:`model.run.run_scenario`, without the counterfactual, which a forecast
does not need). A period's forecast is the arrivals summed over its days in every run: the
median and the 5th and 95th percentiles over the runs, each run weighted by its draw's
posterior weight shared among the draw's seeds.

The runs are the calibration's accepted draws, each with several seeds (as the pilot_effect
experiment runs its posterior: :func:`experiments.calibration.run.posterior_overrides`, with the
gangs' load of 2024). Where the posterior cannot be used (not made yet, or a scenario that is
already fitted), the runs are seeds of the scenario alone, and the row says "seeds only".
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from experiments.engine.provenance import PROJECT_ROOT, code_version
from experiments.forecast.log import (
    NOT_FITTED,
    POSTERIOR_TIMES_SEEDS,
    SEEDS_ONLY,
    Forecast,
)
from model.observed import ARRIVALS_FILE, PeriodCount, read_period_counts
from model.parameters import ParameterError

FORECAST_SCENARIO = "pilot_as_delivered"
"""The pilot as delivered: returns and admissions follow the reported record, then, after 10
June 2026, an assumed 42 returns a week to an assumed end on 31 October 2026. No shipped
scenario is a separate extension: this one carries the pilot into autumn 2026 itself, so it
runs both periods (its end is in each row's ``pilot_end_date``)."""


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date


FORECAST_PERIODS = (
    Period(dt.date(2025, 8, 1), dt.date(2025, 12, 31)),
    Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
)
"""The periods not yet observed: the pilot's months of 2025 after its start, and 2026."""

SEEDS_PER_DRAW = 2
"""Full size: every accepted draw with 2 seeds (the pyabc posterior's 150 draws: 300 runs of
730 days). A run took 1.7 s on an idle core and 2.4 s on the two shared ones (December 2026):
9 to 12 minutes, within the 15 that a forecast should take (4 seeds a draw served the
hand-written calibration's 51 draws)."""
SEEDS_ONLY_RUNS = 200
"""Full size when the posterior cannot be used: as many runs, all of the scenario's values."""
CI_RUNS = 2
"""The reduced size (``--size ci``)."""
MASTER_SEED = 20250801
"""Every run's seed derives from this and the run's replicate number."""
QUANTILES = (0.05, 0.5, 0.95)
"""The 90% interval's ends and the median."""
CALIBRATION_CONFIG = PROJECT_ROOT / "experiments" / "calibration" / "config.toml"


@dataclass(frozen=True)
class Run:
    """One run of a forecast: parameter overrides, seed, and weight in the interval."""

    overrides: dict[str, Any]
    seed: int
    weight: float


@dataclass(frozen=True)
class RunPlan:
    """The runs of a forecast and how its interval is made of them."""

    runs: tuple[Run, ...]
    interval_from: str
    draws: int
    seeds: int
    fitted_data_through: str
    note: str = ""
    """Why the posterior was not used, when it was not."""


def run_seed(replicate: int) -> int:
    """The seed of a replicate: the same for every draw (common random numbers across draws)."""
    state = np.random.SeedSequence([MASTER_SEED, replicate]).generate_state(1, dtype=np.uint32)
    return int(state[0])


def check_runs(runs: Any) -> int | None:
    """The number of runs asked for (None: the full size), or a one-line error."""
    if runs is None:
        return None
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ParameterError(f"runs={runs!r} is not valid: allowed is a whole number >= 1")
    return runs


def plan_runs(scenario: str, runs: int | None = None, seeds_only: bool = False) -> RunPlan:
    """The runs of a forecast: posterior draws times seeds, else seeds only (see the module).

    ``runs`` (default: the full size) are taken draw after draw, then seed after seed, so a
    small number runs the first draws with one seed each.
    """
    from experiments.calibration.run import FITTED_SCENARIOS, posterior_overrides
    from experiments.engine.spec import SweepError

    check_runs(runs)
    if seeds_only:
        return seeds_only_plan(scenario in FITTED_SCENARIOS, runs, "asked for (--seeds-only)")
    try:
        draws = posterior_overrides(scenario)
    except SweepError as error:
        return seeds_only_plan(scenario in FITTED_SCENARIOS, runs, str(error))
    return posterior_plan(draws.to_dict("records"), runs)


def posterior_plan(draws: Sequence[dict[str, Any]], runs: int | None) -> RunPlan:
    """Each draw (its overrides and ``weight``) with seeds, cycling over the draws."""
    from experiments.calibration.run import pilot_year_start

    total = runs or SEEDS_PER_DRAW * len(draws)
    picked = [index % len(draws) for index in range(total)]
    runs_of_draw = Counter(picked)
    start = pilot_year_start()
    plan = []
    for number, draw in enumerate(picked):
        values = {name: float(value) for name, value in draws[draw].items()}
        # a draw's weight is shared among its runs, so no draw counts more for more seeds
        weight = values.pop("weight") / runs_of_draw[draw]
        plan.append(Run({**start, **values}, run_seed(number // len(draws)), weight))
    return RunPlan(
        runs=tuple(plan),
        interval_from=POSTERIOR_TIMES_SEEDS,
        draws=len(runs_of_draw),
        seeds=max(runs_of_draw.values()),
        fitted_data_through=calibration_cutoff(),
    )


def seeds_only_plan(fitted: bool, runs: int | None, why: str) -> RunPlan:
    """The scenario's own values over seeds; ``fitted`` if a calibration set them."""
    total = runs or SEEDS_ONLY_RUNS
    return RunPlan(
        runs=tuple(Run({}, run_seed(replicate), 1.0) for replicate in range(total)),
        interval_from=SEEDS_ONLY,
        draws=0,
        seeds=total,
        fitted_data_through=calibration_cutoff() if fitted else NOT_FITTED,
        note=f"seeds only: the posterior is not used: {why}",
    )


def calibration_cutoff() -> str:
    """Last day of the data the calibration fits: 31 December of its last year."""
    try:
        config = tomllib.loads(CALIBRATION_CONFIG.read_text(encoding="utf-8"))
        return dt.date(max(config["calibration"]["years"]), 12, 31).isoformat()
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise ParameterError(
            f"{CALIBRATION_CONFIG.name}: no [calibration] years ({error!r}): allowed is a list "
            "of the fitted years, whose last gives the forecast's fitted_data_through"
        ) from None


def check_periods(
    periods: Sequence[Period], run_start: dt.date, observed: Sequence[PeriodCount]
) -> None:
    """Refuse, in one line, a period that is empty, starts before the runs or is observed."""
    if not periods:
        raise ParameterError("no period to forecast: allowed is at least one period")
    known = {(row.start, row.end) for row in observed}
    for period in periods:
        if period.end < period.start:
            raise ParameterError(
                f"period {period.start} to {period.end} ends before it starts: allowed is a "
                "period that ends on or after its start"
            )
        if period.start < run_start:
            raise ParameterError(
                f"period {period.start} to {period.end} starts before the scenario's runs "
                f"({run_start}): allowed is a period from {run_start} on"
            )
        if (period.start, period.end) in known:
            raise ParameterError(
                f"period {period.start} to {period.end} is already observed: allowed is a "
                "period with no observed arrivals row"
            )


def period_arrivals(
    scenario: str,
    plan: RunPlan,
    periods: Sequence[Period],
    days: int,
    after_run: Callable[[], None] | None = None,
) -> np.ndarray:
    """Arrivals (people) in each period, one row a run and one column a period."""
    import pandas as pd

    from model.run import run_scenario

    totals = np.zeros((len(plan.runs), len(periods)), dtype=np.int64)
    for row, run in enumerate(plan.runs):
        result = run_scenario(scenario, run.seed, days, run.overrides, with_counterfactual=False)
        dates, arrivals = result.daily["date"], result.daily["arrivals"]
        for column, period in enumerate(periods):
            inside = dates.between(pd.Timestamp(period.start), pd.Timestamp(period.end))
            totals[row, column] = int(arrivals[inside].sum())
        if after_run is not None:
            after_run()
    return totals


def interval(values: np.ndarray, weights: np.ndarray) -> tuple[int, int, int]:
    """The weighted 5th percentile, median and 95th percentile: each one run's value."""
    low, median, high = np.quantile(values, QUANTILES, weights=weights, method="inverted_cdf")
    return int(low), int(median), int(high)


@dataclass(frozen=True)
class ForecastJob:
    """What a forecast runs, checked: the periods, the scenario and the observed rows."""

    periods: tuple[Period, ...]
    scenario: str
    parameters: dict[str, Any]
    observed: tuple[PeriodCount, ...]

    @property
    def days(self) -> int:
        """Days each run simulates: from the scenario's start to the last period's end."""
        last = max(period.end for period in self.periods)
        return (last - self.parameters["start_date"]).days + 1


def forecast_job(
    periods: Sequence[Period] = FORECAST_PERIODS,
    scenario: str = FORECAST_SCENARIO,
    observed_file: Path = ARRIVALS_FILE,
) -> ForecastJob:
    """The periods and scenario of a forecast, refused in one line before anything runs."""
    from model.run import check_days
    from model.scenarios import scenario_parameters

    parameters = scenario_parameters(scenario)
    observed = read_period_counts(observed_file, "small_boat_arrivals")
    check_periods(periods, parameters["start_date"], observed)
    job = ForecastJob(tuple(periods), str(scenario), parameters, observed)
    check_days(job.days)
    return job


def make_forecasts(
    job: ForecastJob, plan: RunPlan, after_run: Callable[[], None] | None = None
) -> list[Forecast]:
    """One forecast a period of ``job``, every period from the same runs of ``plan``."""
    totals = period_arrivals(job.scenario, plan, job.periods, job.days, after_run)
    weights = np.array([run.weight for run in plan.runs])
    shared = {
        "made_on": dt.date.today(),
        "code_version": code_version(),
        "scenario": job.scenario,
        "pilot_end_date": job.parameters["pilot_end_date"],
        "interval_from": plan.interval_from,
        "draws": plan.draws,
        "seeds": plan.seeds,
        "runs": len(plan.runs),
        "master_seed": MASTER_SEED,
        "run_start": job.parameters["start_date"],
        "fitted_data_through": plan.fitted_data_through,
        "observed_data_through": max(row.end for row in job.observed),
    }
    forecasts = []
    for column, period in enumerate(job.periods):
        low, median, high = interval(totals[:, column], weights)
        forecasts.append(
            Forecast(
                period_start=period.start,
                period_end=period.end,
                arrivals_median=median,
                arrivals_low_90=low,
                arrivals_high_90=high,
                **shared,
            )
        )
    return forecasts
