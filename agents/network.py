"""The migrants' social network: ties kept as arrays for the daily work, networkx on demand.

Newcomers on the coast attach to people already there, mostly within their nationality group.
Ties are never cut, so news flows back from those who crossed. Keeping a networkx graph in
step with a growing population doubled the run time of a prototype, so the daily work uses
neighbour lists and :meth:`SocialNetwork.to_networkx` builds the graph when it is wanted
(analysis, the app's network view, tests).

Memory is bounded by the number of ties, whatever their spread: each person's first
``width`` ties sit in a fixed-width table, one row a person, and the ties beyond (of the few
people with many) in one list kept in order of the person. A table as wide as the largest
degree would grow with one hub to population x hub degree (5 GB in a run where most people
left the coast and the few who stayed took every newcomer's ties).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from numba import njit

TABLE_WIDTH = 16
"""Ties a person keeps in the neighbour table; more go to the overflow list."""


class SocialNetwork:
    """Undirected ties among migrants, indexed by the migrants' row in the population.

    A person's first ``width`` neighbours are kept in a padded table, one row a migrant, so
    that looking up the contacts of many migrants at once is one numpy gather; further ties go
    to an overflow list sorted by person (see the module's docstring).
    """

    def __init__(self, capacity: int = 1024, width: int = TABLE_WIDTH) -> None:
        self._table = np.full((max(capacity, 16), width), -1, dtype=np.int32)
        self._degree = np.zeros(max(capacity, 16), dtype=np.int32)
        self._overflow_owner = np.zeros(0, dtype=np.int32)
        self._overflow_other = np.zeros(0, dtype=np.int32)
        self.n_nodes = 0

    @property
    def n_edges(self) -> int:
        """Number of ties (each sits in both its people's rows of the table)."""
        return int(self._degree[: self.n_nodes].sum()) // 2

    def add_nodes(self, count: int) -> None:
        """Add ``count`` migrants with no ties yet (their rows follow the existing ones)."""
        needed = self.n_nodes + count
        if needed > len(self._degree):
            capacity = max(needed, 2 * len(self._degree))
            self._table = _resized(self._table, (capacity, self._table.shape[1]))
            self._degree = _resized(self._degree, (capacity,), fill=0)
        self.n_nodes = needed

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
        to everyone. Repeated draws and self-ties are dropped. Returns the new ties as an
        (n, 2) array.
        """
        if len(newcomers) == 0 or len(present) == 0:
            return np.empty((0, 2), dtype=np.int64)
        k = min(contacts_per_newcomer, len(present))
        # Two uniforms a contact: whether from the own group, and who (numpy's draws, here:
        # handing the generator to compiled code costs more than the draws).
        own_group_draws = rng.random(k * len(newcomers))
        who_draws = rng.random(k * len(newcomers))
        ties = _ties_of_newcomers(
            np.asarray(newcomers, dtype=np.int64),
            newcomer_groups,
            present,
            present_groups,
            k,
            own_group_draws < homophily,
            who_draws,
        )
        self._add_ties(ties)
        return ties

    def add_ties(self, ties: np.ndarray) -> None:
        """Add given ties (an (n, 2) array of migrant rows), skipping self-ties."""
        ties = np.asarray(ties, dtype=np.int64).reshape(-1, 2)
        self._add_ties(ties[ties[:, 0] != ties[:, 1]])

    def _add_ties(self, ties: np.ndarray) -> None:
        if len(ties) == 0:
            return
        beyond = _place_in_table(ties, self._table, self._degree)
        if beyond.any():  # each tie is listed under both its people: first, then second
            owner = np.concatenate([ties[:, 0], ties[:, 1]])[beyond]
            other = np.concatenate([ties[:, 1], ties[:, 0]])[beyond]
            by_owner = np.argsort(owner, kind="stable")
            self._add_overflow(owner.take(by_owner), other.take(by_owner))

    def _add_overflow(self, owner: np.ndarray, other: np.ndarray) -> None:
        """Insert ties (grouped by owner, in order) into the overflow list, after the owner's."""
        self._overflow_owner, self._overflow_other = _merged_by_owner(
            self._overflow_owner,
            self._overflow_other,
            owner.astype(np.int32),
            other.astype(np.int32),
        )

    def _overflow_of(self, nodes: np.ndarray) -> np.ndarray:
        """The overflow neighbours of ``nodes``, one entry per tie."""
        start = np.searchsorted(self._overflow_owner, nodes, side="left")
        count = np.searchsorted(self._overflow_owner, nodes, side="right") - start
        total = int(count.sum())
        # Positions start[i] .. start[i] + count[i] - 1 for every node, in one array.
        offset = np.repeat(start - np.cumsum(count) + count, count)
        return self._overflow_other[offset + np.arange(total)].astype(np.int64)

    def neighbours_of(self, nodes: np.ndarray) -> np.ndarray:
        """All neighbours of ``nodes``, one entry per tie (a node tied to two appears twice)."""
        nodes = np.asarray(nodes, dtype=np.int64)
        if len(nodes) == 0:
            return np.zeros(0, dtype=np.int64)
        degree = self._degree[nodes]
        width = min(int(degree.max()), self._table.shape[1])
        block = self._table[nodes, :width]
        listed = block[block >= 0].astype(np.int64)
        many = nodes[degree > self._table.shape[1]]
        if len(many) == 0:
            return listed
        return np.concatenate([listed, self._overflow_of(many)])

    def add_per_tie(self, nodes: np.ndarray, values: np.ndarray, amount: float) -> None:
        """Add ``amount`` to ``values`` (one a migrant) of each neighbour of ``nodes``, per tie.

        What :meth:`neighbours_of` then ``np.add.at`` do, compiled: the same additions, and
        since they are all of ``amount`` their order does not change the sums.
        """
        _add_per_tie(
            np.asarray(nodes, dtype=np.int64),
            self._table,
            self._degree,
            self._overflow_owner,
            self._overflow_other,
            values,
            amount,
        )

    def degrees(self) -> np.ndarray:
        """Number of ties of every migrant."""
        return self._degree[: self.n_nodes].astype(np.int64)

    def edge_array(self, nodes: np.ndarray | None = None) -> np.ndarray:
        """All ties as an (n, 2) array, lower row first; with ``nodes``, the ties among them.

        Read from the neighbour table and the overflow list, which hold each tie under both its
        people, so the ties are not stored twice (at 25x the flow a copy cost about 100 MB).
        """
        rows = np.arange(self.n_nodes) if nodes is None else np.asarray(nodes, dtype=np.int64)
        width = min(int(self._degree[rows].max()), self._table.shape[1]) if len(rows) else 0
        block = self._table[rows, :width].astype(np.int64)
        owner = np.repeat(rows, width).reshape(len(rows), width)
        keep = block > owner  # each tie once, from its lower row; empty slots are -1
        owners, others = owner[keep], block[keep]
        extra_owner = self._overflow_owner.astype(np.int64)
        extra_other = self._overflow_other.astype(np.int64)
        extra = extra_other > extra_owner
        owners = np.concatenate([owners, extra_owner[extra]])
        others = np.concatenate([others, extra_other[extra]])
        if nodes is not None:
            inside = np.zeros(self.n_nodes, dtype=bool)
            inside[rows] = True
            among = inside[owners] & inside[others]
            owners, others = owners[among], others[among]
        return np.column_stack([owners, others])

    def to_networkx(self, nodes: np.ndarray | None = None) -> nx.Graph:
        """The network as a networkx graph, or the subgraph induced by ``nodes``."""
        graph = nx.Graph()
        if nodes is None:
            graph.add_nodes_from(range(self.n_nodes))
        else:
            graph.add_nodes_from(np.asarray(nodes, dtype=np.int64).tolist())
        graph.add_edges_from(self.edge_array(nodes).tolist())
        return graph


def _resized(array: np.ndarray, shape: tuple[int, ...], fill: int = -1) -> np.ndarray:
    grown = np.full(shape, fill, dtype=array.dtype)
    grown[tuple(slice(0, n) for n in array.shape)] = array
    return grown


@njit(cache=True)
def _ties_of_newcomers(newcomers, newcomer_groups, present, present_groups, k, own_group, who):
    """The ties of ``newcomers`` to ``k`` contacts each, drawn as ``attach_newcomers`` says.

    ``own_group`` and ``who`` are a contact's draws, one each a newcomer's contact: whether it
    is from the newcomer's group, and a uniform that picks who (see :func:`_draw_contacts`).

    Returns (later row, earlier row) pairs, sorted, each once and none to oneself: a pair
    drawn twice, or both ways when newcomers tie among themselves, is one tie. Newcomers' rows
    follow everyone present, so the newcomer is the later row.
    """
    source = np.repeat(newcomers, k)
    contact = _draw_contacts(np.repeat(newcomer_groups, k), present, present_groups, own_group, who)
    base = source.max() + 1
    pair = np.sort(np.maximum(source, contact) * base + np.minimum(source, contact))
    ties = np.empty((len(pair), 2), dtype=np.int64)
    count = 0
    for i in range(len(pair)):
        if i > 0 and pair[i] == pair[i - 1]:
            continue
        later, earlier = pair[i] // base, pair[i] % base
        if later != earlier:
            ties[count, 0], ties[count, 1] = later, earlier
            count += 1
    return ties[:count]


@njit(cache=True)
def _draw_contacts(source_group, present, present_groups, own_group, who):
    """One contact per entry of ``source_group``, drawn as :meth:`attach_newcomers` says.

    ``own_group`` says whether the contact is from the entry's own group (a group with no one
    present falls back to everyone), and the uniform ``who`` picks the contact among them.
    """
    n_groups = max(source_group.max(), present_groups.max()) + 1
    group_count = np.zeros(n_groups, dtype=np.int64)
    for group in present_groups:
        group_count[group] += 1
    group_start = np.zeros(n_groups, dtype=np.int64)
    for group in range(1, n_groups):
        group_start[group] = group_start[group - 1] + group_count[group - 1]
    # The present in order of group, each group in their order (a stable sort, by counting).
    by_group = np.empty(len(present), dtype=np.int64)
    placed = group_start.copy()
    for i in range(len(present)):
        by_group[placed[present_groups[i]]] = i
        placed[present_groups[i]] += 1
    contact = np.empty(len(source_group), dtype=np.int64)
    for i in range(len(source_group)):
        group = source_group[i]
        if own_group[i] and group_count[group] > 0:
            offset = np.int64(who[i] * group_count[group])
            at = min(group_start[group] + offset, len(present) - 1)
        else:
            at = np.int64(who[i] * len(present))
        contact[i] = present[by_group[at]]
    return contact


@njit(cache=True)
def _add_per_tie(nodes, table, degree, overflow_owner, overflow_other, values, amount):
    width = table.shape[1]
    for node in nodes:
        for column in range(min(degree[node], width)):
            values[table[node, column]] += amount
        if degree[node] > width:
            first = np.searchsorted(overflow_owner, node, side="left")
            last = np.searchsorted(overflow_owner, node, side="right")
            for tie in range(first, last):
                values[overflow_other[tie]] += amount


@njit(cache=True)
def _place_in_table(ties, table, degree):
    """List each tie under both its people, in each one's next free column of the table.

    The ties are placed under their first person, all of them in order, then under their
    second. Returns which of these 2n placements did not fit (past the table's last column):
    they go to the overflow list.
    """
    beyond = np.zeros(2 * len(ties), dtype=np.bool_)
    for side in range(2):
        for tie in range(len(ties)):
            owner, other = ties[tie, side], ties[tie, 1 - side]
            column = degree[owner]
            degree[owner] += 1
            if column < table.shape[1]:
                table[owner, column] = other
            else:
                beyond[side * len(ties) + tie] = True
    return beyond


@njit(cache=True)
def _merged_by_owner(owner, other, new_owner, new_other):
    """The overflow list with new ties merged in, each after the ties its owner already has.

    Both lists are sorted by owner; what ``np.insert`` at ``searchsorted(side="right")`` does,
    in one pass instead of numpy's sort of the insertion points.
    """
    merged_owner = np.empty(len(owner) + len(new_owner), dtype=owner.dtype)
    merged_other = np.empty(len(owner) + len(new_owner), dtype=other.dtype)
    old = new = 0
    for at in range(len(merged_owner)):
        if new == len(new_owner) or (old < len(owner) and owner[old] <= new_owner[new]):
            merged_owner[at], merged_other[at] = owner[old], other[old]
            old += 1
        else:
            merged_owner[at], merged_other[at] = new_owner[new], new_other[new]
            new += 1
    return merged_owner, merged_other
