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
