"""Smoke: every shipped scenario builds and runs a full year with a sane summary."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from model.data import load_observed_arrivals
from model.reporters import DAILY_REPORTERS
from model.run import DEFAULT_DAYS
from model.scenarios import load_scenario, scenario_names

FLOWS = (
    "new_on_coast",
    "bookings",
    "attempts",
    "boats_launched",
    "launches_stopped",
    "people_stopped",
    "boats_arrived",
    "arrivals",
    "deaths",
    "detentions",
    "returns",
    "legal_admissions",
    "left_coast",
)


def test_scenarios_are_shipped():
    names = scenario_names()
    assert {"baseline", "pilot", "pilot_crackdown"} <= set(names)
    for name in names:
        load_scenario(name)  # each shipped file is valid against the declaration


@pytest.mark.parametrize("name", scenario_names())
def test_scenario_runs_a_full_year(scenario_runs, name):
    result = scenario_runs[name]
    daily, summary, parameters = result.daily, result.summary, result.parameters

    assert result.days == DEFAULT_DAYS == 365
    assert len(daily) == 365
    assert list(daily["day"]) == list(range(365))
    assert set(DAILY_REPORTERS) <= set(daily.columns)
    start = parameters["start_date"]
    assert daily["date"].iloc[0] == pd.Timestamp(start)
    assert summary["start_date"] == start.isoformat()
    assert summary["end_date"] == (start + dt.timedelta(days=364)).isoformat()

    for column in FLOWS:
        assert daily[column].notna().all(), column
        assert (daily[column] >= 0).all(), column
        if column in summary:
            assert summary[column] == daily[column].sum(), column

    assert summary["arrivals"] > 0
    assert summary["boats_arrived"] > 0
    assert summary["attempts"] >= summary["arrivals"]
    assert summary["new_on_coast"] > 0
    assert 0 < summary["prevention_share"] < 1
    low = parameters["min_people_per_launch"] * 0.5
    assert low <= summary["mean_people_per_boat"] <= parameters["max_people_per_boat"]
    assert daily["people_per_boat"].dropna().le(parameters["max_people_per_boat"]).all()
    assert summary["active_gangs_at_end"] >= 1
    assert summary["waiting_in_france_at_end"] >= 0
    if not parameters["returns_follow_record"]:  # the record has admissions ahead at times
        assert summary["legal_admissions"] <= summary["returns"]
    assert summary["returns"] <= summary["arrivals"]
    assert math.isfinite(summary["deterrence_effect"])
    assert -1.0 <= summary["deterrence_effect"] <= 1.0
    assert result.weekly is not None and len(result.weekly) == 53


def test_baseline_is_its_own_counterfactual(scenario_runs):
    result = scenario_runs["baseline"]
    assert result.summary["returns"] == 0
    assert result.summary["legal_admissions"] == 0
    assert result.summary["deterrence_effect"] == 0.0
    assert result.counterfactual_daily is result.daily


def test_baseline_is_of_the_observed_order_of_magnitude(scenario_runs):
    """Not a calibration test: only that the baseline year is of the order of 2024's count."""
    result = scenario_runs["baseline"]
    year = result.parameters["start_date"].year
    observed = {row["year"]: row for row in load_observed_arrivals()}[year]
    assert 0.5 * observed["arrivals"] < result.summary["arrivals"] < 2.0 * observed["arrivals"]


@pytest.mark.parametrize("name", ["pilot", "pilot_crackdown"])
def test_policy_scenarios_act(scenario_runs, name):
    result = scenario_runs[name]
    summary = result.summary
    assert result.counterfactual_daily is not None
    assert result.counterfactual_daily is not result.daily
    assert result.counterfactual_daily["returns"].sum() == 0
    assert summary["returns"] > 0
    assert summary["legal_admissions"] > 0
    assert summary["detentions"] >= summary["returns"]
    policy = pd.Timestamp(summary["policy_start_date"])
    assert (result.daily.loc[result.daily["date"] < policy, "detentions"] == 0).all()
    assert summary["counterfactual_arrivals_in_policy_period"] > 0
    assert np.isfinite(summary["mean_perceived_return_prob"])


def test_deterrence_is_undefined_when_the_policy_starts_after_the_run():
    from model.run import run_scenario

    result = run_scenario("pilot", seed=1, days=20)
    assert result.summary["counterfactual_arrivals_in_policy_period"] == 0
    assert np.isnan(result.summary["deterrence_effect"])
