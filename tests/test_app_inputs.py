"""The app refuses what is not its own: scenario names from the browser never reach a file path."""

from __future__ import annotations

import pytest

from experiments.engine.spec import SweepError
from model.parameters import ParameterError
from model.scenarios import check_shipped, scenario_names
from viz.live import LiveRun
from viz.live_page import scenario_defaults
from viz.sweep_form import SweepChoice, build_spec

CRAFTED = ["../../README", "../scenarios/pilot.toml", "/etc/passwd.toml", "pilot\n", "", None, 3]


@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_scenario_name_is_refused_in_one_line(name):
    with pytest.raises(ParameterError) as error:
        check_shipped(name)
    assert "\n" not in str(error.value) and "is not a shipped scenario" in str(error.value)


@pytest.mark.parametrize("name", ["../scenarios/pilot.toml", "/etc/passwd.toml"])
def test_the_live_run_and_the_sweep_form_refuse_a_crafted_scenario(name):
    with pytest.raises(ParameterError, match="is not a shipped scenario"):
        LiveRun(name, 1, {})
    with pytest.raises(ParameterError, match="is not a shipped scenario"):
        scenario_defaults(name)
    with pytest.raises(SweepError, match="is not a shipped scenario"):
        build_spec(SweepChoice(scenario=name))


def test_every_shipped_scenario_is_accepted():
    assert all(check_shipped(name) == name for name in scenario_names())
