"""Determinism: the same seed gives the same run and network; another seed does not.

Also common random numbers: a policy run and its counterfactual share the weather and the
people arriving on the coast (``RANDOM_STREAMS`` in ``model/model.py``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from model.model import NO_POLICY, RANDOM_STREAMS
from model.run import counterfactual_of, has_policy, simulate
from model.scenarios import scenario_parameters

SEED = 11
OTHER_SEED = 12


@pytest.fixture(scope="module")
def three_runs():
    """Two full-year pilot runs with one seed and one with another."""
    parameters = scenario_parameters("pilot")
    return (
        simulate(parameters, seed=SEED),
        simulate(parameters, seed=SEED),
        simulate(parameters, seed=OTHER_SEED),
    )


def test_same_seed_same_daily_series(three_runs):
    (_, first), (_, second), _ = three_runs
    pd.testing.assert_frame_equal(first, second)


def test_same_seed_same_network(three_runs):
    (first, _), (second, _), _ = three_runs
    np.testing.assert_array_equal(first.network.edge_array(), second.network.edge_array())
    np.testing.assert_array_equal(first.network.degrees(), second.network.degrees())
    graph_a, graph_b = first.network.to_networkx(), second.network.to_networkx()
    assert graph_a.number_of_edges() > 0
    assert nx.utils.graphs_equal(graph_a, graph_b)


def test_same_seed_same_people(three_runs):
    (first, _), (second, _), _ = three_runs
    for column in ("state", "nationality", "savings_gbp", "perceived_return_prob"):
        np.testing.assert_array_equal(
            getattr(first.population, column), getattr(second.population, column)
        )


def test_other_seed_other_outputs(three_runs):
    (first, daily), _, (other, other_daily) = three_runs
    assert not daily.equals(other_daily)
    for column in ("arrivals", "new_on_coast", "calm_day"):
        assert not daily[column].equals(other_daily[column]), column
    edges, other_edges = first.network.edge_array(), other.network.edge_array()
    assert edges.shape != other_edges.shape or not np.array_equal(edges, other_edges)
    assert not nx.utils.graphs_equal(first.network.to_networkx(), other.network.to_networkx())


def test_streams_are_declared_once():
    assert len(set(RANDOM_STREAMS)) == len(RANDOM_STREAMS)
    assert {"weather", "arrivals"} <= set(RANDOM_STREAMS)


def test_counterfactual_turns_every_policy_lever_off(pilot_run):
    assert pilot_run.counterfactual_daily is not None
    assert (pilot_run.counterfactual_daily["return_cap_this_week"] == 0).all()
    assert (pilot_run.daily["return_cap_this_week"] > 0).any()
    assert has_policy(pilot_run.parameters)
    assert not has_policy(counterfactual_of(pilot_run.parameters))
    for name, off in NO_POLICY.items():
        assert counterfactual_of(pilot_run.parameters)[name] == off


def test_policy_and_counterfactual_share_weather_and_arrivals(pilot_run):
    policy, counterfactual = pilot_run.daily, pilot_run.counterfactual_daily
    pd.testing.assert_series_equal(policy["calm_day"], counterfactual["calm_day"])
    pd.testing.assert_series_equal(policy["new_on_coast"], counterfactual["new_on_coast"])
    # ... while the policy did change what happened
    assert not policy["arrivals"].equals(counterfactual["arrivals"])
    assert policy["returns"].sum() > 0 == counterfactual["returns"].sum()


def test_policy_and_counterfactual_agree_until_the_policy_starts(pilot_run):
    policy, counterfactual = pilot_run.daily, pilot_run.counterfactual_daily
    start = pd.Timestamp(pilot_run.summary["policy_start_date"])
    before = policy["date"] < start
    assert before.sum() > 100
    pd.testing.assert_frame_equal(policy[before], counterfactual[before])
