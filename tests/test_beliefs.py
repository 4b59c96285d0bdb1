"""Belief updating (agents.beliefs) on tiny hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from agents.beliefs import (
    NEWS_FOR_HALF_CONFIDENCE,
    memory_decay_per_day,
    network_signal,
    smuggler_job_claim,
    smuggler_return_claim,
    update_beliefs,
)


def test_network_signal_without_news_has_no_confidence():
    share, confidence = network_signal(np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(share, 0.0)
    np.testing.assert_array_equal(confidence, 0.0)


def test_network_signal_by_hand():
    share, confidence = network_signal(np.array([2.0, 0.0, 5.0]), np.array([4.0, 3.0, 4.0]))
    np.testing.assert_allclose(share, [0.5, 0.0, 1.0])  # more events than cases is clipped
    half = NEWS_FOR_HALF_CONFIDENCE
    np.testing.assert_allclose(confidence, [4 / (4 + half), 3 / (3 + half), 4 / (4 + half)])
    _, at_half = network_signal(np.zeros(1), np.array([half]))
    assert at_half[0] == pytest.approx(0.5)


def test_network_signal_confidence_grows_with_news():
    cases = np.array([0.0, 0.5, 1.0, 3.0, 30.0, 3000.0])
    _, confidence = network_signal(cases / 2, cases)
    assert np.all(np.diff(confidence) > 0)
    assert np.all((confidence >= 0) & (confidence < 1))


def test_a_signal_without_confidence_does_not_move_beliefs():
    belief = np.array([0.2, 0.5, 0.9])
    moved = update_beliefs(belief, np.ones(3), np.zeros(3), 0.0, 0.0, 0.5, 0.0, 0.0)
    np.testing.assert_allclose(moved, belief)


def test_beliefs_move_towards_the_signals_by_hand():
    moved = update_beliefs(
        np.array([0.2]), np.array([1.0]), np.array([1.0]), 1.0, 1.0, 0.1, 0.1, 0.1
    )
    assert moved[0] == pytest.approx(0.2 + 0.3 * 0.8)
    moved = update_beliefs(
        np.array([0.5]), np.array([0.5]), np.array([0.5]), 0.0, 0.5, 0.2, 0.1, 0.3
    )
    assert moved[0] == pytest.approx(0.5 - 0.1 * 0.5)


def test_weights_over_one_are_scaled_to_one():
    # With weights adding up to 3 the belief becomes the weighted mean of the signals,
    # whatever it was.
    for belief in (0.0, 0.7, 1.0):
        moved = update_beliefs(
            np.array([belief]), np.array([0.9]), np.array([1.0]), 0.3, 0.0, 1, 1, 1
        )
        assert moved[0] == pytest.approx(0.4)
    moved = update_beliefs(
        np.array([0.5]), np.array([1.0]), np.array([1.0]), 0.0, 0.0, 1.0, 0.5, 0.5
    )
    assert moved[0] == pytest.approx(0.5)  # (1*1 + 0.5*0 + 0.5*0) / 2


def test_updated_beliefs_stay_between_the_belief_and_the_signals():
    rng = np.random.default_rng(1)
    n = 2_000
    belief, network, confidence = rng.random(n), rng.random(n), rng.random(n)
    for official, smugglers in ((0.0, 1.0), (0.3, 0.8), (1.0, 1.0)):
        for weights in ((0.1, 0.01, 0.03), (0.9, 0.9, 0.9), (1.0, 0.0, 0.0)):
            moved = update_beliefs(belief, network, confidence, official, smugglers, *weights)
            assert np.all((moved >= 0) & (moved <= 1))
            low = np.minimum.reduce([belief, network, np.full(n, min(official, smugglers))])
            high = np.maximum.reduce([belief, network, np.full(n, max(official, smugglers))])
            assert np.all(moved >= low - 1e-12) and np.all(moved <= high + 1e-12)


def test_smugglers_understate_return_risk_and_overstate_jobs():
    assert smuggler_return_claim(0.2, 0.0) == pytest.approx(0.2)
    assert smuggler_return_claim(0.2, 0.7) == pytest.approx(0.06)
    assert smuggler_return_claim(0.2, 1.0) == 0.0
    assert smuggler_job_claim(0.3, 0.0) == pytest.approx(0.3)
    assert smuggler_job_claim(0.3, 0.7) == pytest.approx(0.79)
    assert smuggler_job_claim(0.3, 1.0) == pytest.approx(1.0)
    for rate in np.linspace(0, 1, 11):
        for lie in np.linspace(0, 1, 11):
            assert 0 <= smuggler_return_claim(rate, lie) <= rate
            assert rate <= smuggler_job_claim(rate, lie) <= 1


def test_news_halves_over_its_half_life():
    for half_life in (1.0, 30.0, 365.0):
        assert memory_decay_per_day(half_life) ** half_life == pytest.approx(0.5)
