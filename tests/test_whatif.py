"""The what-if page's logic (viz/whatif.py, viz/whatif_check.py): the emulator's answers in
their declared formats with their scores, poorly predicted outputs flagged, sliders inside the
training ranges, and checks with the model: run at their own setting on the sweep engine,
set beside the emulator, cancelled between runs, waiting for another session's check."""

from __future__ import annotations

import math
import threading
import time

import pandas as pd
import pytest

from experiments.costs import policy_costs
from experiments.decision.training import SHIPPED_TRAINING
from experiments.engine.spec import SweepError, parse_sweep
from model.metrics import METRICS
from viz import whatif_check
from viz.live_page import FLOAT_STEPS
from viz.whatif import (
    NET_COST_LABEL,
    SliderRange,
    answers,
    answers_html,
    on_slider,
    output_label,
    shipped,
    shown,
    slider_ranges,
    starting_setting,
)
from viz.whatif_check import (
    CANCELLED,
    FINISHED,
    QUEUED,
    Check,
    WhatIfSession,
    check_markdown,
    check_table,
)

SHORT_TRAINING = """
[sweep]
scenario = "pilot"
days = 240
replicates = {replicates}
master_seed = 20251201
design = "latin_hypercube"
samples = 4
outputs = ["deterrence_effect", "arrivals", "returns", "legal_admissions", "crossings_deterred",
           "waiting_in_france_at_end", "deaths"]

[vary.return_cap_per_week]
low = 0
high = 1000
"""
"""A training sweep of pilot runs long enough for the policy to act (from day 217), short
enough for a test: a check runs as it would."""


@pytest.fixture(scope="module")
def card():
    return shipped()


@pytest.fixture(scope="module")
def setting(card):
    return starting_setting(card, slider_ranges(card, FLOAT_STEPS))


def short_training(replicates: int):
    return parse_sweep(SHORT_TRAINING.format(replicates=replicates), "short")


def wait_for_end(session: WhatIfSession, timeout: float = 240.0) -> Check:
    deadline = time.monotonic() + timeout
    while session.running and time.monotonic() < deadline:
        session.wait_for_news(session.version, 1.0)
    session.join(30.0)
    assert not session.running, session.checks[-1].status()
    return session.checks[-1]


def test_values_are_shown_in_their_declared_formats():
    assert shown("arrivals", 36_309.4) == "36,309"  # a count given as a mean, rounded
    assert shown("deterrence_effect", 0.11344) == "11.3%"
    assert shown("net_cost_gbp", -42_145_025.04) == "-42,145,025"
    assert shown("deaths", math.nan) == "n/a"
    assert output_label("returns") == METRICS["returns"].label
    assert output_label("net_cost_gbp") == NET_COST_LABEL


def test_answers_carry_their_scores_and_flag_outputs_predicted_poorly(card, setting):
    scores = pd.read_csv(SHIPPED_TRAINING / "emulator" / "validation.csv").set_index("output")
    found = answers(card, setting)
    predicted = card.emulator.predict(setting).iloc[0]
    assert [answer.output for answer in found] == list(card.emulator.outputs)
    for answer in found:
        assert answer.central == predicted[answer.output]
        assert answer.low < answer.central < answer.high
        assert answer.r2 == scores.loc[answer.output, "r2"]
        assert answer.coverage == scores.loc[answer.output, "coverage_90"]
    poor = {answer.output for answer in found if answer.poor}
    assert poor == set(scores.index[scores["r2"] < 0.8])
    assert poor  # the shipped emulator flags some: over posterior draws, outputs vary beyond it

    table = answers_html(found)
    assert table.count("<strong>predicted poorly</strong>") == len(poor)
    arrivals = next(answer for answer in found if answer.output == "arrivals")
    row = table.split(METRICS["arrivals"].label)[1].split("</tr>")[0]
    low, high = shown("arrivals", arrivals.low), shown("arrivals", arrivals.high)
    assert f"<td>{shown('arrivals', arrivals.central)}</td><td>{low} to {high}</td>" in row
    r2, coverage = scores.loc["arrivals", ["r2", "coverage_90"]]
    verdict = "<strong>predicted poorly</strong>" if "arrivals" in poor else "good"
    assert f"<td>{r2:.2f}</td><td>{coverage:.0%}</td><td>{verdict}" in row


def test_the_start_is_a_setting_the_sliders_can_hold(card, setting):
    """On each slider's grid and inside its ends: what the page shows is what it answers for."""
    assert on_slider(5.822, SliderRange(4.51, 8.43, 0.01)) == 5.82
    assert on_slider(2604.8, SliderRange(900.0, 2900.0, 1.0)) == 2605.0
    assert on_slider(0.0, SliderRange(0.21, 19.95, 0.01)) == 0.21  # moved inside
    for name, slider in slider_ranges(card, FLOAT_STEPS).items():
        value = setting[name]
        assert slider.low <= value <= slider.high
        assert round(value / slider.step, 6).is_integer(), (name, value)


