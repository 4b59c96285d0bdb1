"""The comparison page's charts, as ECharts options: A and B on one axis, A - B beside them.

Every panel has the same time axis (the run's weeks), A and B share the left value axis, so
their lines compare at a glance, and the difference A - B is drawn as bars on a right-hand
axis of its own, since it is often small beside the levels. Pure functions: a table in, a
JSON-ready dict out.
"""

from __future__ import annotations

import pandas as pd

from viz.charts import GREY, plain

SIDE_COLOURS = {"A": "#1f77b4", "B": "#ff7f0e"}
"""A in blue, B in orange: apart for the usual colour-vision deficiencies."""

PANELS = {
    "arrivals": ("Small-boat arrivals a week", "people a week"),
    "returns": ("Returns to France a week", "people a week"),
    "coast": ("People waiting on the coast (week's end)", "people"),
    "effect": ("Effect on arrivals a week: policy minus its counterfactual", "people a week"),
}
"""Each compared quantity's panel title and unit."""


def _dates(weekly: pd.DataFrame) -> list[str]:
    return [day.date().isoformat() for day in pd.to_datetime(weekly["week_start"])]


def _points(dates: list[str], values: pd.Series) -> list[list]:
    return [list(pair) for pair in zip(dates, plain(values), strict=True)]


def comparison_panel(weekly: pd.DataFrame, quantity: str, labels: dict[str, str]) -> dict:
    """One quantity of ``viz.compare.weekly_table``: lines for A and B, bars for A - B."""
    title, unit = PANELS[quantity]
    dates = _dates(weekly)
    series = [
        {
            "type": "line",
            "name": labels[side],
            "data": _points(dates, weekly[f"{quantity}_{side}"]),
            "showSymbol": len(dates) == 1,  # a single week is a dot, not an invisible line
            "color": SIDE_COLOURS[side],
            "lineStyle": {"type": "solid" if side == "A" else "dashed"},
        }
        for side in SIDE_COLOURS
    ]
    series.append(
        {
            "type": "bar",
            "name": "A - B (right axis)",
            "data": _points(dates, weekly[f"{quantity}_diff"]),
            "yAxisIndex": 1,
            "color": GREY,
            "barMaxWidth": 8,
        }
    )
    return {
        "animation": False,
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 10}},
        "grid": {"left": 60, "right": 60, "top": 50, "bottom": 60},
        "xAxis": {
            "type": "time",
            "min": dates[0] if dates else None,
            "max": dates[-1] if dates else None,
            "axisLabel": {"hideOverlap": True},
        },
        "yAxis": [
            {"type": "value", "name": unit, "nameTextStyle": {"fontSize": 10}},
            {"type": "value", "name": "A - B", "nameTextStyle": {"fontSize": 10}},
        ],
        "series": series,
    }


def comparison_panels(weekly: pd.DataFrame, labels: dict[str, str]) -> list[dict]:
    """The four panels: arrivals, returns, coast population and effect, each A, B and A - B."""
    return [comparison_panel(weekly, quantity, labels) for quantity in PANELS]
