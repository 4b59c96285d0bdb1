"""A predictor's answer for one target of one window, and the rule that it may not look ahead.

A prediction is a median with a 90% predictive interval (``low``, ``high``), or a median with
no interval, or no prediction at all; its ``note`` says what it was made from, or why there is
none. The tidy table of predictions (one row a window, target and predictor) is what
``scoring.score_table`` scores, whatever the predictor: the model's own predictions join the
same table under their own name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from model.observed import PeriodCount

INTERVAL = 0.90
"""Probability of the predictive intervals (from the 5th to the 95th percentile)."""
PREDICTION_COLUMNS = ("window", "target", "predictor", "median", "low", "high")
"""The columns a predictions table must have (``note`` is optional)."""


@dataclass(frozen=True)
class Prediction:
    """A predictor's median and 90% interval of arrivals (people) for a window's target."""

    window: str
    target: str
    predictor: str
    median: float | None
    low: float | None
    high: float | None
    note: str


def no_prediction(window: str, target: str, predictor: str, reason: str) -> Prediction:
    """A predictor's refusal, with its reason."""
    return Prediction(window, target, predictor, None, None, None, reason)


def rows_ending_before(rows: Iterable[PeriodCount], cutoff: dt.date) -> list[PeriodCount]:
    """The rows that end before ``cutoff``: all that a predictor for a window may see."""
    return [row for row in rows if row.end < cutoff]


def require_ending_before(rows: Iterable[PeriodCount], cutoff: dt.date) -> None:
    """Refuse a fit on rows that end on or after ``cutoff`` (it would look into the window).

    Raises:
        ValueError: naming the first such row (one line).
    """
    for row in rows:
        if row.end >= cutoff:
            raise ValueError(
                f"the row {row.start} to {row.end} ends on or after the cut-off {cutoff}: "
                "allowed are rows that end before the window starts"
            )


def predictions_table(predictions: Sequence[Prediction]) -> pd.DataFrame:
    """The tidy table of ``predictions``: window, target, predictor, median, low, high, note.

    A missing median or bound is NaN.
    """
    rows = [
        (
            p.window,
            p.target,
            p.predictor,
            _number(p.median),
            _number(p.low),
            _number(p.high),
            p.note,
        )
        for p in predictions
    ]
    return pd.DataFrame(rows, columns=[*PREDICTION_COLUMNS, "note"])


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)
