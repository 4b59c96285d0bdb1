"""Migrants: one Mesa agent a person, with their numbers kept in columns for the daily work.

A :class:`Migrant` is a Mesa agent holding its row in :class:`MigrantPopulation`, which keeps
every migrant's attributes in numpy arrays so that the daily phases (beliefs, decisions,
the labour market) run for everyone at once. Reading an agent's attribute reads its row.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

if TYPE_CHECKING:
    from model.model import ChannelModel


class MigrantState(IntEnum):
    """Where a migrant is; every migrant who ever arrived is in exactly one state."""

    IN_FRANCE = 0
    """Waiting on the northern French coast (including those registered or booked)."""
    AWAITING_RETURN = 1
    """Detained in the UK by the returns unit, waiting to be returned."""
    IN_UK = 2
    """Arrived by boat and staying in the UK (asylum claim, possibly working illegally)."""
    LEGAL_UK = 3
    """Admitted to the UK by the legal route."""
    LEFT = 4
    """Left the coast: claimed asylum in France or moved on; may come back to it later."""
    DIED = 5
    """Died at sea."""
    REMOVED = 6
    """Removed from the UK after being caught working illegally."""


NO_GANG = -1
NO_EMPLOYER = -1
NEVER = -1

_COLUMNS: dict[str, tuple[type, object]] = {
    # identity and circumstances
    "state": (np.int8, MigrantState.IN_FRANCE),
    "nationality": (np.int8, 0),
    "asylum_grant_likelihood": (np.float64, 0.0),
    "is_minor": (np.bool_, False),
    "uk_ties": (np.bool_, False),
    "risk_aversion": (np.float64, 1.0),
    "savings_gbp": (np.float64, 0.0),
    # history
    "arrival_day": (np.int32, NEVER),
    "waiting_since_day": (np.int32, NEVER),
    "uk_arrival_day": (np.int32, NEVER),
    "first_uk_arrival_day": (np.int32, NEVER),
    "uk_arrivals": (np.int16, 0),
    "illegal_attempts": (np.int16, 0),
    "times_returned": (np.int16, 0),
    # the crossing and the legal route
    "booked_gang": (np.int32, NO_GANG),
    "has_identity_document": (np.bool_, False),
    "registered": (np.bool_, False),
    "legal_selected": (np.bool_, False),
    # the UK
    "employer": (np.int32, NO_EMPLOYER),
    "ever_employed": (np.bool_, False),
    "asylum_decided": (np.bool_, False),
    "right_to_work": (np.bool_, False),
    "job_news_sent": (np.bool_, False),
    # beliefs and what has been heard from contacts (decayed counts)
    "perceived_return_prob": (np.float64, 0.0),
    "perceived_job_prob": (np.float64, 0.0),
    "perceived_place_prob": (np.float64, 0.0),
    "heard_crossed": (np.float64, 0.0),
    "heard_returned": (np.float64, 0.0),
    "heard_job_found": (np.float64, 0.0),
    "heard_job_failed": (np.float64, 0.0),
    "heard_admitted": (np.float64, 0.0),
    "heard_not_selected": (np.float64, 0.0),
}


class MigrantPopulation:
    """Columns of every migrant's attributes, one row a migrant, growing as people arrive."""

    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self._capacity = max(capacity, 16)
        for name, (dtype, fill) in _COLUMNS.items():
            setattr(self, "_" + name, np.full(self._capacity, fill, dtype=dtype))
        self._refresh_columns()

    def __len__(self) -> int:
        return self.size

    def _refresh_columns(self) -> None:
        # A column is read as a view of its filled rows: ``population.state[rows]``. The views
        # are plain attributes, renewed whenever rows are added, because the daily phases read
        # columns tens of thousands of times a year and a computed attribute costs a call each.
        for name in _COLUMNS:
            self.__dict__[name] = self.__dict__["_" + name][: self.size]

    def __getstate__(self) -> dict:
        # Views must not be copied apart from their arrays: rebuild them on unpickling.
        return {key: value for key, value in self.__dict__.items() if key not in _COLUMNS}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._refresh_columns()

    def add(self, count: int, **columns: np.ndarray) -> np.ndarray:
        """Append ``count`` rows with the given column values; returns the new rows."""
        unknown = set(columns) - set(_COLUMNS)
        if unknown:
            raise KeyError(f"unknown migrant column(s) {sorted(unknown)}")
        self._reserve(self.size + count)
        start, stop = self.size, self.size + count
        for name, values in columns.items():
            self.__dict__["_" + name][start:stop] = values  # a slice: cheaper than fancy indexing
        self.size = stop
        self._refresh_columns()
        return np.arange(start, stop)

    def _reserve(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        capacity = max(needed, 2 * self._capacity)
        for name, (dtype, fill) in _COLUMNS.items():
            old = self.__dict__["_" + name]
            new = np.full(capacity, fill, dtype=dtype)
            new[: len(old)] = old
            self.__dict__["_" + name] = new
        self._capacity = capacity

    def is_in(self, state: MigrantState) -> np.ndarray:
        """Mask over every migrant, true for those in ``state`` now."""
        # Compare with a plain int: numpy widens every byte to 64 bits against an IntEnum.
        return self.state == int(state)

    def in_state(self, state: MigrantState) -> np.ndarray:
        """Rows of migrants currently in ``state``."""
        return np.flatnonzero(self.is_in(state))

    def state_counts(self) -> np.ndarray:
        """Number of migrants in each state, indexed by :class:`MigrantState`."""
        # One byte comparison a state: cheaper than bincount, which first widens every byte.
        return np.array([np.count_nonzero(self.is_in(state)) for state in MigrantState])


class Migrant(Agent):
    """A person who has come to the northern French coast hoping to reach the UK.

    The agent is the person's identity in the Mesa model; the person's numbers live in the
    model's :class:`MigrantPopulation` at row ``row``, where the daily phases update everyone
    at once (see ``ChannelModel.step``).
    """

    def __init__(self, model: ChannelModel, row: int) -> None:
        """Create the agent for the migrant at ``row`` of the model's population."""
        super().__init__(model)
        self.row = row

    @property
    def state(self) -> MigrantState:
        """Where the migrant is now."""
        return MigrantState(int(self.model.population.state[self.row]))

    def __getattr__(self, name: str):
        # Every population column reads as an attribute of the person: migrant.savings_gbp.
        if name in _COLUMNS:
            return getattr(self.model.population, name)[self.row].item()
        raise AttributeError(name)
