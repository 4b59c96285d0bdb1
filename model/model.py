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

import copy
import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector

from agents.arrangements import ReturnsArrangements
from agents.coast import Coast
from agents.employers import (
    EMPLOYERS_PER_SECTOR,
    Employer,
    IllegalWorkingEnforcement,
    IllegalWorkMarket,
)
from agents.enforcement import FrenchCoastalPolice, UKBorderForce
from agents.migrants import Migrant, MigrantPopulation, MigrantState
from agents.network import SocialNetwork
from agents.returns import LegalRoute, ReturnsUnit
from agents.smugglers import SmugglingGang, market_price_gbp, new_gang_enters
from agents.world import PolicyCalendar
from model import reporters
from model.data import load_nationalities, load_sectors
from model.memory_budget import check_memory
from model.nationality_mix import mix_of_year
from model.observed import red_days
from model.parameters import check_seed, validate
from model.pilot_record import pilot_record
from model.returns_arrangements import NEVER_IN_FORCE, in_force_days, shipped_arrangements
from model.weather import Weather

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
    "arrangements",
)
"""Independent random streams spawned from the model's seeded generator. Weather and arrivals
draw from their own streams, so a policy run and its counterfactual with the same seed share
the same weather and the same people arriving (common random numbers). A new stream goes at
the end, so that the others' draws stay the same."""

NO_POLICY = MappingProxyType(
    {
        "return_cap_per_week": 0,
        "return_cap_growth_per_week": 0.0,
        "returns_follow_record": False,
        "crackdown_intensity": 0.0,
    }
)
"""The policy levers switched off: the counterfactual of a policy run."""

FORKABLE = frozenset({*NO_POLICY, "legal_route_share"})
"""Parameters that act only from the policy's first day, so that a run forked there may differ
in them: the levers, and the legal route's places per return (no one registers before it)."""

ARRANGEMENT_PARAMETERS = frozenset(
    {
        "returns_arrangements",
        "arrangement_removal_prob",
        "arrangement_processing_days",
        "arrangement_publicised",
    }
)
"""Parameters of the returns arrangements, which act only from the first day one is in force
(:func:`arrangements_first_day`): a run forked on or before that day may differ in them."""

FREE_BEFORE_POLICY = FORKABLE | ARRANGEMENT_PARAMETERS
"""Parameters that no day before the policy and the arrangements depends on: runs differing only
in them share those days (the fork, the prefix cache, the sweeps' grouping of runs)."""


def arrangements_first_day(parameters: Mapping[str, Any]) -> int:
    """The first day of the run on which a shipped returns arrangement is in force.

    0 when one came into force before the run's start; :data:`NEVER_IN_FORCE` when there is
    none. Whether the arrangements are on does not matter: it is the day from which a run with
    them and one without can differ.
    """
    return _first_day_in_force(parameters["start_date"])


@lru_cache(maxsize=64)  # asked on every fork and prefix-cache lookup; it depends on the start
def _first_day_in_force(start_date: dt.date) -> int:
    names = load_nationalities().names
    days = in_force_days(shipped_arrangements(names), names, start_date)
    return max(int(days.min()), 0)  # NEVER_IN_FORCE for every group when none has one


REPORTED_STOCKS = (
    MigrantState.IN_FRANCE,
    MigrantState.AWAITING_RETURN,
    MigrantState.IN_UK,
    MigrantState.AWAITING_REMOVAL,
)
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


DAYS_RESERVED_BY_DEFAULT = 364
"""Days of arrivals the population's arrays are sized for when the run's horizon is not known
(52 weeks, as before the horizon could be given)."""


