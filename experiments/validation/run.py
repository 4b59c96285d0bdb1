"""The rolling-origin validation as a research experiment: its tables, figure and finding.

``deterrence experiment validation`` (or the report) runs :func:`rolling_origin.run_validation`
at the experiment's size, into the experiment's results folder, where each window's fit keeps
its history: a finished fit is read, not refitted. The model is compared with each baseline on
the windows that both predicted, so a baseline that declines a window does not flatter either.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.engine.figures import save_figure
from experiments.research import Experiment, Finding, main_for
from experiments.validation.baselines import predictions_shown
from experiments.validation.comparison import TARGET_WORDS, headline, interval_sentence
from experiments.validation.rolling_origin import fit_cell, run_validation
from experiments.validation.scoring import scores_shown
from experiments.validation.windows import PEOPLE_PER_BOAT


def compute(experiment: Experiment, workers: int = 1) -> dict[str, Path]:
    """Fit, predict and score every window (finished fits are read, not refitted)."""
    run_validation(experiment.size, workers, experiment.results_dir)
    return {"validation": experiment.results_dir}


def figure(predictions: pd.DataFrame, path: Path) -> Path:
    """Each target a panel: observed values, and each predictor's median with its interval."""
    targets = list(predictions["target"].unique())
    windows = list(predictions["window"].unique())
    predictors = list(predictions["predictor"].unique())
    fig, axes = plt.subplots(1, len(targets), figsize=(6 * len(targets), 4.5), squeeze=False)
    for axis, target in zip(axes[0], targets, strict=True):
        rows = predictions[predictions["target"] == target]
        observed = rows.drop_duplicates("window").set_index("window")["observed"]
        x = np.arange(len(windows))
        axis.scatter(
            x,
            observed.reindex(windows),
            color="black",
            marker="x",
            s=60,
            zorder=3,
            label="observed",
        )
        for k, predictor in enumerate(predictors):
            mine = rows[rows["predictor"] == predictor].set_index("window").reindex(windows)
            shift = x + (k - (len(predictors) - 1) / 2) * 0.18
            has_interval = mine["low"].notna()
            axis.errorbar(
                shift[has_interval],
                mine["median"][has_interval],
                yerr=[
                    (mine["median"] - mine["low"])[has_interval],
                    (mine["high"] - mine["median"])[has_interval],
                ],
                fmt="o",
                capsize=3,
                color=f"C{k}",
                label=f"{predictor} (median, 90% interval)",
            )
            point_only = mine["median"].notna() & ~has_interval
            axis.scatter(shift[point_only], mine["median"][point_only], color=f"C{k}", marker="o")
        axis.set_xticks(x, [w.replace(" to ", "\nto ") for w in windows])
        axis.set_xlim(-0.6, len(windows) - 0.4)
        axis.set_yscale("log")
        axis.set_title(TARGET_WORDS.get(target, target))
        axis.set_ylabel(
            "people per boat (log scale)" if target == PEOPLE_PER_BOAT else "people (log scale)"
        )
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Rolling-origin predictions against the observed values")
    return save_figure(fig, path)


def interpretation(predictions: pd.DataFrame, scores: pd.DataFrame, settings_note: str) -> str:
    """The reading: the comparison, what the intervals are over, and what the test leaves out."""
    return (
        headline(predictions)
        + " "
        + interval_sentence(scores)
        + f" {settings_note} A baseline that declined a window (too few earlier rows, or no "
        "weather for the period) is compared with the model only on the windows it predicted. "
        "The windows are few (three years and a half-year), so one window moves each score a "
        "lot: these are checks, not a ranking to rely on. The flow towards the coast is not "
        "observed: each prediction takes the previous year's, with a growth drawn for each run, "
        "so the model's interval carries that uncertainty too."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """The score and prediction tables, the figure and the finding."""
    folder = folders["validation"]
    predictions = pd.read_csv(folder / "predictions.csv")
    scores = pd.read_csv(folder / "scores.csv")
    fits = pd.read_csv(folder / "fits.csv").map(fit_cell)
    settings = experiment.config["validation"]
    note = (
        f"Each window's fit is a smaller ABC-SMC than the main calibration's "
        f"(size {settings['calibration_size']!r} of experiments/calibration/config.toml); "
        f"the model's interval is over its posterior draws times {settings['seeds']} seed(s)."
    )
    path = figure(predictions, experiment.results_dir / "rolling_origin.png")
    return experiment.finding(
        interpretation(predictions, scores, note),
        headline=headline(predictions),
        figures=[path],
        tables=[
            (
                "Scores by predictor and target (MAPE of the median; 90% interval coverage)",
                scores_shown(scores),
            ),
            (
                "Predictions by window (arrivals in people; a year's mean people per boat)",
                predictions_shown(predictions),
            ),
            ("Each window's fit: its budget and what it spent (ABC-SMC, pyabc)", fits),
        ],
    )


if __name__ == "__main__":
    sys.exit(main_for("validation"))
