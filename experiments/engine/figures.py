"""Figures of sweep results shared by the sweep command and the research experiments.

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

from experiments.engine.labels import (
    BREAK_EVEN_CASES,
    BREAK_EVEN_DETERRENCE,
    BREAK_EVEN_LABEL,
    SHARE_METRICS,
    axis_label,
)


def mark_break_even(axis: plt.Axes, vertical: bool) -> None:
    """The break-even band on a deterrence axis: 37% dashed, the 2% and 50% cases dotted.

    Only the cases inside the axis's current range are drawn, so that a chart of small effects
    is not stretched to 50%.
    """
    low, high = axis.get_xlim() if vertical else axis.get_ylim()
    draw = axis.axvline if vertical else axis.axhline
    draw(BREAK_EVEN_DETERRENCE, color="tab:red", ls="--", label=BREAK_EVEN_LABEL)
    for name, level in BREAK_EVEN_CASES.items():
        if level != BREAK_EVEN_DETERRENCE and low <= level <= high:
            draw(level, color="tab:red", ls=":", lw=0.8, label=f"{level:.0%} break-even ({name})")


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
        mark_break_even(axis, vertical=False)
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
    return save_figure(figure, path)


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
    return save_figure(figure, path)


def save_figure(figure: plt.Figure, path: Path) -> Path:
    """Lay out, write (120 dpi) and close a figure; returns its path."""
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
