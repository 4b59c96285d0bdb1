"""Named error measures of predicted against observed values, and the table that compares.

- Absolute percentage error (APE) of one window: ``100 * |median - observed| / observed``.
- Mean absolute percentage error (MAPE): the mean APE over the windows a predictor predicted.
- Coverage of the 90% interval: the share of the windows with an interval whose observed value
  lies inside it, both bounds included.
- Interval score of the 90% interval (Gneiting and Raftery 2007, section 6.2), relative to the
  observed value: ``100 * (high - low + (2 / 0.1) * miss) / observed``, where ``miss`` is how
  far the observed value lies outside the interval (0 inside). Lower is better; it charges a
  wide interval for its width, so that coverage bought by width is not mistaken for skill.

``score_table`` takes the tidy predictions (one row a window, target and predictor; any
predictor name, the baselines' and the model's alike) and the observed values, and gives one
row a predictor and target. A prediction with no median is not scored; one with no interval
counts in the MAPE but not in the coverage.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.validation.prediction import PREDICTION_COLUMNS
from model.markdown import markdown_table

OBSERVED_COLUMNS = ("window", "target", "observed")
SCORE_COLUMNS = (
    "predictor",
    "target",
    "windows",
    "mape_percent",
    "windows_with_interval",
    "coverage",
    "interval_score_percent",
)
"""``windows`` counts the windows scored; ``coverage`` is a share (0 to 1) and
``interval_score_percent`` the mean relative interval score, both NaN if no interval."""


def absolute_percentage_error(observed: float, predicted: float) -> float:
    """``100 * |predicted - observed| / observed`` (percent).

    Raises:
        ValueError: if ``observed`` is not positive (one line).
    """
    if not observed > 0:
        raise ValueError(f"observed={observed!r}: allowed is a positive count")
    return 100 * abs(predicted - observed) / observed


def mean_absolute_percentage_error(observed: Sequence[float], predicted: Sequence[float]) -> float:
    """The mean absolute percentage error (percent) over paired windows."""
    if len(observed) != len(predicted) or not len(observed):
        raise ValueError(
            f"{len(observed)} observed and {len(predicted)} predicted values: "
            "allowed are equal, non-zero numbers of each"
        )
    errors = [absolute_percentage_error(o, p) for o, p in zip(observed, predicted, strict=True)]
    return float(np.mean(errors))


def interval_coverage(
    observed: Sequence[float], low: Sequence[float], high: Sequence[float]
) -> float:
    """The share of windows whose observed value lies in ``[low, high]``, bounds included."""
    if not len(observed) == len(low) == len(high) or not len(observed):
        raise ValueError(
            f"{len(observed)} observed values, {len(low)} low and {len(high)} high bounds: "
            "allowed are equal, non-zero numbers of each"
        )
    inside = [lo <= o <= hi for o, lo, hi in zip(observed, low, high, strict=True)]
    return float(np.mean(inside))


def interval_score(observed: float, low: float, high: float, level: float = 0.90) -> float:
    """The interval score of ``[low, high]`` at ``level``, in percent of ``observed``.

    Raises:
        ValueError: if ``observed`` is not positive or ``low > high`` (one line).
    """
    if not observed > 0:
        raise ValueError(f"observed={observed!r}: allowed is a positive count")
    if low > high:
        raise ValueError(f"low={low!r} > high={high!r}: allowed is low <= high")
    miss = max(low - observed, 0.0) + max(observed - high, 0.0)
    return 100 * (high - low + 2 / (1 - level) * miss) / observed


def score_table(predictions: pd.DataFrame, observed: pd.DataFrame) -> pd.DataFrame:
    """One row a predictor and target: windows scored, MAPE, windows with an interval, coverage.

    ``predictions`` has the columns ``window, target, predictor, median, low, high`` (NaN where
    there is no prediction or no interval); ``observed`` has ``window, target, observed``.
    Rows keep the order in which predictors and targets first appear.

    Raises:
        ValueError: for a missing column, a prediction with no observed value, or an interval
            with one bound or with ``low > high`` (one line).
    """
    _require_columns(predictions, PREDICTION_COLUMNS, "predictions")
    _require_columns(observed, OBSERVED_COLUMNS, "observed")
    predictions = _numeric(predictions, ["median", "low", "high"], "predictions")
    observed = _numeric(observed, ["observed"], "observed")
    joined = predictions.merge(
        observed[list(OBSERVED_COLUMNS)], on=["window", "target"], how="left"
    )
    _check_rows(joined)
    rows = [
        _scores(predictor, target, group)
        for (predictor, target), group in joined.groupby(["predictor", "target"], sort=False)
    ]
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def _require_columns(table: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(
            f"{name} lack column(s) {missing}: allowed are tables with {list(columns)}"
        )


def _numeric(table: pd.DataFrame, columns: list[str], name: str) -> pd.DataFrame:
    try:
        return table.astype(dict.fromkeys(columns, float))
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} have non-numeric values in {columns}: allowed are numbers or NaN"
        ) from None


def _check_rows(joined: pd.DataFrame) -> None:
    for row in joined.itertuples():
        where = f"{row.predictor} for {row.target} in {row.window}"
        if not np.isnan(row.median) and np.isnan(row.observed):
            raise ValueError(f"{where} has no observed value: allowed are the observed windows")
        if np.isnan(row.low) != np.isnan(row.high):
            raise ValueError(f"{where} has one bound: allowed are both bounds or neither")
        if row.low > row.high:
            raise ValueError(f"{where} has low {row.low} > high {row.high}: allowed is low <= high")


def _scores(predictor: str, target: str, group: pd.DataFrame) -> tuple:
    scored = group[group["median"].notna()]
    with_interval = scored[scored["low"].notna()]
    mape = (
        mean_absolute_percentage_error(scored["observed"].tolist(), scored["median"].tolist())
        if len(scored)
        else np.nan
    )
    coverage = (
        interval_coverage(
            with_interval["observed"].tolist(),
            with_interval["low"].tolist(),
            with_interval["high"].tolist(),
        )
        if len(with_interval)
        else np.nan
    )
    scores = [interval_score(row.observed, row.low, row.high) for row in with_interval.itertuples()]
    mean_score = float(np.mean(scores)) if scores else np.nan
    return predictor, target, len(scored), mape, len(with_interval), coverage, mean_score


def score_markdown(scores: pd.DataFrame) -> str:
    """The score table in Markdown; a predictor with no interval shows "no interval".

    The interval score is in percent of the observed value (lower is better).
    """
    return markdown_table(scores_shown(scores))


def scores_shown(scores: pd.DataFrame) -> pd.DataFrame:
    """:func:`score_markdown`'s table as text cells, for any table renderer."""
    return pd.DataFrame(
        {
            "predictor": scores["predictor"],
            "target": scores["target"],
            "windows scored": scores["windows"],
            "MAPE": [
                f"{mape:.1f}%" if windows else "no prediction"
                for mape, windows in zip(scores["mape_percent"], scores["windows"], strict=True)
            ],
            "90% interval coverage": [
                _coverage_cell(share, count)
                for share, count in zip(
                    scores["coverage"], scores["windows_with_interval"], strict=True
                )
            ],
            "90% interval score": [
                f"{score:,.0f}%" if count else "no interval"
                for score, count in zip(
                    scores["interval_score_percent"], scores["windows_with_interval"], strict=True
                )
            ],
        }
    )


def _coverage_cell(share: float, windows_with_interval: int) -> str:
    if not windows_with_interval:
        return "no interval"
    inside = round(share * windows_with_interval)
    return f"{share:.0%} ({inside} of {windows_with_interval})"
