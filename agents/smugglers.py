"""Smuggling gangs: they sell seats, launch boats on crossing days and adapt to enforcement.

A gang works a few launch points. Migrants who decide to cross book a seat with a gang;
on a launch day the gang fills boats towards its target load and launches them, and the
French coastal police try to stop each launch. Week by week a gang moves its loads and its
use of taxi boats towards what beach interceptions call for, and its price with demand and
risk; gangs are dismantled by enforcement and new ones enter when profits allow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

if TYPE_CHECKING:
    from agents.world import World

PRICE_ELASTICITY_OF_GANG_CHOICE = 2.0
"""How strongly customers favour cheaper gangs: booking weight ~ capacity * price^-2."""

DEMAND_AT_USUAL_PRICE = 0.15
"""Weekly bookings, as a share of a gang's seats on seven calm days, at which it charges the
usual price: a gang booked above this raises its price, below it cuts it."""

EWMA_WEIGHT_PER_WEEK = 0.5
"""Weight of the latest week in a gang's running estimate of interceptions."""

PROFIT_EWMA_WEIGHT_PER_WEEK = 0.1
"""Weight of the latest week in a gang's running profit (about ten weeks' memory), which
would-be entrants watch."""


def plan_boat_loads(
    customers: int, boats_available: int, target_load: float, max_load: float, min_load: float
) -> np.ndarray:
    """People to put in each boat launched today.

    Gangs fill boats: as many boats as the customers fill to about the target load (no more than
    are available), or one boat when there are fewer customers than a full load but at least
    ``min_load``. Customers are shared evenly, no boat above ``max_load``; those left over
    wait for another day.
    """
    if customers < min_load or boats_available <= 0:
        return np.zeros(0, dtype=np.int64)
    n_boats = min(boats_available, max(1, round(customers / max(target_load, 1.0))))
    carried = min(customers, n_boats * int(max_load))
    loads = np.full(n_boats, carried // n_boats, dtype=np.int64)
    loads[: carried % n_boats] += 1
    return loads


def gang_choice_probabilities(prices: np.ndarray, launch_points: np.ndarray) -> np.ndarray:
    """Chance that a new customer books with each gang: by capacity, favouring low prices."""
    weights = launch_points * (prices.mean() / prices) ** PRICE_ELASTICITY_OF_GANG_CHOICE
    return weights / weights.sum()


def market_price_gbp(gangs, no_gang_price_gbp: float) -> float:
    """The going price of a seat: the mean of the active gangs' prices (or the given one)."""
    if not len(gangs):
        return no_gang_price_gbp
    prices = gangs.get("price_gbp")
    return sum(prices) / len(prices)


class SmugglingGang(Agent):
    """A smuggling network selling seats in small boats from its launch points."""

    def __init__(self, model: World, launch_points: int, price_gbp: float) -> None:
        """Create a gang with ``launch_points`` beaches and a starting price."""
        super().__init__(model)
        p = model.params
        self.launch_points = launch_points
        self.price_gbp = price_gbp
        self.target_load = p["initial_people_per_boat"]
        self.taxi_boat_share = 0.0
        self.customers = np.zeros(0, dtype=np.int64)
        self.interception_estimate = 0.0
        self.profit_estimate_gbp = 0.0
        self.reset_day()
        self._reset_week()

    # --- the daily round -----------------------------------------------------------------
    def reset_day(self) -> None:
        """Zero the counters of the day's launches."""
        self.boats_launched = 0
        self.boats_stopped = 0
        self.people_launched = 0
        self.people_stopped = 0
        self.taxi_boats = 0
        self.revenue_gbp = 0.0

    def book(self, rows: np.ndarray) -> None:
        """Take on migrants who chose to cross and picked this gang."""
        self.customers = np.concatenate([self.customers, rows])
        self._week["bookings"] += len(rows)

    def step(self) -> None:
        """Launch today's boats if conditions and customers allow."""
        if len(self.customers) < self.model.params["min_people_per_launch"]:
            return
        loads = plan_boat_loads(
            len(self.customers),
            self.boats_available_today(),
            self.target_load,
            self.model.params["max_people_per_boat"],
            self.model.params["min_people_per_launch"],
        )
        if len(loads) == 0:
            return
        passengers = self.customers[: loads.sum()]
        self.customers = self.customers[loads.sum() :]
        self.launch(loads, passengers)

    def boats_available_today(self) -> int:
        """Boats the gang can launch today: all its capacity on a calm day, a share otherwise."""
        capacity = self.launch_points * self.model.params["boats_per_launch_point_per_day"]
        if self.model.weather.calm_today:
            return capacity
        rng = self.model.streams["smugglers"]
        return int(rng.binomial(capacity, self.model.params["poor_day_launch_share"]))

    def launch(self, loads: np.ndarray, passengers: np.ndarray) -> None:
        """Launch boats; the police stop some on the beach, the rest set off for the UK."""
        rng = self.model.streams["smugglers"]
        is_taxi = rng.random(len(loads)) < self.taxi_boat_share
        stopped = self.model.police.intercept(is_taxi)
        boat_of_passenger = np.repeat(np.arange(len(loads)), loads)
        departed = passengers[~stopped[boat_of_passenger]]
        turned_back = passengers[stopped[boat_of_passenger]]

        population = self.model.population
        population.set_off(passengers, self.price_gbp, departed)
        population.unbook(turned_back)
        self.revenue_gbp = self.price_gbp * len(departed)
        self.model.border_force.expect(departed, boats=int((~stopped).sum()))

        self.boats_launched = len(loads)
        self.boats_stopped = int(stopped.sum())
        self.people_launched = len(passengers)
        self.people_stopped = len(turned_back)
        self.taxi_boats = int(is_taxi.sum())
        self._week["launched"] += self.boats_launched
        self._week["stopped"] += self.boats_stopped
        self._week["revenue"] += self.revenue_gbp
        self._week["boat_costs"] += self.boats_launched * self.model.params["boat_cost_gbp"]

    def release_customers(self) -> np.ndarray:
        """Give up every booked customer (the gang is dismantled); returns their rows."""
        released, self.customers = self.customers, np.zeros(0, dtype=np.int64)
        return released

    # --- the weekly round ----------------------------------------------------------------
    def _reset_week(self) -> None:
        self._week = {"bookings": 0, "launched": 0, "stopped": 0, "revenue": 0.0, "boat_costs": 0.0}

    def adapt(self) -> None:
        """Weekly: update estimates, then move loads, taxi boats and price towards targets.

        Rules: the target taxi-boat share and the target load's position between the initial
        and the maximum load both equal the estimated share of launches stopped; the target
        price is the initial price scaled by ``0.6 + interception`` (risk) and by the square
        root of the week's bookings relative to :data:`DEMAND_AT_USUAL_PRICE` (demand), within
        0.25x-4x of the initial price.
        """
        p = self.model.params
        week = self._week
        if week["launched"] > 0:
            stopped_share = week["stopped"] / week["launched"]
            self.interception_estimate += EWMA_WEIGHT_PER_WEEK * (
                stopped_share - self.interception_estimate
            )
        profit = week["revenue"] - week["boat_costs"]
        self.profit_estimate_gbp += PROFIT_EWMA_WEIGHT_PER_WEEK * (
            profit - self.profit_estimate_gbp
        )

        rate = p["load_adaptation_rate"]
        target_load = p["initial_people_per_boat"] + self.interception_estimate * (
            p["max_people_per_boat"] - p["initial_people_per_boat"]
        )
        self.target_load += rate * (target_load - self.target_load)
        self.taxi_boat_share += rate * (self.interception_estimate - self.taxi_boat_share)

        seats_per_week = (
            7 * self.launch_points * p["boats_per_launch_point_per_day"] * self.target_load
        )
        demand = week["bookings"] / max(DEMAND_AT_USUAL_PRICE * seats_per_week, 1.0)
        target_price = (
            p["initial_price_gbp"]
            * (0.6 + self.interception_estimate)
            * np.sqrt(np.clip(demand, 0.25, 4.0))
        )
        target_price = float(
            np.clip(target_price, 0.25 * p["initial_price_gbp"], 4.0 * p["initial_price_gbp"])
        )
        self.price_gbp += p["price_adaptation_rate"] * (target_price - self.price_gbp)
        self._reset_week()


def new_gang_enters(
    mean_profit_gbp_per_week: float,
    entry_threshold_gbp_per_week: float,
    active_gangs: int,
    unserved_customers: int,
) -> bool:
    """Whether a new gang sets up this week.

    It does when incumbents' profits exceed the threshold, or when no gang is left while
    people want to cross.
    """
    if active_gangs == 0:
        return unserved_customers > 0
    return mean_profit_gbp_per_week > entry_threshold_gbp_per_week
