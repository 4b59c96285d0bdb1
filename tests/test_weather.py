"""Crossing conditions (model.weather): the season and the two-state Markov chain."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from model.weather import PEAK_DAY_OF_YEAR, Weather, calm_day_share, calm_probability

HALF_YEAR = 365.25 / 2


def test_calm_day_share_at_peak_and_trough():
    assert calm_day_share(PEAK_DAY_OF_YEAR, 0.2, 0.55) == pytest.approx(0.55)
    assert calm_day_share(PEAK_DAY_OF_YEAR - HALF_YEAR, 0.2, 0.55) == pytest.approx(0.2)
    assert calm_day_share(PEAK_DAY_OF_YEAR + HALF_YEAR, 0.2, 0.55) == pytest.approx(0.2)
    shares = calm_day_share(np.arange(1, 367), 0.2, 0.55)
    assert shares.min() >= 0.2 - 1e-12 and shares.max() <= 0.55 + 1e-12
    assert int(np.argmax(shares)) + 1 == PEAK_DAY_OF_YEAR
    summer = calm_day_share(np.arange(152, 274), 0.2, 0.55).mean()  # June-September
    winter = calm_day_share(np.r_[1:60, 335:366], 0.2, 0.55).mean()  # December-February
    assert summer > winter


@pytest.mark.parametrize("share", [0.0, 0.05, 0.2, 0.55, 0.9, 1.0])
@pytest.mark.parametrize("persistence", [0.0, 0.3, 0.5, 0.95])
def test_the_chain_keeps_the_stationary_share(share, persistence):
    calm_after_calm = calm_probability(True, share, persistence)
    calm_after_poor = calm_probability(False, share, persistence)
    assert 0.0 <= calm_after_poor <= calm_after_calm <= 1.0
    # stationary: pi = pi * P(calm | calm) + (1 - pi) * P(calm | poor) at pi = share
    assert share * calm_after_calm + (1 - share) * calm_after_poor == pytest.approx(share)
    # lag-one autocorrelation of a two-state chain: P(calm | calm) - P(calm | poor)
    if 0.0 < share < 1.0:
        assert calm_after_calm - calm_after_poor == pytest.approx(persistence)


def test_independent_days_without_persistence():
    for share in (0.1, 0.4, 0.8):
        assert calm_probability(True, share, 0.0) == pytest.approx(share)
        assert calm_probability(False, share, 0.0) == pytest.approx(share)


def test_weather_draws_the_share_and_the_spells():
    share, persistence, days = 0.4, 0.6, 40_000
    weather = Weather(dt.date(2025, 1, 1), share, share, persistence, np.random.default_rng(2))
    date = dt.date(2025, 1, 1)
    calm = np.empty(days, dtype=bool)
    for day in range(days):
        date += dt.timedelta(days=1)
        calm[day] = weather.advance(date)
    assert calm.mean() == pytest.approx(share, abs=0.02)
    assert np.corrcoef(calm[:-1], calm[1:])[0, 1] == pytest.approx(persistence, abs=0.03)


class _Period:
    def __init__(self, start, end, count):
        self.start, self.end, self.count = start, end, count


def _calm_days(weather, start, days):
    dates = [start + dt.timedelta(days=offset) for offset in range(days)]
    return np.array([weather.advance(date) for date in dates])


@pytest.mark.parametrize("count", [0, 10, 27, 60, 120])
def test_a_documented_period_holds_its_count_of_red_days(count):
    start = dt.date(2024, 1, 1)
    period = _Period(start, dt.date(2024, 4, 30), count)  # 121 days
    for seed in range(5):
        weather = Weather(start, 0.2, 0.55, 0.5, np.random.default_rng(seed), [period])
        calm = _calm_days(weather, start, 200)
        assert calm[:121].sum() == count
    # after the period the chain goes on: not every day is red or poor
    assert 0 < calm[121:].sum() < 79


def test_a_run_starting_inside_a_period_uses_the_period_drawn_whole():
    period = _Period(dt.date(2025, 1, 1), dt.date(2025, 4, 30), 60)
    start = dt.date(2025, 3, 1)
    weather = Weather(start, 0.2, 0.55, 0.5, np.random.default_rng(3), [period])
    calm = _calm_days(weather, start, 61)  # 1 March to 30 April
    assert 0 < calm.sum() <= 60
    # periods wholly before the start play no part
    early = _Period(dt.date(2024, 1, 1), dt.date(2024, 4, 30), 121)
    weather = Weather(start, 0.2, 0.55, 0.5, np.random.default_rng(3), [early])
    assert _calm_days(weather, start, 61).sum() < 61


def test_documented_weather_is_reproducible_and_keeps_spells():
    start = dt.date(2025, 1, 1)
    period = _Period(start, dt.date(2025, 12, 31), 180)
    runs = [
        _calm_days(Weather(start, 0.3, 0.3, 0.8, np.random.default_rng(9), [period]), start, 365)
        for _ in range(2)
    ]
    assert np.array_equal(runs[0], runs[1]) and runs[0].sum() == 180
    assert np.corrcoef(runs[0][:-1], runs[0][1:])[0, 1] > 0.4  # spells, not scattered days
