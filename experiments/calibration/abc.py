"""Approximate Bayesian computation by population Monte Carlo (ABC-PMC), as pure functions.

Round 1 draws from the uniform prior and keeps the closest draws (ABC rejection). Each later
round proposes new draws near the kept ones and keeps the closest again, with importance
weights that undo the proposal's preference for where the last round's particles were
(Beaumont, Cornuet, Marin and Robert 2009, Biometrika 96: 983-990):

- pick a kept particle j with probability w_j, and move it by a Gaussian kernel whose variance
  in each dimension is twice the particles' weighted variance (component-wise kernel);
- keep the proposal if it lies within the prior's box, else draw again (so the proposal is the
  kernel mixture restricted to the box, up to one constant);
- weight a kept proposal theta by prior(theta) / sum_j w_j K(theta | theta_j); the prior is
  uniform on the box, so only the denominator varies.
"""

from __future__ import annotations

import numpy as np

MIN_SPREAD_SHARE = 0.05
"""The kernel's smallest standard deviation in a dimension, as a share of the prior's width
(so that a round kept with one particle, or with equal values, still explores)."""


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of ``values`` under ``weights``.

    The inverse of the weighted cumulative distribution, interpolated between the midpoints of
    the sorted values' weights; with equal weights, the usual (Hazen) sample quantile.
    """
    order = np.argsort(values)
    values, weights = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cumulative = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return float(np.interp(q, cumulative, values))


def kernel_scales(particles: np.ndarray, weights: np.ndarray, low, high) -> np.ndarray:
    """The kernel's standard deviation in each dimension: twice the weighted variance, floored."""
    weights = weights / weights.sum()
    mean = weights @ particles
    variance = weights @ (particles - mean) ** 2
    floor = MIN_SPREAD_SHARE * (np.asarray(high, float) - np.asarray(low, float))
    return np.maximum(np.sqrt(2.0 * variance), floor)


def propose(
    particles: np.ndarray,
    weights: np.ndarray,
    low,
    high,
    count: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``count`` new draws near the particles, all within the prior's box [low, high]."""
    low, high = np.asarray(low, float), np.asarray(high, float)
    scales = kernel_scales(particles, weights, low, high)
    probabilities = weights / weights.sum()
    proposals = []
    while len(proposals) < count:
        parent = particles[rng.choice(len(particles), p=probabilities)]
        candidate = parent + scales * rng.standard_normal(len(parent))
        if np.all((candidate >= low) & (candidate <= high)):
            proposals.append(candidate)
    return np.array(proposals)


def importance_weights(
    proposals: np.ndarray, particles: np.ndarray, weights: np.ndarray, low, high
) -> np.ndarray:
    """Normalised weights of proposals made by :func:`propose` from these particles."""
    scales = kernel_scales(particles, weights, low, high)
    probabilities = weights / weights.sum()
    # log K(theta | theta_j) up to a constant shared by every proposal (the same scales)
    standardised = (proposals[:, None, :] - particles[None, :, :]) / scales
    log_kernel = -0.5 * np.sum(standardised**2, axis=2)
    shift = log_kernel.max(axis=1, keepdims=True)  # for numerical safety
    mixture = np.log(np.exp(log_kernel - shift) @ probabilities) + shift[:, 0]
    unnormalised = np.exp(-(mixture - mixture.max()))
    return unnormalised / unnormalised.sum()


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of normalised weights (their count if all equal)."""
    weights = weights / weights.sum()
    return float(1.0 / np.sum(weights**2))
