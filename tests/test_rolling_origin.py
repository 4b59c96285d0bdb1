"""Rolling-origin validation: the model predicts a window from inputs known before it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from experiments.validation.model_predictor import (
    plan_runs,
    predictions_from_runs,
    run_window,
    window_inputs,
)
from experiments.validation.persistence import log_changes
from experiments.validation.rolling_origin import (
    fit_folder,
    fit_years,
    fits_markdown,
    fits_table,
    load_config,
    validation_tables,
)
from experiments.validation.windows import (
    JANUARY_APRIL,
    PEOPLE_PER_BOAT,
    TOTAL,
    TargetPeriod,
    ValidationWindow,
    counts_by_year,
    validation_windows,
)
from model.observed import PeriodCount, observed_arrivals
from model.scenarios import scenario_parameters

BASE = dict(scenario_parameters("baseline"))


def _short_window() -> ValidationWindow:
    start, end = dt.date(2025, 1, 1), dt.date(2025, 1, 20)
    return ValidationWindow(
        "test window",
        start,
        end,
        (TargetPeriod(TOTAL, start, end), TargetPeriod("first week", start, dt.date(2025, 1, 7))),
    )


def _posterior() -> pd.DataFrame:
    return pd.DataFrame(
        {"weight_job": [1.5, 2.5], "inflow_multiplier": [0.9, 1.1], "weight": [0.25, 0.75]}
    )


def test_the_flow_is_last_years_with_the_spread_of_past_changes():
    window = _short_window()
    inputs = window_inputs(window, BASE, 36_816.0)
    assert inputs.year == 2025
    assert inputs.arrivals_per_week == pytest.approx(BASE["arrivals_per_week"])  # 2024 = reference
    years = counts_by_year(observed_arrivals(), "year")
    changes = log_changes({year: count for year, count in years.items() if year < 2025})
    assert inputs.flow_log_spread == pytest.approx(np.sqrt(np.mean(np.square(changes))))


def test_the_inputs_never_read_the_window_or_later():
    """Changing every arrivals row that ends in or after the window changes nothing."""
    window = validation_windows()[1]  # 2023
    rows = observed_arrivals()
    doctored = [
        PeriodCount(row.start, row.end, row.count * 3, row.source)
        if row.end >= window.start
        else row
        for row in rows
    ]
    assert window_inputs(window, BASE, 36_816.0, rows) == window_inputs(
        window, BASE, 36_816.0, doctored
    )


def test_runs_are_planned_reproducibly_with_the_posteriors_weights():
    window = _short_window()
    inputs = window_inputs(window, BASE, 36_816.0)
    runs = plan_runs(window, inputs, _posterior(), BASE, seeds=3, master_seed=7)
    assert len(runs) == 6
    assert sum(run.weight for run in runs) == pytest.approx(1.0)
    assert runs[0].weight == pytest.approx(0.25 / 3)
    assert {run.parameters["weight_job"] for run in runs} == {1.5, 2.5}
    again = plan_runs(window, inputs, _posterior(), BASE, seeds=3, master_seed=7)
    assert [(r.seed, r.flow_growth) for r in runs] == [(r.seed, r.flow_growth) for r in again]
    assert len({run.seed for run in runs}) == 6
    assert runs[0].parameters["start_date"] == dt.date(2025, 1, 1)
    with pytest.raises(ValueError, match="seeds=0"):
        plan_runs(window, inputs, _posterior(), BASE, seeds=0, master_seed=7)


def test_a_window_is_predicted_and_scored_beside_the_baselines():
    window = _short_window()
    inputs = window_inputs(window, BASE, 36_816.0)
    runs = plan_runs(window, inputs, _posterior(), BASE, seeds=2, master_seed=7)
    outcomes = run_window(window, runs)
    assert len(outcomes) == 4 and (outcomes[TOTAL] >= outcomes["first week"]).all()
    assert outcomes[TOTAL].gt(0).all()
    predictions = predictions_from_runs(window, outcomes, "test")
    assert [p.target for p in predictions] == [TOTAL, "first week"]
    for p in predictions:
        assert p.low <= p.median <= p.high
        assert p.median in set(outcomes[p.target])  # an actual run's value
    # the same runs again give the same outcomes
    assert run_window(window, runs[:1]).equals(outcomes.iloc[:1].reset_index(drop=True))


def test_validation_tables_put_the_model_beside_both_baselines():
    windows = [w for w in validation_windows() if w.label == "2024"]
    fake_model = [
        predictions_from_runs(
            windows[0],
            pd.DataFrame(
                {
                    TOTAL: [30_000.0, 40_000.0],
                    JANUARY_APRIL: [6_000.0, 8_000.0],
                    PEOPLE_PER_BOAT: [50.0, float("nan")],  # a run with no boat has no mean
                    "weight": [0.5, 0.5],
                }
            ),
            "two runs",
        )
    ][0]
    predictions, scores = validation_tables(windows, fake_model, seed=1)
    assert set(scores["predictor"]) >= {"model", "persistence"}
    model = predictions[predictions["predictor"] == "model"].set_index("target")
    assert len(model) == 3 and model.loc[PEOPLE_PER_BOAT, "median"] == 50.0
    assert model.loc[PEOPLE_PER_BOAT, "observed"] == 53


def test_the_model_predicts_people_per_boat_as_arrivals_over_boats_arrived():
    from model.run import simulate

    start, end = dt.date(2025, 1, 1), dt.date(2025, 1, 20)
    window = ValidationWindow(
        "load window", start, end, (TargetPeriod(PEOPLE_PER_BOAT, start, end),)
    )
    inputs = window_inputs(window, BASE, 36_816.0)
    run = plan_runs(window, inputs, _posterior(), BASE, seeds=1, master_seed=7)[0]
    outcome = run_window(window, [run])[PEOPLE_PER_BOAT].iloc[0]
    _, daily = simulate(run.parameters, seed=run.seed, days=20)
    assert daily["boats_arrived"].sum() > 0
    assert outcome == pytest.approx(daily["arrivals"].sum() / daily["boats_arrived"].sum())


def test_fit_years_are_before_the_window_and_the_config_sizes_exist():
    window = validation_windows()[0]  # 2022
    assert fit_years(window, [2019, 2020, 2021, 2022, 2023]) == [2019, 2020, 2021]
    with pytest.raises(ValueError, match="no calibration year ends before it"):
        fit_years(window, [2023, 2024])
    for size in ("full", "ci"):
        settings = load_config(size)
        labels = {w.label for w in validation_windows()}
        assert set(settings["windows"]) <= labels and settings["seeds"] >= 1
    with pytest.raises(ValueError, match="size='huge'"):
        load_config("huge")


def test_each_windows_fit_states_its_budget_and_what_it_spent(tmp_path):
    """Read from the fit's finished record; an unfinished fit is said to be so."""
    import json

    windows = validation_windows()[:2]  # 2022, 2023
    stopping = {"population_size": 80, "max_simulations": 1000, "max_generations": 6}
    record = {
        "setup": "{}",
        "stopping": json.dumps(stopping),
        "generations": 4,
        "simulations": 1013,
        "epsilon": 6.4,
        "effective_sample_size": 14.88,
        "seconds_this_call": 1.0,
    }
    fit_folder(tmp_path, windows[0]).mkdir(parents=True)
    (fit_folder(tmp_path, windows[0]) / "abc_finished.json").write_text(json.dumps(record))
    settings = {"calibration_years": [2019, 2020, 2021, 2022, 2023]}
    fits = fits_table(windows, settings, tmp_path)
    assert list(fits["fitted to"]) == ["2019-2021", "2019-2022"]
    first = fits.iloc[0]
    assert (first["particles"], first["budget (simulations)"]) == (80, 1000)
    assert (first["generations"], first["simulations"]) == (4, 1013)
    assert first["effective sample size"] == 14.9
    assert fits.iloc[1].isna()["simulations"]
    text = fits_markdown(fits)
    assert "| 2019-2022 | not finished |" in text and "| 4 | 1,013 | 14.9 |" in text