def test_a_setting_outside_the_training_ranges_is_refused_in_one_line(card, setting):
    with pytest.raises(SweepError) as refused:
        answers(card, {**setting, "return_cap_per_week": 5000})
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("return_cap_per_week=5000 is outside the emulator's range")
    low, high = card.emulator.ranges["return_cap_per_week"]  # the training runs' own range
    assert f"allowed is a value from {low:g} to {high:g}" in message


def test_sliders_stay_inside_the_training_ranges_and_start_there(card, setting):
    for name, bounds in slider_ranges(card, FLOAT_STEPS).items():
        low, high = card.emulator.ranges[name]
        assert low <= bounds.low < bounds.high <= high, name
        assert 100 <= (bounds.high - bounds.low) / bounds.step <= 10_000, name
        assert bounds.low <= setting[name] <= bounds.high, name
    assert setting["return_cap_per_week"] == 50  # the pilot's own cap, inside the range
    top = slider_ranges(card, FLOAT_STEPS)["legal_route_share"].high
    assert setting["legal_route_share"] == top  # the pilot's 1.0, moved inside the range


def test_a_checks_table_sets_the_models_runs_beside_the_emulator():
    emulated = {"arrivals": 1000.0, "arrivals_low": 900.0, "arrivals_high": 1100.0}
    runs = ({"arrivals": 950}, {"arrivals": 1200}, {"arrivals": 1010})
    check = Check(3, {"return_cap_per_week": 50}, emulated, 3, FINISHED, 3, runs)
    (row,) = check_table(check, ("arrivals",)).to_dict("records")
    assert row["model_mean"] == pytest.approx(1053.333, abs=1e-3)
    assert row["model_runs"] == [950, 1200, 1010]
    assert row["inside"] == 2  # 1,200 is above the interval
    assert "| 1,000 (900 to 1,100) | 1,053 | 950, 1,200, 1,010 | 2 of 3 |" in check_markdown(
        check, ("arrivals",)
    )


def test_a_check_runs_the_model_at_its_own_setting_and_keeps_it(card, setting, tmp_path):
    training = short_training(replicates=2)
    session = WhatIfSession()
    levers = dict(setting)
    session.start(card.emulator, training, levers)
    levers["return_cap_per_week"] = 900  # a lever moved while the check runs
    with pytest.raises(SweepError, match="a check is running already"):
        session.start(card.emulator, training, levers)
    check = wait_for_end(session)

    assert check.state == FINISHED and check.done == 2, check.status()
    assert check.setting == setting
    assert check.emulated == card.emulator.predict(setting).iloc[0].to_dict()
    results = pd.read_csv(session.folder / "check-1" / "results.csv")
    assert results["seed"].tolist() == [training.replicate_seed(0), training.replicate_seed(1)]
    for name, value in setting.items():
        assert results[name].tolist() == pytest.approx([value, value]), name
    assert [run["arrivals"] for run in check.runs] == results["arrivals"].tolist()
    costs = [
        policy_costs(row.returns, row.legal_admissions, row.crossings_deterred)["net_cost_gbp"]
        for row in results.itertuples()
    ]
    assert [run["net_cost_gbp"] for run in check.runs] == pytest.approx(costs)

    folder = session.folder
    session.end()
    assert not folder.exists()  # the session's checks go with it


def test_a_cancelled_check_stops_after_the_run_under_way(card, setting):
    session = WhatIfSession()
    session.start(card.emulator, short_training(replicates=3), setting)
    while session.checks[-1].state == QUEUED:  # cancelled once its first run is under way
        session.wait_for_news(session.version, 1.0)
    session.cancel()
    assert "(cancelling: the run under way ends first)" in session.checks[-1].status()
    check = wait_for_end(session)
    assert check.state == CANCELLED and check.done == 1, check.status()
    assert check.status() == "cancelled after 1 of 3 runs"
    assert check.runs == ()  # no model values shown for a check cut short
    results = pd.read_csv(session.folder / "check-1" / "results.csv")
    assert len(results) == 1
    session.end()


def test_a_check_waits_for_another_sessions_and_can_be_cancelled_meanwhile(card, setting):
    session = WhatIfSession()
    with whatif_check._ONE_AT_A_TIME:  # another session's check holds the server's slot
        session.start(card.emulator, short_training(replicates=2), setting)
        time.sleep(3 * whatif_check.TURN_POLL_SECONDS)
        assert session.checks[-1].state == QUEUED
        assert "waiting for another session's check" in session.checks[-1].status()
        session.cancel()
        check = wait_for_end(session, timeout=10.0)
    assert check.state == CANCELLED and check.done == 0
    assert not (session.folder / "check-1").exists()  # no run was started
    assert not whatif_check._ONE_AT_A_TIME.locked()
    session.end()


def test_an_ended_session_cancels_its_check(card, setting):
    session = WhatIfSession()
    session.start(card.emulator, short_training(replicates=3), setting)
    ender = threading.Thread(target=session.end)
    ender.start()
    ender.join(120.0)
    assert not ender.is_alive()
    assert session.checks[-1].state == CANCELLED
    assert not session.folder.exists()
