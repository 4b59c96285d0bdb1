"""The calibration's posterior: weighted particles, and what is read from them.

The posterior is the last ABC-SMC generation: one row a particle with its fitted quantities,
its distance to the data, the model seed of its simulation and its weight (normalised). It is
written as ``posterior_draws.csv``, which the other experiments run the model over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.settings import INFLOW
from experiments.calibration.simulator import MODEL_SEED
from model.parameters import PARAMETERS

DISTANCE = "distance"
WEIGHT = "weight"


@dataclass(frozen=True)
class Posterior:
    """The last generation's particles and what the run cost.

    ``particles`` holds one row a particle: the fitted quantities, ``distance``, ``model_seed``
    and ``weight`` (summing to 1).
    """

    particles: pd.DataFrame
    generations: int
    simulations: int
    """Parameter vectors simulated in all, each in every year (the compute budget used)."""
    epsilon: float
    """The last generation's acceptance threshold (on its own distance's scale)."""
    database: Path
    """pyabc's history of the run (SQLite)."""

    @property
    def fitted(self) -> list[str]:
        """The fitted quantities' names."""
        return [
            name for name in self.particles.columns if name not in (DISTANCE, MODEL_SEED, WEIGHT)
        ]

    @property
    def effective_sample_size(self) -> float:
        """Kish's effective sample size of the particles' weights."""
        return effective_sample_size(self.particles[WEIGHT].to_numpy())

    def quantile(self, name: str, q: float) -> float:
        """A weighted quantile of one fitted quantity."""
        return weighted_quantile(
            self.particles[name].to_numpy(), self.particles[WEIGHT].to_numpy(), q
        )

    def closest(self) -> pd.Series:
        """The particle nearest the data (the point estimate the scenarios carry).

        Not the posterior medians: the parameters trade off against each other (a higher wish to
        reach the UK against a higher wish to leave, say), so medians taken one by one make a
        combination no particle had, which can fit worse than any of them.
        """
        return self.particles.loc[self.particles[DISTANCE].idxmin()]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of ``values`` under ``weights``.

    The inverse of the weighted cumulative distribution, interpolated between the midpoints of
    the sorted values' weights; with equal weights, the usual (Hazen) sample quantile.
    """
    order = np.argsort(values)
    values, weights = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cumulative = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return float(np.interp(q, cumulative, values))


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of weights (their count if all equal)."""
    weights = np.asarray(weights, float) / np.sum(weights)
    return float(1.0 / np.sum(weights**2))


def fitted_parameters(draws: pd.DataFrame) -> dict[str, Any]:
    """The closest particle's model parameters (4 significant digits), as their declared types."""
    draw = draws.loc[draws[DISTANCE].idxmin()]
    return {
        name: PARAMETERS[name].coerce(float(f"{draw[name]:.4g}"))
        for name in draws.columns
        if name in PARAMETERS
    }


def fitted_inflow_multiplier(draws: pd.DataFrame) -> float:
    """The closest particle's inflow multiplier (to 4 significant digits)."""
    return float(f"{draws.loc[draws[DISTANCE].idxmin(), INFLOW]:.4g}")


def write_draws(posterior: Posterior, path: Path) -> Path:
    """The particles as ``posterior_draws.csv`` (fitted quantities, distance, seed, weight)."""
    posterior.particles.to_csv(path, index=False)
    return path