def test_the_ci_size_runs_end_to_end_with_the_tables_shape():
    """As CI runs it: a fit before January-June 2025, the model's runs, the three predictors."""
    from experiments.validation.rolling_origin import RESULTS, main

    assert main(["--size", "ci", "--workers", "1"]) == 0
    folder = RESULTS / "ci"
    predictions = pd.read_csv(folder / "predictions.csv")
    scores = pd.read_csv(folder / "scores.csv")
    runs = pd.read_csv(folder / "model_runs.csv")
    window = "2025-01-01 to 2025-06-30"
    assert set(predictions["window"]) == {window}
    assert set(predictions["target"]) == {TOTAL, JANUARY_APRIL}
    assert set(predictions["predictor"]) == {"model", "persistence", "count model (red days)"}
    model = predictions[predictions["predictor"] == "model"]
    assert (model["low"] <= model["median"]).all() and (model["median"] <= model["high"]).all()
    assert set(model["observed"]) == {19_982, 11_074}
    assert len(scores) == 6 and {"model", "persistence"} <= set(scores["predictor"])
    assert (runs[TOTAL] >= runs[JANUARY_APRIL]).all() and runs["weight"].sum() == pytest.approx(1)
    fits = pd.read_csv(folder / "fits.csv")
    assert list(fits["window"]) == [window] and list(fits["fitted to"]) == ["2023-2024"]
    fit = fits.iloc[0]
    assert fit["generations"] >= 1 and fit["simulations"] >= fit["particles"]
    # scored again from the stored predictions, with no model run: the same tables
    assert main(["--size", "ci", "--rescore"]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(folder / "predictions.csv"), predictions)
    pd.testing.assert_frame_equal(pd.read_csv(folder / "scores.csv"), scores)
