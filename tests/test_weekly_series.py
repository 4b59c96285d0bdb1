"""Weekly series: flows add up, stocks take the week's last day, people per boat is recomputed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.reporters import DAILY_REPORTERS, WEEKLY_AGGREGATION
from model.run import weekly_series


@pytest.fixture(params=["pilot", "baseline"])
def run(request, scenario_runs):
    return scenario_runs[request.param]


def test_every_daily_series_has_a_weekly_rule():
    assert set(WEEKLY_AGGREGATION) <= set(DAILY_REPORTERS)
    assert set(DAILY_REPORTERS) - set(WEEKLY_AGGREGATION) == {"people_per_boat"}


def test_weekly_flows_sum_the_days(run):
    daily, weekly = run.daily, run.weekly
    pd.testing.assert_frame_equal(weekly, weekly_series(daily))
    assert len(weekly) == -(-len(daily) // 7)
    assert weekly["days_in_week"].sum() == len(daily)
    assert (weekly["days_in_week"].iloc[:-1] == 7).all()
    for name, how in WEEKLY_AGGREGATION.items():
        if how == "sum":
            assert weekly[name].sum() == pytest.approx(daily[name].sum()), name
    assert weekly["arrivals"].sum() == daily["arrivals"].sum() == run.summary["arrivals"]
    week = daily["day"] // 7
    np.testing.assert_array_equal(
        weekly["arrivals"], daily.groupby(week)["arrivals"].sum().to_numpy()
    )


def test_weekly_stocks_and_means(run):
    daily, weekly = run.daily, run.weekly
    week = daily["day"] // 7
    for name, how in WEEKLY_AGGREGATION.items():
        expected = daily.groupby(week)[name].agg(how).to_numpy()
        np.testing.assert_allclose(weekly[name].to_numpy(dtype=float), expected, err_msg=name)
    np.testing.assert_array_equal(
        weekly["week_start"], daily.groupby(week)["date"].first().to_numpy()
    )


def test_people_per_boat_is_arrivals_over_boats(run):
    weekly = run.weekly
    boats = weekly["boats_arrived"]
    with_boats = boats > 0
    assert with_boats.sum() > 40
    np.testing.assert_allclose(
        weekly.loc[with_boats, "people_per_boat"],
        weekly.loc[with_boats, "arrivals"] / boats[with_boats],
    )
    assert weekly.loc[~with_boats, "people_per_boat"].isna().all()
    daily = run.daily
    has_boat = daily["boats_arrived"] > 0
    np.testing.assert_allclose(
        daily.loc[has_boat, "people_per_boat"],
        daily.loc[has_boat, "arrivals"] / daily.loc[has_boat, "boats_arrived"],
    )
    assert daily.loc[~has_boat, "people_per_boat"].isna().all()


def test_weekly_series_of_a_short_made_up_table():
    days = 10
    daily = pd.DataFrame(
        {
            "date": pd.date_range("2025-01-01", periods=days, freq="D"),
            "day": range(days),
            **{name: np.arange(days, dtype=float) for name in WEEKLY_AGGREGATION},
        }
    )
    daily["boats_arrived"] = [0] * 7 + [1, 2, 1]
    daily["arrivals"] = [0] * 7 + [40, 100, 60]
    weekly = weekly_series(daily)
    assert weekly["days_in_week"].tolist() == [7, 3]
    assert weekly["arrivals"].tolist() == [0, 200]
    assert np.isnan(weekly["people_per_boat"].iloc[0])
    assert weekly["people_per_boat"].iloc[1] == pytest.approx(50.0)
    assert weekly["new_on_coast"].tolist() == [21.0, 24.0]  # sum of 0..6 and 7..9
    assert weekly["waiting_in_france"].tolist() == [6.0, 9.0]  # last day
    assert weekly["perceived_return_prob"].tolist() == [3.0, 8.0]  # mean
