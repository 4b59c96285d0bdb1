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
from experiments.engine.labels import levers_in_words
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


def leading_group(indices: pd.DataFrame) -> pd.DataFrame:
    """The parameters that cannot be told apart from the largest total index.

    Those whose 95% interval reaches the lower end of the largest one's: with intervals that
    overlap, the design cannot order them, so they are named together, not ranked.
    """
    ordered = indices.sort_values("total", ascending=False)
    top = ordered.iloc[0]
    floor = top["total"] - top["total_conf"]
    return ordered[ordered["total"] + ordered["total_conf"] >= floor]


def _named(rows: pd.DataFrame) -> str:
    return ", ".join(
        f"{row.parameter.replace('_', ' ')} ({row.total:.2f} +- {row.total_conf:.2f})"
        for row in rows.itertuples()
    )


def indistinct_from_zero(indices: pd.DataFrame) -> int:
    """How many parameters' total-index intervals include zero."""
    return int((indices["total"] - indices["total_conf"] <= 0).sum())


def interpretation(indices: pd.DataFrame, runs: int, levers: str) -> str:
    """The leading parameters, in words, ranked only where their intervals allow."""
    group = leading_group(indices)
    interactions = float(indices["total"].sum() - indices["first_order"].sum())
    if len(group) == 1:
        lead = f"the deterrence effect depends most on {_named(group)}, clearly above the rest"
    else:
        lead = (
            f"the largest total indices are those of {_named(group)}; their 95% intervals "
            "overlap, so this design cannot order them"
        )
    return (
        f"Over {runs} paired runs ({levers}), {lead}. {indistinct_from_zero(indices)} of "
        f"{len(indices)} parameters have total indices whose intervals include zero. The total "
        f"indices exceed the first-order ones by {interactions:.2f} in sum, the part of the "
        "variance that may come from parameters acting together (within the intervals' noise). "
        "Parameters with large indices are where calibration or new evidence would narrow the "
        "model's answer most; more base samples would narrow the intervals themselves."
    )


def headline(indices: pd.DataFrame, levers: str) -> str:
    """The finding in a sentence, with intervals, and no ranking where they overlap."""
    group = leading_group(indices)
    if len(group) == 1:
        lead = f"depends most on {_named(group)}, clearly above the rest"
    else:
        lead = (
            f"depends most on {_named(group)} (total Sobol indices, 95% intervals), which "
            "overlap and are not ranked"
        )
    return f"In {levers}, the deterrence effect {lead}."


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Sobol indices, their figure and table, and the reading."""
    folder = folders["sobol"]
    spec = load_sweep(folder / "sweep.toml")
    results = load_results(folder)
    indices = sobol_indices(spec, results, METRIC).sort_values("total", ascending=False)
    indices = indices.reset_index(drop=True)
    indices.to_csv(experiment.results_dir / "sobol_indices.csv", index=False)
    levers = levers_in_words(spec.scenario, spec.fixed)
    return experiment.finding(
        interpretation(indices, len(results), levers),
        headline=headline(indices, levers),
        figures=[indices_figure(indices, experiment.results_dir / "sobol_indices.png")],
        tables=[(f"Sobol indices of the deterrence effect (top {SHOWN})", indices_table(indices))],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
