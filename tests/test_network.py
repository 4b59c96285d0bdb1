"""The social network (agents.network) on tiny hand-made networks, and in the model."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from agents.network import SocialNetwork
from model.model import ChannelModel
from model.scenarios import scenario_parameters


def _network(n: int, ties: list[tuple[int, int]]) -> SocialNetwork:
    network = SocialNetwork(capacity=4, width=2)  # small, so that both tables must grow
    network.add_nodes(n)
    network.add_ties(np.array(ties))
    return network


def test_neighbours_and_degrees_match_networkx():
    ties = [(0, 1), (0, 2), (1, 2), (3, 0), (4, 5), (2, 4), (6, 6)]  # (6, 6) is skipped
    network = _network(8, ties)
    graph = network.to_networkx()
    assert graph.number_of_nodes() == 8
    assert graph.number_of_edges() == network.n_edges == 6
    np.testing.assert_array_equal(network.degrees(), [graph.degree(i) for i in range(8)])
    for node in range(8):
        assert sorted(network.neighbours_of(np.array([node])).tolist()) == sorted(
            graph.neighbors(node)
        )
    # one entry per tie: the common neighbour 2 of nodes 0 and 1 appears twice
    assert Counter(network.neighbours_of(np.array([0, 1])).tolist()) == Counter(
        {1: 1, 2: 2, 3: 1, 0: 1}
    )
    assert len(network.neighbours_of(np.array([], dtype=np.int64))) == 0


def test_a_hub_outgrows_the_neighbour_table_without_widening_it():
    network = _network(60, [(0, i) for i in range(1, 60)])
    assert network.degrees()[0] == 59
    assert sorted(network.neighbours_of(np.array([0])).tolist()) == list(range(1, 60))
    assert network.neighbours_of(np.array([42])).tolist() == [0]
    # memory follows the ties, not population x the largest degree
    assert network._table.shape[1] == 2 and len(network._overflow_owner) == 57


def test_adding_per_tie_counts_each_neighbour_once_a_tie_hubs_included():
    network = _network(60, [(0, i) for i in range(1, 60)] + [(1, 2), (1, 3), (2, 3)])
    nodes = np.array([0, 1, 2, 0])  # the hub twice: its neighbours hear twice
    expected = np.zeros(60)
    np.add.at(expected, network.neighbours_of(nodes), 0.5)
    counts = np.zeros(60)
    network.add_per_tie(nodes, counts, 0.5)
    np.testing.assert_array_equal(counts, expected)
    assert counts[3] == 0.5 * 4 and counts[59] == 0.5 * 2


def test_ties_added_in_batches_match_networkx_with_many_hubs():
    rng = np.random.default_rng(5)
    network = SocialNetwork(capacity=4, width=3)
    graph = nx.Graph()
    network.add_nodes(200)
    graph.add_nodes_from(range(200))
    for _ in range(20):  # hubs 0-9 take most ties, in batches as newcomers do
        ties = np.column_stack([rng.integers(0, 200, 30), rng.integers(0, 10, 30)])
        ties = ties[ties[:, 0] != ties[:, 1]]
        ties = np.unique(np.sort(ties, axis=1), axis=0)
        ties = np.array([tie for tie in ties.tolist() if not graph.has_edge(*tie)])
        if len(ties):
            network.add_ties(ties)
            graph.add_edges_from(ties.tolist())
    np.testing.assert_array_equal(network.degrees(), [graph.degree(i) for i in range(200)])
    nodes = np.array([0, 3, 3, 17, 150])
    expected = Counter(n for node in nodes.tolist() for n in graph.neighbors(node))
    assert Counter(network.neighbours_of(nodes).tolist()) == expected
    assert {tuple(edge) for edge in network.edge_array().tolist()} == {
        tuple(sorted(edge)) for edge in graph.edges
    }
    sub = network.to_networkx(np.arange(0, 50))
    assert {tuple(sorted(e)) for e in sub.edges} == {
        tuple(sorted(e)) for e in graph.subgraph(range(50)).edges
    }


def test_subgraph_on_given_nodes():
    network = _network(5, [(0, 1), (1, 2), (2, 3), (3, 4)])
    graph = network.to_networkx(np.array([1, 2, 3]))
    assert sorted(graph.nodes) == [1, 2, 3]
    assert sorted(map(sorted, graph.edges)) == [[1, 2], [2, 3]]


def _attach(newcomer_groups, present_groups, k, homophily, seed=0, present_rows=None):
    newcomer_groups = np.asarray(newcomer_groups)
    present_groups = np.asarray(present_groups)
    n_present = len(present_groups)
    network = SocialNetwork()
    network.add_nodes(n_present + len(newcomer_groups))
    present = np.arange(n_present) if present_rows is None else present_rows
    newcomers = np.arange(n_present, n_present + len(newcomer_groups))
    ties = network.attach_newcomers(
        newcomers,
        newcomer_groups,
        present,
        present_groups,
        k,
        homophily,
        np.random.default_rng(seed),
    )
    return network, newcomers, present, ties


def test_full_homophily_ties_within_group():
    present_groups = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    newcomer_groups = [0, 1, 2, 1, 0, 2] * 20
    for seed in range(5):
        _, newcomers, present, ties = _attach(newcomer_groups, present_groups, 3, 1.0, seed)
        assert len(ties) > 0
        group_of = {
            **dict(zip(present.tolist(), present_groups, strict=True)),
            **dict(zip(newcomers.tolist(), newcomer_groups, strict=True)),
        }
        for newcomer, contact in ties.tolist():
            assert group_of[newcomer] == group_of[contact]


def test_a_group_with_no_one_present_ties_to_anyone():
    _, _, present, ties = _attach([3] * 30, [0, 0, 1, 1, 2], 2, 1.0)
    assert len(ties) > 0
    assert set(ties[:, 1].tolist()) <= set(present.tolist())


def test_without_homophily_ties_cross_groups():
    present_groups = [0] * 10 + [1] * 10
    _, _, _, ties = _attach([0] * 200, present_groups, 4, 0.0)
    contact_groups = np.asarray(present_groups)[ties[:, 1]]
    assert 0.35 < np.mean(contact_groups == 1) < 0.65


def test_newcomers_get_at_most_k_distinct_contacts_among_those_present():
    network, newcomers, present, ties = _attach([0, 1] * 50, [0, 1, 0, 1, 1, 0], 4, 0.8)
    assert set(ties[:, 0].tolist()) <= set(newcomers.tolist())
    assert set(ties[:, 1].tolist()) <= set(present.tolist())
    counts = np.bincount(ties[:, 0] - newcomers[0], minlength=len(newcomers))
    assert counts.max() <= 4 and counts.min() >= 1
    assert len({tuple(t) for t in ties.tolist()}) == len(ties)
    np.testing.assert_array_equal(network.degrees()[newcomers], counts)
    _, _, _, few = _attach([0] * 10, [0, 1], 4, 0.5)
    assert np.bincount(few[:, 0]).max() <= 2  # never more contacts than people present


def test_first_arrivals_tied_among_themselves_get_each_tie_once():
    """How the model seeds day 0: the first people on the coast tie among themselves."""
    for seed in range(10):
        network = SocialNetwork()
        network.add_nodes(3)
        rows, groups = np.arange(3), np.zeros(3, dtype=np.int64)
        ties = network.attach_newcomers(
            rows, groups, rows, groups, 2, 1.0, np.random.default_rng(seed)
        )
        assert not np.any(ties[:, 0] == ties[:, 1])
        undirected = {tuple(sorted(t)) for t in ties.tolist()}
        assert len(undirected) == len(ties), f"seed {seed}: ties {ties.tolist()}"
        graph = network.to_networkx()
        np.testing.assert_array_equal(network.degrees(), [graph.degree(i) for i in range(3)])


@pytest.fixture(scope="module")
def model_after_a_month() -> ChannelModel:
    model = ChannelModel(seed=4, **scenario_parameters("baseline"))
    for _ in range(30):
        model.step()
    return model


def test_model_network_covers_every_migrant(model_after_a_month):
    model = model_after_a_month
    network = model.network
    assert network.n_nodes == len(model.population)
    edges = network.edge_array()
    assert edges.min() >= 0 and edges.max() < network.n_nodes
    assert not np.any(edges[:, 0] == edges[:, 1])
    assert network.degrees().sum() == 2 * len(edges)
    # everyone who came after day 0 has a contact among the people already there
    later = np.flatnonzero(model.population.arrival_day > 0)
    assert np.all(network.degrees()[later] >= 1)


def test_model_network_matches_its_networkx_graph(model_after_a_month):
    network = model_after_a_month.network
    graph = network.to_networkx()
    assert graph.number_of_nodes() == network.n_nodes
    assert isinstance(graph, nx.Graph)
    assert network.n_edges == graph.number_of_edges()
    degrees = np.array([graph.degree(i) for i in range(network.n_nodes)])
    np.testing.assert_array_equal(network.degrees(), degrees)
    sample = np.random.default_rng(0).choice(network.n_nodes, size=200, replace=False)
    for node in sample.tolist():
        assert sorted(network.neighbours_of(np.array([node])).tolist()) == sorted(
            graph.neighbors(node)
        )


def test_the_ties_among_some_people_are_those_of_the_whole_network_among_them(
    model_after_a_month,
):
    network = model_after_a_month.network
    edges = network.edge_array()
    assert (edges[:, 0] < edges[:, 1]).all()  # each tie once, lower row first
    some = np.random.default_rng(1).choice(network.n_nodes, size=300, replace=False)
    among = network.edge_array(some)
    inside = np.isin(edges[:, 0], some) & np.isin(edges[:, 1], some)
    assert sorted(map(tuple, among.tolist())) == sorted(map(tuple, edges[inside].tolist()))
    assert network.to_networkx(some).number_of_edges() == len(set(map(tuple, among.tolist())))
