"""Conservation: every migrant who ever arrived is in exactly one state, and flows add up to stocks.

The model (pilot scenario with the pilot moved to February, so that returns and legal-route
admissions happen) is stepped day by day and read at the end of every day (``conftest.py``);
each test checks one invariant on every day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agents.migrants import NEVER, Migrant, MigrantPopulation, MigrantState, MigrantStateError
from model.run import run_scenario
from tests.conftest import CONSERVATION_DAYS


def _assert_every_day(left: pd.Series | np.ndarray, right: pd.Series | np.ndarray, what: str):
    left, right = np.asarray(left), np.asarray(right)
    bad = np.flatnonzero(left != right)
    assert len(bad) == 0, (
        f"{what}: first differs on day {bad[0]} ({left[bad[0]]} != {right[bad[0]]}), "
        f"{len(bad)} days differ"
    )


def test_the_run_exercises_the_pilot(conservation_trace):
    daily = conservation_trace.daily
    assert len(daily) == CONSERVATION_DAYS
    assert daily["arrivals"].sum() > 0
    assert daily["detentions"].sum() > 0
    assert daily["returns"].sum() > 0
    assert daily["legal_admissions"].sum() > 0
    assert daily["left_coast"].sum() > 0
    assert daily["deaths"].sum() > 0


def test_migrant_state_covers_every_value(conservation_trace):
    values = sorted(int(s) for s in MigrantState)
    assert values == list(range(len(MigrantState)))  # state_counts indexes by value
    days = conservation_trace.days
    assert (days["n_state_slots"] == len(MigrantState)).all()
    assert (days["min_state"] >= 0).all()
    assert (days["max_state"] < len(MigrantState)).all()


def test_every_migrant_is_in_exactly_one_state(conservation_trace):
    trace = conservation_trace
    days, daily = trace.days, trace.daily
    assert trace.initial_migrants == trace.parameters["initial_waiting_in_france"]
    expected = trace.initial_migrants + daily["new_on_coast"].cumsum()
    _assert_every_day(days["n_counted"], days["n_population"], "counted by state vs people")
    _assert_every_day(days["n_population"], expected, "people vs initial + new on coast")


def test_a_migrant_is_a_mesa_agent_made_on_demand_for_its_own_row(conservation_trace):
    model = conservation_trace.model
    # the daily loop makes no agent a person: the model's agents are the gangs and enforcement
    assert conservation_trace.initial_agents < 50 < len(model.population)
    assert Migrant not in model.agents_by_type
    last = len(model.population) - 1
    person = model.migrant(last)
    assert isinstance(person, Migrant) and person.model is model
    assert model.migrant(last) is person  # one view a person
    assert person.state == MigrantState(int(model.population.state[last]))
    assert person.savings_gbp == model.population.savings_gbp[last]
    assert person in model.agents_by_type[Migrant]
    with pytest.raises(IndexError, match=f"no migrant at row {last + 1}: allowed is 0 to {last}"):
        model.migrant(last + 1)


def test_states_change_only_by_the_moves_the_life_cycle_allows():
    population = MigrantPopulation()
    rows = population.add(3, state=MigrantState.IN_FRANCE)
    population.arrive_in_uk(rows[:2], day=5)
    population.detain(rows[:1])
    with pytest.raises(MigrantStateError, match="migrant 2 cannot move from IN_FRANCE to REMOVED"):
        population.remove_from_uk(rows[1:])
    # a refused move changes no one
    assert population.state.tolist() == [
        MigrantState.AWAITING_RETURN,
        MigrantState.IN_UK,
        MigrantState.IN_FRANCE,
    ]
    population.return_to_france(rows[:1], day=9)
    assert population.times_returned.tolist() == [1, 0, 0]
    assert population.waiting_since_day[0] == 9
    assert population.first_uk_arrival_day.tolist() == [5, 5, NEVER]
    with pytest.raises(MigrantStateError, match="cannot move from IN_FRANCE to AWAITING_RETURN"):
        population.detain(rows[:1])


def test_reported_stocks_are_the_state_counts(conservation_trace):
    days, daily = conservation_trace.days, conservation_trace.daily
    _assert_every_day(daily["waiting_in_france"], days["count_IN_FRANCE"], "waiting_in_france")
    _assert_every_day(daily["awaiting_return"], days["count_AWAITING_RETURN"], "awaiting_return")
    _assert_every_day(daily["in_uk"], days["count_IN_UK"], "in_uk")
    _assert_every_day(daily["awaiting_removal"], days["count_AWAITING_REMOVAL"], "awaiting_removal")


def test_left_and_died_accumulate(conservation_trace):
    """Leaving the coast is not forever: those who left, less those who came back."""
    days, daily = conservation_trace.days, conservation_trace.daily
    assert daily["came_back_to_coast"].sum() > 0  # the flow back is exercised here
    _assert_every_day(
        (daily["left_coast"] - daily["came_back_to_coast"]).cumsum(),
        days["count_LEFT"],
        "left_coast - came_back_to_coast vs LEFT",
    )
    _assert_every_day(daily["deaths"].cumsum(), days["count_DIED"], "deaths vs DIED")
    _assert_every_day(daily["workers_removed"], days["removed_today"], "workers_removed")
    _assert_every_day(daily["arrangement_removals"], days["removed_home_today"], "removed home")
    assert daily["arrangement_removals"].sum() > 0  # the returns arrangement is exercised too
    _assert_every_day(
        (daily["workers_removed"] + daily["arrangement_removals"]).cumsum(),
        days["count_REMOVED"],
        "workers removed + removed under an arrangement vs REMOVED",
    )
    _assert_every_day(
        (daily["arrangement_detentions"] - daily["arrangement_removals"]).cumsum(),
        days["count_AWAITING_REMOVAL"],
        "held - removed under an arrangement vs AWAITING_REMOVAL",
    )
    assert (daily["workers_removed"] <= daily["workers_caught"]).all()


def test_legal_admissions_accumulate_into_legal_uk(conservation_trace):
    days, daily = conservation_trace.days, conservation_trace.daily
    _assert_every_day(days["total_admissions"], daily["legal_admissions"].cumsum(), "admissions")
    _assert_every_day(
        daily["legal_admissions"].cumsum(), days["count_LEGAL_UK"], "admissions vs LEGAL_UK"
    )
    assert (daily["legal_admissions"].cumsum() <= daily["legal_route_selections"].cumsum()).all()


def test_detentions_returns_and_appeals_balance(conservation_trace):
    days, daily = conservation_trace.days, conservation_trace.daily
    held = (daily["detentions"] - daily["returns"] - daily["appeals_won"]).cumsum()
    _assert_every_day(held, days["count_AWAITING_RETURN"], "detained - returned - released")
    _assert_every_day(days["detained_listed"], days["count_AWAITING_RETURN"], "detained list")
    assert (days["detained_listed_not_awaiting"] == 0).all()
    _assert_every_day(daily["returns"].cumsum(), days["total_returns"], "returns unit total")
    _assert_every_day(daily["returns"].cumsum(), days["times_returned"], "returns on record")


def test_every_attempt_is_stopped_arrives_or_dies(conservation_trace):
    days, daily = conservation_trace.days, conservation_trace.daily
    outcomes = daily["people_stopped"] + daily["arrivals"] + daily["deaths"]
    _assert_every_day(daily["attempts"], outcomes, "attempts vs stopped + arrived + died")
    _assert_every_day(daily["attempts"].cumsum(), days["attempts_on_record"], "attempts")
    assert (daily["launches_stopped"] <= daily["boats_launched"]).all()
    assert (daily["boats_arrived"] + daily["launches_stopped"] == daily["boats_launched"]).all()


def test_arrivals_are_those_staying_plus_those_returned(conservation_trace):
    """Each arrival either stays in the UK (detained, staying, removed later) or was returned."""
    days, daily = conservation_trace.days, conservation_trace.daily
    _assert_every_day(
        daily["arrivals"].cumsum(),
        days["arrived_and_staying"] + days["times_returned"],
        "arrivals vs in the UK + returned",
    )
    _assert_every_day(days["ever_arrived"], days["ever_arrived_by_history"], "uk_arrival_day set")
    assert (days["ever_arrived"] <= daily["arrivals"].cumsum()).all()


def test_gang_books_hold_only_people_waiting_in_france(conservation_trace):
    days = conservation_trace.days
    assert (days["booked_twice"] == 0).all()
    bad = np.flatnonzero(days["booked_not_in_france"] > 0)
    assert len(bad) == 0, (
        f"on {len(bad)} days a gang's customers include people not in France "
        f"(first day {bad[0]}: {days['booked_not_in_france'].iloc[bad[0]]})"
    )


def test_legal_route_never_admits_anyone_who_tried_to_cross(conservation_trace):
    assert (conservation_trace.days["legal_with_attempt"] == 0).all()


def test_minors_are_never_detained_or_returned(conservation_trace):
    assert (conservation_trace.days["minors_detained_or_returned"] == 0).all()


def test_gangs_dismantled_on_their_launch_day_keep_their_launches_on_the_books():
    # dismantled every other week: many gangs go on the day they launched (issue: 6% lost)
    result = run_scenario(
        "pilot",
        seed=2,
        days=120,
        overrides={"gang_dismantle_prob_per_week": 0.5},
        with_counterfactual=False,
    )
    daily = result.daily
    outcomes = daily["people_stopped"] + daily["arrivals"] + daily["deaths"]
    _assert_every_day(daily["attempts"], outcomes, "attempts vs stopped + arrived + died")
    launched = daily["boats_arrived"] + daily["launches_stopped"]
    _assert_every_day(daily["boats_launched"], launched, "boats launched vs arrived + stopped")
