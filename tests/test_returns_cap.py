"""The returns pilot: never more returns in a pilot week than its cap, admissions follow returns."""

from __future__ import annotations

import pandas as pd
import pytest

from agents.returns import weekly_return_cap
from model.reporters import DAILY_REPORTERS
from model.scenarios import scenario_parameters
from tests.conftest import HIGH_CAP

COUNTS = (
    "new_on_coast",
    "bookings",
    "attempts",
    "boats_launched",
    "launches_stopped",
    "people_stopped",
    "taxi_boats",
    "boats_arrived",
    "arrivals",
    "deaths",
    "detentions",
    "returns",
    "appeals_won",
    "return_cap_this_week",
    "legal_admissions",
    "registrations",
    "left_coast",
    "waiting_in_france",
    "awaiting_return",
    "in_uk",
    "registered_applicants",
    "illegal_employment",
    "job_seekers",
    "illegal_vacancies",
    "workers_caught",
    "smuggler_revenue_gbp",
    "active_gangs",
)


@pytest.fixture(params=["shipped_pilot", "early_pilot", "high_cap"])
def pilot_case(request, pilot_run, conservation_trace, high_cap_daily):
    """(daily series, parameters) of three pilot runs."""
    return {
        "shipped_pilot": (pilot_run.daily, pilot_run.parameters),
        "early_pilot": (conservation_trace.daily, conservation_trace.parameters),
        "high_cap": (high_cap_daily, scenario_parameters("pilot", **HIGH_CAP)),
    }[request.param]


@pytest.fixture
def pilot_daily(pilot_case) -> pd.DataFrame:
    return pilot_case[0]


def _by_pilot_week(daily: pd.DataFrame) -> pd.DataFrame:
    in_pilot = daily[daily["pilot_week"] >= 0]
    return in_pilot.groupby("pilot_week").agg(
        returns=("returns", "sum"),
        cap=("return_cap_this_week", "first"),
        cap_max=("return_cap_this_week", "max"),
        cap_min=("return_cap_this_week", "min"),
        days=("returns", "size"),
    )


def test_returns_never_exceed_the_weekly_cap(pilot_daily):
    weeks = _by_pilot_week(pilot_daily)
    assert len(weeks) > 0
    assert (weeks["cap_min"] == weeks["cap_max"]).all(), "the cap changed within a pilot week"
    over = weeks[weeks["returns"] > weeks["cap"]]
    assert over.empty, f"weeks over the cap:\n{over}"
    assert (pilot_daily.loc[pilot_daily["pilot_week"] < 0, "returns"] == 0).all()
    assert (pilot_daily.loc[pilot_daily["pilot_week"] < 0, "return_cap_this_week"] == 0).all()


def test_the_cap_follows_its_schedule(pilot_case):
    daily, values = pilot_case
    weeks = _by_pilot_week(daily)
    for week, cap in weeks["cap"].items():
        expected = weekly_return_cap(
            values["return_cap_per_week"], values["return_cap_growth_per_week"], week
        )
        assert cap == expected, week


def test_the_cap_binds_in_the_high_flow_run(high_cap_daily):
    weeks = _by_pilot_week(high_cap_daily)
    assert (weeks["returns"] == weeks["cap"]).sum() >= 1
    assert (weeks["returns"] <= weeks["cap"]).all()


def test_legal_admissions_never_exceed_returns(pilot_daily):
    admitted = pilot_daily["legal_admissions"].cumsum()
    returned = pilot_daily["returns"].cumsum()
    assert (admitted <= returned).all()
    assert (pilot_daily["returns"].cumsum() <= pilot_daily["arrivals"].cumsum()).all()
    assert (pilot_daily["detentions"].cumsum() <= pilot_daily["arrivals"].cumsum()).all()


def test_no_count_is_negative(pilot_daily):
    assert set(COUNTS) <= set(DAILY_REPORTERS)
    for column in COUNTS:
        assert (pilot_daily[column] >= 0).all(), column


def test_returns_happen_only_from_the_first_return_date(conservation_trace):
    daily = conservation_trace.daily
    first_return = conservation_trace.model.calendar.first_return_day
    assert (daily["returns"].iloc[:first_return] == 0).all()
    assert daily["returns"].iloc[first_return:].sum() > 0
