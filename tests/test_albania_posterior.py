"""The Albania backcast over the calibration's posterior: its sweep and its weighting."""

from __future__ import annotations

import pandas as pd
import pytest
import tomli_w

from experiments.albania_backcast.over_posterior import (
    chance_within,
    posterior_sweep,
    run_weights,
    spread,
    weighted_falls,
)
from experiments.engine.spec import parse_sweep
from experiments.research import merged


def test_each_draw_runs_with_and_without_the_arrangement_on_the_same_seeds():
    sections = posterior_sweep(
        {"days": 30, "master_seed": 5, "outputs": ["arrivals"]}, {"replicates": 2, "draws": 3}
    )
    spec = parse_sweep(tomli_w.dumps(merged({"sweep": {"name": "p"}}, sections)), "p")
    runs = spec.runs()
    assert spec.design == "paired" and len(runs) == 3 * 2 * 2
    points = pd.DataFrame([{**run.overrides, "seed": run.seed} for run in runs])
    with_, without = points[points["returns_arrangements"]], points[~points["returns_arrangements"]]
    behaviour = [name for name in points.columns if name != "returns_arrangements"]
    assert "weight_job" in behaviour and "seed" in behaviour
    pd.testing.assert_frame_equal(
        with_[behaviour].reset_index(drop=True), without[behaviour].reset_index(drop=True)
    )


def test_a_draws_weight_is_shared_by_its_seeds_and_its_pairs_weigh_as_one():
    runs = pd.DataFrame(
        {
            "run_id": range(8),
            "point": [0, 0, 1, 1, 2, 2, 3, 3],  # draws 0, 1 with, then 0, 1 without
            "seed": [11, 12] * 4,
        }
    )
    weights = run_weights(runs, pd.Series([3.0, 1.0]))
    assert weights["draw"].tolist() == [0, 0, 1, 1, 0, 0, 1, 1]
    assert weights["weight"].tolist() == [1.5, 1.5, 0.5, 0.5] * 2
    falls = pd.DataFrame(
        {"year_on_year": [-0.9, -0.8, -0.2, -0.1]},
        index=pd.MultiIndex.from_product([[0, 1], [11, 12]], names=["draw", "seed"]),
    )
    table = weighted_falls(falls, weights)
    assert table["weight"].tolist() == pytest.approx([0.375, 0.375, 0.125, 0.125])
    assert chance_within(table, "year_on_year", -0.9, 0.05) == pytest.approx(0.375)
    low, median, high = spread(table, "year_on_year")
    assert low < median < high and median == pytest.approx(-0.8, abs=0.05)
