"""A count model of January-April arrivals on crossing weather, fitted with statsmodels.

The model: January-April arrivals in year y are counts with
``log E[arrivals_y] = a + b * red_days_y`` (``red_days_y`` the Met Office's red crossing days
that January-April) and variance ``dispersion * E[arrivals_y]``: a Poisson GLM whose
dispersion is the Pearson chi-square over the residual degrees of freedom (quasi-Poisson).

For a window it is fitted on every year whose January-April arrivals and red days both end
before the window starts, and predicts from the target's own red days (weather is an input,
not a figure held out). It needs more rows than its two parameters, to estimate the
dispersion; with fewer, or with red days that do not vary, it gives no prediction and says
why. With the shipped rows that leaves one window (2025: fitted on 2022-2024), and a fit on
three rows is weak. A whole year or half-year gets no prediction: red days are counted only
for January-April, so there is no weather to regress them on.

The 90% predictive interval is simulated with the generator passed in: coefficients drawn
from the normal with the fit's covariance (parameter uncertainty), then a count with mean
``exp(a + b * red_days)`` and variance ``dispersion`` times it: a negative binomial with
``n = mean / (dispersion - 1)`` and ``p = 1 / dispersion`` (Poisson if the dispersion is at
most 1). The prediction is the median of the counts, the interval their 5th to 95th
percentiles. With one residual degree of freedom the normal draws understate the uncertainty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from experiments.validation.prediction import (
    INTERVAL,
    Prediction,
    no_prediction,
    require_ending_before,
    rows_ending_before,
)
from experiments.validation.windows import (
    JANUARY_APRIL,
    PEOPLE_PER_BOAT,
    TargetPeriod,
    ValidationWindow,
    counts_by_year,
)
from model.observed import PeriodCount, observed_arrivals, red_days

PREDICTOR = "count model (red days)"
PARAMETERS = 2
"""The intercept and the slope per red day."""
DRAWS = 10_000
"""Simulated counts a prediction is summarised from."""


@dataclass(frozen=True)
class CountModelFit:
    """A fitted count model: coefficients (intercept, log change per red day) and dispersion."""

    coefficients: np.ndarray
    covariance: np.ndarray
    dispersion: float
    rows: int

    @property
    def slope_per_red_day(self) -> float:
        """Change in log expected arrivals per additional red day."""
        return float(self.coefficients[1])

    def simulate(self, red_days: float, rng: np.random.Generator, draws: int = DRAWS) -> np.ndarray:
        """``draws`` predictive counts of arrivals (people) for a period with ``red_days``."""
        if not isinstance(draws, int) or draws < 1:
            raise ValueError(f"draws={draws!r}: allowed is a whole number of at least 1")
        coefficients = rng.multivariate_normal(self.coefficients, self.covariance, size=draws)
        mean = np.exp(coefficients[:, 0] + coefficients[:, 1] * red_days)
        if self.dispersion <= 1:
            return rng.poisson(mean).astype(float)
        excess = self.dispersion - 1
        return rng.negative_binomial(mean / excess, 1 / self.dispersion).astype(float)


def why_not_fit(red_days: Sequence[float], arrivals: Sequence[float]) -> str | None:
    """Why the count model cannot be fitted to these rows, or None if it can."""
    if len(red_days) != len(arrivals):
        return f"{len(red_days)} red-day counts against {len(arrivals)} arrival counts"
    if len(arrivals) <= PARAMETERS:
        return (
            f"{len(arrivals)} row(s): the fit needs more than {PARAMETERS} "
            "(its parameters) to estimate the dispersion"
        )
    if len(set(red_days)) < 2:
        return "the red-day counts do not vary, so no slope can be fitted"
    return None


def fit_count_model(red_days: Sequence[float], arrivals: Sequence[float]) -> CountModelFit:
    """The quasi-Poisson fit of ``arrivals`` on ``red_days`` (one row a period).

    Raises:
        ValueError: if the rows cannot be fitted (see ``why_not_fit``), in one line.
    """
    reason = why_not_fit(red_days, arrivals)
    if reason is not None:
        raise ValueError(f"count model not fitted: {reason}")
    design = sm.add_constant(np.asarray(red_days, dtype=float))
    fit = sm.GLM(np.asarray(arrivals, dtype=float), design, family=sm.families.Poisson())
    result = fit.fit(scale="X2")
    return CountModelFit(
        np.asarray(result.params),
        np.asarray(result.cov_params()),
        float(result.scale),
        len(arrivals),
    )


def count_model(
    window: ValidationWindow,
    target: TargetPeriod,
    rng: np.random.Generator,
    arrivals: Sequence[PeriodCount] | None = None,
    red_day_counts: Sequence[PeriodCount] | None = None,
    draws: int = DRAWS,
) -> Prediction:
    """The count model's prediction of ``target``, fitted on rows ending before ``window``."""
    arrivals = observed_arrivals() if arrivals is None else arrivals
    red_day_counts = red_days() if red_day_counts is None else red_day_counts
    target_red_days = next(
        (row.count for row in red_day_counts if (row.start, row.end) == (target.start, target.end)),
        None,
    )
    return count_model_from_history(
        rows_ending_before(arrivals, window.fit_before),
        rows_ending_before(red_day_counts, window.fit_before),
        window,
        target,
        target_red_days,
        rng,
        draws,
    )


def count_model_from_history(
    arrivals_history: Sequence[PeriodCount],
    red_days_history: Sequence[PeriodCount],
    window: ValidationWindow,
    target: TargetPeriod,
    target_red_days: int | None,
    rng: np.random.Generator,
    draws: int = DRAWS,
) -> Prediction:
    """The count model's prediction from histories that must end before the window starts."""
    require_ending_before(arrivals_history, window.fit_before)
    require_ending_before(red_days_history, window.fit_before)

    def refused(reason: str) -> Prediction:
        return no_prediction(window.label, target.name, PREDICTOR, reason)

    if target.name == PEOPLE_PER_BOAT:
        return refused("a count model of arrivals: it predicts no boat load")
    if target.kind != JANUARY_APRIL:
        return refused("red days are counted for January-April only: no weather for this period")
    if target_red_days is None:
        return refused(f"no red-day count for {target.start} to {target.end}")
    arrivals_by_year = counts_by_year(arrivals_history, JANUARY_APRIL)
    red_by_year = counts_by_year(red_days_history, JANUARY_APRIL)
    years = sorted(set(arrivals_by_year) & set(red_by_year))
    red, counts = [red_by_year[y] for y in years], [arrivals_by_year[y] for y in years]
    reason = why_not_fit(red, counts)
    if reason is not None:
        return refused(reason)
    simulated = fit_count_model(red, counts).simulate(target_red_days, rng, draws)
    tail = (1 - INTERVAL) / 2
    low, median, high = np.quantile(simulated, [tail, 0.5, 1 - tail])
    note = f"fitted on January-April {years[0]}-{years[-1]}; {target_red_days} red days"
    return Prediction(
        window.label, target.name, PREDICTOR, float(median), float(low), float(high), note
    )
