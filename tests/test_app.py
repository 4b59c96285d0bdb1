"""The live page, rendered in-process (no browser): stepping advances the run, a lever change
waits for Apply, and each rendered page has its own model."""

import threading
import time

import ipyvuetify as v
import pandas as pd
import solara

from model.parameters import PARAMETERS
from viz.live import CHART_RECORDS, LiveRun
from viz.live_page import LEVERS, scenario_defaults
from viz.live_page import LivePage as Page


def day_text(rc) -> str:
    texts = [
        w.children[0]
        for w in rc.find(v.Html).widgets
        if w.children and isinstance(w.children[0], str) and w.children[0].startswith("Day ")
    ]
    assert len(texts) == 1, texts
    return texts[0]


def errors(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "error"]


def notes(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "info"]


def pending(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "warning"]


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def slider(rc, name):
    label = name.replace("_", " ") + " ("
    (found,) = [w for w in rc.find(v.Slider).widgets if w.label.startswith(label)]
    return found


def test_step_advances_the_run_and_redraws():
    _, rc = solara.render(Page(), handle_error=False)
    assert day_text(rc).startswith("Day 0")
    rc.find(v.Btn, children=["Step a week"]).widget.click()
    assert day_text(rc).startswith("Day 7")
    rc.find(v.Btn, children=["Step a week"]).widget.click()
    assert day_text(rc).startswith("Day 14")


def test_moving_a_policy_lever_keeps_the_day_and_a_behaviour_lever_starts_again():
    _, rc = solara.render(Page(), handle_error=False)
    rc.find(v.Btn, children=["Step a week"]).widget.click()
    cap = slider(rc, "return_cap_per_week")
    assert cap.v_model == scenario_defaults("pilot")["return_cap_per_week"]
    cap.v_model = 400
    assert slider(rc, "return_cap_per_week").label.endswith("(pending)")
    (waiting,) = pending(rc)
    assert "return cap per week 50 → 400" in waiting
    click(rc, "Apply")
    assert day_text(rc).startswith("Day 7")  # the pilot has not started: nothing to redo
    assert pending(rc) == []
    assert "the policy has not started yet" in notes(rc)[0]
    assert slider(rc, "return_cap_per_week").v_model == 400
    slider(rc, "belief_weight_network").v_model = 0.5  # acts from day 0: a new run, on Apply
    click(rc, "Step a week")
    assert day_text(rc).startswith("Day 14")  # pending: the run goes on as it was
    click(rc, "Apply")
    assert day_text(rc).startswith("Day 0")
    assert "restarted at day 0, since belief weight network acts before" in notes(rc)[0]


def test_a_lever_moved_after_the_fork_goes_on_from_the_fork_to_the_same_day():
    run = LiveRun("pilot", 3, {})
    run.advance(280)  # past the pilot's first day (217)
    assert run.change_levers({"return_cap_per_week": 300})
    assert run.day == 280
    fresh = LiveRun("pilot", 3, {"return_cap_per_week": 300})
    fresh.advance(280)
    for moved, direct in zip(run.weekly(), fresh.weekly(), strict=True):
        pd.testing.assert_frame_equal(moved, direct, check_exact=True)
    assert run.weekly()[0]["returns"].sum() > 0
    # a lever that would start the policy before the fork cannot go on from it
    assert not run.change_levers({"crackdown_intensity": 0.5, "crackdown_start_date": "2025-03-01"})


NUMERIC_LEVERS = [name for name in LEVERS if PARAMETERS[name].kind in (int, float)]


def labelled(rc, widget_type, name):
    label = name.replace("_", " ") + " ("
    (found,) = [w for w in rc.find(widget_type).widgets if (w.label or "").startswith(label)]
    return found


def test_controls_follow_the_parameter_declaration():
    # the live page's levers are the parameters declared `lever = true`, the pilot's first
    assert set(LEVERS) == {name for name, p in PARAMETERS.items() if p.lever}
    assert PARAMETERS[LEVERS[0]].group == "policy"
    assert {"pilot_end_date", "returns_follow_record", "identity_document_share"} <= set(LEVERS)
    _, rc = solara.render(Page(), handle_error=False)
    for name in NUMERIC_LEVERS:
        control = slider(rc, name)
        assert control.min == PARAMETERS[name].low
        assert control.max == PARAMETERS[name].high
    assert labelled(rc, v.Checkbox, "returns_follow_record").v_model is False
    date = labelled(rc, v.TextField, "pilot_end_date")
    assert date.v_model == scenario_defaults("pilot")["pilot_end_date"].isoformat()


