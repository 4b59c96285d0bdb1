"""Bounded by construction: states that could grow without limit stay within their bounds.

The reproductions of issue 13, point 1, at their stated parameters and horizons: each finishes,
with the state that used to grow held to its bound.
"""

from __future__ import annotations

import datetime as dt

from model.model import ChannelModel
from model.run import simulate
from model.scenarios import scenario_parameters


def _pilot(**changes) -> dict:
    values = dict(scenario_parameters("pilot"))
    values.update(start_date=dt.date(2025, 6, 1), **changes)
    return values


def test_vacancies_stay_under_their_ceiling_when_employers_see_no_catches():
    values = _pilot(
        employer_penalty_sensitivity=5.0,
        base_worker_detection_per_week=0.05,
        max_worker_detection_per_week=0.15,
    )
    model, _ = simulate(values, seed=1, days=120)
    for employer in model.employers_list:
        assert employer.vacancies <= employer.base_vacancies * values["max_vacancy_growth"] + 1e-6


def test_a_few_hubs_do_not_widen_the_network_table():
    values = _pilot(
        utility_leave_constant=12.0,
        utility_wait_constant=-7.0,
        arrivals_per_week=8000.0,
        initial_waiting_in_france=15000,
    )
    model, _ = simulate(values, seed=1, days=45)
    network = model.network
    assert network.degrees().max() > 16  # there are hubs: their ties went to the overflow list
    assert network._table.shape[1] == 16
    assert len(network._overflow_owner) == int((network.degrees() - 16).clip(min=0).sum())


def test_memory_is_reserved_for_the_horizon_not_a_year():
    values = _pilot(migrant_flow_scale=50.0, arrivals_per_week=20000.0)
    month = ChannelModel(seed=1, horizon_days=30, **values)
    assert month.population._capacity == month._expected_migrants(30)
    assert month._expected_migrants(30) * 10 < month._expected_migrants(None)  # a year
    # a run longer than its hint still grows as it needs
    small = ChannelModel(seed=1, horizon_days=1, **scenario_parameters("baseline"))
    for _ in range(20):
        small.step()
    assert len(small.population) > small.population._capacity / 4
