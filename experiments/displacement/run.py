"""Displacement: people per boat, taxi boats, prices and gangs as enforcement rises.

python -m experiments.displacement.run              # full size
python -m experiments.displacement.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from experiments.engine.analysis import load_points
from experiments.engine.figures import panels_figure
from experiments.research import Experiment, Finding, main_for, points_table

NAME = "displacement"
WATCHED = {
    "people_per_boat_in_policy_period": ("people per boat", False),
    "mean_taxi_boat_share": ("taxi-boat share of launches", True),
    "mean_smuggler_price_gbp": ("price per seat (GBP)", False),
    "mean_active_gangs": ("gangs operating (mean)", False),
}
SWEEPS = {"patrols": "patrol_intensity", "returns": "return_cap_per_week"}
HEADLINE_METRICS = (
    "people_per_boat_in_policy_period",
    "mean_taxi_boat_share",
    "mean_smuggler_price_gbp",
)
"""The responses the report's summary names."""


def change(points: pd.DataFrame, x: str, metric: str) -> str:
    """How a metric moves from the weakest to the strongest enforcement, in words."""
    ordered = points.sort_values(x)
    first, last = ordered[f"{metric}_mean"].iloc[0], ordered[f"{metric}_mean"].iloc[-1]
    if metric in ("mean_taxi_boat_share",):
        return f"{first:.1%} to {last:.1%}"
    return f"{first:,.1f} to {last:,.1f}"


def interpretation(points: dict[str, pd.DataFrame]) -> str:
    """A short reading of both sweeps; the directions come from the numbers."""
    sentences = []
    for sweep, x in SWEEPS.items():
        rows = points[sweep].sort_values(x)
        span = f"{x.replace('_', ' ')} from {rows[x].iloc[0]:g} to {rows[x].iloc[-1]:g}"
        moves = ", ".join(
            f"{title} {change(rows, x, metric)}" for metric, (title, _) in WATCHED.items()
        )
        sentences.append(f"As {span}: {moves}.")
    return (
        " ".join(sentences)
        + " Each is the mean over the policy period (the whole year for patrols), over "
        "replicate runs. Smugglers' adaptation rates (load_adaptation_rate, "
        "price_adaptation_rate, taxi_boat_evasion) are assumptions; the direction of each "
        "response is the model's, its size is uncertain."
    )


def headline(points: dict[str, pd.DataFrame]) -> str:
    """The finding in a sentence: how loads, taxi boats and prices move with each lever."""
    moves = []
    for sweep, x in SWEEPS.items():
        rows = points[sweep].sort_values(x)
        changes = ", ".join(
            f"{WATCHED[metric][0]} {change(rows, x, metric)}" for metric in HEADLINE_METRICS
        )
        moves.append(f"as {x.replace('_', ' ')} rises, {changes}")
    return "Smugglers adapt: " + "; ".join(moves) + "."


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """One panel figure and one table per sweep, and the reading."""
    points = {sweep: load_points(folders[sweep]) for sweep in SWEEPS}
    figures, tables = [], []
    for sweep, x in SWEEPS.items():
        figures.append(
            panels_figure(
                points[sweep],
                x,
                list(WATCHED),
                experiment.results_dir / f"displacement_by_{x}.png",
            )
        )
        tables.append(
            (
                f"Smugglers' responses by {x.replace('_', ' ')}",
                points_table(points[sweep], [x], WATCHED),
            )
        )
    return experiment.finding(
        interpretation(points), headline=headline(points), figures=figures, tables=tables
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
