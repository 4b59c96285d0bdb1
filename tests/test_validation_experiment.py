"""The validation experiment's reading: the model against each baseline on shared windows."""

import math

import pandas as pd
import pytest

from experiments.validation.comparison import (
    comparisons,
    head_to_head,
    headline,
    interval_sentence,
    model_coverage,
)
from experiments.validation.scoring import score_table
from experiments.validation.windows import JANUARY_APRIL, TOTAL

NAN = math.nan
PREDICTIONS = pd.DataFrame(
    [
        # window, target, predictor, median, low, high, observed
        ("2023", TOTAL, "model", 110.0, 90.0, 130.0, 100),
        ("2024", TOTAL, "model", 150.0, 120.0, 190.0, 200),
        ("2023", TOTAL, "persistence", 80.0, 50.0, 150.0, 100),
        ("2024", TOTAL, "persistence", NAN, NAN, NAN, 200),  # declined
        ("2024", JANUARY_APRIL, "model", 60.0, 40.0, 80.0, 50),
        ("2024", JANUARY_APRIL, "persistence", 55.0, NAN, NAN, 50),
        ("2024", JANUARY_APRIL, "count model", NAN, NAN, NAN, 50),  # declined everywhere
    ],
    columns=["window", "target", "predictor", "median", "low", "high", "observed"],
)


def test_the_model_meets_a_baseline_only_on_the_windows_both_predicted():
    row = head_to_head(PREDICTIONS, TOTAL, "persistence")
    # 2024 is left out: persistence declined it, so the model's 25% miss there does not count
    assert row["windows"] == 1
    assert row["model_mape"] == pytest.approx(10) and row["baseline_mape"] == pytest.approx(20)
    assert row["model_inside"] == 1
    assert head_to_head(PREDICTIONS, JANUARY_APRIL, "count model") is None
    assert [(r["target"], r["baseline"]) for r in comparisons(PREDICTIONS)] == [
        (TOTAL, "persistence"),
        (JANUARY_APRIL, "persistence"),
    ]


def test_the_headline_says_plainly_when_the_model_loses():
    text = headline(PREDICTIONS)
    assert "arrivals over the window the model beats persistence (10% against 20%, 1 window)" in (
        text
    )
    assert "January-April arrivals the model loses to persistence (20% against 10%" in text
    # 2023 and 2024 inside, 2024's 200 outside [120, 190]: 2 of 3 of the model's intervals
    assert model_coverage(PREDICTIONS) == (2, 3)
    assert text.endswith("hold 2 of 3 observed values.")
    assert len(text) < 500


def test_the_interval_sentence_reads_the_score_table():
    observed = PREDICTIONS[["window", "target", "observed"]].drop_duplicates()
    scores = score_table(PREDICTIONS.drop(columns="observed"), observed)
    sentence = interval_sentence(scores)
    # the model's total: (40/100 + (70 + 20 * 10)/200) / 2 = 87.5%; persistence's: 100%
    assert "arrivals over the window: model 88%, persistence 100%" in sentence
    assert "count model" not in sentence  # no interval, no score
