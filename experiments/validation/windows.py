"""The validation windows: periods to predict, each fitted only on data ending before it.

A window is one period of the observed arrivals (``model/observed.py``): every calendar year
from the first year whose red crossing days are recorded (the weather a forecast needs), or,
for a year with no whole-year row yet, its first half (1 January to 30 June). Its cut-off is
its first day: a predictor may use only rows that end before it.

A window is scored on its total arrivals; where a row has them, on its January-April arrivals
(a sub-period with red-day counts, and the only within-year split the data hold for a year
before the window); and, for a whole year whose mean people per boat is recorded, on that mean
(arrivals over boats arrived). A window holds dates only, never the observed values, so that a
predictor handed a window cannot read what it is to predict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from model.data import load_observed_arrivals
from model.observed import PeriodCount, observed_arrivals, red_days


def people_per_boat_by_year() -> dict[int, float]:
    """The recorded mean people per boat arrived, by calendar year (Home Office)."""
    return {row["year"]: row["people_per_boat"] for row in load_observed_arrivals()}


YEAR = "year"
FIRST_HALF = "first half"
JANUARY_APRIL = "January-April"
PERIOD_KINDS = {
    YEAR: ((1, 1), (12, 31)),
    FIRST_HALF: ((1, 1), (6, 30)),
    JANUARY_APRIL: ((1, 1), (4, 30)),
}
"""Kinds of period within one calendar year, by (month, day) of their first and last day."""

TOTAL = "total"
"""The target that is the whole window's arrivals (a January-April target is ``JANUARY_APRIL``)."""
PEOPLE_PER_BOAT = "people per boat"
"""The target that is a whole year's mean people per boat arrived, not a count of arrivals."""


def period_kind(start: dt.date, end: dt.date) -> str | None:
    """The kind of the period (``YEAR``, ``FIRST_HALF``, ``JANUARY_APRIL``), or None."""
    if start.year != end.year:
        return None
    for kind, (first, last) in PERIOD_KINDS.items():
        if ((start.month, start.day), (end.month, end.day)) == (first, last):
            return kind
    return None


@dataclass(frozen=True)
class TargetPeriod:
    """What is predicted in a window: its arrivals from ``start`` to ``end`` (days included)."""

    name: str
    start: dt.date
    end: dt.date

    @property
    def kind(self) -> str | None:
        """The kind of period (see ``PERIOD_KINDS``)."""
        return period_kind(self.start, self.end)


@dataclass(frozen=True)
class ValidationWindow:
    """A period to predict, with the targets scored in it; fit only on rows ending before it."""

    label: str
    start: dt.date
    end: dt.date
    targets: tuple[TargetPeriod, ...]

    @property
    def fit_before(self) -> dt.date:
        """The cut-off: a predictor may use only rows that end before this day."""
        return self.start


def counts_by_year(rows: Sequence[PeriodCount], kind: str | None) -> dict[int, int]:
    """The counts of the rows of one kind of period, by calendar year."""
    return {
        row.start.year: row.count
        for row in rows
        if kind is not None and period_kind(row.start, row.end) == kind
    }


def _row_of_kind(rows: Sequence[PeriodCount], year: int, kind: str) -> PeriodCount | None:
    for row in rows:
        if row.start.year == year and period_kind(row.start, row.end) == kind:
            return row
    return None


def _window_of_year(
    rows: Sequence[PeriodCount], year: int, boat_loads: dict[int, float]
) -> ValidationWindow | None:
    whole_year = _row_of_kind(rows, year, YEAR)
    period = whole_year or _row_of_kind(rows, year, FIRST_HALF)
    if period is None:
        return None
    targets = [TargetPeriod(TOTAL, period.start, period.end)]
    january_april = _row_of_kind(rows, year, JANUARY_APRIL)
    if january_april is not None:
        targets.append(TargetPeriod(JANUARY_APRIL, january_april.start, january_april.end))
    if whole_year is not None and year in boat_loads:
        targets.append(TargetPeriod(PEOPLE_PER_BOAT, period.start, period.end))
    return ValidationWindow(period.label, period.start, period.end, tuple(targets))


def validation_windows(
    arrivals: Sequence[PeriodCount] | None = None,
    red_day_counts: Sequence[PeriodCount] | None = None,
    boat_loads: dict[int, float] | None = None,
) -> tuple[ValidationWindow, ...]:
    """The windows, in order, from the arrivals, red-day and people-per-boat rows.

    Each defaults to the shipped rows.
    """
    arrivals = observed_arrivals() if arrivals is None else arrivals
    red_day_counts = red_days() if red_day_counts is None else red_day_counts
    boat_loads = people_per_boat_by_year() if boat_loads is None else boat_loads
    if not arrivals or not red_day_counts:
        raise ValueError(
            "validation windows need arrival and red-day rows: allowed is at least one of each"
        )
    first_year = min(row.start.year for row in red_day_counts)
    last_year = max(row.start.year for row in arrivals)
    windows = (
        _window_of_year(arrivals, year, boat_loads) for year in range(first_year, last_year + 1)
    )
    return tuple(window for window in windows if window is not None)


def observed_values(
    windows: Sequence[ValidationWindow],
    arrivals: Sequence[PeriodCount] | None = None,
    boat_loads: dict[int, float] | None = None,
) -> pd.DataFrame:
    """The observed value of every window's target: columns window, target, observed."""
    arrivals = observed_arrivals() if arrivals is None else arrivals
    boat_loads = people_per_boat_by_year() if boat_loads is None else boat_loads
    by_period = {(row.start, row.end): row.count for row in arrivals}

    def observed(target: TargetPeriod) -> float:
        if target.name == PEOPLE_PER_BOAT:
            return boat_loads[target.start.year]
        return by_period[(target.start, target.end)]

    rows = [
        (window.label, target.name, observed(target))
        for window in windows
        for target in window.targets
    ]
    return pd.DataFrame(rows, columns=["window", "target", "observed"])
