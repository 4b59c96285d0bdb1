"""The text alternative of a chart (viz.echarts_panel.chart_summary): written from its data."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from viz.charts import beliefs_panel, network_chart, table_points, weekly_panels
from viz.echarts_panel import chart_summary

WEEKLY = pd.DataFrame(
    {
        "week_start": pd.to_datetime(["2025-01-01", "2025-01-08", "2025-01-15"]),
        "arrivals": [700, 1250, 900],
        "boats_arrived": [14, 20, 18],
        "returns": [0, 10, 20],
        "legal_admissions": [0, 9, 18],
        "return_cap_this_week": [50, 50, 50],
        "perceived_return_prob": [0.01, 0.02, 0.03],
        "actual_return_prob": [0.0, 0.01, 0.02],
        "job_availability": [0.5, 0.5, 0.5],
        "illegal_employment": [100, 110, 120],
        "smuggler_price_gbp": [1500.0, 1600.0, 1700.0],
        "people_per_boat": [50.0, 62.5, 50.0],
    }
)
COUNTERFACTUAL = WEEKLY.assign(arrivals=[700, 1300, 1000])


def test_a_time_chart_is_summarised_from_its_series():
    arrivals = weekly_panels(table_points(WEEKLY), table_points(COUNTERFACTUAL))[0]
    assert chart_summary(arrivals) == (
        "Chart: Small-boat arrivals a week (lines). "
        "with the policy: 3 values from 2025-01-01 to 2025-01-15, lowest 700, highest 1,250, "
        "last 900. "
        "without the policy (same seed): 3 values from 2025-01-01 to 2025-01-15, lowest 700, "
        "highest 1,300, last 1,000."
    )


def test_small_numbers_keep_their_digits():
    beliefs = beliefs_panel(table_points(WEEKLY))
    assert "perceived return risk: 3 values from 2025-01-01 to 2025-01-15, lowest 0.01, " in (
        chart_summary(beliefs)
    )


def test_an_empty_chart_says_so():
    empty = weekly_panels({}, {})[0]
    assert chart_summary(empty) == (
        "Chart: Small-boat arrivals a week (lines). with the policy: no data yet. "
        "without the policy (same seed): no data yet."
    )


def test_a_network_is_counted():
    graph = nx.path_graph(4)
    summary = chart_summary(network_chart(graph, [0.1, 0.2, 0.3, 0.4]))
    assert (
        summary
        == "Chart: Contacts among 4 people on the coast (network). network: 4 nodes and 3 ties."
    )
