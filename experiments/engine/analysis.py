"""Reading a sweep's results store, and its figures: response curves, heatmaps, Sobol indices."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analysis

from experiments.engine.figures import response_figure
from experiments.engine.labels import BREAK_EVEN_DETERRENCE, axis_label
from experiments.engine.spec import SweepSpec, load_sweep


def load_results(folder: str | Path) -> pd.DataFrame:
    """Every run of a results store, one row each (see :mod:`experiments.engine.runner`)."""
    return pd.read_parquet(Path(folder) / "results.parquet")


def load_points(folder: str | Path) -> pd.DataFrame:
    """Per-point means and 95% intervals of a results store."""
    return pd.read_parquet(Path(folder) / "points.parquet")


def plot_heatmap(points: pd.DataFrame, x: str, y: str, metric: str, path: Path) -> Path:
    """A metric over two parameters (means over replicates); break-even contour if deterrence."""
    grid = points.pivot_table(index=y, columns=x, values=f"{metric}_mean")
    figure, axis = plt.subplots(figsize=(7.5, 5))
    image = axis.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    axis.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
    axis.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
    axis.set_xlabel(axis_label(x))
    axis.set_ylabel(axis_label(y))
    figure.colorbar(image, ax=axis, label=axis_label(metric))
    values = grid.to_numpy()
    if metric == "deterrence_effect" and np.nanmin(values) < BREAK_EVEN_DETERRENCE < np.nanmax(
        values
    ):
        axis.contour(values, levels=[BREAK_EVEN_DETERRENCE], colors="white", linestyles="--")
        axis.set_title("dashed: 37% break-even deterrence (Home Office 2023)", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def sobol_indices(spec: SweepSpec, results: pd.DataFrame, metric: str) -> pd.DataFrame:
    """First-order and total Sobol indices of a metric (mean over replicates per point)."""
    if spec.design != "sobol":
        raise ValueError(f"the sweep's design is {spec.design!r}: Sobol indices need 'sobol'")
    ok = results[results["status"] == "ok"]
    means = ok.groupby("point")[metric].mean().reindex(range(len(spec.points())))
    if means.isna().any():
        raise ValueError(f"{int(means.isna().sum())} points have no finished run of {metric!r}")
    indices = sobol_analysis.analyze(
        spec.sobol_problem(),
        means.to_numpy(),
        calc_second_order=False,
        seed=spec.master_seed,
    )
    return pd.DataFrame(
        {
            "parameter": list(spec.varied),
            "first_order": indices["S1"],
            "first_order_conf": indices["S1_conf"],
            "total": indices["ST"],
            "total_conf": indices["ST_conf"],
        }
    )


def figures_for(folder: str | Path, metric: str = "deterrence_effect") -> list[Path]:
    """The figures (and Sobol table) that suit a finished sweep's design; returns the files."""
    folder = Path(folder)
    spec = load_sweep(folder / "sweep.toml")
    results = load_results(folder)
    if metric not in results.columns:
        return []
    written = []
    varied = list(spec.varied)
    if spec.design == "sobol":
        table = sobol_indices(spec, results, metric)
        table.to_csv(folder / f"sobol_{metric}.csv", index=False)
        written.append(folder / f"sobol_{metric}.csv")
    elif len(varied) == 1:
        written.append(
            response_figure(load_points(folder), varied[0], metric, folder / f"{metric}.png")
        )
    elif len(varied) == 2 and spec.design == "grid":
        written.append(
            plot_heatmap(
                load_points(folder), varied[0], varied[1], metric, folder / f"{metric}.png"
            )
        )
    return written
