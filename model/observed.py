"""Observed counts by dated period: small-boat arrivals and the Met Office's red days.

Two files in ``model/data/``, one row a period (first and last day, both included) with its
count, reliability and source:

- ``observed_arrivals_by_period.csv``: small-boat arrivals (Home Office), whole years and
  shorter windows (January-April, the first half of 2025). Validation and the forecast log
  score the model against these rows; 2025 figures beyond those in the project's brief are
  held out and are added only as they are published.
- ``red_days.csv``: days rated "red" for crossing (a probability of crossing activity above
  55%, Met Office), an input of the model's weather.

Rows may overlap (a year and its January-April); a period is refused if it is repeated, ends
before it starts, or is out of order by its start. Every refusal is one line naming the line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from model.data_rows import (
    RELIABILITIES,
    RecordError,
    count_of,
    date_of,
    one_of,
    read_rows,
    sourced,
)

DATA_DIR = Path(__file__).parent / "data"
ARRIVALS_FILE = DATA_DIR / "observed_arrivals_by_period.csv"
RED_DAYS_FILE = DATA_DIR / "red_days.csv"


@dataclass(frozen=True)
class PeriodCount:
    """A count over the days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date
    count: int
    source: str

    @property
    def days(self) -> int:
        """Length of the period in days."""
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """The period in words: '2024', '2025-01-01 to 2025-06-30'."""
        whole_year = (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1,
            1,
            12,
            31,
        )
        if whole_year and self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start} to {self.end}"


def read_period_counts(
    path: Path, count_column: str, at_most_one_a_day: bool = False
) -> tuple[PeriodCount, ...]:
    """The rows of a period file, checked (see the module's docstring).

    With ``at_most_one_a_day`` a count is of days, so no larger than its period.
    """
    columns = ("period_start", "period_end", count_column, "reliability", "source")
    periods: list[PeriodCount] = []
    seen: set[tuple[dt.date, dt.date]] = set()
    for line, row in read_rows(path, columns):
        start = date_of(path, line, row, "period_start")
        end = date_of(path, line, row, "period_end")
        if end < start:
            raise RecordError(
                f"{path.name} line {line}: period_end {end} is before period_start {start}: "
                "allowed is a period that ends on or after its start"
            )
        if periods and start < periods[-1].start:
            raise RecordError(
                f"{path.name} line {line}: period_start {start} is before the previous row's "
                f"{periods[-1].start}: allowed are rows in order of their start"
            )
        if (start, end) in seen:
            raise RecordError(
                f"{path.name} line {line}: the period {start} to {end} is repeated: allowed "
                "is one row a period"
            )
        seen.add((start, end))
        period = PeriodCount(start, end, count_of(path, line, row, count_column), "")
        if at_most_one_a_day and period.count > period.days:
            raise RecordError(
                f"{path.name} line {line}: {count_column}={period.count} is more than the "
                f"period's {period.days} days: allowed is at most one a day"
            )
        one_of(path, line, row, "reliability", RELIABILITIES)
        sourced(path, line, row)
        periods.append(PeriodCount(start, end, period.count, row["source"].strip()))
    return tuple(periods)


@cache
def observed_arrivals() -> tuple[PeriodCount, ...]:
    """The shipped small-boat arrivals by period (read once)."""
    return read_period_counts(ARRIVALS_FILE, "small_boat_arrivals")


@cache
def red_days() -> tuple[PeriodCount, ...]:
    """The shipped counts of red crossing days by period (read once)."""
    return read_period_counts(RED_DAYS_FILE, "red_days", at_most_one_a_day=True)


def arrivals_in(start: dt.date, end: dt.date) -> PeriodCount | None:
    """The observed arrivals over exactly ``start`` to ``end``, if a row has them."""
    for period in observed_arrivals():
        if (period.start, period.end) == (start, end):
            return period
    return None
