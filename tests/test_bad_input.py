"""Bad input is refused with a ParameterError whose message is one line naming what is wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from model.model import ChannelModel
from model.parameters import PARAMETERS, ParameterError, parse_assignment, validate
from model.run import run_scenario, simulate
from model.scenarios import load_scenario, scenario_parameters

BAD_VALUES = [
    # (name, value, text the message must show of what is allowed)
    ("return_cap_per_week", 99999, "from 0 to 5000"),
    ("return_cap_per_week", -1, "from 0 to 5000"),
    ("return_cap_per_week", "lots", "whole"),
    ("return_cap_per_week", 50.5, "whole"),
    ("initial_gangs", True, "from 1 to 100"),
    ("patrol_intensity", 1.5, "from 0.0 to 1.0"),
    ("patrol_intensity", float("nan"), "from 0.0 to 1.0"),
    ("patrol_intensity", "high", "from 0.0 to 1.0"),
    ("patrol_intensity", [0.5], "from 0.0 to 1.0"),
    ("start_date", "2025-13-40", "a date from 2018-01-01 to 2030-12-31"),
    ("start_date", "yesterday", "a date from"),
    ("start_date", dt.date(2010, 1, 1), "a date from 2018-01-01 to 2030-12-31"),
    ("start_date", 2025, "a date from"),
]


def assert_one_line_naming(error: pytest.ExceptionInfo, *parts: str) -> str:
    message = str(error.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.strip() == message and message
    for part in parts:
        assert part in message, (part, message)
    return message


@pytest.mark.parametrize(("name", "value", "allowed"), BAD_VALUES)
def test_validate_refuses_bad_values(name, value, allowed):
    with pytest.raises(ParameterError) as error:
        validate({name: value})
    message = assert_one_line_naming(error, name, allowed)
    shown = {repr(value), str(value)}
    if isinstance(value, dt.date):
        shown.add(value.isoformat())
    assert any(text in message for text in shown), message


@pytest.mark.parametrize(("name", "value", "allowed"), BAD_VALUES[:4] + BAD_VALUES[9:11])
def test_model_and_runs_refuse_bad_values(name, value, allowed):
    with pytest.raises(ParameterError) as error:
        ChannelModel(seed=1, **{name: value})
    assert_one_line_naming(error, name, allowed)
    with pytest.raises(ParameterError) as error:
        run_scenario("pilot", seed=1, days=1, overrides={name: value})
    assert_one_line_naming(error, name, allowed)


def test_unknown_parameter_is_refused_with_suggestions():
    with pytest.raises(ParameterError) as error:
        validate({"return_cap_per_wek": 10})
    assert_one_line_naming(error, "return_cap_per_wek", "did you mean", "'return_cap_per_week'")
    with pytest.raises(ParameterError) as error:
        validate({"zzz": 1})
    assert_one_line_naming(error, "'zzz'", "deterrence params")
    with pytest.raises(ParameterError) as error:
        ChannelModel(seed=0, colour="blue")
    assert_one_line_naming(error, "colour")
    with pytest.raises(ParameterError) as error:
        run_scenario("baseline", days=1, overrides={"colour": "blue"})
    assert_one_line_naming(error, "colour")


def test_inconsistent_values_are_refused():
    with pytest.raises(ParameterError) as error:
        validate({"max_people_per_boat": 20.0, "initial_people_per_boat": 45.0})
    assert_one_line_naming(error, "max_people_per_boat", "20.0", "initial_people_per_boat")
    with pytest.raises(ParameterError) as error:
        validate({"max_worker_detection_per_week": 0.001, "base_worker_detection_per_week": 0.01})
    assert_one_line_naming(error, "max_worker_detection_per_week", "0.001")


def test_every_default_is_valid_and_of_its_type():
    values = validate({})
    assert set(values) == set(PARAMETERS)
    for name, parameter in PARAMETERS.items():
        assert values[name] == parameter.default
        assert type(values[name]) is parameter.kind
        if parameter.kind is not bool:
            assert parameter.low <= parameter.default <= parameter.high, name


def test_good_values_are_coerced():
    values = validate(
        {"start_date": "2025-03-01", "return_cap_per_week": "50", "patrol_intensity": "0.4"}
    )
    assert values["start_date"] == dt.date(2025, 3, 1)
    assert values["return_cap_per_week"] == 50 and type(values["return_cap_per_week"]) is int
    assert values["patrol_intensity"] == 0.4


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("return_cap_per_week", ["NAME=VALUE"]),
        ("=5", ["NAME=VALUE"]),
        ("colour=blue", ["colour"]),
        ("return_cap_per_week=abc", ["return_cap_per_week", "'abc'", "whole"]),
    ],
)
def test_parse_assignment_refuses_bad_text(text, parts):
    with pytest.raises(ParameterError) as error:
        parse_assignment(text)
    assert_one_line_naming(error, *parts)


@pytest.mark.parametrize(
    ("days", "seed", "name"),
    [
        (0, 1, "days=0"),
        (-5, 1, "days=-5"),
        (10**9, 1, "days=1000000000"),
        (1.5, 1, "days=1.5"),
        (True, 1, "days=True"),
        (10, -1, "seed=-1"),
        (10, "x", "seed='x'"),
        (10, 2.0, "seed=2.0"),
    ],
)
def test_runs_refuse_bad_days_and_seeds(days, seed, name):
    with pytest.raises(ParameterError) as error:
        run_scenario("baseline", seed=seed, days=days)
    assert_one_line_naming(error, name)
    with pytest.raises(ParameterError) as error:
        simulate(scenario_parameters("baseline"), seed=seed, days=days)
    assert_one_line_naming(error, name)


@pytest.mark.parametrize("seed", [-1, 1.5, "x"])
def test_model_refuses_a_bad_seed(seed):
    with pytest.raises(ParameterError) as error:
        ChannelModel(seed=seed)
    assert_one_line_naming(error, "seed")


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


SCENARIO_FILES = [
    # (file text, parts of the message)
    ('[parameters]\ncolour = "blue"\n', ["scenario.toml", "colour"]),
    (
        "[parameters]\nreturn_cap_per_week = 99999\n",
        ["scenario.toml", "return_cap_per_week", "99999", "from 0 to 5000"],
    ),
    ("[parameters]\nstart_date = 2010-01-01\n", ["scenario.toml", "start_date", "2018-01-01"]),
    ('[parameters]\nreturn_cap_per_week = "many"\n', ["scenario.toml", "'many'"]),
    ("[parameters]\nreturn_cap_per_week = = 5\n", ["scenario.toml", "not valid TOML"]),
    ("[parameters\n", ["scenario.toml", "not valid TOML"]),
    ('description = "x"\nflavour = 1\n', ["scenario.toml", "flavour", "[parameters]"]),
    ("parameters = 5\n", ["scenario.toml", "parameters", "table"]),
]


@pytest.mark.parametrize(("text", "parts"), SCENARIO_FILES)
def test_bad_scenario_files_are_refused(tmp_path, text, parts):
    path = write(tmp_path, text)
    with pytest.raises(ParameterError) as error:
        load_scenario(path)
    assert_one_line_naming(error, *parts)
    with pytest.raises(ParameterError) as error:
        run_scenario(str(path), days=1)
    assert_one_line_naming(error, *parts)


def test_a_good_scenario_file_runs(tmp_path):
    path = write(
        tmp_path,
        'description = "a test"\n[parameters]\nstart_date = 2025-01-01\n'
        "return_cap_per_week = 10\npatrol_intensity = 0.5\n",
    )
    assert load_scenario(path) == {
        "start_date": dt.date(2025, 1, 1),
        "return_cap_per_week": 10,
        "patrol_intensity": 0.5,
    }
    result = run_scenario(str(path), days=3, with_counterfactual=False)
    assert result.parameters["return_cap_per_week"] == 10
    assert len(result.daily) == 3


def test_missing_scenarios_are_refused(tmp_path):
    with pytest.raises(ParameterError) as error:
        load_scenario("no_such_scenario")
    assert_one_line_naming(error, "no_such_scenario", "baseline", "pilot")
    with pytest.raises(ParameterError) as error:
        load_scenario(tmp_path / "missing.toml")
    assert_one_line_naming(error, "missing.toml")


def test_following_the_record_needs_a_first_return_before_it():
    import datetime as dt

    from model.parameters import ParameterError, validate

    with pytest.raises(ParameterError, match="not before the record's first reported returns"):
        validate({"returns_follow_record": True, "first_return_date": dt.date(2026, 1, 1)})
    with pytest.raises(ParameterError, match="first return on or after the pilot's start"):
        validate(
            {"pilot_start_date": dt.date(2025, 10, 1), "first_return_date": dt.date(2025, 9, 1)}
        )
