"""The memory budget: runs whose estimate passes the declared limit are refused in one line."""

from __future__ import annotations

import pytest

from experiments.engine.spec import SweepError, parse_sweep
from model.memory_budget import (
    LIMIT_VARIABLE,
    MemoryBudgetError,
    check_memory,
    estimated_peak_mib,
    limit_gib,
)
from model.model import ChannelModel
from model.run import simulate
from model.scenarios import scenario_parameters

HUGE = {"migrant_flow_scale": 50.0, "arrivals_per_week": 20000.0}


def _values(**changes) -> dict:
    return {**scenario_parameters("pilot"), **changes}


def test_the_estimate_grows_with_flow_scale_horizon_and_runs_held():
    base = estimated_peak_mib(_values(), 365)
    assert base < 1024  # the shipped scale fits easily
    assert estimated_peak_mib(_values(migrant_flow_scale=25.0), 365) > 3 * base
    assert estimated_peak_mib(_values(), 730) > estimated_peak_mib(_values(), 365)
    assert estimated_peak_mib(_values(), 365, runs_at_once=3) > base


def test_a_run_past_the_limit_is_refused_before_it_starts_in_one_line(monkeypatch):
    monkeypatch.delenv(LIMIT_VARIABLE, raising=False)
    with pytest.raises(MemoryBudgetError) as error:
        simulate(_values(**HUGE), seed=1, days=365)
    message = str(error.value)
    assert "\n" not in message and "allowed is at most 12 GiB" in message
    assert "migrant_flow_scale=50" in message
    with pytest.raises(MemoryBudgetError):
        ChannelModel(seed=1, horizon_days=365, **_values(**HUGE))
    ChannelModel(seed=1, horizon_days=2, **_values(migrant_flow_scale=2.0))  # a short run fits


def test_the_limit_is_declared_and_can_be_set(monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "0.2")
    assert limit_gib() == 0.2
    with pytest.raises(MemoryBudgetError, match=r"allowed is at most 0\.2 GiB"):
        check_memory(_values(), 365)
    for bad in ("lots", "-1", "0", "nan"):
        monkeypatch.setenv(LIMIT_VARIABLE, bad)
        with pytest.raises(MemoryBudgetError, match=f"{LIMIT_VARIABLE}="):
            limit_gib()


def test_a_sweep_with_a_point_past_the_limit_is_refused_when_read(monkeypatch):
    monkeypatch.delenv(LIMIT_VARIABLE, raising=False)
    text = """
[sweep]
scenario = "pilot"
days = 365
[fixed]
arrivals_per_week = 20000.0
[vary.migrant_flow_scale]
values = [1.0, 50.0]
"""
    with pytest.raises(SweepError, match=r"would need about .* migrant_flow_scale=50"):
        parse_sweep(text, "huge")


def test_a_persons_row_in_the_budget_is_the_population_columns_and_the_table():
    """The budget's bytes a person follow the columns: a new column must be counted."""
    import numpy as np

    from agents.migrants import _COLUMNS
    from agents.network import TABLE_WIDTH
    from model.memory_budget import BYTES_PER_PERSON

    columns = sum(np.dtype(dtype).itemsize for dtype, _ in _COLUMNS.values())
    assert BYTES_PER_PERSON == columns + TABLE_WIDTH * 4 + 4
