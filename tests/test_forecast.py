"""The forecast log: scoring, awaiting data, malformed rows, append-only, and making a row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from experiments.cli import main
from experiments.engine.provenance import code_version
from experiments.forecast.log import (
    COLUMNS,
    LOG_FILE,
    NOT_FITTED,
    POSTERIOR_TIMES_SEEDS,
    SEEDS_ONLY,
    Forecast,
    append_forecasts,
    as_lines,
    as_row,
    read_log,
)
from experiments.forecast.make import interval, posterior_plan, run_seed
from experiments.forecast.score import score_forecasts
from model.data_rows import RecordError
from model.observed import read_period_counts
from tests.conftest import PROJECT_ROOT

OBSERVED_HEADER = "period_start,period_end,small_boat_arrivals,reliability,source\n"
AUTUMN = (dt.date(2025, 8, 1), dt.date(2025, 12, 31))

FORECAST = Forecast(
    made_on=dt.date(2025, 7, 20),
    code_version="0.1.0+abc1234",
    period_start=AUTUMN[0],
    period_end=AUTUMN[1],
    scenario="pilot_as_delivered",
    pilot_end_date=dt.date(2026, 10, 31),
    arrivals_median=10_000,
    arrivals_low_90=8_000,
    arrivals_high_90=12_000,
    interval_from=POSTERIOR_TIMES_SEEDS,
    draws=51,
    seeds=4,
    runs=204,
    master_seed=20250801,
    run_start=dt.date(2025, 1, 1),
    fitted_data_through="2024-12-31",
    observed_data_through=dt.date(2025, 7, 10),
)


def run_cli(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code


def observed_file(tmp_path: Path, *rows: tuple[dt.date, dt.date, int]) -> Path:
    """A synthetic observed-arrivals file with ``rows`` (first day, last day, arrivals)."""
    path = tmp_path / "observed.csv"
    lines = [f"{start},{end},{count},official,synthetic test row\n" for start, end, count in rows]
    path.write_text(OBSERVED_HEADER + "".join(lines))
    return path


def log_file(tmp_path: Path, *forecasts: Forecast) -> Path:
    path = tmp_path / "log.csv"
    path.write_text(as_lines([list(COLUMNS)] + [as_row(forecast) for forecast in forecasts]))
    return path


# --- scoring -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("observed", "error", "inside"),
    [
        (12_500, 0.2, False),  # above the interval: |10,000 - 12,500| / 12,500
        (9_000, 1 / 9, True),
        (12_000, 1 / 6, True),  # the interval's end is inside
        (7_999, 2_001 / 7_999, False),
    ],
)
def test_scoring_on_a_synthetic_observed_row(tmp_path, observed, error, inside):
    path = observed_file(tmp_path, (*AUTUMN, observed))
    (score,) = score_forecasts([FORECAST], read_period_counts(path, "small_boat_arrivals"))
    assert not score.awaiting_data
    assert score.observed == observed
    assert score.absolute_percentage_error == pytest.approx(error)
    assert score.inside_interval is inside


def test_the_score_command_prints_error_and_coverage(tmp_path, capsys):
    observed = observed_file(tmp_path, (*AUTUMN, 12_500))
    log = log_file(tmp_path, FORECAST)
    assert run_cli(["forecast", "score", "--log", str(log), "--observed", str(observed)]) == 0
    out = capsys.readouterr().out
    (row,) = [line for line in out.splitlines() if line.startswith("| 2025-08-01")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[5:] == ["12,500", "10,000", "8,000 to 12,000", "20.0%", "no"]
    assert "1 scored: 0 inside their 90% interval" in out
    assert "awaiting data" not in out


def test_a_forecast_with_no_observed_row_is_awaiting_data(tmp_path, capsys):
    # a row for the whole year covers the period but is not its count
    observed = observed_file(tmp_path, (dt.date(2025, 1, 1), dt.date(2025, 12, 31), 40_000))
    year = dataclasses.replace(
        FORECAST, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
    )
    (score,) = score_forecasts([FORECAST], read_period_counts(observed, "small_boat_arrivals"))
    assert score.awaiting_data and not score.inside_interval
    log = log_file(tmp_path, FORECAST, year)
    assert run_cli(["forecast", "score", "--log", str(log), "--observed", str(observed)]) == 0
    out = capsys.readouterr().out
    assert "2 awaiting data:" in out
    assert "- awaiting data: 2025-08-01 to 2025-12-31: median 10,000" in out
    assert "- awaiting data: 2026-01-01 to 2026-12-31" in out


def test_the_median_is_scored_and_scoring_mixes_both(tmp_path, capsys):
    later = dataclasses.replace(FORECAST, made_on=dt.date(2025, 9, 1), arrivals_median=11_000)
    other = dataclasses.replace(FORECAST, period_start=dt.date(2025, 9, 1))
    observed = observed_file(tmp_path, (*AUTUMN, 10_000))
    scores = score_forecasts(
        [FORECAST, later, other], read_period_counts(observed, "small_boat_arrivals")
    )
    assert [score.absolute_percentage_error for score in scores[:2]] == [0.0, 0.1]
    assert scores[2].awaiting_data
    log = log_file(tmp_path, FORECAST, later, other)
    assert run_cli(["forecast", "score", "--log", str(log), "--observed", str(observed)]) == 0
    out = capsys.readouterr().out
    assert "2 scored: 2 inside their 90% interval; mean absolute percentage error" in out
    assert "5.0%" in out and "1 awaiting data:" in out


def test_the_weighted_interval_is_each_runs_value():
    assert interval(np.arange(1, 21), np.ones(20)) == (1, 10, 19)
    # a draw with almost all the posterior weight decides the interval
    assert interval(np.array([1, 2, 3, 100]), np.array([0.01, 0.01, 0.97, 0.01])) == (3, 3, 3)


def test_a_draws_weight_is_shared_among_its_seeds():
    draws = [{"weight_job": 1.5, "weight": 0.5}, {"weight_job": 2.0, "weight": 0.3}]
    draws.append({"weight_job": 2.5, "weight": 0.2})
    plan = posterior_plan(draws, runs=7)  # draw 0 runs 3 times, the others twice
    assert (plan.draws, plan.seeds, len(plan.runs)) == (3, 3, 7)
    assert [run.seed for run in plan.runs] == [run_seed(k) for k in (0, 0, 0, 1, 1, 1, 2)]
    by_draw: dict[float, float] = {}
    for run in plan.runs:
        job = run.overrides["weight_job"]
        by_draw[job] = by_draw.get(job, 0.0) + run.weight
    assert by_draw == pytest.approx({1.5: 0.5, 2.0: 0.3, 2.5: 0.2})
    assert all("weight" not in run.overrides for run in plan.runs)


# --- the log refuses malformed rows ---------------------------------------------------------


def _cells(**changed: str) -> str:
    row = dict(zip(COLUMNS, as_row(FORECAST), strict=True)) | changed
    return ",".join(row.values()) + "\n"


MALFORMED = [
    (_cells(period_start="2025-13-01"), "period_start='2025-13-01' is not valid"),
    (_cells(arrivals_median="ten"), "arrivals_median='ten' is not valid"),
    (_cells(arrivals_low_90="10001"), "allowed is low <= median <= high"),
    (_cells(period_end="2025-07-01"), "period_end 2025-07-01 is before period_start"),
    (_cells(interval_from="a guess"), "interval_from='a guess' is not valid"),
    (_cells(interval_from=SEEDS_ONLY), "draws=51 with interval_from='seeds only'"),
    (_cells(runs="999"), "runs=999 is more than draws x seeds"),
    (_cells(code_version=""), "code_version is empty"),
    (_cells(fitted_data_through="never"), "fitted_data_through='never' is not valid"),
    (_cells(run_start="2025-09-01"), "run_start 2025-09-01 is after period_start"),
    (_cells().replace(",", ",,", 1), "18 fields: allowed are 17"),
    (_cells().rstrip("\n"), "the line has no end"),
]


@pytest.mark.parametrize(("row", "message"), MALFORMED, ids=[m for _, m in MALFORMED])
def test_a_malformed_row_is_refused_naming_its_line(tmp_path, capsys, row, message):
    path = log_file(tmp_path, FORECAST)
    path.write_text(path.read_text() + row)
    with pytest.raises(RecordError, match=re.escape(message)) as error:
        read_log(path)
    assert str(error.value).startswith("log.csv line 3:")
    assert "\n" not in str(error.value)
    assert run_cli(["forecast", "score", "--log", str(path)]) == 2
    printed = capsys.readouterr()
    assert printed.err.count("\n") == 1 and "line 3" in printed.err and printed.out == ""


def test_a_log_with_another_header_is_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("made_on,period_start\n")
    with pytest.raises(RecordError, match=r"log\.csv line 1: the header is not the log's"):
        read_log(path)


def test_the_committed_log_reads(tmp_path):
    assert LOG_FILE.read_text().splitlines()[0] == ",".join(COLUMNS)
    read_log(LOG_FILE)  # every committed row is well formed


# --- append only ----------------------------------------------------------------------------


def test_appending_never_changes_existing_rows(tmp_path):
    path = tmp_path / "new" / "log.csv"
    path.parent.mkdir()
    later = dataclasses.replace(FORECAST, made_on=dt.date(2025, 8, 2), code_version="0.1.0+def")
    append_forecasts([FORECAST], path)  # a new log: header and the row
    before = path.read_bytes()
    append_forecasts([later, FORECAST], path)
    after = path.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert read_log(path) == [FORECAST, later, FORECAST]  # the same period again: a new row


def test_nothing_is_appended_to_a_malformed_log(tmp_path):
    path = log_file(tmp_path, FORECAST)
    path.write_text(path.read_text() + _cells(arrivals_median="x"))
    before = path.read_bytes()
    with pytest.raises(RecordError, match="line 3"):
        append_forecasts([FORECAST], path)
    assert path.read_bytes() == before


def test_an_inconsistent_new_forecast_is_refused_and_nothing_written(tmp_path):
    path = log_file(tmp_path, FORECAST)
    before = path.read_bytes()
    bad = dataclasses.replace(FORECAST, arrivals_low_90=20_000)
    with pytest.raises(RecordError, match="allowed is low <= median <= high"):
        append_forecasts([FORECAST, bad], path)
    assert path.read_bytes() == before


# --- making forecasts -----------------------------------------------------------------------


def short_commit(root: Path) -> str:
    """The checkout's commit, abbreviated as ``git`` does, asked of git itself."""
    argv = ["git", "-C", str(root), "rev-parse", "--short", "HEAD"]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()


