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
from experiments.validation.rolling_origin import run_validation
from experiments.validation.scoring import absolute_percentage_error, scores_shown
from experiments.validation.windows import JANUARY_APRIL, TOTAL

MODEL = "model"
TARGET_WORDS = {TOTAL: "arrivals over the window", JANUARY_APRIL: "January-April arrivals"}


def compute(experiment: Experiment, workers: int = 1) -> dict[str, Path]:
    """Fit, predict and score every window (finished fits are read, not refitted)."""
    run_validation(experiment.size, workers, experiment.results_dir)
    return {"validation": experiment.results_dir}


def head_to_head(predictions: pd.DataFrame, target: str, baseline: str) -> dict | None:
    """The model's and a baseline's MAPE (percent) and the model's coverage, on shared windows.

    ``predictions`` is the predictions table with its ``observed`` column. Only windows where
    both gave a median count; None if there are none.
    """
    rows = predictions[predictions["target"] == target]
    model = rows[rows["predictor"] == MODEL].set_index("window")
    other = rows[rows["predictor"] == baseline].set_index("window")
    shared = [
        window
        for window in model.index
        if window in other.index
        and pd.notna(model.at[window, "median"])
        and pd.notna(other.at[window, "median"])
    ]
    if not shared:
        return None

    def mape(table: pd.DataFrame) -> float:
        errors = [
            absolute_percentage_error(table.at[w, "observed"], table.at[w, "median"])
            for w in shared
        ]
        return float(np.mean(errors))

    inside = [model.at[w, "low"] <= model.at[w, "observed"] <= model.at[w, "high"] for w in shared]
    return {
        "target": target,
        "baseline": baseline,
        "windows": len(shared),
        "model_mape": mape(model),
        "baseline_mape": mape(other),
        "model_inside": int(sum(inside)),
    }


def comparisons(predictions: pd.DataFrame) -> list[dict]:
    """Every target against every baseline that predicted at least one of the model's windows."""
    baselines = [p for p in predictions["predictor"].unique() if p != MODEL]
    found = [
        head_to_head(predictions, target, baseline)
        for target in predictions["target"].unique()
        for baseline in baselines
    ]
    return [row for row in found if row is not None]


def verdict(row: dict) -> str:
    """Whether the model's median beat the baseline's on the shared windows, in words."""
    if row["model_mape"] < row["baseline_mape"]:
        return "beats"
    if row["model_mape"] > row["baseline_mape"]:
        return "loses to"
    return "ties with"


def target_sentence(target: str, rows: list[dict]) -> str:
    """One target against each baseline, by the mean absolute percentage errors of the medians.

    As 'for <target> the model beats persistence (X% against Y%, N windows)'.
    """
    against = " and ".join(
        f"{verdict(row)} {row['baseline']} ({row['model_mape']:.0f}% against "
        f"{row['baseline_mape']:.0f}%, {row['windows']} window{'s' * (row['windows'] != 1)})"
        for row in rows
    )
    return f"for {TARGET_WORDS.get(target, target)} the model {against}"


def model_coverage(predictions: pd.DataFrame) -> tuple[int, int]:
    """How many observed values the model's 90% intervals hold, of how many it predicted."""
    model = predictions[(predictions["predictor"] == MODEL) & predictions["low"].notna()]
    inside = (model["low"] <= model["observed"]) & (model["observed"] <= model["high"])
    return int(inside.sum()), len(model)


def headline(predictions: pd.DataFrame) -> str:
    """The finding in a sentence: each target against each baseline, wins and losses alike."""
    rows = comparisons(predictions)
    if not rows:
        return "No window was predicted by both the model and a baseline."
    targets = list(dict.fromkeys(row["target"] for row in rows))
    sentences = [target_sentence(t, [r for r in rows if r["target"] == t]) for t in targets]
    inside, predicted = model_coverage(predictions)
    return (
        "Fitted only to the years before each window, by mean absolute percentage error of "
        "the median " + "; ".join(sentences) + f"; its 90% intervals (posterior draws and "
        f"seeds together) hold {inside} of {predicted} observed values."
    )


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
        axis.set_ylabel("people (log scale)")
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Rolling-origin predictions against the observed arrivals")
    return save_figure(fig, path)


def interval_sentence(scores: pd.DataFrame) -> str:
    """Each predictor's mean interval score by target, which charges an interval for its width."""
    scored = scores[scores["windows_with_interval"] > 0]
    parts = [
        f"{TARGET_WORDS.get(target, target)}: "
        + ", ".join(
            f"{row.predictor} {row.interval_score_percent:,.0f}%" for row in group.itertuples()
        )
        for target, group in scored.groupby("target", sort=False)
    ]
    return (
        "By the 90% interval score (width plus 20 times any miss, in percent of the observed "
        "value; lower is better, over each predictor's own windows): " + "; ".join(parts) + "."
    )


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
            ("Predictions by window (people)", predictions_shown(predictions)),
        ],
    )


if __name__ == "__main__":
    sys.exit(main_for("validation"))
