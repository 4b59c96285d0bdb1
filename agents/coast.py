"""Migrants on the northern French coast: they arrive, learn, and each day decide.

The daily phases of the people waiting in France, in the order of the ODD (7.2-7.6): people
reach the coast (and some who left come back), join the social network, update what they
believe of the return risk, of work in the UK and of a legal-route place, and choose to wait,
cross with a gang, register for the legal route or leave. Crossing, work and return happen to
them through the other agents (gangs, Border Force, the labour market, the returns unit),
which change a migrant's state only through :class:`agents.migrants.MigrantPopulation`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from agents.beliefs import (
    learn_from_news,
    memory_decay_per_day,
    smuggler_job_claim,
    smuggler_place_claim,
    smuggler_return_claim,
)
from agents.decisions import (
    PERCEPTION_COLUMNS,
    Choice,
    UtilityWeights,
    nested_choice_probabilities,
    sample_choices,
    utilities_of_rows,
)
from agents.migrants import NO_GANG, MigrantPopulation, MigrantState
from agents.network import SocialNetwork
from agents.smugglers import gang_choice_probabilities, market_price_gbp

if TYPE_CHECKING:
    from agents.world import World

HEARD_COLUMNS = (
    "heard_crossed",
    "heard_returned",
    "heard_job_found",
    "heard_job_failed",
    "heard_admitted",
    "heard_not_selected",
)
"""What people hear of their contacts, as counts that fade with memory."""

BELIEF_COLUMNS = ("perceived_return_prob", "perceived_job_prob", "perceived_place_prob")
"""What people believe of the return risk, of work in the UK and of a legal-route place."""

INITIAL_WAIT_SPREAD_DAYS = 60
"""People on the coast at day 0 have waited up to this many days already."""


class Coast:
    """The people waiting on the coast and their daily phases (arrive, learn, decide).

    Reads of the world go through the declared :class:`agents.world.World` interface.
    """

    def __init__(self, world: World, expected_migrants: int) -> None:
        """An empty coast, with room for ``expected_migrants`` people before growing."""
        self.world = world
        self.in_transit = self._settled_transit()
        self.population = MigrantPopulation(capacity=expected_migrants)
        self.network = SocialNetwork(capacity=expected_migrants)
        self.utility_weights = UtilityWeights.from_parameters(world.params)
        self.news_decay = memory_decay_per_day(world.params["news_memory_days"])
        self.reset_day()
        self.mean_perceived_return_prob = self.mean_perceived_job_prob = math.nan
        self.mean_perceived_place_prob = math.nan
        self.mean_perceived_return_prob_arrangement_groups = math.nan
        self.mean_perceived_return_prob_other_groups = math.nan

    def reset_day(self) -> None:
        """Zero the day's flows."""
        self.new_on_coast = 0
        self.set_out = 0
        self.stayed_elsewhere = 0
        self.came_back_to_coast = 0
        self.left_coast = 0
        self.bookings = 0

    # --- arrivals on the coast (ODD 7.2, 7.3) ---------------------------------------------
    def arrive(self) -> np.ndarray:
        """New migrants reach northern France, more in summer; returns everyone now there."""
        self._come_back()
        present = self.population.in_state(MigrantState.IN_FRANCE)
        count = self._end_transits()
        return np.concatenate([present, self.add_people(count, present, already_waiting=False)])

    # People on their way to the Channel are a count, not agents: they become migrants with
    # their own state and beliefs when they reach the coast.
    def _setting_out_per_day(self) -> float:
        """Mean people setting out for the coast today (the exogenous flow, with its season)."""
        world, p = self.world, self.world.params
        season = 1.0 + p["arrival_seasonality"] * world.weather.season(world.date)
        return p["arrivals_per_week"] / 7.0 * season * p["migrant_flow_scale"]

    def _reach_chance(self, calm: bool) -> float:
        """Chance that someone on the way reaches the coast today, by today's weather."""
        p = self.world.params
        pace = 1.0 if calm else p["poor_day_travel_share"]
        return min(pace / p["transit_days_to_coast"], 1.0)

    def _diversion_chance(self) -> float:
        """Daily chance that someone on the way stays elsewhere instead."""
        return 1.0 - (1.0 - self.world.params["transit_diversion_per_week"]) ** (1.0 / 7.0)

    def _settled_transit(self) -> int:
        """People on the way at day 0: as many as the flow keeps there on an average day."""
        p = self.world.params
        calm_share = (p["calm_day_share_winter"] + p["calm_day_share_summer"]) / 2.0
        reach = calm_share * self._reach_chance(True) + (1 - calm_share) * self._reach_chance(False)
        leave = reach + self._diversion_chance()
        if leave <= 0.0:
            return 0
        return round(self._setting_out_per_day() * (1.0 - leave) / leave)

    def _end_transits(self) -> int:
        """Today's people set out; some of those on the way reach the coast, some stay away.

        Returns how many reach the coast today. People who set out today may arrive today
        (their journey's last leg), so a transit of one day or less passes the flow straight on.
        """
        rng = self.world.streams["arrivals"]
        self.set_out = int(rng.poisson(self._setting_out_per_day()))
        on_the_way = self.in_transit + self.set_out
        reach = int(rng.binomial(on_the_way, self._reach_chance(self.world.weather.calm_today)))
        on_the_way -= reach
        self.stayed_elsewhere = int(rng.binomial(on_the_way, self._diversion_chance()))
        self.in_transit = on_the_way - self.stayed_elsewhere
        return reach

    def _come_back(self) -> None:
        """Some of those who left the coast come back to it and wait anew."""
        weekly = self.world.params["return_to_coast_per_week"]
        if weekly <= 0.0:
            return
        rng = self.world.streams["movement"]
        gone = self.population.in_state(MigrantState.LEFT)
        count = int(rng.binomial(len(gone), 1.0 - (1.0 - weekly) ** (1.0 / 7.0)))
        if count == 0:
            return
        back = rng.choice(gone, size=count, replace=False)
        self.population.come_back_to_coast(back, self.world.day)
        self.came_back_to_coast = count

    def add_people(self, count: int, present: np.ndarray, already_waiting: bool) -> np.ndarray:
        """Add ``count`` newcomers, tied to the ``present`` people on the coast; their rows."""
        if count == 0:
            return np.zeros(0, dtype=np.int64)
        world, p = self.world, self.world.params
        rng = world.streams["arrivals"]
        nationalities = world.nationalities
        groups = rng.choice(len(nationalities), size=count, p=nationalities.shares)
        waited = rng.integers(0, INITIAL_WAIT_SPREAD_DAYS, size=count) if already_waiting else 0
        rows = self.population.add(
            count,
            state=MigrantState.IN_FRANCE,
            nationality=groups,
            asylum_grant_likelihood=nationalities.grant_likelihood[groups],
            is_minor=rng.random(count) < p["minor_share"],
            uk_ties=rng.random(count) < p["uk_ties_share"],
            risk_aversion=rng.lognormal(0.0, 0.5, size=count),
            savings_gbp=p["savings_median_gbp"] * rng.lognormal(0.0, 0.6, size=count),
            arrival_day=world.day,
            waiting_since_day=world.day - waited,
            perceived_return_prob=world.returns_unit.published_return_rate(),
            perceived_job_prob=p["initial_perceived_job_prob"],
            perceived_place_prob=world.legal_route.published_place_chance(),
            has_identity_document=world.streams["legal_route"].random(count)
            < p["identity_document_share"],
        )
        self.new_on_coast += count
        self._join_network(rows, groups, present)
        return rows

    def _join_network(self, rows: np.ndarray, groups: np.ndarray, present: np.ndarray) -> None:
        """Tie newcomers to people on the coast; they start from their contacts' beliefs."""
        population, network, p = self.population, self.network, self.world.params
        network.add_nodes(len(rows))
        if len(present) == 0:  # the first people on the coast tie among themselves
            present = rows
        ties = network.attach_newcomers(
            rows,
            groups,
            present,
            population.nationality.take(present),
            p["contacts_per_newcomer"],
            p["network_homophily"],
            self.world.streams["network"],
        )
        if len(ties) == 0:
            return
        _start_from_contacts(
            rows, ties, tuple(getattr(population, column) for column in BELIEF_COLUMNS)
        )

    # --- beliefs and news (ODD 7.4) ---------------------------------------------------------
    def spread_news(self, rows: np.ndarray, heard_column: str) -> None:
        """Contacts of ``rows`` hear of what happened to them (one count per tie)."""
        if len(rows) == 0:
            return
        self.network.add_per_tie(rows, getattr(self.population, heard_column), 1.0)

    def learn(self, rows: np.ndarray) -> None:
        """People on the coast (``rows``) update beliefs from contacts, officials, smugglers.

        Also records the mean beliefs on the coast, which the reporters read.
        """
        p, population = self.world.params, self.population
        for column in HEARD_COLUMNS:
            getattr(population, column)[:] *= self.news_decay
        self.mean_perceived_return_prob = self.mean_perceived_job_prob = math.nan
        self.mean_perceived_place_prob = math.nan
        self.mean_perceived_return_prob_arrangement_groups = math.nan
        self.mean_perceived_return_prob_other_groups = math.nan
        if len(rows) == 0:
            return
        official, smugglers = self._signals_by_group()
        perceived_return, perceived_job, perceived_place = learn_from_news(
            rows,
            tuple(getattr(population, column) for column in HEARD_COLUMNS),
            tuple(getattr(population, column) for column in BELIEF_COLUMNS),
            population.nationality,
            official,
            smugglers,
            (
                p["belief_weight_network"],
                p["belief_weight_official"],
                p["belief_weight_smugglers"],
            ),
            (population.times_returned, self._own_return_risk()),
        )
        population.savings_gbp[rows] += p["family_support_gbp_per_day"]
        self.mean_perceived_return_prob = float(perceived_return.mean())
        self._mean_return_belief_by_arrangement(
            rows, perceived_return, self.mean_perceived_return_prob
        )
        self.mean_perceived_job_prob = float(perceived_job.mean())
        self.mean_perceived_place_prob = float(perceived_place.mean())

    def _signals_by_group(self) -> tuple[np.ndarray, np.ndarray]:
        """Official and smugglers' signals of each belief (row) to each group (column)."""
        world, misinformation = self.world, self.world.params["smuggler_misinformation"]
        groups = len(world.nationalities)
        official_return = world.arrangements.official_return_signal(
            world.returns_unit.published_return_rate(), np.arange(groups)
        )
        official_place = world.legal_route.published_place_chance()
        official = np.empty((len(BELIEF_COLUMNS), groups))
        smugglers = np.empty((len(BELIEF_COLUMNS), groups))
        official[0] = official_return
        smugglers[0] = smuggler_return_claim(official_return, misinformation)
        official[1] = world.market.official_job_signal()
        smugglers[1] = smuggler_job_claim(world.market.job_availability(), misinformation)
        official[2] = official_place
        smugglers[2] = smuggler_place_claim(official_place, misinformation)
        return official, smugglers

    def _mean_return_belief_by_arrangement(
        self, rows: np.ndarray, belief: np.ndarray, mean_belief: float
    ) -> None:
        """Mean return belief of the groups with a returns arrangement, and of the others.

        ``mean_belief`` is everyone's (``belief.mean()``): the others' when no group has one.
        """
        if not self.world.arrangements.listed.any():
            self.mean_perceived_return_prob_other_groups = mean_belief
            return
        listed = self.world.arrangements.listed[self.population.nationality.take(rows)]
        if listed.any():
            self.mean_perceived_return_prob_arrangement_groups = float(belief[listed].mean())
        if not listed.all():
            self.mean_perceived_return_prob_other_groups = float(belief[~listed].mean())

    def _own_return_risk(self) -> float:
        """The least return belief of people returned before, while the pilot runs (else 0).

        Their biometrics are on file: while the pilot runs, a recrossing is recognised at the
        declared rate and goes first for return (see ``ReturnsUnit.consider_for_return``).
        """
        p = self.world.params
        own_risk = (
            p["own_return_risk_awareness"]
            * p["returned_recrossing_detection_prob"]
            * (1.0 - p["appeal_success_prob"])
        )
        if own_risk <= 0.0 or not self.world.returns_unit.running:
            return 0.0
        return own_risk

    # --- the daily decision and booking (ODD 7.5, 7.6) --------------------------------------
    def decide(self, on_coast: np.ndarray) -> None:
        """Everyone on the coast not booked or in legal-route checks makes today's choice."""
        population = self.population
        free = population.booked_gang.take(on_coast) == NO_GANG
        free &= ~population.legal_selected.take(on_coast)
        rows = on_coast[free]
        if len(rows) == 0:
            return
        choices = self.choose(rows)
        self.book_crossings(rows[choices == int(Choice.CROSS)])
        self.world.legal_route.register(rows[choices == int(Choice.REGISTER)])
        leaving = rows[choices == int(Choice.LEAVE)]
        population.leave_coast(leaving)
        self.left_coast += len(leaving)

    def choose(self, rows: np.ndarray) -> np.ndarray:
        """The logit choice of each migrant in ``rows`` (see :mod:`agents.decisions`)."""
        world, p, population = self.world, self.world.params, self.population
        utilities = utilities_of_rows(
            rows,
            tuple(getattr(population, column) for column in PERCEPTION_COLUMNS),
            market_price_gbp(world.gangs, p["initial_price_gbp"]),
            len(world.gangs) > 0,
            world.legal_route.window_open(),
            world.day,
            p["death_risk_per_crossing"],
            self.utility_weights.terms(),
        )
        probabilities = nested_choice_probabilities(
            utilities, self.utility_weights.registration_nest_scale
        )
        return sample_choices(probabilities, world.streams["decisions"].random(len(rows)))

    def book_crossings(self, rows: np.ndarray) -> None:
        """``rows`` book a seat, each with a gang drawn by price and capacity (ODD 7.6)."""
        gangs = list(self.world.gangs)
        if len(rows) == 0 or not gangs:
            return
        prices = np.array([gang.price_gbp for gang in gangs])
        launch_points = np.array([gang.launch_points for gang in gangs], dtype=float)
        # Each customer picks a gang independently: draw how many go to each gang, then who.
        rng = self.world.streams["decisions"]
        counts = rng.multinomial(len(rows), gang_choice_probabilities(prices, launch_points))
        customers = rng.permutation(rows)
        self.population.booked_gang[customers] = np.repeat(
            [gang.unique_id for gang in gangs], counts
        )
        start = 0
        for gang, count in zip(gangs, counts.tolist(), strict=True):
            if count:
                gang.book(customers[start : start + count])
                start += count
        self.bookings += len(rows)


@njit(cache=True)
def _start_from_contacts(rows, ties, beliefs):
    """Set each belief of the newcomers ``rows`` with ties to the mean of their contacts'.

    ``ties`` are (newcomer, contact) pairs; ``rows`` are the last rows, in one block. The sums
    add the contacts in the order of the ties, as numpy's bincount does.
    """
    count = np.zeros(len(rows), dtype=np.int64)
    for tie in range(len(ties)):
        count[ties[tie, 0] - rows[0]] += 1
    for values in beliefs:
        total = np.zeros(len(rows))
        for tie in range(len(ties)):  # every contact's value before any newcomer's changes
            total[ties[tie, 0] - rows[0]] += values[ties[tie, 1]]
        for newcomer in range(len(rows)):
            if count[newcomer] > 0:
                values[rows[newcomer]] = total[newcomer] / count[newcomer]
