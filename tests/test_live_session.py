"""The live page's state and settings without a browser: the session store, Apply and links,
the policy's timeline, the jump to the policy's start, the effect figures, the scenario export."""

from __future__ import annotations

import datetime as dt

import ipyvuetify as v
import pandas as pd
import pytest
import solara

from model.parameters import PARAMETERS, ParameterError
from model.run import PrefixCache, deterrence, run_scenario
from model.scenarios import scenario_parameters
from viz import live, session_store
from viz.charts import Timeline, weekly_panels
from viz.live import LiveRun
from viz.live_page import LivePage, effect_lines, help_text
from viz.live_session import LiveSession
from viz.live_settings import (
    LiveSettings,
    changes,
    from_query,
    policy_dates,
    scenario_toml,
    timeline_text,
    to_query,
)


@pytest.fixture
def store(monkeypatch):
    """An empty session store, as the server's would be."""
    monkeypatch.setattr(session_store, "STORE", session_store.SessionStore())
    return session_store


def test_a_session_keeps_its_values_and_sessions_do_not_share(store):
    made = []

    def make():
        made.append(object())
        return made[-1]

    first = store.session_value("live", make, session_id="a")
    assert store.session_value("live", make, session_id="a") is first
    assert store.session_value("sweep", make, session_id="a") is not first  # another kind
    assert store.session_value("live", make, session_id="b") is not first  # another session
    assert len(made) == 3
    # outside a solara server there is no session: nothing is kept
    assert store.session_value("live", make) is not store.session_value("live", make)


def test_the_store_is_bounded_and_forgets_closed_sessions(store, monkeypatch):
    monkeypatch.setattr(store.STORE, "limit", 2)
    for session in ("a", "b", "c"):
        store.session_value("live", dict, session_id=session)
    assert store.STORE.sessions() == ["b", "c"]  # the least recently used went first
    store.session_value("live", dict, session_id="b")
    assert store.STORE.sessions() == ["c", "b"]
    assert store.STORE.forget_if_closed("c")  # no page of it is open on this (server-less) process
    assert store.STORE.sessions() == ["b"]


def test_the_store_forgets_a_session_a_grace_after_its_last_kernel_closed():
    forgotten = []
    store = session_store.SessionStore(grace_seconds=0.0, on_forget=forgotten.append)
    store.kernel_opened("a", "tab-1")
    values = {"live": store.value("a", "live", dict)}
    assert not store.forget_if_closed("a")  # a tab of it is open
    store.kernel_closed("a", "tab-1").join(30)
    assert "a" not in store and forgotten == [values]


def render_day(rc) -> str:
    (caption,) = [
        w.children[0]
        for w in rc.find(v.Html).widgets
        if w.children and isinstance(w.children[0], str) and w.children[0].startswith("Day ")
    ]
    return caption


def test_the_page_finds_its_run_again_after_a_tab_switch(store, monkeypatch):
    monkeypatch.setattr(store, "current_session_id", lambda: "browser-1")
    _, rc = solara.render(LivePage(), handle_error=False)
    rc.find(v.Btn, children=["Step a week"]).widget.click()
    rc.find(v.Slider).widgets[0].v_model = 7  # a pending change survives too
    rc.close()  # the page is left (another tab) ...
    _, rc = solara.render(LivePage(), handle_error=False)  # ... and shown again
    assert render_day(rc).startswith("Day 7")
    assert rc.find(v.Alert, type="warning").widgets  # still pending
    monkeypatch.setattr(store, "current_session_id", lambda: "browser-2")
    _, other = solara.render(LivePage(), handle_error=False)
    assert render_day(other).startswith("Day 0")


def test_settings_travel_in_a_link_and_back():
    settings = LiveSettings.of_scenario("pilot_crackdown", 3).with_lever("return_cap_per_week", 120)
    query = to_query(settings)
    assert query == "scenario=pilot_crackdown&seed=3&return_cap_per_week=120"  # moved levers only
    assert from_query(query) == settings
    assert from_query("?" + query) == settings
    dated = settings.with_lever("pilot_end_date", dt.date(2026, 9, 1))
    assert from_query(to_query(dated)) == dated
    assert from_query("") == LiveSettings()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("scenario=../x", "is not a shipped scenario"),
        ("seed=-1", "seed=-1 is not valid"),
        ("seed=abc", "seed='abc' is not valid"),
        ("weight_job=2", "the link's setting 'weight_job' is unknown"),
        ("return_cap_per_week=99999", "return_cap_per_week='99999' is out of range"),
    ],
)
def test_a_bad_link_is_refused_in_one_line(query, message):
    with pytest.raises(ParameterError, match=message) as error:
        from_query(query)
    assert "\n" not in str(error.value)


