"""Scoring the log: each forecast against the observed arrivals of exactly its period.

A forecast is scored once the observed-arrivals file has a row for its period (the same first
and last day): by the absolute percentage error of its median and by whether the observed
count is inside its 90% interval. A forecast whose period has no row yet is awaiting data. A
row for a longer or shorter period does not score it: arrivals are not spread evenly over a
year, so no share of another period's count stands in for the period's own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from experiments.forecast.log import Forecast
from model.observed import PeriodCount


@dataclass(frozen=True)
class Score:
    """A logged forecast and the observed arrivals (people) of its period, if known yet."""

    forecast: Forecast
    observed: int | None

    @property
    def awaiting_data(self) -> bool:
        """Whether the period has no observed row yet."""
        return self.observed is None

    @property
    def absolute_percentage_error(self) -> float:
        """|median - observed| / observed, as a share (NaN when nothing was observed)."""
        if not self.observed:  # none yet, or zero arrivals: no percentage of zero
            return math.nan
        return abs(self.forecast.arrivals_median - self.observed) / self.observed

    @property
    def inside_interval(self) -> bool:
        """Whether the observed count is inside the 90% interval (its ends included)."""
        forecast = self.forecast
        return (
            self.observed is not None
            and forecast.arrivals_low_90 <= self.observed <= forecast.arrivals_high_90
        )


def score_forecasts(forecasts: Sequence[Forecast], observed: Sequence[PeriodCount]) -> list[Score]:
    """Every forecast with the observed count of its exact period (None when there is none)."""
    counts = {(row.start, row.end): row.count for row in observed}
    return [
        Score(forecast, counts.get((forecast.period_start, forecast.period_end)))
        for forecast in forecasts
    ]


def period_label(forecast: Forecast) -> str:
    """The period as 'YYYY-MM-DD to YYYY-MM-DD'."""
    return f"{forecast.period_start} to {forecast.period_end}"


def median_and_interval(forecast: Forecast) -> tuple[str, str]:
    """The median and the 90% interval, as printed."""
    return (
        f"{forecast.arrivals_median:,}",
        f"{forecast.arrivals_low_90:,} to {forecast.arrivals_high_90:,}",
    )


def scored_table(scores: Sequence[Score]) -> str:
    """The scored forecasts as a Markdown table, one row a forecast."""
    from model.markdown import table_rows

    header = (
        "period",
        "made on",
        "code",
        "scenario",
        "interval from",
        "observed",
        "median",
        "90% interval",
        "absolute % error",
        "inside 90%",
    )
    rows = []
    for score in scores:
        forecast, error = score.forecast, score.absolute_percentage_error
        rows.append(
            (
                period_label(forecast),
                forecast.made_on,
                forecast.code_version,
                forecast.scenario,
                forecast.interval_from,
                f"{score.observed:,}",
                *median_and_interval(forecast),
                "n/a" if math.isnan(error) else f"{error:.1%}",
                "yes" if score.inside_interval else "no",
            )
        )
    return table_rows(header, rows)


def forecast_line(forecast: Forecast) -> str:
    """A forecast in one line: its period, median, interval, runs and where it comes from."""
    median, spread = median_and_interval(forecast)
    return (
        f"{period_label(forecast)}: median {median}, 90% {spread} ({forecast.runs} runs, "
        f"{forecast.interval_from}; {forecast.scenario}; made {forecast.made_on} by "
        f"{forecast.code_version})"
    )


def awaiting_lines(scores: Sequence[Score]) -> list[str]:
    """One line a forecast still awaiting data."""
    return [f"- awaiting data: {forecast_line(score.forecast)}" for score in scores]


def report(scores: Sequence[Score]) -> str:
    """What ``deterrence forecast score`` prints: the scored, a summary, then those awaiting."""
    if not scores:
        return "The forecast log has no forecasts yet."
    scored = [score for score in scores if not score.awaiting_data]
    awaiting = [score for score in scores if score.awaiting_data]
    parts = []
    if scored:
        inside = sum(score.inside_interval for score in scored)
        errors = [score.absolute_percentage_error for score in scored]
        defined = [error for error in errors if not math.isnan(error)]
        mean_error = f"{sum(defined) / len(defined):.1%}" if defined else "n/a"
        parts += [
            scored_table(scored),
            f"\n{len(scored)} scored: {inside} inside their 90% interval; mean absolute "
            f"percentage error of the median {mean_error}.",
        ]
    else:
        parts.append("No forecast's period has an observed row yet.")
    if awaiting:
        parts += [f"\n{len(awaiting)} awaiting data:", *awaiting_lines(awaiting)]
    return "\n".join(parts)