def make_argv(log: Path, *extra: str) -> list[str]:
    period = ["--period", "2025-01-01", "2025-01-04"]
    return ["forecast", "make", *period, "--log", str(log), "--quiet", *extra]


def test_make_at_the_smallest_size_writes_a_row_with_commit_and_date(tmp_path, capsys):
    log = tmp_path / "log.csv"
    assert run_cli(make_argv(log, "--runs", "2")) == 0
    assert "Appended 1 forecast(s)" in capsys.readouterr().out
    (forecast,) = read_log(log)
    commit = short_commit(PROJECT_ROOT)
    assert forecast.code_version.removesuffix("-dirty") == code_version().removesuffix("-dirty")
    assert commit in forecast.code_version
    assert forecast.made_on == dt.date.today()
    assert (forecast.period_start, forecast.period_end) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 4),
    )
    assert (forecast.scenario, forecast.pilot_end_date) == (
        "pilot_as_delivered",
        dt.date(2026, 10, 31),
    )
    assert forecast.interval_from == POSTERIOR_TIMES_SEEDS
    assert (forecast.draws, forecast.seeds, forecast.runs) == (2, 1, 2)
    assert forecast.fitted_data_through == "2024-12-31"
    assert forecast.observed_data_through == dt.date(2025, 7, 10)
    assert 0 <= forecast.arrivals_low_90 <= forecast.arrivals_median <= forecast.arrivals_high_90

    before = log.read_bytes()
    assert run_cli(make_argv(log, "--runs", "1", "--seeds-only")) == 0
    assert log.read_bytes().startswith(before)
    first, second = read_log(log)
    assert first == forecast
    assert (second.interval_from, second.draws, second.runs) == (SEEDS_ONLY, 0, 1)
    assert second.fitted_data_through == NOT_FITTED


