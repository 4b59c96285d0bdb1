"""The ``deterrence`` command line: the happy path, the listings and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from model.parameters import PARAMETERS
from model.scenarios import scenario_names
from tests.conftest import PROJECT_ROOT


def run_cli(argv: list[str]) -> int:
    """``main(argv)``'s exit status, whether it returns it or exits with it (argparse)."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code


def assert_one_error_line(stderr: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("deterrence: error:"), stderr
    assert "Traceback" not in stderr


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "pilot-1"
    argv = [
        "run",
        "--scenario",
        "pilot",
        "--seed",
        "1",
        "--days",
        "60",
        "--set",
        "return_cap_per_week=100",
        "--out",
        str(out),
        "--quiet",
    ]
    return argv, out


def test_run_writes_series_and_summary(cli_run, capsys):
    argv, out = cli_run
    assert run_cli(argv) == 0
    printed = capsys.readouterr()
    assert "Deterrence effect" in printed.out
    assert "Small-boat arrivals" in printed.out
    assert printed.err == ""  # --quiet: no progress bar

    for name in ("daily", "weekly", "counterfactual_daily", "counterfactual_weekly"):
        csv = pd.read_csv(out / f"{name}.csv")
        parquet = pd.read_parquet(out / f"{name}.parquet")
        assert len(csv) == len(parquet) > 0
        assert list(csv.columns) == list(parquet.columns)
        pd.testing.assert_series_equal(csv["arrivals"], parquet["arrivals"], check_dtype=False)
    daily = pd.read_parquet(out / "daily.parquet")
    assert len(daily) == 60
    assert len(pd.read_csv(out / "weekly.csv")) == 9

    record = json.loads((out / "summary.json").read_text())
    assert {"parameters", "seed", "code_version", "summary"} <= set(record)
    assert record["seed"] == 1
    assert record["days"] == 60
    assert record["scenario"] == "pilot"
    assert record["code_version"]
    assert set(record["parameters"]) == set(PARAMETERS)
    assert record["parameters"]["return_cap_per_week"] == 100
    assert record["parameters"]["start_date"] == "2025-01-01"
    summary = record["summary"]
    assert summary["arrivals"] == daily["arrivals"].sum()
    assert summary["days"] == 60
    assert "deterrence_effect" in summary

    figure = (out / "weekly.png").read_bytes()
    assert figure.startswith(b"\x89PNG") and len(figure) > 20_000


def test_params_lists_every_parameter(capsys):
    assert run_cli(["params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = [line.split()[0] for line in lines if line.strip()]
    assert listed == list(PARAMETERS)


def test_params_of_one_group(capsys):
    assert run_cli(["params", "--group", "policy"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert listed == {name for name, p in PARAMETERS.items() if p.group == "policy"}


def test_scenarios_lists_every_scenario(capsys):
    assert run_cli(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in scenario_names():
        assert f"{name}:" in out


def _existing_file(tmp_path: Path) -> str:
    path = tmp_path / "taken"
    path.write_text("not a folder\n")
    return str(path)


BAD_COMMAND_LINES = [
    ["run", "--set", "colour=blue"],
    ["run", "--set", "return_cap_per_week"],
    ["run", "--set", "return_cap_per_week=-5"],
    ["run", "--set", "start_date=2025-02-30"],
    ["run", "--days", "0"],
    ["run", "--days", "ten"],
    ["run", "--seed", "-1"],
    ["run", "--seed", "abc"],
    ["run", "--scenario", "no_such_scenario"],
    ["run", "--scenario", "missing.toml"],
    ["run", "--no-such-option"],
    ["params", "--group", "no_such_group"],
    ["fly"],
    [],
]


@pytest.mark.parametrize("argv", BAD_COMMAND_LINES, ids=lambda argv: " ".join(argv) or "none")
def test_bad_command_lines_exit_2_with_one_line(argv, capsys):
    assert run_cli(argv) == 2
    printed = capsys.readouterr()
    assert_one_error_line(printed.err)
    assert printed.out == ""  # refused before any work


def test_a_bad_scenario_file_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[parameters]\nreturn_cap_per_week = 99999\n")
    assert run_cli(["run", "--scenario", str(path), "--days", "1"]) == 2
    printed = capsys.readouterr()
    assert_one_error_line(printed.err)
    assert "return_cap_per_week" in printed.err and "99999" in printed.err


def test_an_output_folder_that_is_a_file(tmp_path, capsys):
    argv = [
        "run",
        "--days",
        "1",
        "--quiet",
        "--no-counterfactual",
        "--out",
        _existing_file(tmp_path),
    ]
    assert run_cli(argv) == 2
    assert_one_error_line(capsys.readouterr().err)


def _console_command() -> list[str]:
    script = Path(sys.executable).parent / "deterrence"
    return [str(script)] if script.exists() else [sys.executable, "-m", "experiments.cli"]


@pytest.mark.parametrize(
    "command",
    [_console_command(), [sys.executable, "-m", "experiments.cli"]],
    ids=["console-script", "python-m"],
)
def test_errors_in_a_real_process(command):
    completed = subprocess.run(
        [*command, "run", "--set", "return_cap_per_week=99999", "--days", "5"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert completed.returncode == 2
    assert_one_error_line(completed.stderr)
    assert "return_cap_per_week" in completed.stderr
    assert completed.stdout == ""
