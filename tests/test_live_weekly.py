"""The live run's weekly tables, chart points, totals and effect, kept step by step, equal those
computed from scratch from the whole daily history after every step."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest

from model.run import daily_series, deterrence, weekly_series
from viz.charts import table_points
from viz.live import CHART_RECORDS, TOTAL_RECORDS, LiveRun

EARLY_PILOT = {
    "start_date": dt.date(2025, 1, 1),
    "pilot_start_date": dt.date(2025, 2, 1),
    "first_return_date": dt.date(2025, 2, 10),
    "return_cap_per_week": 200,
}
"""The pilot a month into the run: it forks on day 31, in the middle of a week."""

STEPS = (3, 7, 11, 7, 1, 2, 14, 30, 7, 5)
"""Days a step: steps ending mid-week and on a week's end, over the fork (day 31)."""


def check_against_whole_history(run: LiveRun) -> None:
    """Every figure the page shows equals the one computed from the runs' whole daily series."""
    tables, points = run.weekly(), run.weekly_points()
    for model, table, kept_points in zip(
        (run.policy, run.counterfactual), tables, points, strict=True
    ):
        fresh = weekly_series(daily_series(model, CHART_RECORDS))
        pd.testing.assert_frame_equal(table, fresh, check_exact=True)
        assert kept_points == table_points(fresh)
    daily = [daily_series(model, TOTAL_RECORDS) for model in (run.policy, run.counterfactual)]
    for name in TOTAL_RECORDS:
        assert run.totals(name) == (daily[0][name].sum(), daily[1][name].sum()), name
    if not run.forked:
        assert run.effect() is None
        return
    policy_start = pd.Timestamp(EARLY_PILOT["pilot_start_date"])
    last_date = daily[0]["date"].iloc[-1]
    for last_days, from_date in ((None, policy_start), (20, last_date - pd.Timedelta(days=19))):
        from_date = max(from_date, policy_start)
        expected = deterrence(*daily, from_date)
        kept = run.effect(last_days)
        assert kept == {"from_date": from_date.date(), "to_date": last_date.date(), **expected}


def test_the_tables_kept_step_by_step_equal_those_of_the_whole_history():
    run = LiveRun("pilot", 4, dict(EARLY_PILOT))
    assert [table.empty for table in run.weekly()] == [True, True]  # day 0: nothing yet
    assert run.weekly_points() == ({}, {}) and run.totals("arrivals") == (0, 0)
    for days in STEPS:
        run.advance(days)
        check_against_whole_history(run)
    assert run.forked and run.day == sum(STEPS)


def test_a_lever_change_after_the_fork_reads_the_new_runs_history():
    run = LiveRun("pilot", 4, dict(EARLY_PILOT))
    run.advance(45)
    before = run.weekly()[0]
    assert run.change_levers({**EARLY_PILOT, "return_cap_per_week": 600})
    check_against_whole_history(run)
    assert not before.equals(run.weekly()[0])  # the new run's weeks, not the old run's
    run.advance(10)
    check_against_whole_history(run)


def test_a_step_leaves_the_points_of_the_last_step_as_they_were():
    """A chart compares its new option with its last: the two must not share changed lists."""
    run = LiveRun("pilot", 4, dict(EARLY_PILOT))
    run.advance(14)  # whole weeks: no week under way to copy the lists for it
    shown = run.weekly_points()
    as_shown = copy.deepcopy(shown)
    run.advance(7)
    assert run.weekly_points() != as_shown
    assert shown == as_shown


@pytest.mark.parametrize("first_day", [0, 7, 12])
def test_daily_series_from_a_day_is_the_tail_of_the_whole(first_day):
    run = LiveRun("pilot", 4, dict(EARLY_PILOT))
    run.advance(20)
    for columns in (None, CHART_RECORDS):
        whole = daily_series(run.policy, columns)
        tail = daily_series(run.policy, columns, first_day)
        expected = whole.iloc[first_day:].reset_index(drop=True)
        pd.testing.assert_frame_equal(tail, expected, check_exact=True)
