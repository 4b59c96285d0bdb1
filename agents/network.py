"""The migrants' social network: ties kept as arrays for the daily work, networkx on demand.

Newcomers on the coast attach to people already there, mostly within their nationality group.
Ties are never cut, so news flows back from those who crossed. Keeping a networkx graph in
step with a growing population doubled the run time of a prototype, so the daily work uses
neighbour lists and :meth:`SocialNetwork.to_networkx` builds the graph when it is wanted
(analysis, the app's network view, tests).
"""

from __future__ import annotations

from itertools import chain

import networkx as nx
import numpy as np


class SocialNetwork:
    """Undirected ties among migrants, indexed by the migrants' row in the population."""

    def __init__(self) -> None:
        self._neighbours: list[list[int]] = []
        self._edges: list[np.ndarray] = []

    @property
    def n_nodes(self) -> int:
        """Migrants in the network (every migrant who ever arrived)."""
        return len(self._neighbours)

    @property
    def n_edges(self) -> int:
        """Number of ties."""
        return int(sum(len(block) for block in self._edges))

    def add_nodes(self, count: int) -> None:
        """Add ``count`` migrants with no ties yet (their rows follow the existing ones)."""
        self._neighbours.extend([] for _ in range(count))

    def attach_newcomers(
        self,
        newcomers: np.ndarray,
        newcomer_groups: np.ndarray,
        present: np.ndarray,
        present_groups: np.ndarray,
        contacts_per_newcomer: int,
        homophily: float,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Tie each newcomer to up to ``contacts_per_newcomer`` people already present.

        With probability ``homophily`` a contact is drawn from the newcomer's own group
        (uniformly), otherwise from everyone present; a group with no one present falls back
        to everyone. Returns the new ties as an (n, 2) array.
        """
        if len(newcomers) == 0 or len(present) == 0:
            return np.empty((0, 2), dtype=np.int64)
        k = min(contacts_per_newcomer, len(present))
        source = np.repeat(newcomers, k)
        source_group = np.repeat(newcomer_groups, k)
        contact = _draw_contacts(source_group, present, present_groups, homophily, rng)
        ties = np.unique(np.column_stack([source, contact]), axis=0)
        self._add_ties(ties)
        return ties

    def add_ties(self, ties: np.ndarray) -> None:
        """Add given ties (an (n, 2) array of migrant rows), skipping self-ties."""
        ties = np.asarray(ties, dtype=np.int64).reshape(-1, 2)
        self._add_ties(ties[ties[:, 0] != ties[:, 1]])

    def _add_ties(self, ties: np.ndarray) -> None:
        if len(ties) == 0:
            return
        self._edges.append(ties)
        neighbours = self._neighbours
        for a, b in ties.tolist():
            neighbours[a].append(b)
            neighbours[b].append(a)

    def neighbours_of(self, nodes: np.ndarray) -> np.ndarray:
        """All neighbours of ``nodes``, one entry per tie (a node tied to two appears twice)."""
        neighbours = self._neighbours
        flat = chain.from_iterable(neighbours[node] for node in np.asarray(nodes).tolist())
        return np.fromiter(flat, dtype=np.int64)

    def degrees(self) -> np.ndarray:
        """Number of ties of every migrant."""
        return np.fromiter(map(len, self._neighbours), dtype=np.int64, count=self.n_nodes)

    def edge_array(self) -> np.ndarray:
        """All ties as an (n, 2) array."""
        if not self._edges:
            return np.empty((0, 2), dtype=np.int64)
        return np.concatenate(self._edges)

    def to_networkx(self, nodes: np.ndarray | None = None) -> nx.Graph:
        """The network as a networkx graph, or the subgraph induced by ``nodes``."""
        graph = nx.Graph()
        edges = self.edge_array()
        if nodes is None:
            graph.add_nodes_from(range(self.n_nodes))
        else:
            nodes = np.asarray(nodes, dtype=np.int64)
            graph.add_nodes_from(nodes.tolist())
            keep = np.isin(edges[:, 0], nodes) & np.isin(edges[:, 1], nodes)
            edges = edges[keep]
        graph.add_edges_from(edges.tolist())
        return graph


def _draw_contacts(
    source_group: np.ndarray,
    present: np.ndarray,
    present_groups: np.ndarray,
    homophily: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """One contact per entry of ``source_group``, drawn as :meth:`attach_newcomers` says."""
    order = np.argsort(present_groups, kind="stable")
    sorted_present = present[order]
    sorted_groups = present_groups[order]
    n_groups = int(max(source_group.max(), present_groups.max())) + 1
    group_start = np.searchsorted(sorted_groups, np.arange(n_groups), side="left")
    group_count = np.searchsorted(sorted_groups, np.arange(n_groups), side="right") - group_start

    within = rng.random(len(source_group)) < homophily
    within &= group_count[source_group] > 0
    uniforms = rng.random(len(source_group))
    anyone = sorted_present[(uniforms * len(present)).astype(np.int64)]
    offset = (uniforms * group_count[source_group]).astype(np.int64)
    same_group = sorted_present[np.minimum(group_start[source_group] + offset, len(present) - 1)]
    return np.where(within, same_group, anyone)
