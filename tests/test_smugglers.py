"""Smuggling gangs' rules (agents.smugglers) on tiny hand-made inputs."""

from __future__ import annotations

import itertools

import numpy as np

from agents.migrants import MigrantState
from agents.smugglers import gang_choice_probabilities, new_gang_enters, plan_boat_loads
from model.model import ChannelModel
from model.scenarios import scenario_parameters


def test_no_boat_below_the_minimum_load_or_without_boats():
    assert len(plan_boat_loads(39, 3, 45.0, 85.0, 40.0)) == 0
    assert len(plan_boat_loads(0, 3, 45.0, 85.0, 1.0)) == 0
    assert len(plan_boat_loads(500, 0, 45.0, 85.0, 40.0)) == 0


def test_boat_loads_by_hand():
    assert plan_boat_loads(40, 3, 45.0, 85.0, 40.0).tolist() == [40]  # one boat, short of target
    assert plan_boat_loads(100, 3, 45.0, 85.0, 40.0).tolist() == [50, 50]
    assert plan_boat_loads(91, 3, 45.0, 85.0, 40.0).tolist() == [46, 45]
    assert plan_boat_loads(300, 2, 45.0, 85.0, 40.0).tolist() == [85, 85]  # the rest wait
    assert plan_boat_loads(200, 1, 45.0, 60.0, 10.0).tolist() == [60]
    assert plan_boat_loads(100, 5, 120.0, 90.0, 40.0).tolist() == [90]


def test_boat_loads_respect_every_limit():
    grid = itertools.product(
        range(0, 400, 7), range(0, 5), (10.0, 45.0, 53.5, 90.0), (20.0, 85.0, 120.0), (1.0, 40.0)
    )
    for customers, boats, target, max_load, min_load in grid:
        loads = plan_boat_loads(customers, boats, target, max_load, min_load)
        assert len(loads) <= boats
        assert loads.sum() <= customers
        assert np.all(loads <= max_load)
        assert np.all(loads > 0)
        if len(loads):
            assert loads.max() - loads.min() <= 1  # shared evenly
        if boats > 0 and customers >= min_load:
            assert len(loads) >= 1
        if boats > 0 and customers >= max(boats * max(target, max_load), min_load):
            assert len(loads) == boats  # plenty of customers: every boat goes, full
            assert np.all(loads == int(max_load))


def test_no_boat_above_a_fractional_maximum_load():
    # max_people_per_boat is a real-valued parameter (e.g. --set max_people_per_boat=85.5)
    for customers, boats, max_load in ((300, 2, 85.5), (1000, 3, 60.7), (100, 1, 50.5)):
        loads = plan_boat_loads(customers, boats, 45.0, max_load, 40.0)
        assert np.all(loads <= max_load), (customers, boats, max_load, loads.tolist())


def test_customers_favour_cheap_gangs():
    shares = gang_choice_probabilities(np.array([1000.0, 4000.0]), np.array([2.0, 2.0]))
    # weights 2 * (2500/1000)^2 = 12.5 and 2 * (2500/4000)^2 = 0.78125: 16/17 to the cheap one
    np.testing.assert_allclose(shares, [16 / 17, 1 / 17])


def test_equal_prices_share_customers_by_capacity():
    shares = gang_choice_probabilities(np.array([2500.0] * 3), np.array([1.0, 2.0, 1.0]))
    np.testing.assert_allclose(shares, [0.25, 0.5, 0.25])


def test_model_books_customers_by_those_shares():
    model = ChannelModel(seed=3, **scenario_parameters("baseline"))
    gangs = list(model.gangs)
    for gang in gangs:
        gang.price_gbp = 1000.0 if gang is gangs[0] else 4000.0
    rows = model.population.in_state(MigrantState.IN_FRANCE)
    model.coast.book_crossings(rows)
    booked = np.array([len(gang.customers) for gang in gangs])
    expected = gang_choice_probabilities(
        np.array([gang.price_gbp for gang in gangs]),
        np.array([gang.launch_points for gang in gangs], dtype=float),
    )
    assert booked.sum() == len(rows)
    np.testing.assert_allclose(booked / len(rows), expected, atol=0.05)
    assert np.all(model.population.booked_gang[rows] != -1)


def test_new_gangs_enter_when_it_pays_or_no_one_serves():
    assert new_gang_enters(200_000.0, 110_000.0, 5, 100)
    assert not new_gang_enters(50_000.0, 110_000.0, 5, 100)
    assert new_gang_enters(0.0, 110_000.0, 0, 1)
    assert not new_gang_enters(0.0, 110_000.0, 0, 0)
