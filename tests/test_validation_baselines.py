"""The validation windows, the two baselines and their scoring, on hand-made and shipped rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from experiments.validation.baselines import baseline_predictions, main
from experiments.validation.count_model import (
    PREDICTOR as COUNT_MODEL,
)
from experiments.validation.count_model import (
    count_model,
    count_model_from_history,
    fit_count_model,
)
from experiments.validation.persistence import (
    FIRST_HALF_SHARE,
    boat_load_persistence,
    persistence,
    persistence_from_history,
)
from experiments.validation.prediction import predictions_table, require_ending_before
from experiments.validation.scoring import (
    absolute_percentage_error,
    interval_coverage,
    interval_score,
    mean_absolute_percentage_error,
    score_markdown,
    score_table,
)
from experiments.validation.windows import (
    JANUARY_APRIL,
    PEOPLE_PER_BOAT,
    TOTAL,
    TargetPeriod,
    ValidationWindow,
    observed_values,
    validation_windows,
)
from model.observed import PeriodCount, arrivals_in, observed_arrivals


def year_row(year: int, count: int) -> PeriodCount:
    return PeriodCount(dt.date(year, 1, 1), dt.date(year, 12, 31), count, "test")


def january_april_row(year: int, count: int) -> PeriodCount:
    return PeriodCount(dt.date(year, 1, 1), dt.date(year, 4, 30), count, "test")


def year_window(year: int) -> ValidationWindow:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    january_april = TargetPeriod(JANUARY_APRIL, start, dt.date(year, 4, 30))
    return ValidationWindow(str(year), start, end, (TargetPeriod(TOTAL, start, end), january_april))


def shipped_window(label: str) -> ValidationWindow:
    return next(window for window in validation_windows() if window.label == label)


def target_of(window: ValidationWindow, name: str) -> TargetPeriod:
    return next(target for target in window.targets if target.name == name)


# --- windows ---


def test_windows_are_the_years_with_weather_then_the_first_half_of_2025():
    windows = validation_windows()
    assert [w.label for w in windows] == ["2022", "2023", "2024", "2025-01-01 to 2025-06-30"]
    assert [w.fit_before for w in windows] == [dt.date(y, 1, 1) for y in (2022, 2023, 2024, 2025)]
    assert windows[-1].end == dt.date(2025, 6, 30)
    whole_years = [TOTAL, JANUARY_APRIL, PEOPLE_PER_BOAT]
    assert all([t.name for t in w.targets] == whole_years for w in windows[:3])
    # no mean people per boat is recorded for a half-year
    assert [t.name for t in windows[-1].targets] == [TOTAL, JANUARY_APRIL]
    observed = observed_values(windows).set_index(["window", "target"])["observed"]
    assert observed[("2025-01-01 to 2025-06-30", TOTAL)] == 19_982
    assert observed[("2024", JANUARY_APRIL)] == 7_567
    assert observed[("2023", PEOPLE_PER_BOAT)] == 49


def test_a_year_without_a_recorded_boat_load_has_no_people_per_boat_target():
    windows = validation_windows(boat_loads={2022: 41.0})
    assert [PEOPLE_PER_BOAT in [t.name for t in w.targets] for w in windows] == [
        True,
        False,
        False,
        False,
    ]


# --- persistence ---


def test_persistence_is_exactly_last_years_observed_figure():
    window = shipped_window("2024")
    total = persistence(window, target_of(window, TOTAL))
    january_april = persistence(window, target_of(window, JANUARY_APRIL))
    assert total.median == arrivals_in(dt.date(2023, 1, 1), dt.date(2023, 12, 31)).count
    assert january_april.median == arrivals_in(dt.date(2023, 1, 1), dt.date(2023, 4, 30)).count
    assert total.low < total.median < total.high
    assert january_april.low is None and "no interval" in january_april.note


def test_persistence_of_people_per_boat_is_last_years_mean_and_never_looks_ahead():
    window = shipped_window("2024")
    target = target_of(window, PEOPLE_PER_BOAT)
    prediction = persistence(window, target)
    assert prediction.median == 49  # 2023's mean, not 2024's 53
    assert prediction.low < 49 < prediction.high and "2023" in prediction.note
    made_up = persistence(window, target, boat_loads={2021: 20.0, 2022: 30.0, 2024: 99.0})
    assert made_up.median == 30.0 and made_up.low is None  # one change: too few for an interval
    with pytest.raises(ValueError, match="does not end before the cut-off 2024-01-01"):
        boat_load_persistence({2023: 49.0, 2024: 53.0}, window, target)
    empty = persistence(window, target, boat_loads={2024: 53.0})
    assert empty.median is None and "no people-per-boat row" in empty.note


def test_the_count_model_declines_people_per_boat():
    window = shipped_window("2023")
    prediction = count_model(window, target_of(window, PEOPLE_PER_BOAT), np.random.default_rng(1))
    assert prediction.median is None and "predicts no boat load" in prediction.note


def test_persistence_of_a_first_half_is_last_year_times_the_assumed_share():
    window = shipped_window("2025-01-01 to 2025-06-30")
    prediction = persistence(window, target_of(window, TOTAL))
    assert prediction.median == pytest.approx(36_816 * FIRST_HALF_SHARE)
    assert "assumption" in prediction.note


def test_persistence_interval_is_the_root_mean_square_log_change():
    rows = [year_row(2000, 100), year_row(2001, 200), year_row(2002, 100)]
    prediction = persistence(year_window(2003), target_of(year_window(2003), TOTAL), rows)
    half_width = 1.6448536 * math.log(2)  # the changes are +log 2 and -log 2
    assert prediction.median == 100
    assert prediction.low == pytest.approx(100 * math.exp(-half_width))
    assert prediction.high == pytest.approx(100 * math.exp(half_width))
    one_change = persistence(year_window(2002), target_of(year_window(2002), TOTAL), rows)
    assert one_change.median == 200 and one_change.low is None and one_change.high is None


def test_persistence_with_no_earlier_row_of_the_kind_gives_no_prediction():
    window = shipped_window("2022")
    prediction = persistence(window, target_of(window, JANUARY_APRIL))
    assert prediction.median is None and "no January-April period ends before" in prediction.note


# --- count model ---


def test_the_count_model_refuses_fewer_rows_than_it_has_parameters():
    window = year_window(2003)
    target = target_of(window, JANUARY_APRIL)
    rows = ([january_april_row(2001, 5_000)], [january_april_row(2001, 20)])
    prediction = count_model_from_history(*rows, window, target, 30, np.random.default_rng(1))
    assert prediction.median is None and prediction.low is None
    assert (
        prediction.note
        == "1 row(s): the fit needs more than 2 (its parameters) to estimate the dispersion"
    )
    with pytest.raises(ValueError, match="count model not fitted: 2 row"):
        fit_count_model([20, 30], [5_000, 7_000])


def test_the_count_model_recovers_a_known_poisson_slope():
    rng = np.random.default_rng(7)
    red = rng.integers(10, 61, size=80)
    arrivals = rng.poisson(np.exp(5.0 + 0.04 * red))
    fit = fit_count_model(red.tolist(), arrivals.tolist())
    assert fit.slope_per_red_day == pytest.approx(0.04, abs=0.003)
    assert fit.dispersion == pytest.approx(1.0, abs=0.5)
    simulated = fit.simulate(40, np.random.default_rng(3), draws=5_000)
    assert np.quantile(simulated, 0.05) < np.exp(5.0 + 0.04 * 40) < np.quantile(simulated, 0.95)


def test_the_count_model_on_the_shipped_rows_predicts_only_january_april_2025():
    predictions = baseline_predictions(validation_windows(), np.random.default_rng(1), draws=2_000)
    made = [(p.window, p.target) for p in predictions if p.predictor == COUNT_MODEL and p.median]
    assert made == [("2025-01-01 to 2025-06-30", JANUARY_APRIL)]
    totals = [p for p in predictions if p.predictor == COUNT_MODEL and p.target == TOTAL]
    assert all("January-April only" in p.note for p in totals)


def test_the_count_model_is_reproducible_from_its_seed():
    window = shipped_window("2025-01-01 to 2025-06-30")
    target = target_of(window, JANUARY_APRIL)
    first, second, other = (
        count_model(window, target, np.random.default_rng(seed), draws=2_000) for seed in (5, 5, 6)
    )
    assert first == second and first.median != other.median
    assert first.low < first.median < first.high


# --- no look-ahead ---


def _with_window_rows_changed(window: ValidationWindow) -> tuple[PeriodCount, ...]:
    """The shipped arrivals with every row that ends on or after the window's start changed."""
    return tuple(
        dataclasses.replace(row, count=row.count * 3 + 1) if row.end >= window.fit_before else row
        for row in observed_arrivals()
    )


