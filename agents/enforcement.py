"""Enforcement at the border: French coastal police and UK Border Force.

The returns unit and the legal route of the pilot are in :mod:`agents.returns`;
illegal-working enforcement is in :mod:`agents.employers` beside the market it polices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

NO_ROWS = np.zeros(0, dtype=np.int64)
NO_JOB_NEWS_AFTER_DAYS = 28
"""Days of fruitless job search after which contacts hear that someone found no work."""

if TYPE_CHECKING:
    from agents.world import World


class FrenchCoastalPolice(Agent):
    """French patrols on the beaches: they stop launches, and help dismantle gangs."""

    def __init__(self, model: World) -> None:
        """Create the police with the model's patrol intensity."""
        super().__init__(model)
        self.patrol_intensity = model.params["patrol_intensity"]

    def interception_prob(self, is_taxi: np.ndarray) -> np.ndarray:
        """Chance of stopping each launch; taxi boats evade part of the beach patrols."""
        evasion = self.model.params["taxi_boat_evasion"]
        return self.patrol_intensity * (1.0 - evasion * is_taxi)

    def intercept(self, is_taxi: np.ndarray) -> np.ndarray:
        """Which of today's launches (one flag per boat: is it a taxi boat) are stopped."""
        rng = self.model.streams["enforcement"]
        return rng.random(len(is_taxi)) < self.interception_prob(is_taxi)

    def dismantle_gangs(self, gangs: list) -> list:
        """Weekly: the gangs that investigations dismantle this week."""
        rng = self.model.streams["enforcement"]
        chance = self.model.params["gang_dismantle_prob_per_week"] * self.patrol_intensity
        return [gang for gang in gangs if rng.random() < chance]


class UKBorderForce(Agent):
    """UK Border Force: picks up the boats that cross and records the arrivals."""

    def __init__(self, model: World) -> None:
        """Create the Border Force with zeroed daily records."""
        super().__init__(model)
        self.arrived_on: dict[int, np.ndarray] = {}
        """Rows of each day's arrivals, kept for ``ARRIVAL_LOG_DAYS`` (the market's cohorts)."""
        self.reset_day()

    def reset_day(self) -> None:
        """Zero the day's records."""
        self.arrivals = 0
        self.recrossings = 0
        self.boats = 0
        self.deaths = 0
        self._at_sea: list[np.ndarray] = []

    def log_days(self) -> int:
        """Days the arrival log keeps: as long as the latest cohort that is looked up."""
        return max(self.model.params["asylum_decision_days"], NO_JOB_NEWS_AFTER_DAYS) + 1

    def arrivals_of(self, day: int) -> np.ndarray:
        """Rows of the people who arrived on ``day`` (empty if none, or forgotten)."""
        return self.arrived_on.get(day, NO_ROWS)

    def expect(self, passengers: np.ndarray, boats: int) -> None:
        """Note boats that set off from France today, with their passengers."""
        self._at_sea.append(passengers)
        self.boats += boats

    def step(self) -> None:
        """Pick up today's boats: a few people have died at sea, the rest arrive.

        Arrivals are recorded and handed to the returns unit, then to the returns arrangements
        with home countries; their contacts hear they made it.
        """
        model = self.model
        self.arrived_on.pop(model.day - self.log_days(), None)
        if not self._at_sea:
            return
        passengers = np.concatenate(self._at_sea)
        self._at_sea = []
        died = (
            model.streams["enforcement"].random(len(passengers))
            < model.params["death_risk_per_crossing"]
        )
        population = model.population
        population.unbook(passengers)
        population.die_at_sea(passengers[died])
        arrived = passengers[~died]
        population.arrive_in_uk(arrived, model.day)
        self.recrossings += int(np.count_nonzero(population.times_returned.take(arrived)))
        self.deaths += int(died.sum())
        self.arrivals += len(arrived)
        self.arrived_on[model.day] = arrived
        model.coast.spread_news(arrived, "heard_crossed")
        model.returns_unit.consider_for_return(arrived)
        model.arrangements.consider_for_removal(arrived)