class ChannelModel(Model):
    """Deterrence in English Channel small-boat migration (see the module docstring).

    Args:
        seed: seeds every random draw of the run; the same seed reproduces a run exactly.
        **parameters: any parameter of :data:`model.parameters.PARAMETERS`; unknown names and
            values out of bounds raise :class:`model.parameters.ParameterError`.
    """

    def __init__(self, seed: int = 0, horizon_days: int | None = None, **parameters: Any) -> None:
        """Build the coast, the gangs, enforcement and the labour market on day 0.

        ``horizon_days``, when the caller knows how long the run will be, sizes the memory
        reserved for the people arriving to that horizon (a year when not given); more is
        added if the run goes on longer.
        """
        values = validate(parameters)
        if horizon_days is not None:
            check_memory(values, horizon_days)
        super().__init__(rng=check_seed(seed))
        self.seed = seed
        self.params = MappingProxyType(values)
        self.streams = dict(zip(RANDOM_STREAMS, self.rng.spawn(len(RANDOM_STREAMS)), strict=True))
        self.start_date: dt.date = values["start_date"]
        self.day = 0
        self.calendar = PolicyCalendar.of(self.start_date, values)
        self.nationalities = mix_of_year(load_nationalities(), values["nationality_mix_year"])
        self.weather = Weather(
            self.start_date,
            values["calm_day_share_winter"],
            values["calm_day_share_summer"],
            values["weather_persistence"],
            self.streams["weather"],
            documented=red_days() if values["weather_follows_record"] else (),
        )
        self.coast = Coast(self, self._expected_migrants(horizon_days))
        self.population: MigrantPopulation = self.coast.population
        self.network: SocialNetwork = self.coast.network
        self._migrant_views: dict[int, Migrant] = {}
        self.police = FrenchCoastalPolice(self)
        self.border_force = UKBorderForce(self)
        returns_target, admissions_target = self._record_targets()
        self.returns_unit = ReturnsUnit(self, returns_target)
        self.legal_route = LegalRoute(self, admissions_target)
        self.arrangements = self._create_arrangements()
        self.work_enforcement = IllegalWorkingEnforcement(self)
        self.employers_list = self._create_employers()
        self.market = IllegalWorkMarket(self)
        for _ in range(max(1, round(values["initial_gangs"] * values["migrant_flow_scale"]))):
            SmugglingGang(self, values["launch_points_per_gang"], values["initial_price_gbp"])
        self._reset_daily_records()
        self.coast.add_people(
            round(values["initial_waiting_in_france"] * values["migrant_flow_scale"]),
            present=np.zeros(0, dtype=np.int64),
            already_waiting=True,
        )
        self._take_stock()
        self.datacollector = DataCollector(model_reporters=reporters.DAILY_REPORTERS)

    # --- forking at the policy's start -----------------------------------------------------
    def fork(self, parameters: Mapping[str, Any]) -> ChannelModel:
        """A copy of this model as it stands, going on with other policy levers.

        A policy run and its counterfactual are the same run until the policy's first day
        (common random numbers), so the counterfactual can be run to that day once and forked.
        Only the parameters in :data:`FORKABLE` may differ from this model's, and those in
        :data:`ARRANGEMENT_PARAMETERS` up to the first day a returns arrangement is in force.

        Raises:
            ValueError: if any other parameter differs, or an arrangement's after its first
                day (a fork would not be that run).
        """
        values = validate(parameters)
        changed = {name for name in values if values[name] != self.params[name]}
        others = sorted(changed - FORKABLE - ARRANGEMENT_PARAMETERS)
        if others:
            raise ValueError(f"a fork may change only the policy levers, not {others}")
        first_day = arrangements_first_day(self.params)
        arrangements = sorted(changed & ARRANGEMENT_PARAMETERS)
        if arrangements and self.steps > first_day:  # days simulated: 0 to steps - 1
            raise ValueError(
                f"a fork after {self.steps} days may not change {arrangements}: allowed after "
                f"at most {first_day}, before the first day a returns arrangement is in force"
            )
        frozen, self.params = self.params, dict(self.params)  # a mappingproxy cannot be copied
        try:
            twin = copy.deepcopy(self)
        finally:
            self.params = frozen
        twin.params = MappingProxyType(values)
        twin.returns_unit.record_target, twin.legal_route.record_target = twin._record_targets()
        return twin

    # --- set-up ----------------------------------------------------------------------------
    def _record_targets(self):
        """The record's cumulative returns and admissions by day of the run, when followed.

        Both start from zero the day before the first return; after the last reported date
        they grow at ``returns_after_record_per_week`` (places at parity with returns). A run
        that starts after the first return counts only what the record adds from its start:
        the returns and admissions made before it are not the run's to make.
        """
        if not self.params["returns_follow_record"]:
            return None, None
        record = pilot_record()
        origin = self.params["first_return_date"] - dt.timedelta(days=1)
        pace = self.params["returns_after_record_per_week"] / 7.0
        start = self.start_date
        targets = []
        for column in ("returned", "admitted"):
            by_date = record.cumulative(column, origin, pace)
            before = by_date(start - dt.timedelta(days=1))  # 0 when the run starts first
            targets.append(
                lambda day, by_date=by_date, before=before: (
                    by_date(start + dt.timedelta(days=day)) - before
                )
            )
        return tuple(targets)

    def _create_arrangements(self) -> ReturnsArrangements:
        """The returns arrangements of ``returns_arrangements.csv``, by day of the run."""
        names = self.nationalities.names
        days = in_force_days(shipped_arrangements(names), names, self.start_date)
        return ReturnsArrangements(self, days, listed=days != NEVER_IN_FORCE)

    def _expected_migrants(self, horizon_days: int | None) -> int:
        """People expected to reach the coast by the horizon (a year if not given), plus 10%."""
        p = self.params
        days = DAYS_RESERVED_BY_DEFAULT if horizon_days is None else max(horizon_days, 1)
        expected = p["arrivals_per_week"] / 7 * days + p["initial_waiting_in_france"]
        return int(expected * p["migrant_flow_scale"] * 1.1) + 16

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

    def migrant(self, row: int) -> Migrant:
        """The person at ``row`` of the population as a Mesa agent (made when first asked)."""
        if not 0 <= row < len(self.population):
            raise IndexError(f"no migrant at row {row}: allowed is 0 to {len(self.population) - 1}")
        if row not in self._migrant_views:
            self._migrant_views[row] = Migrant(self, row)
        return self._migrant_views[row]

    def step(self) -> None:
        """Simulate one day, phase by phase in the order of the ODD (3.1), then record it."""
        self.day = self.steps - 1
        self._reset_daily_records()
        self.weather.advance(self.date)
        on_coast = self.coast.arrive()
        self.coast.learn(on_coast)
        self.coast.decide(on_coast)
        if len(self.gangs):
            self.gangs.shuffle_do("step")
        self.border_force.step()
        self.returns_unit.step()
        self.arrangements.step()
        self.legal_route.step()
        self.market.step()
        self.work_enforcement.step()
        if (self.day + 1) % 7 == 0:
            self.weekly_adaptation()
        self.returns_unit.close_day()
        self._take_stock()
        self.datacollector.collect(self)

    def _reset_daily_records(self) -> None:
        self.dismantled_gangs_day = dict.fromkeys(GANG_DAY_RECORDS, 0)
        self.coast.reset_day()
        for agent in (
            self.border_force,
            self.returns_unit,
            self.arrangements,
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

    def market_price_gbp(self) -> float:
        """The going price of a seat: the mean of the active gangs' prices."""
        return market_price_gbp(self.gangs, self.params["initial_price_gbp"])

    # --- phase: the weekly round -----------------------------------------------------------
    def weekly_adaptation(self) -> None:
        """Gangs adapt, investigations dismantle some, new gangs enter, employers adapt."""
        gangs = list(self.gangs)
        for gang in gangs:
            gang.adapt()
        for gang in self.police.dismantle_gangs(gangs):
            self.population.unbook(gang.release_customers())
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