@pytest.mark.parametrize("window", validation_windows(), ids=lambda window: window.label)
def test_no_baseline_reads_a_row_that_ends_on_or_after_the_window_start(window):
    # the red days of the target period are its weather, an input, so only arrivals change
    changed = _with_window_rows_changed(window)
    assert changed != observed_arrivals()
    shipped = baseline_predictions([window], np.random.default_rng(2), draws=1_000)
    peeked = baseline_predictions([window], np.random.default_rng(2), changed, draws=1_000)
    assert peeked == shipped


def test_a_fit_on_a_row_in_the_window_is_refused():
    window = year_window(2003)
    history = [year_row(2001, 10), year_row(2002, 20), year_row(2003, 30)]
    with pytest.raises(ValueError, match="ends on or after the cut-off 2003-01-01"):
        persistence_from_history(history, window, target_of(window, TOTAL))
    ending_on_the_start = PeriodCount(dt.date(2002, 6, 1), dt.date(2003, 1, 1), 5, "test")
    with pytest.raises(ValueError, match="allowed are rows that end before the window starts"):
        require_ending_before([ending_on_the_start], window.fit_before)
    with pytest.raises(ValueError, match="ends on or after"):
        count_model_from_history(
            [january_april_row(2003, 10)],
            [],
            window,
            target_of(window, JANUARY_APRIL),
            30,
            np.random.default_rng(1),
        )


