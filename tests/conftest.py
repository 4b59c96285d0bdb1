"""Shared runs of the model for the test suite.

A full year of the model takes one to two seconds on the CI machine (two cores), so every
full-year run that more than one test reads is made once per session here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agents.migrants import NEVER, MigrantState
from model.model import ChannelModel
from model.run import RunResult, run_scenario, simulate
from model.scenarios import scenario_names, scenario_parameters

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SMOKE_SEED = 1
"""Seed of the shared full-year run of every shipped scenario."""

EARLY_PILOT = {
    "start_date": dt.date(2025, 1, 1),
    "pilot_start_date": dt.date(2025, 2, 1),
    "first_return_date": dt.date(2025, 2, 10),
    "return_cap_per_week": 200,
}
"""The pilot moved to the start of the year, so that detentions, returns and legal-route
admissions all happen in a short run."""

CONSERVATION_DAYS = 240


@pytest.fixture(scope="session")
def scenario_runs() -> dict[str, RunResult]:
    """A full year of every shipped scenario (with its counterfactual), seed ``SMOKE_SEED``."""
    return {name: run_scenario(name, seed=SMOKE_SEED) for name in scenario_names()}


@pytest.fixture(scope="session")
def pilot_run(scenario_runs: dict[str, RunResult]) -> RunResult:
    """The shipped pilot scenario, a full year, with its no-policy counterfactual."""
    return scenario_runs["pilot"]


@dataclass
class Trace:
    """A model run day by day, with what the conservation tests check recorded every day."""

    model: ChannelModel
    parameters: dict
    initial_migrants: int
    initial_agents: int
    daily: pd.DataFrame
    days: pd.DataFrame


def _snapshot(model: ChannelModel) -> dict:
    """The quantities the invariants compare, read from the model at the end of a day."""
    population = model.population
    state = population.state
    counts = population.state_counts()
    in_books = (
        np.concatenate([gang.customers for gang in model.gangs])
        if len(model.gangs)
        else np.zeros(0, dtype=np.int64)
    )
    arrived_and_staying = np.isin(
        state,
        [
            MigrantState.AWAITING_RETURN,
            MigrantState.IN_UK,
            MigrantState.REMOVED,
            MigrantState.AWAITING_REMOVAL,
        ],
    )
    record = {f"count_{s.name}": int(counts[s]) for s in MigrantState}
    record.update(
        n_counted=int(counts.sum()),
        n_state_slots=len(counts),
        n_population=len(population),
        min_state=int(state.min()),
        max_state=int(state.max()),
        attempts_on_record=int(population.illegal_attempts.sum()),
        times_returned=int(population.times_returned.sum()),
        ever_arrived=int(np.count_nonzero(population.uk_arrival_day != NEVER)),
        ever_arrived_by_history=int(
            np.count_nonzero((population.times_returned > 0) | arrived_and_staying)
        ),
        arrived_and_staying=int(np.count_nonzero(arrived_and_staying)),
        detained_listed=len(model.returns_unit.detained),
        detained_listed_not_awaiting=int(
            np.count_nonzero(state[model.returns_unit.detained] != MigrantState.AWAITING_RETURN)
        ),
        removed_today=int(model.work_enforcement.removed),
        removed_home_today=int(model.arrangements.removals),
        booked_not_in_france=int(np.count_nonzero(state[in_books] != MigrantState.IN_FRANCE)),
        booked_twice=len(in_books) - len(np.unique(in_books)),
        legal_with_attempt=int(
            np.count_nonzero((state == MigrantState.LEGAL_UK) & (population.illegal_attempts > 0))
        ),
        minors_detained_or_returned=int(
            np.count_nonzero(
                population.is_minor
                & ((state == MigrantState.AWAITING_RETURN) | (population.times_returned > 0))
            )
        ),
        total_returns=int(model.returns_unit.total_returns),
        total_admissions=int(model.legal_route.total_admissions),
    )
    return record


@pytest.fixture(scope="session")
def conservation_trace() -> Trace:
    """The pilot scenario with an early pilot, stepped day by day and checked every day."""
    parameters = scenario_parameters("pilot", **EARLY_PILOT)
    model = ChannelModel(seed=3, **parameters)
    initial_migrants = len(model.population)
    initial_agents = len(model.agents)
    days = []
    for _ in range(CONSERVATION_DAYS):
        model.step()
        days.append(_snapshot(model))
    daily = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    return Trace(model, parameters, initial_migrants, initial_agents, daily, pd.DataFrame(days))


HIGH_CAP = {
    "start_date": dt.date(2025, 1, 1),
    "pilot_start_date": dt.date(2025, 6, 1),
    "first_return_date": dt.date(2025, 6, 10),
    "return_cap_per_week": 500,
    "migrant_flow_scale": 2.0,
}
"""Twice the flow and a cap of 500 returns a week from June: the cap binds in some weeks."""


@pytest.fixture(scope="session")
def high_cap_daily() -> pd.DataFrame:
    """Daily series of the high-flow, high-cap pilot (240 days from 1 January)."""
    _, daily = simulate(scenario_parameters("pilot", **HIGH_CAP), seed=2, days=240)
    return daily