def test_a_link_opens_at_day_0_and_waits_for_apply_during_a_run():
    session = LiveSession.fresh()
    session.open_link("scenario=baseline&seed=2")
    assert (session.applied.scenario, session.applied.seed, session.run.day) == ("baseline", 2, 0)
    session.advance(7)
    session.open_link("scenario=pilot&seed=2")
    assert session.run.day == 7 and session.applied.scenario == "baseline"
    assert session.pending_changes() == [
        "scenario baseline → pilot",
        "return cap per week 0 → 50",  # the pilot's own cap comes with it
    ]
    assert "pending" in session.note
    session.open_link("scenario=pilot&seed=2")  # the same link again: nothing more
    session.discard()
    assert session.pending_changes() == []
    session.open_link("seed=x")
    assert session.error.startswith("The link's settings were not used: seed='x'")


def test_apply_goes_on_from_the_policy_start_or_restarts_and_says_which():
    session = LiveSession.fresh(LiveSettings.of_scenario("pilot", 4))
    session.advance(250)
    before = session.run.effect()
    session.edit(session.pending.with_lever("return_cap_per_week", 300))
    assert session.run.weekly()[0]["return_cap_this_week"].max() == 50  # pending: not yet
    session.apply()
    assert session.run.day == 250
    assert "re-ran from the saved state at the policy's start (day 217) to day 250" in session.note
    fresh = LiveRun("pilot", 4, {"return_cap_per_week": 300})
    fresh.advance(250)
    pd.testing.assert_frame_equal(session.run.weekly()[0], fresh.weekly()[0], check_exact=True)
    assert session.run.effect() == fresh.effect() != before  # the effect is the new run's
    session.edit(LiveSettings(session.pending.scenario, 5, session.pending.levers))
    session.apply()
    assert session.run.day == 0 and "restarted at day 0, since the seed changed" in session.note
    session.edit(session.pending.with_lever("crackdown_intensity", 2.0))  # out of bounds
    session.apply()
    assert "crackdown_intensity=2.0 is out of range" in session.error
    assert session.applied.levers["crackdown_intensity"] == 0.0  # the run keeps its settings


def test_the_pilot_dates_and_none_for_the_baseline():
    pilot = scenario_parameters("pilot")
    assert policy_dates(pilot) == [
        ("pilot starts", dt.date(2025, 8, 6)),
        ("first returns", dt.date(2025, 9, 18)),
        ("pilot ends", dt.date(2026, 6, 11)),
    ]
    assert policy_dates(scenario_parameters("baseline")) == []
    assert "pilot starts 2025-08-06 (day 217); first returns 2025-09-18 (day 260)" in (
        timeline_text(LiveSettings())
    )
    assert "no policy acts" in timeline_text(LiveSettings.of_scenario("baseline"))


def test_every_time_chart_marks_the_policy_dates():
    run = LiveRun("pilot", 1, {})
    run.advance(14)
    policy, counterfactual = run.weekly_points()
    timeline = Timeline(dt.date(2025, 1, 1), tuple(policy_dates(run.parameters)))
    panels = weekly_panels(policy, counterfactual, timeline)
    assert len(panels) == 5
    for panel in panels:
        marks = panel["series"][0]["markLine"]["data"]
        assert (marks[0]["name"], marks[0]["xAxis"]) == ("pilot starts", "2025-08-06")
        assert panel["xAxis"]["min"] == "2025-01-01"
        assert panel["xAxis"]["max"] >= "2026-06-11"  # the dates ahead are in view
        assert panel["toolbox"]["feature"]["saveAsImage"]
    # the dashed counterfactual is drawn above the policy's line
    policy_line, without = panels[0]["series"]
    assert without["lineStyle"]["type"] == "dashed" and without["z"] > policy_line["z"]