def test_following_the_record_from_its_checkbox_changes_the_run():
    _, rc = solara.render(Page(), handle_error=False)
    rc.find(v.Btn, children=["Step a week"]).widget.click()
    labelled(rc, v.Checkbox, "returns_follow_record").v_model = True
    click(rc, "Apply")
    assert day_text(rc).startswith("Day 7")  # a policy lever: the run goes on
    assert labelled(rc, v.Checkbox, "returns_follow_record").v_model is True


def test_sessions_do_not_share_a_model():
    _, first = solara.render(Page(), handle_error=False)
    _, second = solara.render(Page(), handle_error=False)
    first.find(v.Btn, children=["Step a week"]).widget.click()
    assert day_text(first).startswith("Day 7")
    assert day_text(second).startswith("Day 0")


def test_live_run_pairs_the_counterfactual():
    run = LiveRun("pilot", 3, {"return_cap_per_week": 200})
    run.advance(21)
    policy, counterfactual = run.weekly()
    assert len(policy) == len(counterfactual) == 3
    # before the pilot starts (August) the two runs are the same run
    assert (policy["arrivals"] == counterfactual["arrivals"]).all()
    assert run.counterfactual.params["return_cap_per_week"] == 0
    assert set(CHART_RECORDS) <= set(policy.columns)


def test_sliders_keep_the_scenario_values():
    # a slider whose steps miss a scenario's value would silently change the run
    _, rc = solara.render(Page(), handle_error=False)
    defaults = scenario_defaults("pilot")
    for name in NUMERIC_LEVERS:
        control = slider(rc, name)
        assert control.v_model == defaults[name], name
        assert (
            abs(
                (control.v_model - control.min) / control.step
                - round((control.v_model - control.min) / control.step)
            )
            < 1e-6
        ), name
    rc.find(v.Btn, children=["Step a week"]).widget.click()
    assert day_text(rc).startswith("Day 7")  # no control changed the run on its way in


def wait_until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def day_number(rc) -> int:
    return int(day_text(rc).split()[1].rstrip(":"))


def test_play_runs_on_until_paused(monkeypatch):
    # A slow week, so that Pause lands while a week is being simulated (as on a busy machine)
    week_started = threading.Event()
    simulate_week = LiveRun.advance

    def slow_week(self, days):
        week_started.set()
        time.sleep(0.5)
        simulate_week(self, days)

    monkeypatch.setattr(LiveRun, "advance", slow_week)
    _, rc = solara.render(Page(), handle_error=False)
    rc.find(v.Btn, children=["Play"]).widget.click()
    wait_until(lambda: day_number(rc) >= 14)
    week_started.clear()
    assert week_started.wait(5)
    rc.find(v.Btn, children=["Pause"]).widget.click()
    assert rc.find(v.Btn, children=["Pausing…"]).widgets  # until the week in progress ends
    wait_until(lambda: rc.find(v.Btn, children=["Play"]).widgets)
    paused_at = day_number(rc)
    time.sleep(1.0)
    assert day_number(rc) == paused_at
    assert paused_at % 7 == 0  # whole weeks only


def test_a_failing_run_is_a_message_not_a_traceback(monkeypatch):
    _, rc = solara.render(Page(), handle_error=False)

    def broken(self, days):
        raise RuntimeError("boom")

    monkeypatch.setattr(LiveRun, "advance", broken)
    rc.find(v.Btn, children=["Step a week"]).widget.click()
    (alert,) = errors(rc)
    assert "The run failed after day 0: RuntimeError: boom" in alert


def test_a_bad_seed_is_a_message_and_a_good_one_recovers():
    _, rc = solara.render(Page(), handle_error=False)
    seed = rc.find(v.TextField, label="Seed").widget
    seed.v_model = "-3"
    seed.fire_event("keyup.enter", None)  # the seed is read on Enter, as in the browser
    assert "seed 1 → -3" in pending(rc)[0]
    click(rc, "Apply")
    (alert,) = errors(rc)
    assert "seed=-3 is not valid: allowed is a whole number >= 0" in alert
    seed.v_model = "4"
    seed.fire_event("keyup.enter", None)
    click(rc, "Apply")
    assert errors(rc) == []
    assert day_text(rc).startswith("Day 0")
    assert "restarted at day 0, since the seed changed" in notes(rc)[0]
