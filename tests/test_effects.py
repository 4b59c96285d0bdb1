"""The pilot's effect taken apart: the parts add up to the whole."""

from __future__ import annotations

import pytest

from model.effects import mechanism_variants
from model.run import decompose_effect, run_scenario
from model.scenarios import scenario_parameters


@pytest.fixture(scope="module")
def delivered():
    return run_scenario("pilot_as_delivered", seed=5, days=450)


def test_where_the_crossings_went_adds_up_to_the_fall(delivered):
    """Fall in crossings = held on the coast + left + legal route + died - crossed again."""
    s = delivered.summary
    accounted = (
        s["postponed_still_waiting"]
        + s["deterred_left_coast"]
        + s["came_by_legal_route"]
        + s["died_at_sea_net"]
        - s["recrossings_in_policy_period"]
    )
    assert accounted == s["crossings_deterred"]
    assert s["came_by_legal_route"] == s["legal_admissions"] > 0
    assert s["recrossings_in_policy_period"] == s["recrossings"]


def test_mechanisms_add_up_to_the_policys_effect(delivered):
    table = decompose_effect("pilot_as_delivered", seed=5, days=450)
    assert list(table["mechanism"]) == ["returns", "legal route"]
    assert table["crossings_deterred"].sum() == delivered.summary["crossings_deterred"]


def test_the_variants_add_mechanisms_in_order():
    crackdown = mechanism_variants(scenario_parameters("pilot_crackdown"))
    assert list(crackdown) == ["returns", "legal route", "crackdown"]
    assert crackdown["returns"]["legal_route_share"] == 0.0
    assert crackdown["returns"]["crackdown_intensity"] == 0.0
    assert crackdown["legal route"]["crackdown_intensity"] == 0.0
    assert crackdown["crackdown"]["crackdown_intensity"] == 0.5
    only_crackdown = scenario_parameters("pilot", return_cap_per_week=0, crackdown_intensity=1.0)
    assert list(mechanism_variants(only_crackdown)) == ["crackdown"]
