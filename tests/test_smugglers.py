"""Smuggling gangs' rules (agents.smugglers) on tiny hand-made inputs."""

from __future__ import annotations

import itertools

import numpy as np

from agents.smugglers import choose_gangs, new_gang_enters, plan_boat_loads


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
    prices = np.array([1000.0, 4000.0])
    chosen = choose_gangs(prices, np.array([2.0, 2.0]), 20_000, np.random.default_rng(0))
    share_cheap = np.mean(chosen == 0)
    assert share_cheap > 0.9  # expected 16/17 with elasticity 2
    assert abs(share_cheap - 16 / 17) < 0.01


def test_equal_prices_share_customers_by_capacity():
    chosen = choose_gangs(
        np.array([2500.0, 2500.0, 2500.0]),
        np.array([1.0, 2.0, 1.0]),
        40_000,
        np.random.default_rng(1),
    )
    assert set(chosen.tolist()) == {0, 1, 2}
    np.testing.assert_allclose(np.bincount(chosen) / 40_000, [0.25, 0.5, 0.25], atol=0.01)


def test_gang_choice_uses_the_given_generator_only():
    prices, points = np.array([2000.0, 3000.0]), np.array([2.0, 1.0])
    first = choose_gangs(prices, points, 100, np.random.default_rng(5))
    again = choose_gangs(prices, points, 100, np.random.default_rng(5))
    np.testing.assert_array_equal(first, again)


def test_new_gangs_enter_when_it_pays_or_no_one_serves():
    assert new_gang_enters(200_000.0, 110_000.0, 5, 100)
    assert not new_gang_enters(50_000.0, 110_000.0, 5, 100)
    assert new_gang_enters(0.0, 110_000.0, 0, 1)
    assert not new_gang_enters(0.0, 110_000.0, 0, 0)
