"""The Channel deterrence model: one step is one day on the northern French coast and in the UK.

Migrants arrive on the coast, learn through their network what happens to those who cross,
and each day choose to wait, cross with a smuggler, register for the legal route or leave.
Gangs launch boats on crossing days, French police stop some launches, UK Border Force picks
up the rest, the returns unit sends some arrivals back under the weekly cap of the 'one in,
one out' pilot, and the legal route admits one applicant for each return. In the UK, arrivals
look for illegal work that a crackdown makes scarce. See ``docs/ODD.md`` for the full
description.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from types import MappingProxyType
from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector

from agents.beliefs import (
    memory_decay_per_day,
    network_signal,
    smuggler_job_claim,
    smuggler_place_claim,
    smuggler_return_claim,
    update_beliefs,
)
from agents.decisions import (
    Choice,
    Perceptions,
    UtilityWeights,
    nested_choice_probabilities,
    option_utilities,
    sample_choices,
)
from agents.employers import (
    EMPLOYERS_PER_SECTOR,
    Employer,
    IllegalWorkingEnforcement,
    IllegalWorkMarket,
    yearly_chance,
)
from agents.enforcement import FrenchCoastalPolice, UKBorderForce
from agents.migrants import NO_GANG, Migrant, MigrantPopulation, MigrantState
from agents.network import SocialNetwork
from agents.returns import LegalRoute, ReturnsUnit
from agents.smugglers import SmugglingGang, gang_choice_probabilities, new_gang_enters
from model import reporters
from model.data import load_nationalities, load_sectors
from model.parameters import check_seed, validate
from model.pilot_record import pilot_record
from model.weather import Weather, seasonal_cycle

RANDOM_STREAMS = (
    "weather",
    "arrivals",
    "network",
    "decisions",
    "smugglers",
    "enforcement",
    "returns",
    "market",
    "movement",
    "legal_route",
)
"""Independent random streams spawned from the model's seeded generator. Weather and arrivals
draw from their own streams, so a policy run and its counterfactual with the same seed share
the same weather and the same people arriving (common random numbers)."""

NO_POLICY = MappingProxyType(
    {
        "return_cap_per_week": 0,
        "return_cap_growth_per_week": 0.0,
        "returns_follow_record": False,
        "crackdown_intensity": 0.0,
    }
)
"""The policy levers switched off: the counterfactual of a policy run."""

REPORTED_STOCKS = (MigrantState.IN_FRANCE, MigrantState.AWAITING_RETURN, MigrantState.IN_UK)
"""States whose head counts the daily series report."""

GANG_DAY_RECORDS = (
    "people_launched",
    "boats_launched",
    "boats_stopped",
    "people_stopped",
    "taxi_boats",
    "revenue_gbp",
)
"""The day's records of each gang that the reporters add up over gangs."""

HEARD_COLUMNS = (
    "heard_crossed",
    "heard_returned",
    "heard_job_found",
    "heard_job_failed",
    "heard_admitted",
    "heard_not_selected",
)
"""What people hear of their contacts, as counts that fade with memory."""

HISTORY_DAYS = 28
"""Days over which published rates (returns per arrival) are computed."""

INITIAL_WAIT_SPREAD_DAYS = 60
"""People on the coast at day 0 have waited up to this many days already."""


