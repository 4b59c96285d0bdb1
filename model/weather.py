"""Crossing conditions: calm 'red' days cluster in spells and peak in late summer.

The Met Office rates each day for the Home Office; a 'red' day is one with a probability of
crossing activity above 55%. Here each day is either red (calm) or not, from a two-state
Markov chain whose stationary share of red days follows the season.
"""

from __future__ import annotations

import datetime as dt

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


class Weather:
    """Today's crossing conditions, advanced one day at a time from its own random stream."""

    def __init__(
        self,
        start_date: dt.date,
        winter_share: float,
        summer_share: float,
        persistence: float,
        rng: np.random.Generator,
    ) -> None:
        """Start the chain at the season's stationary share on ``start_date``."""
        self.start_date = start_date
        self.winter_share = winter_share
        self.summer_share = summer_share
        self.persistence = persistence
        self.rng = rng
        self.calm_today = bool(rng.random() < self._share_on(start_date))

    def _share_on(self, date: dt.date) -> float:
        day_of_year = date.timetuple().tm_yday
        return float(calm_day_share(day_of_year, self.winter_share, self.summer_share))

    def season(self, date: dt.date) -> np.ndarray:
        """Where ``date`` falls in the yearly cycle of crossings: 1 at the late-summer peak."""
        return seasonal_cycle(date.timetuple().tm_yday)

    def advance(self, date: dt.date) -> bool:
        """Draw the conditions of ``date`` (the next day); returns whether it is calm."""
        chance = calm_probability(self.calm_today, self._share_on(date), self.persistence)
        self.calm_today = bool(self.rng.random() < chance)
        return self.calm_today
