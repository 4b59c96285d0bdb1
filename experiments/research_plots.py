"""Figures and readings shared by the research experiments: response curves with intervals.

Every figure is a file (matplotlib, no display), with axis labels that carry units and a legend
that says what lines and bands are.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from experiments.sweep_analysis import BREAK_EVEN_DETERRENCE
from model.parameters import PARAMETERS

SHARE_METRICS = (
    "deterrence_effect",
    "attempts_deterrence_effect",
    "prevention_share",
    "mean_job_availability",
    "mean_perceived_job_prob",
    "mean_taxi_boat_share",
)
"""Metrics that are shares, drawn as percentages."""


METRIC_LABELS = {
    "deterrence_effect": "deterrence effect (fall in arrivals against no policy)",
    "arrivals": "small-boat arrivals (people)",
    "crossings_deterred": "crossings deterred (people)",
    "mean_job_availability": "chance a job seeker in the UK finds illegal work in 4 weeks",
    "mean_perceived_job_prob": "perceived chance of work in the UK (people on the coast)",
    "mean_taxi_boat_share": "share of launches as taxi-boat pick-ups",
    "mean_smuggler_price_gbp": "price per seat (GBP)",
    "mean_active_gangs": "smuggling gangs operating",
    "people_per_boat_in_policy_period": "people per boat",
    "mean_perceived_return_prob": "perceived return probability",
    "mean_actual_return_prob": "actual return probability",
}
"""Axis labels of summary metrics whose names alone would not say what they count."""


def axis_label(name: str) -> str:
    """A parameter's or metric's name in words, with its declared unit when it has one."""
    if name in METRIC_LABELS:
        return METRIC_LABELS[name]
    words = name.replace("_", " ")
    if name in PARAMETERS:
        return f"{words} ({PARAMETERS[name].unit})"
    return words


def draw_response(
    axis: plt.Axes,
    points: pd.DataFrame,
    x: str,
    metric: str,
    group: str | None = None,
    group_labels: dict | None = None,
) -> None:
    """On ``axis``: a metric's mean against ``x`` with its 95% band, one line per group.

    A deterrence metric gets the 37% break-even line of the Home Office's 2023 assessment.
    """
    groups = [(None, points)] if group is None else list(points.groupby(group))
    for value, rows in groups:
        rows = rows.sort_values(x)
        label = "mean over replicates"
        if group is not None:
            label = (group_labels or {}).get(value, f"{axis_label(group)} = {value:g}")
        line = axis.plot(rows[x], rows[f"{metric}_mean"], marker="o", label=label)
        axis.fill_between(
            rows[x],
            rows[f"{metric}_low"],
            rows[f"{metric}_high"],
            alpha=0.2,
            color=line[0].get_color(),
        )
    if metric in SHARE_METRICS:
        axis.yaxis.set_major_formatter(PercentFormatter(1.0))
    if metric == "deterrence_effect":
        axis.axhline(
            BREAK_EVEN_DETERRENCE,
            color="tab:red",
            ls="--",
            label="37% break-even (Home Office 2023)",
        )
    axis.set_xlabel(axis_label(x))
    axis.set_ylabel(axis_label(metric))


def response_figure(
    points: pd.DataFrame,
    x: str,
    metric: str,
    path: Path,
    group: str | None = None,
    group_labels: dict | None = None,
    title: str = "",
) -> Path:
    """A metric's mean over replicates against ``x``, with its 95% interval as a band."""
    figure, axis = plt.subplots(figsize=(7.5, 4.5))
    draw_response(axis, points, x, metric, group, group_labels)
    axis.set_title(title or "Bands: 95% interval of the mean over replicate runs", fontsize=9)
    axis.legend(fontsize=8)
    return _save(figure, path)


def panels_figure(
    points: pd.DataFrame, x: str, metrics: list[str], path: Path, title: str = ""
) -> Path:
    """Several metrics against ``x``, one panel each (two columns), with 95% bands."""
    rows = (len(metrics) + 1) // 2
    figure, axes = plt.subplots(rows, 2, figsize=(10, 3.6 * rows), squeeze=False)
    for axis, metric in zip(axes.flat, metrics, strict=False):
        draw_response(axis, points, x, metric)
        axis.yaxis.label.set_fontsize(8)
    for axis in axes.flat[len(metrics) :]:
        axis.set_visible(False)
    figure.suptitle(
        title or "Means over replicate runs; bands: 95% intervals of the mean", fontsize=10
    )
    return _save(figure, path)


def _save(figure: plt.Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def first_crossing(x: np.ndarray, y: np.ndarray, level: float) -> float | None:
    """The smallest x at which y reaches ``level``, interpolated linearly; None if it never does.

    ``x`` must be increasing. NaN values of y are skipped.
    """
    keep = np.isfinite(y)
    x, y = np.asarray(x, dtype=float)[keep], np.asarray(y, dtype=float)[keep]
    if len(y) == 0:
        return None
    if y[0] >= level:
        return float(x[0])
    for index in range(1, len(y)):
        if y[index] >= level > y[index - 1]:
            share = (level - y[index - 1]) / (y[index] - y[index - 1])
            return float(x[index - 1] + share * (x[index] - x[index - 1]))
    return None
