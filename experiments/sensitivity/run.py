"""Global sensitivity (Sobol) of the pilot's deterrence effect to the behaviour parameters.

python -m experiments.sensitivity.run --workers 2   # full size: 832 paired runs
python -m experiments.sensitivity.run --size ci     # reduced, as CI runs it
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.engine.analysis import load_results, sobol_indices
from experiments.engine.figures import save_figure
from experiments.engine.spec import load_sweep
from experiments.research import Experiment, Finding, main_for

NAME = "sensitivity"
METRIC = "deterrence_effect"
SHOWN = 12
"""Parameters shown in the figure and table: those with the largest total indices."""


def indices_figure(indices: pd.DataFrame, path: Path) -> Path:
    """Total and first-order Sobol indices with their 95% intervals, largest total first."""
    shown = indices.head(SHOWN).iloc[::-1]  # largest at the top
    rows = np.arange(len(shown))
    figure, axis = plt.subplots(figsize=(8, 0.45 * len(shown) + 1.5))
    axis.barh(rows + 0.2, shown["total"], height=0.4, xerr=shown["total_conf"], label="total")
    axis.barh(
        rows - 0.2,
        shown["first_order"],
        height=0.4,
        xerr=shown["first_order_conf"],
        label="first order",
    )
    axis.set_yticks(rows, [name.replace("_", " ") for name in shown["parameter"]])
    axis.set_xlabel("Sobol index of the deterrence effect (share of its variance)")
    axis.set_title("Error bars: 95% bootstrap intervals (SALib)", fontsize=9)
    axis.legend(fontsize=8)
    return save_figure(figure, path)


def indices_table(indices: pd.DataFrame) -> pd.DataFrame:
    """The largest indices as text, with their intervals."""

    def shown(value: float, conf: float) -> str:
        return "n/a" if not np.isfinite(value) else f"{value:.2f} +- {conf:.2f}"

    return pd.DataFrame(
        {
            "parameter": indices["parameter"],
            "total index": [
                shown(v, c) for v, c in zip(indices["total"], indices["total_conf"], strict=True)
            ],
            "first-order index": [
                shown(v, c)
                for v, c in zip(indices["first_order"], indices["first_order_conf"], strict=True)
            ],
        }
    ).head(SHOWN)


def interpretation(indices: pd.DataFrame, runs: int) -> str:
    """The leading parameters, in words."""
    top = indices.head(3)
    named = ", ".join(
        f"{row.parameter.replace('_', ' ')} (total {row.total:.2f})" for row in top.itertuples()
    )
    interactions = float(indices["total"].sum() - indices["first_order"].sum())
    return (
        f"Over {runs} paired runs, the deterrence effect depends most on {named}. The total "
        f"indices exceed the first-order ones by {interactions:.2f} in sum, the part of the "
        "variance that comes from parameters acting together. Parameters with large indices "
        "are where calibration or new evidence would narrow the model's answer most; those "
        "near zero can stay as assumptions."
    )


def headline(indices: pd.DataFrame) -> str:
    """The finding in a sentence."""
    named = ", ".join(
        f"{row.parameter.replace('_', ' ')} ({row.total:.2f})"
        for row in indices.head(3).itertuples()
    )
    return f"The pilot's deterrence effect depends most on {named} (total Sobol indices)."


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Sobol indices, their figure and table, and the reading."""
    folder = folders["sobol"]
    spec = load_sweep(folder / "sweep.toml")
    results = load_results(folder)
    indices = sobol_indices(spec, results, METRIC).sort_values("total", ascending=False)
    indices = indices.reset_index(drop=True)
    indices.to_csv(experiment.results_dir / "sobol_indices.csv", index=False)
    return experiment.finding(
        interpretation(indices, len(results)),
        headline=headline(indices),
        figures=[indices_figure(indices, experiment.results_dir / "sobol_indices.png")],
        tables=[(f"Sobol indices of the deterrence effect (top {SHOWN})", indices_table(indices))],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
