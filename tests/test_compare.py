"""The comparison of two policies (viz.compare): its runs are the model's own paired runs, its
table is A, B and A - B, its bad input is one line, and it reports progress and can be cancelled.
Short runs with the pilot moved to the start of the year, so that the policies act."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from model.parameters import ParameterError
from model.run import run_scenario
from tests.conftest import EARLY_PILOT
from viz.compare import (
    MAX_PAGE_DAYS,
    Cancelled,
    Choice,
    Policy,
    check_choice,
    differences,
    run_comparison,
    summary_table,
    weekly_table,
)
from viz.compare_charts import comparison_panels
from viz.compare_page import differences_caption

DAYS = 70
A = Policy("pilot", EARLY_PILOT)
B = Policy("pilot", {**EARLY_PILOT, "return_cap_per_week": 400})


@pytest.fixture(scope="module")
def comparison():
    return run_comparison(Choice(A, B, seed=2, days=DAYS))


def test_each_side_is_the_models_own_paired_run(comparison):
    for policy, result in ((A, comparison.a), (B, comparison.b)):
        alone = run_scenario(policy.scenario, seed=2, days=DAYS, overrides=policy.levers)
        pd.testing.assert_frame_equal(result.daily, alone.daily)
        pd.testing.assert_frame_equal(result.counterfactual_daily, alone.counterfactual_daily)
        assert result.summary == pytest.approx(alone.summary, nan_ok=True)


def test_the_weekly_table_holds_a_b_and_their_difference(comparison):
    table = weekly_table(comparison)
    assert len(table) == len(comparison.a.weekly) == len(comparison.b.weekly)
    for quantity, record in (("arrivals", "arrivals"), ("coast", "waiting_in_france")):
        assert table[f"{quantity}_A"].tolist() == comparison.a.weekly[record].tolist()
        assert table[f"{quantity}_B"].tolist() == comparison.b.weekly[record].tolist()
    for quantity in ("arrivals", "returns", "coast", "effect"):
        assert (table[f"{quantity}_diff"] == table[f"{quantity}_A"] - table[f"{quantity}_B"]).all()
    effect_a = comparison.a.weekly["arrivals"] - comparison.a.counterfactual_weekly["arrivals"]
    assert table["effect_A"].tolist() == effect_a.tolist()
    assert table["returns_B"].sum() > table["returns_A"].sum()  # a higher cap returns more


def test_the_summary_table_agrees_with_each_runs_summary(comparison):
    table = summary_table(comparison).set_index("key")
    assert table.loc["arrivals", "A"] == comparison.a.summary["arrivals"]
    assert table.loc["returns", "B"] == comparison.b.summary["returns"]
    assert table.loc["effect_on_arrivals", "A"] == -comparison.a.summary["crossings_deterred"]
    assert (table["A - B"] == table["A"] - table["B"]).all()


def test_the_same_policy_twice_differs_in_nothing():
    choice = Choice(A, A, seed=2, days=14)
    table = weekly_table(run_comparison(choice))
    assert differences(choice) == []
    assert (table.filter(like="_diff") == 0).all().all()
    assert differences_caption(choice).startswith("A and B are the same policy")


def test_the_caption_names_what_differs():
    choice = Choice(A, B, seed=2, days=DAYS)
    assert differences(choice) == [("return_cap_per_week", 200, 400)]
    assert "return cap per week 200 (A) against 400 (B)" in differences_caption(choice)


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (Choice(A, B, seed=-1), "seed=-1 is not valid: allowed is a whole number >= 0"),
        (Choice(A, B, days=0), "days=0 is not valid: allowed is a whole number from 1 to"),
        (
            Choice(A, B, days=MAX_PAGE_DAYS + 1),
            f"days={MAX_PAGE_DAYS + 1} is too long for the page: allowed is 1 to {MAX_PAGE_DAYS}",
        ),
        (
            Choice(A, Policy("pilot", {"return_cap_per_week": -5})),
            "policy B: return_cap_per_week=-5 is out of range: allowed is",
        ),
        (Choice(Policy("no_such"), B), "policy A: scenario 'no_such' is not a shipped scenario"),
        (
            Choice(A, Policy("baseline")),
            "policy B starts on 2024-01-01 and policy A on 2025-01-01: allowed is two scenarios",
        ),
    ],
    ids=["seed", "days", "too-long", "lever", "scenario", "start-dates"],
)
def test_bad_input_is_one_line_naming_the_value(choice, message):
    with pytest.raises(ParameterError) as raised:
        check_choice(choice)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_progress_rises_to_the_end():
    shares = []
    run_comparison(Choice(A, B, seed=2, days=28), on_progress=shares.append)
    assert len(shares) > 2
    assert shares == sorted(shares)
    assert shares[-1] == 1.0
    assert 0 < shares[0] < 0.5


def test_a_cancelled_comparison_stops_at_once():
    stop = threading.Event()
    stop.set()
    shares = []
    with pytest.raises(Cancelled):
        run_comparison(Choice(A, B, seed=2, days=DAYS), on_progress=shares.append, stop=stop)
    assert shares == []


def test_panels_share_their_axes(comparison):
    labels = {"A": "A: early pilot", "B": "B: cap 400"}
    panels = comparison_panels(weekly_table(comparison), labels)
    assert len(panels) == 4
    for panel in panels:
        a, b, diff = panel["series"]
        assert (a["name"], b["name"], diff["name"]) == (*labels.values(), "A - B (right axis)")
        assert "yAxisIndex" not in a and "yAxisIndex" not in b and diff["yAxisIndex"] == 1
        assert panel["xAxis"]["min"] == panels[0]["xAxis"]["min"]
        assert panel["xAxis"]["max"] == panels[0]["xAxis"]["max"]
