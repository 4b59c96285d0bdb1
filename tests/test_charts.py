"""The live page's chart builders: pure functions from tables to JSON-ready ECharts options."""

import json
import math

import networkx as nx
import numpy as np
import pandas as pd

from viz.charts import network_chart, plain, table_points, weekly_panels


def weekly_table(arrivals, returns=(0, 0, 0)) -> pd.DataFrame:
    weeks = len(arrivals)
    return pd.DataFrame(
        {
            "week_start": pd.date_range("2025-01-01", periods=weeks, freq="7D"),
            "arrivals": np.array(arrivals, dtype=np.int64),
            "returns": np.array(returns[:weeks], dtype=np.int64),
            "legal_admissions": np.zeros(weeks, dtype=np.int64),
            "return_cap_this_week": np.full(weeks, 50.0),
            "perceived_return_prob": np.linspace(0, 0.2, weeks),
            "actual_return_prob": np.linspace(0, 0.1, weeks),
            "job_availability": np.full(weeks, 0.9),
            "illegal_employment": np.arange(weeks, dtype=np.int64),
            "people_per_boat": [50.0, math.nan, 52.0][:weeks],
            "smuggler_price_gbp": np.full(weeks, 2400.0),
        }
    )


def series_named(option: dict, name: str) -> dict:
    (found,) = [series for series in option["series"] if series["name"] == name]
    return found


def test_plain_makes_numbers_json_ready():
    assert plain([np.int64(3), np.float32(0.5), math.nan, None, np.inf]) == [
        3,
        0.5,
        None,
        None,
        None,
    ]


def test_weekly_panels_carry_the_tables_values():
    policy = weekly_table([100, 200, 300], returns=(0, 5, 9))
    counterfactual = weekly_table([110, 230, 330])
    arrivals, difference, pilot, beliefs, smugglers = weekly_panels(
        table_points(policy), table_points(counterfactual)
    )
    assert series_named(arrivals, "with the policy")["data"] == [
        ["2025-01-01", 100],
        ["2025-01-08", 200],
        ["2025-01-15", 300],
    ]
    without = series_named(arrivals, "without the policy (same seed)")
    assert [y for _, y in without["data"]] == [110, 230, 330]
    assert [y for _, y in series_named(difference, "with minus without")["data"]] == [-10, -30, -30]
    assert [y for _, y in series_named(pilot, "returns")["data"]] == [0, 5, 9]
    assert series_named(beliefs, "working illegally (right)")["yAxisIndex"] == 1
    # a week with no boat has no people-per-boat figure: a gap, not a zero
    assert [y for _, y in series_named(smugglers, "people per boat")["data"]] == [50.0, None, 52.0]
    json.dumps([arrivals, difference, pilot, beliefs, smugglers], allow_nan=False)


def test_weekly_panels_before_the_first_day_are_empty():
    panels = weekly_panels({}, {})
    assert len(panels) == 5
    assert all(series["data"] == [] for panel in panels for series in panel["series"])


def test_network_chart_colours_each_person_by_perceived_risk():
    graph = nx.Graph([(3, 7), (7, 9)])
    option = network_chart(graph, np.array([0.05, 0.3, np.nan]))
    (series,) = option["series"]
    assert [node["id"] for node in series["data"]] == ["3", "7", "9"]
    assert [node["value"] for node in series["data"]] == [0.05, 0.3, None]
    assert series["links"] == [{"source": "3", "target": "7"}, {"source": "7", "target": "9"}]
    assert option["visualMap"]["max"] == 0.3
    assert "3 people" in option["title"]["text"]
    json.dumps(option, allow_nan=False)
