"""The live page's charts, as ECharts options: plain dicts that the browser draws.

ECharts draws in the browser (its code is served from the local asset cache, see
``viz.assets``), so a step of the live run costs the server only these few dicts, not a
rendered image. Every builder here is a pure function: weekly points in (see
:func:`table_points`), a JSON-ready dict out. The live run keeps its points as it goes
(``viz.live_weekly``), so a step adds a week's points instead of converting every week again.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

PANEL_HEIGHT = "320px"
"""Height of one chart panel on the page."""

VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
"""Viridis, low to high: colour scales of both pages (and of the command line's heatmaps)."""

GREY = "#888888"
POLICY_BLUE = "#5b9bd5"
COUNTERFACTUAL_INK = "#222222"
MARK_INK = "#b03a2e"

LABEL_HEIGHTS = ("insideEndTop", "insideMiddleTop")

WeeklyPoints = dict[str, list[list]]
"""A run's weekly series as chart points: record name -> [[week start (ISO date), value], ...]."""

MARK_MARGIN_DAYS = 21
"""Days of axis after the last policy date, so that its mark and label stay inside the chart."""


@dataclass(frozen=True)
class Timeline:
    """The run's calendar, for every time chart: its first day and the policy's dates."""

    start: dt.date
    marks: tuple[tuple[str, dt.date], ...] = ()
    """(what happens, date) of each policy event, in order (``viz.live_settings.policy_dates``)."""
    has_policy: bool = True
    """Whether a policy lever is on; without one there is no counterfactual to draw."""

    def axis_end(self, weekly: WeeklyPoints) -> dt.date | None:
        """The x axis's last day: the data's end or past the last mark, whichever is later."""
        ends = [date + dt.timedelta(days=MARK_MARGIN_DAYS) for _, date in self.marks]
        last_week = next((points[-1][0] for points in weekly.values() if points), None)
        if last_week is not None:
            ends.append(dt.date.fromisoformat(last_week) + dt.timedelta(days=7))
        return max(ends) if ends else None


def policy_mark_lines(timeline: Timeline) -> dict:
    """ECharts markLine for the policy's dates: a vertical line each, labelled with the event."""
    return {
        "silent": True,
        "symbol": "none",
        "lineStyle": {"color": MARK_INK, "type": "solid", "width": 1},
        "label": {"fontSize": 10, "color": MARK_INK},
        "data": [
            {
                "name": what,
                "xAxis": date.isoformat(),
                # alternate heights, so that the labels of dates close together do not overlap
                "label": {"formatter": what, "position": LABEL_HEIGHTS[index % 2]},
            }
            for index, (what, date) in enumerate(timeline.marks)
        ],
    }


def plain_number(value: Any) -> float | int | None:
    """A number as plain JSON: numpy numbers as Python ones, NaN, NA and infinities as None."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else None


def plain(values: Iterable) -> list:
    """Numbers as JSON-ready Python numbers; NaN and missing become None (a gap in a line)."""
    return [plain_number(value) for value in values]


def table_points(weekly: pd.DataFrame) -> WeeklyPoints:
    """A weekly table's columns as chart points, [week start (ISO date), plain value] each.

    Empty before the first day (the table has no columns yet).
    """
    if len(weekly) == 0:
        return {}
    dates = [day.date().isoformat() for day in pd.to_datetime(weekly["week_start"])]
    return {
        column: [list(pair) for pair in zip(dates, plain(weekly[column]), strict=True)]
        for column in weekly.columns
        if column != "week_start"
    }


def _line(name: str, weekly: WeeklyPoints, column: str, **style) -> dict:
    points = weekly.get(column, [])
    # a lone week would be an invisible line of one point: show the points until there are two
    return {"type": "line", "name": name, "data": points, "showSymbol": len(points) < 2, **style}


def _panel(
    title: str,
    y_names: Sequence[str],
    series: list[dict],
    timeline: Timeline | None = None,
    weekly: WeeklyPoints | None = None,
) -> dict:
    """A time-series panel with one or two y axes (the second on the right).

    With a ``timeline``, the axis runs from the run's first day to past the policy's last date
    (or the data's end), and the policy's dates are marked; a toolbox saves the chart as PNG.
    """
    x_axis: dict[str, Any] = {"type": "time", "axisLabel": {"hideOverlap": True}}
    if timeline is not None:
        x_axis["min"] = timeline.start.isoformat()
        end = timeline.axis_end(weekly or {})
        if end is not None:
            x_axis["max"] = end.isoformat()
        if timeline.marks and series:
            series[0] = {**series[0], "markLine": policy_mark_lines(timeline)}
    return {
        "animation": False,
        "aria": {"enabled": True},  # a generated text description of the chart for screen readers
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "toolbox": {"right": 10, "feature": {"saveAsImage": {"title": "Save as PNG"}}},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 10}},
        "grid": {"left": 60, "right": 70 if len(y_names) > 1 else 20, "top": 50, "bottom": 70},
        "xAxis": x_axis,
        "yAxis": [
            {"type": "value", "name": name, "nameTextStyle": {"fontSize": 10}, "scale": index > 0}
            for index, name in enumerate(y_names)
        ],
        "series": series,
    }


def arrivals_panel(
    policy: WeeklyPoints, counterfactual: WeeklyPoints, timeline: Timeline | None = None
) -> dict:
    """Weekly small-boat arrivals with the policy and in its same-seed counterfactual.

    The policy's line is wide and pale, the counterfactual's thin, dark, dashed and drawn above
    it, so that the counterfactual stays visible where the two coincide (before the policy).
    Without a policy there is one line: the run is its own counterfactual.
    """
    if timeline is not None and not timeline.has_policy:
        series = [_line("arrivals", policy, "arrivals", color=POLICY_BLUE)]
    else:
        series = [
            _line(
                "with the policy",
                policy,
                "arrivals",
                color=POLICY_BLUE,
                lineStyle={"width": 4, "opacity": 0.8},
                z=2,
            ),
            _line(
                "without the policy (same seed)",
                counterfactual,
                "arrivals",
                color=COUNTERFACTUAL_INK,
                lineStyle={"type": "dashed", "width": 1.5},
                z=3,
            ),
        ]
    return _panel("Small-boat arrivals a week", ["people a week"], series, timeline, policy)


def difference_panel(
    policy: WeeklyPoints, counterfactual: WeeklyPoints, timeline: Timeline | None = None
) -> dict:
    """Weekly arrivals with the policy minus without it: below zero, crossings deterred."""
    points = [
        [date, None if with_it is None or without is None else with_it - without]
        for (date, with_it), (_, without) in zip(
            policy.get("arrivals", []), counterfactual.get("arrivals", []), strict=True
        )
    ]
    bars = {"type": "bar", "name": "with minus without", "data": points, "color": "#8e44ad"}
    return _panel(
        "The policy's effect: arrivals with it minus without, a week",
        ["people a week"],
        [bars],
        timeline,
        policy,
    )


def pilot_panel(policy: WeeklyPoints, timeline: Timeline | None = None) -> dict:
    """Weekly returns to France and legal-route admissions to the UK."""
    return _panel(
        "The pilot a week",
        ["people a week"],
        [
            _line("returns", policy, "returns", color="#d62728"),
            _line("legal admissions", policy, "legal_admissions", color="#2ca02c"),
            _line("cap this week", policy, "return_cap_this_week", lineStyle={"type": "dotted"}),
        ],
        timeline,
        policy,
    )


def beliefs_panel(policy: WeeklyPoints, timeline: Timeline | None = None) -> dict:
    """Perceived and actual return risk, job availability, and illegal employment (right)."""
    return _panel(
        "Beliefs and chances",
        ["probability", "working illegally"],
        [
            _line("perceived return risk", policy, "perceived_return_prob"),
            _line("actual return risk", policy, "actual_return_prob"),
            _line("job availability", policy, "job_availability", lineStyle={"type": "dotted"}),
            _line(
                "working illegally (right)",
                policy,
                "illegal_employment",
                yAxisIndex=1,
                color="#8c564b",
            ),
        ],
        timeline,
        policy,
    )


def smugglers_panel(policy: WeeklyPoints, timeline: Timeline | None = None) -> dict:
    """People per boat, and the price of a seat (right)."""
    return _panel(
        "Smugglers",
        ["people per boat", "price per seat (GBP)"],
        [
            _line("people per boat", policy, "people_per_boat"),
            _line("price per seat (right)", policy, "smuggler_price_gbp", yAxisIndex=1),
        ],
        timeline,
        policy,
    )


def weekly_panels(
    policy: WeeklyPoints, counterfactual: WeeklyPoints, timeline: Timeline | None = None
) -> list[dict]:
    """The live page's weekly panels (with empty lines before the first day).

    With a policy: arrivals, the effect a week, the pilot, beliefs and smugglers; without one
    the effect panel is left out (there is nothing to compare).
    """
    panels = [arrivals_panel(policy, counterfactual, timeline)]
    if timeline is None or timeline.has_policy:
        panels.append(difference_panel(policy, counterfactual, timeline))
    return [
        *panels,
        pilot_panel(policy, timeline),
        beliefs_panel(policy, timeline),
        smugglers_panel(policy, timeline),
    ]


def network_chart(graph: nx.Graph, perceived_return_prob: Sequence[float]) -> dict:
    """Ties among a sample of people, coloured by perceived return risk; laid out by the browser.

    ``perceived_return_prob`` follows ``graph.nodes`` in order.
    """
    risk = plain(perceived_return_prob)
    nodes = [
        {"id": str(node), "name": f"migrant {node}", "value": value}
        for node, value in zip(graph.nodes, risk, strict=True)
    ]
    links = [{"source": str(a), "target": str(b)} for a, b in graph.edges]
    top = max([0.1, *[value for value in risk if value is not None]])
    return {
        "animation": False,
        "title": {
            "text": f"Contacts among {graph.number_of_nodes()} people on the coast",
            "textStyle": {"fontSize": 13},
        },
        "tooltip": {},
        "visualMap": {
            "min": 0.0,
            "max": round(top, 3),
            "text": ["high", "perceived return risk: low"],
            "precision": 2,
            "calculable": True,
            "inRange": {"color": VIRIDIS},
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
        },
        "series": [
            {
                "type": "graph",
                "layout": "force",
                "top": 40,
                "bottom": 80,
                "force": {
                    "repulsion": 30,
                    "gravity": 0.1,
                    "edgeLength": 20,
                    "layoutAnimation": False,
                },
                "roam": True,
                "symbolSize": 8,
                "data": nodes,
                "links": links,
                "lineStyle": {"opacity": 0.3},
            }
        ],
    }
