"""ABC-PMC's pure functions on tiny inputs: quantiles, proposals, importance weights."""

import numpy as np
import pytest

from experiments.calibration.abc import (
    MIN_SPREAD_SHARE,
    effective_sample_size,
    importance_weights,
    kernel_scales,
    propose,
    weighted_quantile,
)


def test_weighted_quantile_with_equal_and_unequal_weights():
    values = np.array([4.0, 1.0, 3.0, 2.0])
    assert weighted_quantile(values, np.ones(4), 0.5) == pytest.approx(2.5)
    heavy_on_four = np.array([10.0, 1.0, 1.0, 1.0])
    # weight midpoints of 3 and 4 sit at 2.5/13 and 8/13 of the total: 0.5 lies 4/5.5 between
    assert weighted_quantile(values, heavy_on_four, 0.5) == pytest.approx(3 + 4 / 5.5)


def test_kernel_scales_are_twice_the_weighted_variance_with_a_floor():
    particles = np.array([[0.0, 5.0], [2.0, 5.0]])
    scales = kernel_scales(particles, np.array([0.5, 0.5]), [0.0, 0.0], [10.0, 10.0])
    assert scales[0] == pytest.approx(np.sqrt(2.0 * 1.0))  # variance 1 around the mean 1
    assert scales[1] == pytest.approx(MIN_SPREAD_SHARE * 10.0)  # no spread: the floor


def test_proposals_stay_in_the_prior_box_and_repeat_with_the_seed():
    particles = np.array([[0.05, 0.5], [0.95, 0.5]])
    weights = np.array([0.5, 0.5])

    def draw(seed):
        return propose(particles, weights, [0, 0], [1, 1], 200, np.random.default_rng(seed))

    proposals = draw(3)
    assert proposals.shape == (200, 2)
    assert ((proposals >= 0) & (proposals <= 1)).all()
    np.testing.assert_array_equal(proposals, draw(3))
    assert not np.array_equal(proposals, draw(4))


def test_importance_weights_by_hand_in_one_dimension():
    # one particle at 0.5 with no spread: the kernel's sd is the floor, 0.05 of the width 1
    weights = importance_weights(
        np.array([[0.5], [0.6]]), np.array([[0.5]]), np.array([1.0]), [0.0], [1.0]
    )
    # prior / kernel: exp(+(0.1 / 0.05)^2 / 2) = e^2 times more weight on the far proposal
    assert weights == pytest.approx([1 / (1 + np.e**2), np.e**2 / (1 + np.e**2)])


def test_weighted_proposals_recover_the_uniform_prior():
    # With no selection in between, importance weights turn the kernel mixture back into the
    # prior: the weighted proposals are uniform on [0, 1] although drawn around 0.3 and 0.7.
    particles = np.array([[0.3], [0.7]])
    weights = np.array([0.5, 0.5])
    rng = np.random.default_rng(11)
    proposals = propose(particles, weights, [0.0], [1.0], 20_000, rng)
    corrected = importance_weights(proposals, particles, weights, [0.0], [1.0])
    values = proposals[:, 0]
    assert abs(np.mean((values - 0.5) ** 2) - 1 / 12) > 0.005  # the proposal is not uniform
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert weighted_quantile(values, corrected, q) == pytest.approx(q, abs=0.02)


def test_effective_sample_size():
    assert effective_sample_size(np.ones(8)) == pytest.approx(8.0)
    assert effective_sample_size(np.array([1.0, 0.0, 0.0])) == pytest.approx(1.0)
