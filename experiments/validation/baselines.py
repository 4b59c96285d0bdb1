"""The two baselines on every validation window, and their scores on the shipped data.

Persistence (``persistence.py``) and the count model of January-April arrivals on red days
(``count_model.py``) predict each target of each window (``windows.py``), each from the rows
that end before the window starts; ``scoring.py`` scores them.

Run: ``python -m experiments.validation.baselines [--seed 1] [--draws 10000]``: prints the
predictions (with what each was made from, or why there is none) and the score table.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.validation.count_model import DRAWS, count_model
from experiments.validation.persistence import persistence
from experiments.validation.prediction import Prediction, predictions_table
from experiments.validation.scoring import score_markdown, score_table
from experiments.validation.windows import (
    PEOPLE_PER_BOAT,
    ValidationWindow,
    observed_values,
    validation_windows,
)
from model.markdown import markdown_table
from model.observed import PeriodCount, observed_arrivals, red_days


def baseline_predictions(
    windows: Sequence[ValidationWindow],
    rng: np.random.Generator,
    arrivals: Sequence[PeriodCount] | None = None,
    red_day_counts: Sequence[PeriodCount] | None = None,
    draws: int = DRAWS,
) -> list[Prediction]:
    """Both baselines' predictions of every target of every window, in order."""
    arrivals = observed_arrivals() if arrivals is None else arrivals
    red_day_counts = red_days() if red_day_counts is None else red_day_counts
    predictions = []
    for window in windows:
        for target in window.targets:
            predictions.append(persistence(window, target, arrivals))
            predictions.append(
                count_model(window, target, rng, arrivals, red_day_counts, draws=draws)
            )
    return predictions


def predictions_markdown(table: pd.DataFrame) -> str:
    """Predictions beside the observed values in Markdown, with each note.

    ``table`` is a predictions table with an ``observed`` column (``windows.observed_values``).
    """
    return markdown_table(predictions_shown(table))


def predictions_shown(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`predictions_markdown`'s table as text cells, for any table renderer.

    Counts of people are whole numbers; a mean people per boat has one decimal.
    """

    def cell(value: float, target: str) -> str:
        if np.isnan(value):
            return ""
        return f"{value:,.1f}" if target == PEOPLE_PER_BOAT else f"{value:,.0f}"

    def cells(column: str) -> list[str]:
        return [cell(v, t) for v, t in zip(table[column], table["target"], strict=True)]

    lows, highs = cells("low"), cells("high")
    return pd.DataFrame(
        {
            "window": table["window"],
            "target": table["target"],
            "predictor": table["predictor"],
            "observed": cells("observed"),
            "median": cells("median"),
            "90% interval": [
                f"{low} to {high}" if low else "" for low, high in zip(lows, highs, strict=True)
            ],
            "note": table["note"],
        }
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Print the baselines' predictions and scores for the shipped data."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="seed of the count model's draws")
    parser.add_argument("--draws", type=int, default=DRAWS, help="simulated counts a prediction")
    args = parser.parse_args(argv)
    if args.draws < 1:
        parser.error(f"--draws={args.draws}: allowed is a whole number of at least 1")
    windows = validation_windows()
    table = predictions_table(baseline_predictions(windows, np.random.default_rng(args.seed)))
    observed = observed_values(windows)
    print("Baseline predictions (arrivals in people; a year's mean people per boat):\n")
    print(predictions_markdown(table.merge(observed, on=["window", "target"])))
    print("\nScores against the observed values:\n")
    print(score_markdown(score_table(table, observed)))


if __name__ == "__main__":
    main()
