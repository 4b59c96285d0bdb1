"""ECharts options for the sweep page: a response curve (one parameter) or a heatmap (two).

Pure functions: a table of per-point summaries in (``experiments.engine.runner.summarise_points``:
``<metric>_mean``, ``_low`` and ``_high`` per point), an ECharts option out, made of plain
JSON values only (numpy numbers become Python numbers, NaN becomes None), ready for
``solara.FigureEcharts``. Points with no finished run yet are simply absent, so a chart fills
in as a sweep goes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from experiments.engine.labels import (
    BREAK_EVEN_DETERRENCE,
    BREAK_EVEN_LABEL,
    metric_label,
    parameter_label,
)
from viz.charts import VIRIDIS, plain_number

DETERRENCE = "deterrence_effect"
BREAK_EVEN_COLOUR = "#d62728"

CURVE_COLOUR = "#3b528b"
"""The response curve's line and band (a viridis blue)."""


def tick(value: Any) -> str:
    """A parameter value as an axis label."""
    return f"{float(value):g}"


def _shown(value: float | None) -> float | None:
    """A value rounded for labels and tooltips: 3 decimals for shares, whole for counts."""
    if value is None:
        return None
    return round(value, 3) if abs(value) < 100 else round(value)


def _column(points: pd.DataFrame, parameters: Sequence[str], name: str) -> dict[tuple, Any]:
    """``points[name]`` by each point's parameter values (empty if not summarised yet)."""
    if points.empty or name not in points.columns:
        return {}
    keys = zip(*(points[p] for p in parameters), strict=True)
    return {tuple(key): plain_number(value) for key, value in zip(keys, points[name], strict=True)}


def heatmap_option(
    points: pd.DataFrame,
    x: str,
    y: str,
    metric: str,
    x_values: Sequence[Any],
    y_values: Sequence[Any],
) -> dict[str, Any]:
    """A heatmap of the metric's mean over two parameters, one cell per point of the grid.

    For the deterrence effect, cells at or above the 37% break-even are outlined in red.
    """
    means = _column(points, [x, y], f"{metric}_mean")
    data = []
    for i, x_value in enumerate(x_values):
        for j, y_value in enumerate(y_values):
            mean = means.get((x_value, y_value))
            if mean is None:
                continue  # not run yet, or undefined at this point
            cell: dict[str, Any] = {"value": [i, j, _shown(mean)]}
            if metric == DETERRENCE and mean >= BREAK_EVEN_DETERRENCE:
                cell["itemStyle"] = {"borderColor": BREAK_EVEN_COLOUR, "borderWidth": 3}
            data.append(cell)
    shown = [cell["value"][2] for cell in data]
    low, high = (min(shown), max(shown)) if shown else (0.0, 1.0)
    if low == high:
        low, high = low - 0.5, high + 0.5
    option = {
        "animation": False,
        "title": {"text": metric_label(metric), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"position": "top"},
        "grid": {"left": 90, "right": 110, "top": 60, "bottom": 60},
        "xAxis": _category_axis(x, x_values, gap=35),
        "yAxis": _category_axis(y, y_values, gap=60),
        "visualMap": {
            "min": low,
            "max": high,
            "orient": "vertical",
            "right": 10,
            "top": "middle",
            "text": [tick(high), tick(low)],
            "inRange": {"color": VIRIDIS},
        },
        "series": [
            {
                "name": metric_label(metric),
                "type": "heatmap",
                "data": data,
                "label": {"show": True, "fontSize": 11},
            }
        ],
    }
    if metric == DETERRENCE:
        option["title"]["subtext"] = f"red outline: at or above the {BREAK_EVEN_LABEL}"
    return option


def _category_axis(parameter: str, values: Sequence[Any], gap: int) -> dict[str, Any]:
    return {
        "type": "category",
        "data": [tick(value) for value in values],
        "name": parameter_label(parameter),
        "nameLocation": "middle",
        "nameGap": gap,
        "splitArea": {"show": True},
    }


def response_option(
    points: pd.DataFrame, x: str, metric: str, x_values: Sequence[Any]
) -> dict[str, Any]:
    """The metric's mean against one parameter, with its 95% interval as a band.

    For the deterrence effect, a dashed line marks the 37% break-even.
    """
    columns = {part: _column(points, [x], f"{metric}_{part}") for part in ("mean", "low", "high")}
    mean, low, band = [], [], []
    for value in x_values:
        key = (value,)
        mean.append(_shown(columns["mean"].get(key)))
        lower, upper = columns["low"].get(key), columns["high"].get(key)
        both = lower is not None and upper is not None
        low.append(_shown(lower) if both else None)
        band.append(_shown(upper - lower) if both else None)
    # The band is drawn as the interval's width stacked on its lower edge; "all" stacks
    # negative lower edges too (ECharts 5.5 would otherwise stack same signs only).
    interval = {"type": "line", "stack": "interval", "stackStrategy": "all", "symbol": "none"}
    mean_series: dict[str, Any] = {
        "name": "mean over replicates",
        "type": "line",
        "data": mean,
        "symbolSize": 7,
        "color": CURVE_COLOUR,
    }
    y_axis: dict[str, Any] = {
        "type": "value",
        "name": metric_label(metric),
        "nameLocation": "middle",
        "nameGap": 55,
        "scale": True,
    }
    if metric == DETERRENCE:
        mean_series["markLine"] = {
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": BREAK_EVEN_COLOUR},
            "label": {"formatter": BREAK_EVEN_LABEL, "position": "insideEndTop"},
            "data": [{"yAxis": BREAK_EVEN_DETERRENCE}],
        }
        y_axis.update(_share_range([*low, *mean, *_add(low, band)]))
    return {
        "animation": False,
        "title": {"text": metric_label(metric), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "data": ["mean over replicates", "95% interval"]},
        "grid": {"left": 80, "right": 40, "top": 50, "bottom": 80},
        "xAxis": {
            "type": "category",
            "data": [tick(value) for value in x_values],
            "name": parameter_label(x),
            "nameLocation": "middle",
            "nameGap": 30,
            "boundaryGap": False,
        },
        "yAxis": y_axis,
        "series": [
            {**interval, "name": "interval low", "data": low, "lineStyle": {"opacity": 0}},
            {
                **interval,
                "name": "95% interval",
                "data": band,
                "lineStyle": {"opacity": 0},
                "areaStyle": {"opacity": 0.25},
                "color": CURVE_COLOUR,
            },
            mean_series,
        ],
    }


def _add(first: list[float | None], second: list[float | None]) -> list[float | None]:
    return [None if a is None or b is None else a + b for a, b in zip(first, second, strict=True)]


def _share_range(values: list[float | None]) -> dict[str, float]:
    """Axis bounds (in fifths, the ticks) that hold the values, zero and the break-even."""
    known = [value for value in values if value is not None]
    low = min([0.0, *known])
    high = max([BREAK_EVEN_DETERRENCE, *known])
    return {"min": math.floor(low * 5) / 5, "max": math.ceil(high * 5) / 5}
