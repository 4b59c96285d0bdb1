"""The model against each baseline: on the windows both predicted, in words.

A baseline that declines a window (too few earlier rows, or no weather for the period) is
compared with the model only on the windows it did predict, so that it flatters neither.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.validation.scoring import absolute_percentage_error
from experiments.validation.windows import JANUARY_APRIL, PEOPLE_PER_BOAT, TOTAL

MODEL = "model"
TARGET_WORDS = {
    TOTAL: "arrivals over the window",
    JANUARY_APRIL: "January-April arrivals",
    PEOPLE_PER_BOAT: "a year's mean people per boat",
}


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
