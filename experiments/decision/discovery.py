"""Scenario discovery: the boxes of parameter space where the pilot breaks even (PRIM).

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999), as EMA Workbench 3
implements it: starting from every run, it peels off thin slices of one input's range at a
time, keeping the box where the share of runs of interest (the density) rises most, until the
box holds 5% of the runs. Along that peeling trajectory each box trades coverage (the share of
all runs of interest inside it) against density; the chosen box is the one with the largest
coverage whose density is at least ``DENSITY_WANTED`` (or, if none is, the densest).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

DENSITY_WANTED = 0.8


@dataclass(frozen=True)
class Box:
    """A box of the inputs, and how well it describes the runs of interest."""

    coverage: float  # share of the runs of interest inside the box
    density: float  # share of the runs inside the box that are of interest
    mass: float  # share of all runs inside the box
    limits: dict[str, tuple[float, float]]  # restricted inputs only: [low, high]
    runs_of_interest: int
    runs: int

    def describe(self, labels: dict[str, str] | None = None) -> str:
        """The box as text: each restricted input's range."""
        if not self.limits:
            return "no input restricted: anywhere in the ranges"
        labels = labels or {}
        return "; ".join(
            f"{labels.get(name, name)} {low:.3g} to {high:.3g}"
            for name, (low, high) in self.limits.items()
        )


def discover(inputs: pd.DataFrame, of_interest: np.ndarray) -> Box | None:
    """PRIM's box for the runs ``of_interest``, or None if none or every run is of interest."""
    of_interest = np.asarray(of_interest, dtype=bool)
    if of_interest.all() or not of_interest.any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA Workbench warns of optional parallel back-ends
        from ema_workbench.analysis import prim

        found = prim.Prim(inputs.reset_index(drop=True), of_interest).find_box()
    trajectory = found.peeling_trajectory
    dense = trajectory[trajectory["density"] >= DENSITY_WANTED]
    chosen = dense["coverage"].idxmax() if len(dense) else trajectory["density"].idxmax()
    row = trajectory.loc[chosen]
    return Box(
        coverage=float(row["coverage"]),
        density=float(row["density"]),
        mass=float(row["mass"]),
        limits=_restricted(found.box_lims[0], found.box_lims[chosen]),
        runs_of_interest=int(of_interest.sum()),
        runs=len(of_interest),
    )


def _restricted(initial: pd.DataFrame, box: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The inputs whose range the box narrows, with the box's range."""
    return {
        name: (float(box[name].iloc[0]), float(box[name].iloc[1]))
        for name in box.columns
        if not np.isclose(box[name].iloc[0], initial[name].iloc[0])
        or not np.isclose(box[name].iloc[1], initial[name].iloc[1])
    }
