"""Rules of the returns pilot and the legal route (agents.returns) on hand-made inputs."""

from __future__ import annotations

import numpy as np

from agents.returns import detention_capacity, legal_route_priority, weekly_return_cap


def test_weekly_return_cap_grows_on_schedule():
    assert weekly_return_cap(50, 2.0, 0) == 50
    assert weekly_return_cap(50, 2.0, 1) == 52
    assert weekly_return_cap(50, 2.0, 10) == 70
    assert weekly_return_cap(50, 2.5, 3) == 57  # whole returns only
    assert weekly_return_cap(0, 5.0, 4) == 20
    assert weekly_return_cap(50, 0.0, 30) == 50


def test_no_returns_before_the_pilot():
    for week in (-1, -7, -100):
        assert weekly_return_cap(50, 2.0, week) == 0


def test_detention_capacity_covers_the_processing_delay_plus_a_week():
    assert detention_capacity(50, 14) == 150
    assert detention_capacity(50, 0) == 50
    assert detention_capacity(0, 14) == 0
    assert detention_capacity(10, 3) == 15  # ceil(10 * 10 / 7)
    for cap in range(0, 200, 13):
        for delay in range(0, 40, 3):
            assert detention_capacity(cap, delay) >= cap * (delay + 7) / 7


def test_legal_route_priority_ordering():
    grant = np.array([0.9, 0.2, 0.2, 0.9, 0.5])
    vulnerable = np.array([False, True, True, True, False])
    ties = np.array([False, True, False, True, False])
    score = legal_route_priority(grant, vulnerable, ties)
    np.testing.assert_allclose(score, [0.9, 2.2, 1.2, 2.9, 0.5])
    assert np.argsort(-score, kind="stable").tolist() == [3, 1, 2, 0, 4]
