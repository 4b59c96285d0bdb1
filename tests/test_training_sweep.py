"""The emulator's training sweep: lever settings, each beside a posterior draw by weight."""

import pandas as pd
import pytest

from experiments.decision.training_sweep import (
    emulator_inputs,
    lever_settings,
    load_design,
    training_sweep_text,
)
from experiments.engine.spec import parse_sweep

DESIGN = {
    "sweep": {
        "scenario": "pilot",
        "days": 400,
        "replicates": 2,
        "master_seed": 7,
        "samples": 6,
        "outputs": ["deterrence_effect"],
    },
    "levers": {"return_cap_per_week": [0, 500], "crackdown_intensity": [0.0, 1.0]},
    "behaviour": {"inputs": ["weight_return"]},
}
DRAWS = pd.DataFrame(
    {
        "weight_return": [3.0, 7.0, 11.0],
        "weight_job": [1.1, 2.2, 3.0],
        "arrivals_per_week": [900.0, 1800.0, 2700.0],
        "weight": [0.0, 1.0, 0.0],  # only the second draw can be taken
    }
)


def test_each_lever_setting_takes_a_whole_draw_by_weight():
    spec = parse_sweep(training_sweep_text(DESIGN, DRAWS), "training")
    assert spec.design == "paired" and spec.replicates == 2 and spec.scenario == "pilot"
    points = pd.DataFrame(spec.points())
    assert len(points) == 6
    # the levers are the sweep engine's own Latin hypercube (integers rounded)
    pd.testing.assert_frame_equal(
        points[["return_cap_per_week", "crackdown_intensity"]],
        lever_settings(DESIGN),
        check_dtype=False,
    )
    assert all(isinstance(cap, int) for cap in points["return_cap_per_week"])
    # every point takes the one draw with weight: all its columns, not only the inputs
    assert (points["weight_return"] == 7.0).all() and (points["weight_job"] == 2.2).all()
    assert (points["arrivals_per_week"] == 1800.0).all() and "weight" not in points
    assert training_sweep_text(DESIGN, DRAWS) == training_sweep_text(DESIGN, DRAWS)


def test_draws_follow_their_weights():
    many = {**DESIGN, "sweep": {**DESIGN["sweep"], "samples": 400}}
    draws = DRAWS.assign(weight=[0.2, 0.8, 0.0])
    points = pd.DataFrame(parse_sweep(training_sweep_text(many, draws), "t").points())
    share = (points["weight_return"] == 7.0).mean()
    assert 0.72 < share < 0.88 and not (points["weight_return"] == 11.0).any()


def test_bad_designs_are_refused_in_one_line():
    unknown = {**DESIGN, "behaviour": {"inputs": ["weight_danger"]}}
    with pytest.raises(ValueError, match=r"\['weight_danger'\] are not in the posterior's draws"):
        training_sweep_text(unknown, DRAWS)
    clash = {**DESIGN, "levers": {**DESIGN["levers"], "weight_job": [1.0, 3.0]}}
    with pytest.raises(ValueError, match=r"lever\(s\) \['weight_job'\] are also drawn"):
        training_sweep_text(clash, DRAWS)


def test_the_shipped_design_answers_for_the_levers_and_the_returns_weight():
    design = load_design()
    inputs = emulator_inputs(design)
    levers = list(design["levers"])
    assert inputs[: len(levers)] == levers and "weight_return" in inputs[len(levers) :]
    assert set(levers) >= {"return_cap_per_week", "crackdown_intensity"}