def test_the_baseline_does_not_speak_of_a_policy():
    run = LiveRun("baseline", 1, {})
    run.advance(7)
    policy, counterfactual = run.weekly_points()
    timeline = Timeline(dt.date(2024, 1, 1), (), has_policy=False)
    panels = weekly_panels(policy, counterfactual, timeline)
    names = [series["name"] for panel in panels for series in panel["series"]]
    assert not any("policy" in name for name in names)
    assert len(panels) == 4  # no effect chart
    assert effect_lines(run)[0].startswith("No policy acts in this scenario")


def test_the_jump_to_the_policy_start_is_the_same_run_and_is_cached(monkeypatch):
    monkeypatch.setattr(live, "PRE_POLICY_STATES", PrefixCache(size=2))
    stepped = LiveRun("pilot", 6, {})
    stepped.advance(224)
    jumped = LiveRun("pilot", 6, {"return_cap_per_week": 80})  # another cap: the same prefix
    assert jumped.jump_to_policy_start() == "Simulated the 217 days before the policy in one go."
    again = LiveRun("pilot", 6, {})
    assert "from the saved states" in again.jump_to_policy_start()
    assert again.day == 217 and not again.can_jump()
    again.advance(7)
    for kept, direct in zip(again.weekly(), stepped.weekly(), strict=True):
        pd.testing.assert_frame_equal(kept, direct, check_exact=True)


def test_the_effect_figures_equal_the_summary():
    run = LiveRun("pilot", 2, {"return_cap_per_week": 300})
    run.jump_to_policy_start()
    run.advance(330 - run.day)
    result = run_scenario("pilot", 2, 330, {"return_cap_per_week": 300})
    so_far = run.effect()
    assert so_far["crossings_deterred"] == result.summary["crossings_deterred"]
    assert so_far["deterrence_effect"] == result.summary["deterrence_effect"]
    recent = run.effect(91)
    assert recent["from_date"] == dt.date(2025, 8, 28)  # the 91 days to 25 November
    expected = deterrence(
        result.daily, result.counterfactual_daily, pd.Timestamp(recent["from_date"])
    )
    assert recent["crossings_deterred"] == expected["crossings_deterred"]
    said = effect_lines(run)
    change = -result.summary["crossings_deterred"]
    assert said[0].startswith(f"Effect so far: {change:+,} arrivals")
    assert f"({-result.summary['deterrence_effect']:+.1%})" in said[0]
    assert said[1].startswith(f"In the last 13 weeks: {-expected['crossings_deterred']:+,}")


def test_the_exported_scenario_reads_back_as_the_same_parameters(tmp_path):
    settings = LiveSettings.of_scenario("pilot_crackdown", 3).with_lever("return_cap_per_week", 120)
    text = scenario_toml(settings, days=40)
    assert text.startswith("# deterrence run --scenario FILE --seed 3 --days 40\n")
    path = tmp_path / "exported.toml"
    path.write_text(text)
    assert scenario_parameters(path) == settings.parameters()


def test_pending_changes_are_said_plainly():
    before = LiveSettings()
    after = before.with_lever("returns_follow_record", True).with_lever("patrol_intensity", 0.6)
    assert changes(before, after) == [
        "returns follow record false → true",
        "patrol intensity 0.55 → 0.6",
    ]


def test_each_control_explains_itself_from_the_declaration():
    _, rc = solara.render(LivePage(), handle_error=False)
    tips = " ".join(str(w.children) for w in rc.find(v.Tooltip).widgets)
    for name in ("return_cap_per_week", "smuggler_misinformation", "pilot_end_date"):
        declared = PARAMETERS[name]
        assert declared.description in help_text(name) and declared.source in help_text(name)
        assert declared.description[:40] in tips


def test_a_scenario_not_shipped_is_a_message_and_the_controls_stay():
    session = LiveSession.fresh(LiveSettings.of_scenario("pilot", 4))
    before = session.pending
    session.choose_scenario("../../outside")
    assert "is not a shipped scenario" in session.error
    assert session.pending == before
    session.choose_scenario("baseline")
    assert session.pending.scenario == "baseline"
