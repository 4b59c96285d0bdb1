"""A live run for the app: the policy run and its no-policy counterfactual, stepped together.

Both share the seed, so the gap between their arrivals is the policy's effect, as in
``model.run.run_scenario``; here they advance a week at a time so the page can draw as it goes.
Until the policy's first day the two are one run; there it forks (``ChannelModel.fork``), and
the state at the fork is kept, so that moving a policy lever goes on from it to the same day
instead of starting again from day 0.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from agents.migrants import MigrantState
from model.model import FORKABLE, ChannelModel
from model.parameters import check_seed
from model.run import (
    MAX_DAYS,
    PrefixCache,
    counterfactual_of,
    deterrence_figures,
    has_policy,
    policy_start_date,
    shared_days,
)
from model.scenarios import check_shipped, scenario_parameters
from viz.charts import WeeklyPoints
from viz.live_weekly import WeeklyRecords

DAYS_PER_STEP = 7

CHART_RECORDS = (
    "arrivals",
    "boats_arrived",
    "returns",
    "legal_admissions",
    "return_cap_this_week",
    "perceived_return_prob",
    "actual_return_prob",
    "job_availability",
    "illegal_employment",
    "smuggler_price_gbp",
)
"""The daily records the live page shows (aggregating only these keeps a step fast)."""

TOTAL_RECORDS = ("arrivals", "attempts", "boats_arrived", "returns", "legal_admissions")
"""The daily records the live page adds up: the totals shown, and those of the effect
(:func:`model.run.deterrence_figures`)."""

PRE_POLICY_STATES = PrefixCache(size=2)
"""States at the policy's first day, shared by every session: a second jump to the policy's
start with the same seed and behaviour (any policy levers) copies one instead of simulating."""

_PRE_POLICY_LOCK = threading.Lock()  # sessions are served on several threads


@dataclass
class LiveRun:
    """A policy run and its counterfactual, one run until the policy's first day, then forked."""

    scenario: str
    seed: int
    overrides: dict[str, Any]
    counterfactual: ChannelModel = field(init=False)
    _forked: ChannelModel | None = field(init=False, default=None)
    _at_fork: ChannelModel | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        """Build the run at day 0 (raises ParameterError on a bad value)."""
        # The play thread advances while the page reads: each holds the lock for a whole week
        # or a whole read, so the page never sees the two runs at different days.
        self._lock = threading.Lock()
        check_seed(self.seed)
        check_shipped(self.scenario)
        self.parameters = scenario_parameters(self.scenario, **self.overrides)
        self.fork_day = shared_days(self.parameters, MAX_DAYS)
        self.counterfactual = ChannelModel(seed=self.seed, **counterfactual_of(self.parameters))
        self._records: dict[int, WeeklyRecords] = {}

    @property
    def policy(self) -> ChannelModel:
        """The policy run (the counterfactual itself until the policy's first day)."""
        return self._forked if self._forked is not None else self.counterfactual

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.counterfactual.steps

    @property
    def has_policy(self) -> bool:
        """Whether any policy lever is on (else the run is its own counterfactual)."""
        return has_policy(self.parameters)

    @property
    def forked(self) -> bool:
        """Whether the run has reached the policy's first day (and the two runs differ)."""
        return self._forked is not None

    def advance(self, days: int = DAYS_PER_STEP) -> None:
        """Simulate ``days`` more days of both runs."""
        with self._lock:
            self._step(days)

    def _step(self, days: int) -> None:
        for _ in range(days):
            self._fork_if_due()
            self.counterfactual.step()
            if self._forked is not None:
                self._forked.step()

    def can_jump(self) -> bool:
        """Whether there is a policy whose first day is still ahead."""
        return self.has_policy and self.day < self.fork_day

    def jump_to_policy_start(self) -> str:
        """Simulate the days up to the policy's first day at once; says how it got there.

        From day 0 the state at that day is copied from :data:`PRE_POLICY_STATES` when a run
        with the same seed and behaviour got there before (the same run, bit for bit: see
        ``tests/test_fork.py``); else it is simulated, and kept for the next.
        """
        with self._lock:
            if not self.can_jump():
                return ""
            if self.day > 0:
                days = self.fork_day - self.day
                self._step(days)
                return f"Simulated the {days} days to the policy's start in one go."
            with _PRE_POLICY_LOCK:
                hits = PRE_POLICY_STATES.hits
                self.counterfactual = PRE_POLICY_STATES.start(
                    counterfactual_of(self.parameters), self.seed, self.fork_day
                )
                cached = PRE_POLICY_STATES.hits > hits
        if cached:
            return (
                f"Took the state at the policy's start (day {self.fork_day}) from the saved "
                "states of earlier runs with this seed and behaviour."
            )
        return f"Simulated the {self.fork_day} days before the policy in one go."

    def _fork_if_due(self) -> None:
        if self._forked is None and self.day == self.fork_day:
            self._at_fork = self.counterfactual.fork(counterfactual_of(self.parameters))
            self._forked = self.counterfactual.fork(self.parameters)

    def change_levers(self, overrides: dict[str, Any]) -> bool:
        """Go on with new lever values from the fork, to today; False if it cannot.

        It can when only policy levers change (``model.model.FORKABLE``) and the new policy
        starts no earlier than the fork; otherwise the caller starts a new run.
        """
        parameters = scenario_parameters(self.scenario, **overrides)
        changed = {name for name in parameters if parameters[name] != self.parameters[name]}
        new_fork_day = shared_days(parameters, MAX_DAYS)
        if not changed <= FORKABLE or new_fork_day < min(self.fork_day, self.day):
            return False
        with self._lock:
            self.overrides, self.parameters = dict(overrides), parameters
            if self._at_fork is None:  # not forked yet: it will fork with the new levers
                self.fork_day = new_fork_day
                return True
            self._forked = self._at_fork.fork(parameters)
            while self._forked.steps < self.counterfactual.steps:
                self._forked.step()
        return True

    def _records_of(self, model: ChannelModel) -> WeeklyRecords:
        """The weekly records of ``model``, one of the two runs (the lock is held)."""
        records = self._records.get(id(model))
        if records is None or records.model is not model:
            records = WeeklyRecords(model, CHART_RECORDS, TOTAL_RECORDS)
        return records

    def _current_records(self) -> tuple[WeeklyRecords, WeeklyRecords]:
        """The policy run's and the counterfactual's records (the lock is held).

        A run replaced since (by a fork, a lever change or a jump) gets new records, read from
        its whole history once; the records of runs gone are dropped with them.
        """
        policy = self._records_of(self.policy)
        counterfactual = self._records_of(self.counterfactual)
        self._records = {id(self.policy): policy, id(self.counterfactual): counterfactual}
        return policy, counterfactual

    def weekly(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Weekly series of the policy run and of its counterfactual (the same when no policy)."""
        with self._lock:
            policy, counterfactual = self._current_records()
            return policy.table(), counterfactual.table()

    def weekly_points(self) -> tuple[WeeklyPoints, WeeklyPoints]:
        """The weekly series of :meth:`weekly` as chart points."""
        with self._lock:
            policy, counterfactual = self._current_records()
            return policy.points(), counterfactual.points()

    def totals(self, name: str) -> tuple[int, int]:
        """A daily record of :data:`TOTAL_RECORDS` added up so far, with the policy and without."""
        with self._lock:
            policy, counterfactual = self._current_records()
            return policy.total(name), counterfactual.total(name)

    def effect(self, last_days: int | None = None) -> dict[str, Any] | None:
        """The policy's effect so far, as :func:`model.run.deterrence` measures it.

        From the policy's first day to the last simulated day, or over the last ``last_days``
        days when they start later; with ``from_date`` and ``to_date``. None before the
        policy's first day (or with no policy).
        """
        with self._lock:
            if self._forked is None or self.day == 0:
                return None
            start_date = self.counterfactual.start_date
            from_day = (policy_start_date(self.parameters) - start_date).days
            if last_days is not None:
                from_day = max(from_day, self.day - last_days)
            policy, counterfactual = self._current_records()
            figures = deterrence_figures(
                (policy.total("arrivals", from_day), counterfactual.total("arrivals", from_day)),
                (policy.total("attempts", from_day), counterfactual.total("attempts", from_day)),
                counterfactual.total("arrivals"),
            )
            to_date = start_date + dt.timedelta(days=self.day - 1)
        return {
            "from_date": start_date + dt.timedelta(days=from_day),
            "to_date": to_date,
            **figures,
        }

    def network_sample(self, size: int) -> tuple[nx.Graph, np.ndarray]:
        """Ties among up to ``size`` people on the coast, and their perceived return risk."""
        with self._lock:
            people = coast_neighbourhood(self.policy, size)
            graph = self.policy.network.to_networkx(people)
            return graph, self.policy.population.perceived_return_prob[list(graph.nodes)]


def coast_neighbourhood(model: ChannelModel, size: int) -> np.ndarray:
    """Up to ``size`` people on the coast, found by following ties from the longest-waiting.

    Following ties (rather than drawing at random) keeps the sample's contacts in view; when
    the people reached have no more contacts on the coast, the next longest-waiting person
    not yet shown starts another group.
    """
    coast = model.population.in_state(MigrantState.IN_FRANCE)
    if len(coast) == 0:
        return coast
    on_coast = np.zeros(len(model.population), dtype=bool)
    on_coast[coast] = True
    chosen: list[int] = []
    seen: set[int] = set()
    frontier = np.array([], dtype=np.int64)
    waiting = iter(coast.tolist())
    while len(chosen) < size:
        if not len(frontier):
            newcomer = next((person for person in waiting if person not in seen), None)
            if newcomer is None:
                break
            chosen.append(newcomer)
            seen.add(newcomer)
            frontier = np.array([newcomer], dtype=np.int64)
            continue
        nearby = np.unique(model.network.neighbours_of(frontier))
        nearby = [int(n) for n in nearby[on_coast[nearby]] if int(n) not in seen]
        nearby = nearby[: size - len(chosen)]
        seen.update(nearby)
        chosen.extend(nearby)
        frontier = np.array(nearby, dtype=np.int64)
    return np.array(chosen, dtype=np.int64)