class ChannelModel(Model):
    """Deterrence in English Channel small-boat migration (see the module docstring).

    Args:
        seed: seeds every random draw of the run; the same seed reproduces a run exactly.
        **parameters: any parameter of :data:`model.parameters.PARAMETERS`; unknown names and
            values out of bounds raise :class:`model.parameters.ParameterError`.
    """

    def __init__(self, seed: int = 0, **parameters: Any) -> None:
        """Build the coast, the gangs, enforcement and the labour market on day 0."""
        values = validate(parameters)
        super().__init__(rng=check_seed(seed))
        self.seed = seed
        self.params = MappingProxyType(values)
        self.streams = dict(zip(RANDOM_STREAMS, self.rng.spawn(len(RANDOM_STREAMS)), strict=True))
        self.start_date: dt.date = values["start_date"]
        self.day = 0
        self.pilot_start_day = self._day_of(values["pilot_start_date"])
        self.first_return_day = self._day_of(values["first_return_date"])
        self.pilot_end_day = self._day_of(values["pilot_end_date"])
        self.crackdown_start_day = self._day_of(values["crackdown_start_date"])
        self.nationalities = load_nationalities()
        self.utility_weights = UtilityWeights.from_parameters(values)
        self.news_decay = memory_decay_per_day(values["news_memory_days"])
        self.history: dict[str, deque] = {
            name: deque(maxlen=HISTORY_DAYS) for name in ("arrivals", "detentions")
        }

        self.population = MigrantPopulation(capacity=self._expected_migrants())
        self.network = SocialNetwork(capacity=self._expected_migrants())
        self.weather = Weather(
            self.start_date,
            values["calm_day_share_winter"],
            values["calm_day_share_summer"],
            values["weather_persistence"],
            self.streams["weather"],
        )
        self.police = FrenchCoastalPolice(self)
        self.border_force = UKBorderForce(self)
        returns_target, admissions_target = self._record_targets()
        self.returns_unit = ReturnsUnit(self, returns_target)
        self.legal_route = LegalRoute(self, admissions_target)
        self.work_enforcement = IllegalWorkingEnforcement(self)
        self.employers_list = self._create_employers()
        self.market = IllegalWorkMarket(self)
        for _ in range(max(1, round(values["initial_gangs"] * values["migrant_flow_scale"]))):
            SmugglingGang(self, values["launch_points_per_gang"], values["initial_price_gbp"])
        self._reset_daily_records()
        self._add_migrants(
            round(values["initial_waiting_in_france"] * values["migrant_flow_scale"]),
            present=np.zeros(0, dtype=np.int64),
            already_waiting=True,
        )
        self._take_stock()
        self.datacollector = DataCollector(model_reporters=reporters.DAILY_REPORTERS)

    # --- set-up ----------------------------------------------------------------------------
    def _day_of(self, date: dt.date) -> int:
        return (date - self.start_date).days

    def _record_targets(self):
        """The record's cumulative returns and admissions by day of the run, when followed.

        Both start from zero the day before the first return; after the last reported date
        they grow at ``returns_after_record_per_week`` (places at parity with returns).
        """
        if not self.params["returns_follow_record"]:
            return None, None
        record = pilot_record()
        origin = self.params["first_return_date"] - dt.timedelta(days=1)
        pace = self.params["returns_after_record_per_week"] / 7.0
        targets = []
        for column in ("returned", "admitted"):
            by_date = record.cumulative(column, origin, pace)
            start = self.start_date
            targets.append(
                lambda day, by_date=by_date, start=start: by_date(start + dt.timedelta(days=day))
            )
        return tuple(targets)

    def _expected_migrants(self) -> int:
        p = self.params
        yearly = p["arrivals_per_week"] * 52 + p["initial_waiting_in_france"]
        return int(yearly * p["migrant_flow_scale"] * 1.1) + 16

    def _create_employers(self) -> list[Employer]:
        p = self.params
        total = p["illegal_vacancies"] * p["migrant_flow_scale"]
        employers = []
        for sector in load_sectors():
            for _ in range(EMPLOYERS_PER_SECTOR):
                base = total * sector["share_of_vacancies"] / EMPLOYERS_PER_SECTOR
                employers.append(
                    Employer(self, sector["sector"], base, sector["annual_gain_per_worker_gbp"])
                )
        return employers

    # --- the day ---------------------------------------------------------------------------
    @property
    def date(self) -> dt.date:
        """Calendar date of the day being simulated."""
        return self.start_date + dt.timedelta(days=self.day)

    @property
    def gangs(self):
        """The active smuggling gangs (a Mesa AgentSet)."""
        return self.agents_by_type.get(SmugglingGang, ())

    def step(self) -> None:
        """Simulate one day, phase by phase in a fixed order, then record it."""
        self.day = self.steps - 1
        self._reset_daily_records()
        self.weather.advance(self.date)
        on_coast = self.arrive_on_coast()
        self.learn(on_coast)
        self.decide(on_coast)
        if len(self.gangs):
            self.gangs.shuffle_do("step")
        self.border_force.step()
        self.returns_unit.step()
        self.legal_route.step()
        self.market.step()
        self.work_enforcement.step()
        if (self.day + 1) % 7 == 0:
            self.weekly_adaptation()
        self._update_history()
        self._take_stock()
        self.datacollector.collect(self)

    def _reset_daily_records(self) -> None:
        self.new_on_coast = 0
        self.came_back_to_coast = 0
        self.left_coast = 0
        self.bookings = 0
        self.dismantled_gangs_day = dict.fromkeys(GANG_DAY_RECORDS, 0)
        for agent in (
            self.border_force,
            self.returns_unit,
            self.legal_route,
            self.work_enforcement,
            *self.gangs,
        ):
            agent.reset_day()

    def _take_stock(self) -> None:
        """Count the reported stocks and add up the gangs' day, once, for the reporters.

        Gangs dismantled today launched before they were dismantled: their day counts too.
        """
        totals = dict(self.dismantled_gangs_day)
        for gang in self.gangs:
            for name in GANG_DAY_RECORDS:
                totals[name] += getattr(gang, name)
        self.gang_totals = totals
        population = self.population
        self.state_counts = {
            state: int(np.count_nonzero(population.is_in(state))) for state in REPORTED_STOCKS
        }

    def _update_history(self) -> None:
        self.history["arrivals"].append(self.border_force.arrivals)
        self.history["detentions"].append(self.returns_unit.detentions)

    # --- phase: arrivals on the coast ------------------------------------------------------
    def arrive_on_coast(self) -> np.ndarray:
        """New migrants reach northern France, more in summer; returns everyone now there."""
        p = self.params
        season = 1.0 + p["arrival_seasonality"] * seasonal_cycle(self.date.timetuple().tm_yday)
        mean = p["arrivals_per_week"] / 7.0 * season * p["migrant_flow_scale"]
        self._come_back_to_coast()
        present = self.population.in_state(MigrantState.IN_FRANCE)
        count = int(self.streams["arrivals"].poisson(mean))
        return np.concatenate([present, self._add_migrants(count, present, already_waiting=False)])

    def _come_back_to_coast(self) -> None:
        """Some of those who left the coast come back to it and wait anew."""
        weekly = self.params["return_to_coast_per_week"]
        if weekly <= 0.0:
            return
        rng = self.streams["movement"]
        gone = self.population.in_state(MigrantState.LEFT)
        count = int(rng.binomial(len(gone), 1.0 - (1.0 - weekly) ** (1.0 / 7.0)))
        if count == 0:
            return
        back = rng.choice(gone, size=count, replace=False)
        self.population.state[back] = MigrantState.IN_FRANCE
        self.population.waiting_since_day[back] = self.day
        self.came_back_to_coast = count

    def _add_migrants(self, count: int, present: np.ndarray, already_waiting: bool) -> np.ndarray:
        """Add ``count`` newcomers, tied to the ``present`` people on the coast; their rows."""
        if count == 0:
            return np.zeros(0, dtype=np.int64)
        p = self.params
        rng = self.streams["arrivals"]
        groups = rng.choice(len(self.nationalities), size=count, p=self.nationalities.shares)
        waited = rng.integers(0, INITIAL_WAIT_SPREAD_DAYS, size=count) if already_waiting else 0
        rows = self.population.add(
            count,
            state=MigrantState.IN_FRANCE,
            nationality=groups,
            asylum_grant_likelihood=self.nationalities.grant_likelihood[groups],
            is_minor=rng.random(count) < p["minor_share"],
            uk_ties=rng.random(count) < p["uk_ties_share"],
            risk_aversion=rng.lognormal(0.0, 0.5, size=count),
            savings_gbp=p["savings_median_gbp"] * rng.lognormal(0.0, 0.6, size=count),
            arrival_day=self.day,
            waiting_since_day=self.day - waited,
            perceived_return_prob=self.published_return_rate(),
            perceived_job_prob=p["initial_perceived_job_prob"],
            perceived_place_prob=self.legal_route.published_place_chance(),
            has_identity_document=self.streams["legal_route"].random(count)
            < p["identity_document_share"],
        )
        self.new_on_coast += count
        for row in rows.tolist():
            Migrant(self, row)
        self._join_network(rows, groups, present)
        return rows

    def _join_network(self, rows: np.ndarray, groups: np.ndarray, present: np.ndarray) -> None:
        """Tie newcomers to people on the coast; they start from their contacts' beliefs."""
        population, network = self.population, self.network
        network.add_nodes(len(rows))
        if len(present) == 0:  # the first people on the coast tie among themselves
            present = rows
        ties = network.attach_newcomers(
            rows,
            groups,
            present,
            population.nationality.take(present),
            self.params["contacts_per_newcomer"],
            self.params["network_homophily"],
            self.streams["network"],
        )
        if len(ties) == 0:
            return
        newcomer = ties[:, 0] - rows[0]  # newcomers are the last rows, in one block
        count = np.bincount(newcomer, minlength=len(rows))
        has_contacts = count > 0
        for column in ("perceived_return_prob", "perceived_job_prob", "perceived_place_prob"):
            values = getattr(population, column)
            total = np.bincount(newcomer, weights=values[ties[:, 1]], minlength=len(rows))
            values[rows[has_contacts]] = total[has_contacts] / count[has_contacts]

    # --- phase: beliefs --------------------------------------------------------------------
    def published_return_rate(self) -> float:
        """Share of the last four weeks' arrivals held for return, less expected appeal wins.

        This is both the official figure and the actual chance that an arrival is returned.
        Detentions are counted on arrival, so the share is a probability even when returns lag
        behind them (returns per arrival can exceed 1 when arrivals collapse).
        """
        arrivals = sum(self.history["arrivals"])
        if not arrivals:
            return 0.0
        held = sum(self.history["detentions"]) * (1.0 - self.params["appeal_success_prob"])
        return min(held / arrivals, 1.0)

    def official_job_signal(self) -> float:
        """The job chance official messaging implies: finding work and not being caught."""
        caught_within_year = yearly_chance(self.work_enforcement.detection_per_week)
        return self.market.job_availability() * (1.0 - caught_within_year)

    def learn(self, rows: np.ndarray) -> None:
        """People on the coast (``rows``) update beliefs from contacts, officials, smugglers.

        Also records the mean beliefs on the coast, which the reporters read.
        """
        p, population = self.params, self.population
        for column in HEARD_COLUMNS:
            getattr(population, column)[:] *= self.news_decay
        self.mean_perceived_return_prob = self.mean_perceived_job_prob = math.nan
        self.mean_perceived_place_prob = math.nan
        if len(rows) == 0:
            return
        weights = (
            p["belief_weight_network"],
            p["belief_weight_official"],
            p["belief_weight_smugglers"],
        )
        # Gathers use take(): cheaper than fancy indexing, same values.
        returned, returned_confidence = network_signal(
            population.heard_returned.take(rows), population.heard_crossed.take(rows)
        )
        official_return = self.published_return_rate()
        perceived_return = update_beliefs(
            population.perceived_return_prob.take(rows),
            returned,
            returned_confidence,
            official_return,
            smuggler_return_claim(official_return, p["smuggler_misinformation"]),
            *weights,
        )
        self._know_own_return_risk(rows, perceived_return)
        population.perceived_return_prob[rows] = perceived_return
        found = population.heard_job_found.take(rows)
        job, job_confidence = network_signal(found, found + population.heard_job_failed.take(rows))
        perceived_job = update_beliefs(
            population.perceived_job_prob.take(rows),
            job,
            job_confidence,
            self.official_job_signal(),
            smuggler_job_claim(self.market.job_availability(), p["smuggler_misinformation"]),
            *weights,
        )
        population.perceived_job_prob[rows] = perceived_job
        admitted = population.heard_admitted.take(rows)
        place, place_confidence = network_signal(
            admitted, admitted + population.heard_not_selected.take(rows)
        )
        official_place = self.legal_route.published_place_chance()
        perceived_place = update_beliefs(
            population.perceived_place_prob.take(rows),
            place,
            place_confidence,
            official_place,
            smuggler_place_claim(official_place, p["smuggler_misinformation"]),
            *weights,
        )
        population.perceived_place_prob[rows] = perceived_place
        population.savings_gbp[rows] += p["family_support_gbp_per_day"]
        self.mean_perceived_return_prob = float(perceived_return.mean())
        self.mean_perceived_job_prob = float(perceived_job.mean())
        self.mean_perceived_place_prob = float(perceived_place.mean())

    def _know_own_return_risk(self, rows: np.ndarray, perceived_return: np.ndarray) -> None:
        """People returned before believe at least their own risk if they cross again.

        Their biometrics are on file: while the pilot runs, a recrossing is recognised at the
        declared rate and goes first for return (see ``ReturnsUnit.consider_for_return``).
        """
        p = self.params
        own_risk = (
            p["own_return_risk_awareness"]
            * p["returned_recrossing_detection_prob"]
            * (1.0 - p["appeal_success_prob"])
        )
        if own_risk <= 0.0 or not self.returns_unit.running:
            return
        returned_before = self.population.times_returned.take(rows) > 0
        np.maximum(perceived_return, own_risk, out=perceived_return, where=returned_before)

    def spread_news(self, rows: np.ndarray, heard_column: str) -> None:
        """Contacts of ``rows`` hear of what happened to them (one count per tie)."""
        if len(rows) == 0:
            return
        listeners = self.network.neighbours_of(rows)
        np.add.at(getattr(self.population, heard_column), listeners, 1.0)

    # --- phase: decisions ------------------------------------------------------------------
    def market_price_gbp(self) -> float:
        """The going price of a seat: the mean of the active gangs' prices."""
        if not len(self.gangs):
            return self.params["initial_price_gbp"]
        prices = self.gangs.get("price_gbp")
        return sum(prices) / len(prices)

    def decide(self, on_coast: np.ndarray) -> None:
        """Everyone on the coast not booked or in legal-route checks makes today's choice."""
        population = self.population
        free = population.booked_gang.take(on_coast) == NO_GANG
        free &= ~population.legal_selected.take(on_coast)
        rows = on_coast[free]
        if len(rows) == 0:
            return
        choices = self.choose(rows)
        self._book_crossings(rows[choices == int(Choice.CROSS)])
        self.legal_route.register(rows[choices == int(Choice.REGISTER)])
        leaving = rows[choices == int(Choice.LEAVE)]
        population.state[leaving] = MigrantState.LEFT
        self.left_coast += len(leaving)

    def choose(self, rows: np.ndarray) -> np.ndarray:
        """The logit choice of each migrant in ``rows`` (see :mod:`agents.decisions`)."""
        p, population = self.params, self.population
        price = self.market_price_gbp()
        savings = population.savings_gbp.take(rows)  # take(): cheaper than fancy indexing
        never_tried = population.illegal_attempts.take(rows) == 0
        registered = population.registered.take(rows)
        window_open = self.legal_route.window_open()
        perceptions = Perceptions(
            return_prob=population.perceived_return_prob.take(rows),
            job_prob=population.perceived_job_prob.take(rows),
            legal_place_prob=population.perceived_place_prob.take(rows),
            death_risk=p["death_risk_per_crossing"],
            price_share_of_savings=price / np.maximum(savings, 1.0),
            can_afford=(savings >= price) & (len(self.gangs) > 0),
            can_register=never_tried
            & ~registered
            & window_open
            & population.has_identity_document.take(rows),
            is_registered=registered & never_tried,
            uk_ties=population.uk_ties.take(rows),
            asylum_grant_likelihood=population.asylum_grant_likelihood.take(rows),
            risk_aversion=population.risk_aversion.take(rows),
            days_waiting=(self.day - population.waiting_since_day.take(rows)).astype(float),
        )
        probabilities = nested_choice_probabilities(
            option_utilities(perceptions, self.utility_weights),
            self.utility_weights.registration_nest_scale,
        )
        return sample_choices(probabilities, self.streams["decisions"].random(len(rows)))

    def _book_crossings(self, rows: np.ndarray) -> None:
        gangs = list(self.gangs)
        if len(rows) == 0 or not gangs:
            return
        prices = np.array([gang.price_gbp for gang in gangs])
        launch_points = np.array([gang.launch_points for gang in gangs], dtype=float)
        # Each customer picks a gang independently: draw how many go to each gang, then who.
        rng = self.streams["decisions"]
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

    # --- services the agents call ----------------------------------------------------------
    def record_attempts(self, rows: np.ndarray) -> None:
        """Put an illegal crossing attempt on the record of ``rows``."""
        self.population.illegal_attempts[rows] += 1

    def send_back_to_camp(self, rows: np.ndarray) -> None:
        """Return ``rows`` to waiting on the coast, unbooked."""
        self.population.state[rows] = MigrantState.IN_FRANCE
        self.population.booked_gang[rows] = NO_GANG

    # --- phase: the weekly round -----------------------------------------------------------
    def weekly_adaptation(self) -> None:
        """Gangs adapt, investigations dismantle some, new gangs enter, employers adapt."""
        gangs = list(self.gangs)
        for gang in gangs:
            gang.adapt()
        for gang in self.police.dismantle_gangs(gangs):
            self.send_back_to_camp(gang.release_customers())
            for name in GANG_DAY_RECORDS:
                self.dismantled_gangs_day[name] += getattr(gang, name)
            gang.remove()
        self._enter_new_gang(gangs)
        for employer in self.employers_list:
            employer.adapt()

    def _enter_new_gang(self, previous: list[SmugglingGang]) -> None:
        p = self.params
        profits = [gang.profit_estimate_gbp for gang in self.gangs]
        waiting = int(np.count_nonzero(self.population.is_in(MigrantState.IN_FRANCE)))
        mean_profit = sum(profits) / len(profits) if profits else 0.0
        if new_gang_enters(mean_profit, p["gang_entry_profit_gbp_per_week"], len(profits), waiting):
            price = self.market_price_gbp() if previous else p["initial_price_gbp"]
            SmugglingGang(self, p["launch_points_per_gang"], price)