# --- scoring ---


def test_absolute_percentage_errors_by_hand():
    assert absolute_percentage_error(100, 90) == pytest.approx(10)
    assert absolute_percentage_error(100, 110) == pytest.approx(10)
    assert mean_absolute_percentage_error([100, 200], [90, 260]) == pytest.approx(20)
    with pytest.raises(ValueError, match="observed=0: allowed is a positive count"):
        absolute_percentage_error(0, 5)


def test_coverage_counts_the_bounds_as_inside():
    assert interval_coverage([100, 200, 300], [100, 150, 310], [120, 200, 400]) == pytest.approx(
        2 / 3
    )
    assert interval_coverage([100], [101], [120]) == 0


PREDICTIONS = pd.DataFrame(
    [
        ("2023", TOTAL, "persistence", 90.0, 80.0, 100.0),
        ("2024", TOTAL, "persistence", 260.0, 210.0, 300.0),
        ("2023", TOTAL, "the model", 100.0, math.nan, math.nan),
        ("2024", TOTAL, "the model", math.nan, math.nan, math.nan),
    ],
    columns=["window", "target", "predictor", "median", "low", "high"],
)
OBSERVED = pd.DataFrame(
    [("2023", TOTAL, 100), ("2024", TOTAL, 200)], columns=["window", "target", "observed"]
)


def test_score_table_by_hand_for_any_predictor_name():
    scores = score_table(PREDICTIONS, OBSERVED).set_index("predictor")
    assert scores.loc["persistence", "mape_percent"] == pytest.approx(20)
    assert scores.loc["persistence", "coverage"] == pytest.approx(0.5)
    assert scores.loc["persistence", "windows"] == 2
    assert scores.loc["the model", "windows"] == 1  # a missing median is not scored
    assert scores.loc["the model", "mape_percent"] == pytest.approx(0)
    assert scores.loc["the model", "windows_with_interval"] == 0
    assert math.isnan(scores.loc["the model", "coverage"])
    # 2023: width 20 of 100 observed, inside; 2024: width 90, misses by 10 below (x 20) of 200
    assert scores.loc["persistence", "interval_score_percent"] == pytest.approx(
        (20 + 100 * (90 + 20 * 10) / 200) / 2
    )
    assert math.isnan(scores.loc["the model", "interval_score_percent"])


def test_the_interval_score_charges_width_and_misses():
    assert interval_score(100, 90, 110) == pytest.approx(20)  # inside: its width
    assert interval_score(100, 110, 130) == pytest.approx(20 + 20 * 10)  # 10 below it
    assert interval_score(100, 60, 95) == pytest.approx(35 + 20 * 5)  # 5 above it
    assert interval_score(100, 50, 150) > interval_score(100, 95, 105)  # width costs
    with pytest.raises(ValueError, match="allowed is low <= high"):
        interval_score(100, 120, 110)


def test_the_markdown_score_table_says_no_interval_rather_than_zero():
    assert score_markdown(score_table(PREDICTIONS, OBSERVED)).splitlines() == [
        "| predictor | target | windows scored | MAPE | 90% interval coverage | "
        "90% interval score |",
        "| --- | --- | --- | --- | --- | --- |",
        "| persistence | total | 2 | 20.0% | 50% (1 of 2) | 82% |",
        "| the model | total | 1 | 0.0% | no interval | no interval |",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.drop(columns="low"), r"predictions lack column\(s\) \['low'\]"),
        (lambda p: p.assign(window="2030"), "persistence for total in 2030 has no observed value"),
        (lambda p: p.assign(high=math.nan), "has one bound: allowed are both bounds or neither"),
        (lambda p: p.assign(low=1e9, high=1.0), "allowed is low <= high"),
        (lambda p: p.assign(median="many"), "non-numeric values"),
    ],
)
def test_bad_predictions_are_refused_in_one_line(change, message):
    with pytest.raises(ValueError, match=message) as error:
        score_table(change(PREDICTIONS), OBSERVED)
    assert "\n" not in str(error.value)


def test_predictions_table_has_the_tidy_columns():
    predictions = baseline_predictions(validation_windows(), np.random.default_rng(1), draws=500)
    table = predictions_table(predictions)
    assert list(table.columns) == ["window", "target", "predictor", "median", "low", "high", "note"]
    assert len(table) == 2 * sum(len(w.targets) for w in validation_windows())


def test_the_command_line_prints_predictions_and_scores(capsys):
    main(["--seed", "1", "--draws", "1000"])
    printed = capsys.readouterr().out
    assert "| window | target | predictor | observed | median | 90% interval | note |" in printed
    assert "| persistence | total | 4 | 37.2% | 100% (4 of 4) |" in printed
    assert f"| {COUNT_MODEL} | total | 0 | no prediction | no interval |" in printed
