"""Persistence: predict a period's arrivals by the last observed period of the same kind.

For a calendar year, last year's arrivals; for January-April, last year's January-April. For
a first half-year with no earlier first-half row (January-June 2025), an assumption: the last
whole year's arrivals times ``FIRST_HALF_SHARE``. A January-April target with no earlier
January-April row gets no prediction: no share of a year in January-April is documented.

The 90% interval: the log of (observed / last value) is taken as normal with mean zero (no
drift, as persistence assumes) and standard deviation the root mean square of the past
year-on-year log changes of the same kind of period (whole years for a first half made from a
year), which are the errors persistence made in those years. The interval is
``median * exp(+-z * spread)`` with z the normal's 95th percentile. With fewer than
``MIN_LOG_CHANGES`` changes there is no interval; the share's own uncertainty is not in it.

Only rows that end before the window starts are used (``prediction.require_ending_before``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from experiments.validation.prediction import (
    INTERVAL,
    Prediction,
    no_prediction,
    require_ending_before,
    rows_ending_before,
)
from experiments.validation.windows import (
    FIRST_HALF,
    YEAR,
    TargetPeriod,
    ValidationWindow,
    counts_by_year,
)
from model.observed import PeriodCount, observed_arrivals

PREDICTOR = "persistence"
FIRST_HALF_SHARE = 0.35
"""Assumed share of a year's arrivals in its first half (January-June).

Home Office, "Small boat arrivals and the impact of crossing conditions" (3 June 2025): on
average about 65% arrive in the latter part of the year (shared/data-sources.md)."""
SHARE_OF_YEAR = {FIRST_HALF: FIRST_HALF_SHARE}
"""Documented shares of a year's arrivals, by kind of period, for kinds with no earlier row."""
MIN_LOG_CHANGES = 2
"""Fewest past year-on-year log changes from which an interval is given."""


def persistence(
    window: ValidationWindow,
    target: TargetPeriod,
    arrivals: Sequence[PeriodCount] | None = None,
) -> Prediction:
    """Persistence's prediction of ``target``, from the arrival rows ending before ``window``."""
    arrivals = observed_arrivals() if arrivals is None else arrivals
    return persistence_from_history(rows_ending_before(arrivals, window.fit_before), window, target)


def persistence_from_history(
    history: Sequence[PeriodCount], window: ValidationWindow, target: TargetPeriod
) -> Prediction:
    """Persistence's prediction from ``history``, which must end before the window starts."""
    require_ending_before(history, window.fit_before)
    same_kind = counts_by_year(history, target.kind)
    years = counts_by_year(history, YEAR)
    if same_kind:
        last = max(same_kind)
        median, changes = float(same_kind[last]), log_changes(same_kind)
        note = f"last observed {target.kind}: {last}"
    elif target.kind in SHARE_OF_YEAR and years:
        last, share = max(years), SHARE_OF_YEAR[target.kind]
        median, changes = years[last] * share, log_changes(years)
        note = f"assumption: year {last} times a {target.kind} share of {share}"
    else:
        reason = f"no {target.kind or 'such'} period ends before {window.fit_before}"
        return no_prediction(window.label, target.name, PREDICTOR, reason)
    if len(changes) < MIN_LOG_CHANGES:
        note += (
            f"; no interval: {len(changes)} year-on-year change(s), fewer than {MIN_LOG_CHANGES}"
        )
        return Prediction(window.label, target.name, PREDICTOR, median, None, None, note)
    low, high = interval_around(median, changes)
    note += f"; interval from {len(changes)} year-on-year log changes"
    return Prediction(window.label, target.name, PREDICTOR, median, low, high, note)


def log_changes(by_year: dict[int, int]) -> list[float]:
    """Natural-log changes from each year to the next, where both years have a count."""
    # a zero count has no log change; none is in the shipped rows
    return [
        math.log(count / by_year[year - 1])
        for year, count in sorted(by_year.items())
        if by_year.get(year - 1, 0) > 0 and count > 0
    ]


def interval_around(median: float, changes: Sequence[float]) -> tuple[float, float]:
    """The 90% interval ``median * exp(+-z * spread)``, spread the root mean square change."""
    spread = math.sqrt(sum(change**2 for change in changes) / len(changes))
    z = NormalDist().inv_cdf(0.5 + INTERVAL / 2)
    return median * math.exp(-z * spread), median * math.exp(z * spread)
