"""Migrants: every person's state in columns, the life events that change it, and a Mesa view.

:class:`MigrantPopulation` keeps every migrant's attributes in numpy arrays, one row a person,
so that the daily phases (beliefs, decisions, the labour market) run for everyone at once. A
person's state changes only through the population's life events (arrive in the UK, be
detained, be returned, ...), which check each move against :data:`ALLOWED_MOVES`.
A :class:`Migrant` is a Mesa agent that reads one person's row, made on demand for inspection
(the app's network view, tests); the daily loop never makes one per person, which cost a third
of a run's time.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

if TYPE_CHECKING:
    from agents.world import World


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
    """Removed from the UK to the home country: caught working illegally, or under a returns
    arrangement with that country."""
    AWAITING_REMOVAL = 7
    """Detained in the UK under a returns arrangement with the home country, to be removed."""


NO_GANG = -1
NO_EMPLOYER = -1
NEVER = -1

ALLOWED_MOVES: dict[MigrantState, frozenset[MigrantState]] = {
    MigrantState.IN_FRANCE: frozenset({MigrantState.LEFT, MigrantState.AWAITING_RETURN}),
    MigrantState.AWAITING_RETURN: frozenset({MigrantState.IN_UK}),
    MigrantState.IN_UK: frozenset({MigrantState.IN_FRANCE, MigrantState.AWAITING_RETURN}),
    MigrantState.LEGAL_UK: frozenset({MigrantState.IN_FRANCE}),
    MigrantState.LEFT: frozenset({MigrantState.IN_FRANCE}),
    MigrantState.DIED: frozenset({MigrantState.IN_FRANCE}),
    MigrantState.REMOVED: frozenset({MigrantState.IN_UK, MigrantState.AWAITING_REMOVAL}),
    MigrantState.AWAITING_REMOVAL: frozenset({MigrantState.IN_UK}),
}
"""The states a person may move into each state from (the ODD's life cycle, section 2.2)."""


class MigrantStateError(RuntimeError):
    """A move the life cycle does not allow: a defect in the model, not in the input."""


def _allowed_from() -> np.ndarray:
    """``table[to, from]``: whether a person may move from one state to another."""
    table = np.zeros((len(MigrantState), len(MigrantState)), dtype=bool)
    for to, sources in ALLOWED_MOVES.items():
        table[to, [int(source) for source in sources]] = True
    return table


_ALLOWED_FROM = _allowed_from()

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

    # --- the one checked way a state changes ---------------------------------------------
    def move(self, rows: np.ndarray, to: MigrantState) -> None:
        """Put ``rows`` into state ``to``, if the life cycle allows it from where they are.

        Raises:
            MigrantStateError: naming the first person and the move that is not allowed.
        """
        if len(rows) == 0:
            return
        now = self.state.take(rows)
        allowed = _ALLOWED_FROM[int(to)].take(now)
        if not allowed.all():
            first = int(np.argmin(allowed))
            raise MigrantStateError(
                f"migrant {int(rows[first])} cannot move from {MigrantState(int(now[first])).name}"
                f" to {to.name}: allowed from {sorted(s.name for s in ALLOWED_MOVES[to])}"
            )
        self.state[rows] = to

    # --- life events -------------------------------------------------------------------------
    def leave_coast(self, rows: np.ndarray) -> None:
        """``rows`` leave the coast (claim asylum in France or move on)."""
        self.move(rows, MigrantState.LEFT)

    def come_back_to_coast(self, rows: np.ndarray, day: int) -> None:
        """``rows``, who had left, come back to the coast and wait anew from ``day``."""
        self.move(rows, MigrantState.IN_FRANCE)
        self.waiting_since_day[rows] = day

    def set_off(self, launched: np.ndarray, price_gbp: float, departed: np.ndarray) -> None:
        """``launched`` made an attempt; ``departed`` of them paid ``price_gbp`` and left."""
        self.illegal_attempts[launched] += 1
        self.savings_gbp[departed] -= price_gbp

    def unbook(self, rows: np.ndarray) -> None:
        """``rows`` are back waiting on the coast with no gang (stopped, or the gang is gone)."""
        self.booked_gang[rows] = NO_GANG

    def die_at_sea(self, rows: np.ndarray) -> None:
        """``rows`` died crossing."""
        self.move(rows, MigrantState.DIED)

    def arrive_in_uk(self, rows: np.ndarray, day: int) -> None:
        """``rows`` are picked up by Border Force on ``day``, the first time or again."""
        self.move(rows, MigrantState.IN_UK)
        self.uk_arrival_day[rows] = day
        first_time = rows[self.first_uk_arrival_day.take(rows) == NEVER]
        self.first_uk_arrival_day[first_time] = day
        self.uk_arrivals[rows] += 1

    def detain(self, rows: np.ndarray) -> None:
        """``rows`` are detained for return to France."""
        self.move(rows, MigrantState.AWAITING_RETURN)

    def release_on_appeal(self, rows: np.ndarray) -> None:
        """``rows`` won their appeal and stay in the UK."""
        self.move(rows, MigrantState.IN_UK)

    def return_to_france(self, rows: np.ndarray, day: int) -> None:
        """``rows`` are returned to the coast on ``day``."""
        self.move(rows, MigrantState.IN_FRANCE)
        self.times_returned[rows] += 1
        self.waiting_since_day[rows] = day  # back on the coast, waiting anew
        self.booked_gang[rows] = NO_GANG

    def hear_of_own_return(self, rows: np.ndarray) -> None:
        """Their own return counts as a case ``rows`` know of, beside their contacts'."""
        self.heard_returned[rows] += 1.0
        self.heard_crossed[rows] += 1.0

    def admit_legally(self, rows: np.ndarray) -> None:
        """``rows`` passed the legal route's checks and go to the UK."""
        self.move(rows, MigrantState.LEGAL_UK)

    def remove_from_uk(self, rows: np.ndarray) -> None:
        """``rows``, caught working illegally, are removed from the UK."""
        self.move(rows, MigrantState.REMOVED)

    def detain_for_removal(self, rows: np.ndarray) -> None:
        """``rows`` are detained for removal to their home country (a returns arrangement)."""
        self.move(rows, MigrantState.AWAITING_REMOVAL)

    def remove_to_home_country(self, rows: np.ndarray) -> None:
        """``rows``, detained under a returns arrangement, are removed to their home country."""
        self.move(rows, MigrantState.REMOVED)

    def state_counts(self) -> np.ndarray:
        """Number of migrants in each state, indexed by :class:`MigrantState`."""
        # One byte comparison a state: cheaper than bincount, which first widens every byte.
        return np.array([np.count_nonzero(self.is_in(state)) for state in MigrantState])


class Migrant(Agent):
    """A person who has come to the northern French coast hoping to reach the UK.

    A Mesa view of one row of the model's :class:`MigrantPopulation`: its attributes read the
    person's current values. Made on demand (``ChannelModel.migrant(row)``), never by the
    daily loop, which works on the population's columns.
    """

    def __init__(self, model: World, row: int) -> None:
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
