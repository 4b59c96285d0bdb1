"""A live run for the app: the policy run and its no-policy counterfactual, stepped together.

Both models share the seed, so the gap between their arrivals is the policy's effect, as in
``model.run.run_scenario``; here they advance a week at a time so the page can draw as it goes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from agents.migrants import MigrantState
from model.model import ChannelModel
from model.parameters import check_seed, validate
from model.run import counterfactual_of, daily_series, has_policy, weekly_series
from model.scenarios import load_scenario

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


@dataclass
class LiveRun:
    """A policy model and its counterfactual, advanced together."""

    scenario: str
    seed: int
    overrides: dict[str, Any]
    policy: ChannelModel = field(init=False)
    counterfactual: ChannelModel | None = field(init=False)

    def __post_init__(self) -> None:
        """Build both models (raises ParameterError on a bad value)."""
        # The play thread advances while the page reads: each holds the lock for a whole week
        # or a whole read, so the page never sees the two runs at different days.
        self._lock = threading.Lock()
        check_seed(self.seed)
        parameters = validate({**load_scenario(self.scenario), **self.overrides})
        self.policy = ChannelModel(seed=self.seed, **parameters)
        self.counterfactual = (
            ChannelModel(seed=self.seed, **counterfactual_of(parameters))
            if has_policy(parameters)
            else None
        )

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.policy.steps

    def advance(self, days: int = DAYS_PER_STEP) -> None:
        """Simulate ``days`` more days of both runs."""
        with self._lock:
            for _ in range(days):
                self.policy.step()
                if self.counterfactual is not None:
                    self.counterfactual.step()

    def weekly(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Weekly series of the policy run and of its counterfactual (the same when no policy)."""
        with self._lock:
            if self.day == 0:
                return pd.DataFrame(), pd.DataFrame()
            policy = weekly_series(daily_series(self.policy, CHART_RECORDS))
            if self.counterfactual is None:
                return policy, policy
            return policy, weekly_series(daily_series(self.counterfactual, CHART_RECORDS))

    def network_sample(self, size: int) -> tuple[nx.Graph, np.ndarray]:
        """Ties among up to ``size`` people on the coast, and their perceived return risk."""
        with self._lock:
            people = coast_neighbourhood(self.policy, size)
            graph = self.policy.network.to_networkx(people)
            return graph, self.policy.population.perceived_return_prob[list(graph.nodes)]


def coast_neighbourhood(model: ChannelModel, size: int) -> np.ndarray:
    """Up to ``size`` people on the coast, found by following ties from the longest-waiting.

    Following ties (rather than drawing at random) keeps the sample's contacts in view.
    """
    coast = model.population.in_state(MigrantState.IN_FRANCE)
    if len(coast) == 0:
        return coast
    on_coast = np.zeros(len(model.population), dtype=bool)
    on_coast[coast] = True
    chosen = [int(coast[0])]
    seen = set(chosen)
    frontier = np.array(chosen)
    while len(chosen) < size and len(frontier):
        nearby = np.unique(model.network.neighbours_of(frontier))
        nearby = [int(n) for n in nearby[on_coast[nearby]] if int(n) not in seen]
        nearby = nearby[: size - len(chosen)]
        seen.update(nearby)
        chosen.extend(nearby)
        frontier = np.array(nearby, dtype=np.int64)
    return np.array(chosen, dtype=np.int64)
