"""The live page's charts, as ECharts options: plain dicts that the browser draws.

ECharts draws in the browser (its code is served from the local asset cache, see
``viz.assets``), so a step of the live run costs the server only these few dicts, not a
rendered image. Every builder here is a pure function: tables in, a JSON-ready dict out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

PANEL_HEIGHT = "320px"
"""Height of one chart panel on the page."""

VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
"""Viridis, low to high: colour scales of both pages (and of the command line's heatmaps)."""

GREY = "#888888"


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


def _dates(weekly: pd.DataFrame) -> list[str]:
    return [day.date().isoformat() for day in pd.to_datetime(weekly["week_start"])]


def _line(name: str, weekly: pd.DataFrame, column: str, **style) -> dict:
    if len(weekly) == 0:
        points = []  # before the first day the table has no columns yet
    else:
        points = [list(pair) for pair in zip(_dates(weekly), plain(weekly[column]), strict=True)]
    return {"type": "line", "name": name, "data": points, "showSymbol": False, **style}


def _panel(title: str, y_names: Sequence[str], series: list[dict]) -> dict:
    """A time-series panel with one or two y axes (the second on the right)."""
    return {
        "animation": False,
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 10}},
        "grid": {"left": 60, "right": 70 if len(y_names) > 1 else 20, "top": 50, "bottom": 70},
        "xAxis": {"type": "time", "axisLabel": {"hideOverlap": True}},
        "yAxis": [
            {"type": "value", "name": name, "nameTextStyle": {"fontSize": 10}, "scale": index > 0}
            for index, name in enumerate(y_names)
        ],
        "series": series,
    }


def arrivals_panel(policy: pd.DataFrame, counterfactual: pd.DataFrame) -> dict:
    """Weekly small-boat arrivals with the policy and in its same-seed counterfactual."""
    return _panel(
        "Small-boat arrivals a week",
        ["people a week"],
        [
            _line("with the policy", policy, "arrivals"),
            _line(
                "without (same seed)",
                counterfactual,
                "arrivals",
                lineStyle={"type": "dashed"},
                color=GREY,
            ),
        ],
    )


def pilot_panel(policy: pd.DataFrame) -> dict:
    """Weekly returns to France and legal-route admissions to the UK."""
    return _panel(
        "The pilot a week",
        ["people a week"],
        [
            _line("returns", policy, "returns", color="#d62728"),
            _line("legal admissions", policy, "legal_admissions", color="#2ca02c"),
            _line("cap this week", policy, "return_cap_this_week", lineStyle={"type": "dotted"}),
        ],
    )


def beliefs_panel(policy: pd.DataFrame) -> dict:
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
    )


def smugglers_panel(policy: pd.DataFrame) -> dict:
    """People per boat, and the price of a seat (right)."""
    return _panel(
        "Smugglers",
        ["people per boat", "price per seat (GBP)"],
        [
            _line("people per boat", policy, "people_per_boat"),
            _line("price per seat (right)", policy, "smuggler_price_gbp", yAxisIndex=1),
        ],
    )


def weekly_panels(policy: pd.DataFrame, counterfactual: pd.DataFrame) -> list[dict]:
    """The live page's four weekly panels (with empty lines before the first day)."""
    return [
        arrivals_panel(policy, counterfactual),
        pilot_panel(policy),
        beliefs_panel(policy),
        smugglers_panel(policy),
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
