"""Crossing conditions: calm 'red' days cluster in spells and peak in late summer.

The Met Office rates each day for the Home Office; a 'red' day is one with a probability of
crossing activity above 55%. Here each day is either red (calm) or not, from a two-state
Markov chain whose stationary share of red days follows the season.

Where the number of red days in a period is documented (``model/data/red_days.csv``), the
period's days are drawn from the same chain and then made to hold exactly that number: days
chosen at random among the chain's red days (too many) or its other days (too few) are
switched. So a year with a calm winter on record is calm in the model too, while the spells
and the day-to-day pattern stay the chain's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

import numpy as np

PEAK_DAY_OF_YEAR = 240
"""Late August: arrivals peak in late summer (Home Office, crossing conditions, June 2025)."""


def seasonal_cycle(day_of_year: int | np.ndarray, peak_day: int = PEAK_DAY_OF_YEAR) -> np.ndarray:
    """A yearly cosine: 1 at the peak day, -1 half a year away."""
    return np.cos(2.0 * np.pi * (np.asarray(day_of_year) - peak_day) / 365.25)


def calm_day_share(day_of_year: int | np.ndarray, winter: float, summer: float) -> np.ndarray:
    """Expected share of red days at a day of the year, between the winter and summer shares."""
    return winter + (summer - winter) * (1.0 + seasonal_cycle(day_of_year)) / 2.0


def calm_probability(previous_calm: bool, stationary_share: float, persistence: float) -> float:
    """Chance that today is calm given yesterday, keeping ``stationary_share`` on average.

    ``persistence`` in [0, 1) is the lag-one autocorrelation of the chain.
    """
    if previous_calm:
        return stationary_share + persistence * (1.0 - stationary_share)
    return stationary_share * (1.0 - persistence)


class DocumentedRedDays(Protocol):
    """A documented count of red days from ``start`` to ``end`` (both included)."""

    start: dt.date
    end: dt.date
    count: int


class Weather:
    """Today's crossing conditions, advanced one day at a time from its own random stream."""

    def __init__(
        self,
        start_date: dt.date,
        winter_share: float,
        summer_share: float,
        persistence: float,
        rng: np.random.Generator,
        documented: Sequence[DocumentedRedDays] = (),
    ) -> None:
        """Start the chain at the season's stationary share on ``start_date``.

        ``documented`` periods hold their documented number of red days (see the module).
        """
        self.start_date = start_date
        self.winter_share = winter_share
        self.summer_share = summer_share
        self.persistence = persistence
        self.rng = rng
        self.calm_today = bool(rng.random() < self._share_on(start_date))
        self._documented = sorted(
            (period for period in documented if period.end >= start_date),
            key=lambda period: period.start,
        )
        self._drawn: dict[dt.date, bool] = {}

    def _share_on(self, date: dt.date) -> float:
        day_of_year = date.timetuple().tm_yday
        return float(calm_day_share(day_of_year, self.winter_share, self.summer_share))

    def season(self, date: dt.date) -> np.ndarray:
        """Where ``date`` falls in the yearly cycle of crossings: 1 at the late-summer peak."""
        return seasonal_cycle(date.timetuple().tm_yday)

    def advance(self, date: dt.date) -> bool:
        """Draw the conditions of ``date`` (the next day); returns whether it is calm."""
        if self._documented and date >= self._documented[0].start:
            self._draw_documented(self._documented.pop(0))
        if date in self._drawn:
            self.calm_today = self._drawn.pop(date)
        else:
            self.calm_today = self._next_day(self.calm_today, date)
        return self.calm_today

    def _next_day(self, calm_before: bool, date: dt.date, share_factor: float = 1.0) -> bool:
        share = min(self._share_on(date) * share_factor, 1.0)
        chance = calm_probability(calm_before, share, self.persistence)
        return bool(self.rng.random() < chance)

    def _draw_documented(self, period: DocumentedRedDays) -> None:
        """Draw every day of ``period`` from the chain, then switch days to hold its count."""
        days = (period.end - period.start).days + 1
        dates = [period.start + dt.timedelta(days=offset) for offset in range(days)]
        seasonal = sum(self._share_on(date) for date in dates) / days
        share_factor = period.count / days / seasonal if seasonal > 0 else 1.0
        calm = np.empty(days, dtype=bool)
        before = self.calm_today
        for index, date in enumerate(dates):
            calm[index] = before = self._next_day(before, date, share_factor)
        surplus = int(calm.sum()) - period.count
        if surplus:
            candidates = np.flatnonzero(calm if surplus > 0 else ~calm)
            calm[self.rng.choice(candidates, size=abs(surplus), replace=False)] = surplus < 0
        # A run that starts inside the period draws it whole and uses the days from its start,
        # so that the period still holds its count.
        self._drawn = {date: bool(flag) for date, flag in zip(dates, calm, strict=True)}
