"""What the agents may ask of the model: a small declared interface, not the model itself.

Agents are written against :class:`World`, so they never import the model (no circle between
``agents/`` and ``model/``) and what they read is listed in one place. The Channel model
(:class:`model.model.ChannelModel`) is the one world there is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class PolicyCalendar:
    """The days of the run (day 0 is the start date) on which the policy's dates fall."""

    pilot_start_day: int
    first_return_day: int
    pilot_end_day: int
    crackdown_start_day: int

    @classmethod
    def of(cls, start_date: dt.date, params: Mapping[str, Any]) -> PolicyCalendar:
        """The calendar of a run starting on ``start_date`` with ``params``' policy dates."""

        def day_of(name: str) -> int:
            return (params[name] - start_date).days

        return cls(
            day_of("pilot_start_date"),
            day_of("first_return_date"),
            day_of("pilot_end_date"),
            day_of("crackdown_start_date"),
        )


class Nationalities(Protocol):
    """The nationality groups arriving on the coast (model/data/nationalities.csv)."""

    shares: np.ndarray
    grant_likelihood: np.ndarray

    def __len__(self) -> int:
        """Number of groups."""


class CrossingWeather(Protocol):
    """Today's crossing conditions and the season."""

    calm_today: bool

    def season(self, date: dt.date) -> np.ndarray:
        """Where ``date`` falls in the yearly cycle of crossings (1 at the peak)."""


class World(Protocol):
    """The model as the agents see it.

    The run's parameters, today's day and date, the random streams, the calendar of the
    policy, the coast's people, the weather and nationalities (with the mix of the run), and
    the other agents.
    """

    params: Mapping[str, Any]
    day: int
    streams: dict[str, np.random.Generator]
    calendar: PolicyCalendar
    nationalities: Nationalities
    weather: CrossingWeather
    # The agents, by their class in agents/ (typed Any so that this interface imports none of
    # them, and no agent module imports another through it).
    coast: Any  # agents.coast.Coast
    population: Any  # agents.migrants.MigrantPopulation
    police: Any  # agents.enforcement.FrenchCoastalPolice
    border_force: Any  # agents.enforcement.UKBorderForce
    returns_unit: Any  # agents.returns.ReturnsUnit
    arrangements: Any  # agents.arrangements.ReturnsArrangements
    legal_route: Any  # agents.returns.LegalRoute
    market: Any  # agents.employers.IllegalWorkMarket
    work_enforcement: Any  # agents.employers.IllegalWorkingEnforcement
    employers_list: list[Any]  # agents.employers.Employer

    @property
    def date(self) -> dt.date:
        """Calendar date of the day being simulated."""

    @property
    def gangs(self) -> Any:
        """The active smuggling gangs (a Mesa AgentSet)."""
