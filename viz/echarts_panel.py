"""A chart panel whose ECharts option is handed to the browser without solara walking it.

solara's own ``FigureEcharts`` passes the option as an element argument, and the renderer
visits every list and dict inside an argument looking for child elements: for a chart of a
year's weekly series that walk costs more than the simulation step it shows. Here the option
travels in an opaque :class:`ChartOption` and is set on the widget after the render.

Every panel follows its column's width (ECharts redraws when its container is resized) and is
an image to assistive technology, labelled with a summary written from the chart's own data
(:func:`chart_summary`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import solara
from solara.components.echarts import EchartsWidget

SERIES_KINDS = {
    "line": "lines",
    "bar": "bars",
    "scatter": "points",
    "heatmap": "heatmap",
    "graph": "network",
}
"""Words for the ECharts series types a summary names."""


@dataclass(frozen=True, eq=False)
class ChartOption:
    """An ECharts option (a JSON-ready dict), boxed so that the renderer does not walk it."""

    option: dict


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _point_value(point: Any) -> float | None:
    """The value of one data point: a number, [x, y] (time series) or {"value": ...}."""
    if isinstance(point, dict):
        point = point.get("value")
    if isinstance(point, list | tuple):
        point = point[-1] if point else None
    return float(point) if isinstance(point, int | float) and not isinstance(point, bool) else None


def _series_summary(series: dict) -> str:
    name = series.get("name") or SERIES_KINDS.get(series.get("type"), "series")
    data = series.get("data") or []
    if series.get("type") == "graph":
        links = len(series.get("links") or [])
        return f"{series.get('name') or 'network'}: {len(data)} nodes and {links} ties"
    values = [v for v in map(_point_value, data) if v is not None]
    if not values:
        return f"{name}: no data yet"
    first = data[0]
    span = ""
    if isinstance(first, list | tuple) and len(first) == 2 and isinstance(first[0], str):
        span = f" from {first[0]} to {data[-1][0]}"
    return (
        f"{name}: {len(values)} values{span}, lowest {_number(min(values))}, "
        f"highest {_number(max(values))}, last {_number(values[-1])}"
    )


def chart_summary(option: dict) -> str:
    """A text alternative of an ECharts chart: its title, then each series in a few numbers."""
    title = option.get("title") or {}
    if isinstance(title, Sequence) and not isinstance(title, str):
        title = title[0] if title else {}
    series = option.get("series") or []
    kinds = sorted({SERIES_KINDS.get(s.get("type"), s.get("type", "")) for s in series})
    heading = f"Chart: {title.get('text') or 'untitled'}"
    if kinds:
        heading += f" ({', '.join(k for k in kinds if k)})"
    return ". ".join([heading, *(_series_summary(s) for s in series)]) + "."


@solara.component
def EchartsPanel(chart: ChartOption, height: str = "320px"):
    """One ECharts chart, ``height`` tall and its column wide, showing ``chart.option``."""
    attributes = {
        # min-width 0: a flex column may then narrow below the canvas's last drawn width
        "style": f"height: {height}; width: 100%; min-width: 0;",
        "role": "img",
        "aria-label": chart_summary(chart.option),
    }
    element = EchartsWidget.element(attributes=attributes, responsive=True)

    def show_option():
        solara.get_widget(element).option = chart.option

    solara.use_effect(show_option, [chart])
    return element
