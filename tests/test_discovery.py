"""Scenario discovery (experiments/decision/discovery.py) on runs whose answer is known."""

import numpy as np
import pandas as pd
import pytest

from experiments.decision.discovery import discover


def known_runs(count: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.uniform(0, 1, (count, 3)), columns=["weight_return", "weight_job", "noise"]
    )


def test_prim_finds_the_box_where_the_runs_of_interest_are():
    inputs = known_runs()
    of_interest = (inputs["weight_return"] > 0.6) & (inputs["weight_job"] < 0.5)
    box = discover(inputs, of_interest.to_numpy())
    assert set(box.limits) == {"weight_return", "weight_job"}  # not the irrelevant input
    assert box.limits["weight_return"][0] == pytest.approx(0.6, abs=0.05)
    assert box.limits["weight_job"][1] == pytest.approx(0.5, abs=0.1)  # density >= 0.8: looser
    assert box.density >= 0.8 and box.coverage > 0.8
    inside = np.ones(len(inputs), dtype=bool)
    for name, (low, high) in box.limits.items():
        inside &= inputs[name].between(low, high).to_numpy()
    assert box.density == pytest.approx(of_interest[inside].mean())  # computed, not assumed
    assert box.coverage == pytest.approx(of_interest[inside].sum() / of_interest.sum())
    assert box.describe().startswith("weight_return 0.5") or "weight_return 0.6" in box.describe()


def test_no_box_when_no_run_or_every_run_is_of_interest():
    inputs = known_runs(50)
    assert discover(inputs, np.zeros(50, dtype=bool)) is None
    assert discover(inputs, np.ones(50, dtype=bool)) is None