BAD_MAKE = [
    (["--period", "2025-01-01", "2025-06-30"], "is already observed"),
    (["--period", "2024-12-01", "2024-12-31"], "starts before the scenario's runs"),
    (["--period", "2025-03-01", "2025-02-01"], "ends before it starts"),
    (["--period", "2025-02-30", "2025-03-01"], "'2025-02-30' is not a day"),
    (["--runs", "0"], "runs=0 is not valid"),
    (["--size", "huge"], "invalid choice: 'huge'"),
    (["--scenario", "no_such_scenario"], "no_such_scenario"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_MAKE, ids=[m for _, m in BAD_MAKE])
def test_make_refuses_bad_input_before_any_run(tmp_path, capsys, argv, message):
    log = log_file(tmp_path, FORECAST)
    before = log.read_bytes()
    assert run_cli(["forecast", "make", "--log", str(log), "--quiet", *argv]) == 2
    printed = capsys.readouterr()
    assert printed.err.count("\n") == 1 and message in printed.err
    assert printed.out == ""
    assert log.read_bytes() == before


def test_results_and_log_rows_alone_do_not_mark_the_code_dirty(tmp_path):
    def git(*argv: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *argv], check=True, capture_output=True)

    log = tmp_path / "experiments" / "forecast" / "forecast_log.csv"
    results = tmp_path / "experiments" / "pilot_effect" / "results" / "full" / "results.csv"
    for path in (log, results):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("a\n")
    (tmp_path / "README.md").write_text("prose\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c")
    commit = short_commit(tmp_path)
    for path in (log, results, tmp_path / "README.md"):
        path.write_text(path.read_text() + "more\n")
    assert code_version(tmp_path).endswith(f"+{commit}")
    (tmp_path / "code.py").write_text("x = 2\n")
    assert code_version(tmp_path).endswith(f"+{commit}-dirty")
