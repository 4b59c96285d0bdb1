"""A live run for the app: the policy run and its no-policy counterfactual, stepped together.

Both models share the seed, so the gap between their arrivals is the policy's effect, as in
``model.run.run_scenario``; here they advance a week at a time so the page can draw as it goes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from model.model import ChannelModel
from model.parameters import validate
from model.run import counterfactual_of, daily_series, has_policy, weekly_series
from model.scenarios import load_scenario

DAYS_PER_STEP = 7


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
            policy = weekly_series(daily_series(self.policy))
            if self.counterfactual is None:
                return policy, policy
            return policy, weekly_series(daily_series(self.counterfactual))
