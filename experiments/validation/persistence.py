"""Persistence: predict a period's arrivals by the last observed period of the same kind.

For a calendar year, last year's arrivals; for January-April, last year's January-April. For
a first half-year with no earlier first-half row (January-June 2025), an assumption: the last
whole year's arrivals times ``FIRST_HALF_SHARE``. A January-April target with no earlier
January-April row gets no prediction: no share of a year in January-April is documented. For
a year's mean people per boat, last year's mean.

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
    PEOPLE_PER_BOAT,
    YEAR,
    TargetPeriod,
    ValidationWindow,
    counts_by_year,
    people_per_boat_by_year,
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
    boat_loads: dict[int, float] | None = None,
) -> Prediction:
    """Persistence's prediction of ``target``, from the rows ending before ``window``."""
    if target.name == PEOPLE_PER_BOAT:
        loads = people_per_boat_by_year() if boat_loads is None else boat_loads
        before = {year: load for year, load in loads.items() if year < window.fit_before.year}
        return boat_load_persistence(before, window, target)
    arrivals = observed_arrivals() if arrivals is None else arrivals
    return persistence_from_history(rows_ending_before(arrivals, window.fit_before), window, target)


def boat_load_persistence(
    loads_before: dict[int, float], window: ValidationWindow, target: TargetPeriod
) -> Prediction:
    """Last year's mean people per boat, its interval from the past year-on-year changes.

    ``loads_before`` holds whole years that end before the window (checked).
    """
    late = [year for year in loads_before if year >= window.fit_before.year]
    if late:
        raise ValueError(
            f"the people-per-boat row of {late[0]} does not end before the cut-off "
            f"{window.fit_before}: allowed are years that end before the window starts"
        )
    if not loads_before:
        reason = f"no people-per-boat row ends before {window.fit_before}"
        return no_prediction(window.label, target.name, PREDICTOR, reason)
    last = max(loads_before)
    return _with_interval(
        window,
        target,
        float(loads_before[last]),
        log_changes(loads_before),
        f"last observed mean people per boat: {last}",
    )


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
    return _with_interval(window, target, median, changes, note)


def _with_interval(
    window: ValidationWindow,
    target: TargetPeriod,
    median: float,
    changes: Sequence[float],
    note: str,
) -> Prediction:
    if len(changes) < MIN_LOG_CHANGES:
        note += (
            f"; no interval: {len(changes)} year-on-year change(s), fewer than {MIN_LOG_CHANGES}"
        )
        return Prediction(window.label, target.name, PREDICTOR, median, None, None, note)
    low, high = interval_around(median, changes)
    note += f"; interval from {len(changes)} year-on-year log changes"
    return Prediction(window.label, target.name, PREDICTOR, median, low, high, note)


def log_changes(by_year: dict[int, float]) -> list[float]:
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
