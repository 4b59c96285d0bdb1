"""The live run page: run the model a week at a time, or play it, and watch the levers act.

Each browser session has its own run, kept in :mod:`viz.session_store` (a
:class:`viz.live_session.LiveSession`), so that switching to the sweep page and back, or
reloading, finds it at the same day. Controls are generated from the parameter declaration,
with its defaults, bounds, descriptions and sources; a change is pending until Apply (or
Reset). The settings the run uses are in the page's URL, so a link reopens them. A bad value or
a failed run is shown as a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time

import reacton.ipyvuetify as rv
import solara
import solara.lab

from model.data import load_observed_arrivals
from model.parameters import PARAMETERS
from model.scenarios import scenario_description, scenario_names
from viz.charts import PANEL_HEIGHT, Timeline, network_chart, weekly_panels
from viz.echarts_panel import ChartOption, EchartsPanel
from viz.live import DAYS_PER_STEP, LiveRun
from viz.live_session import LiveSession
from viz.live_settings import (
    LEVERS,
    LiveSettings,
    policy_dates,
    scenario_defaults,
    scenario_toml,
    timeline_text,
    to_query,
)
from viz.session_store import session_value

__all__ = ["LEVERS", "LivePage", "scenario_defaults"]

FLOAT_STEPS = 1000
"""At least this many slider positions between a real-valued parameter's bounds."""

QUARTER_DAYS = 91
"""Days simulated by the 'Run 13 weeks' button, and the span of the recent effect."""

PLAY_PAUSE_SECONDS = 0.2
"""Pause between weeks while playing, so the page can draw each week and stay responsive."""

PLAY_LIMIT_DAYS = 3 * 365
"""Playing stops after this many days (three years); Step still goes on."""

NETWORK_SAMPLE = 120
"""Migrants on the coast shown in the network view."""

LEVER_CSS = """
.levers .v-input__slot { flex-wrap: wrap; height: auto !important; }
.levers .v-input__slot > .v-label { flex: 1 0 100%; white-space: normal; height: auto; }
"""
"""Each lever's label on its own line above a full-width slider (the labels are long)."""

REDRAWS = itertools.count(1)
"""Fresh numbers for the page's redraw trigger."""


def help_text(name: str) -> str:
    """A control's explanation, from the parameter's declaration."""
    declared = PARAMETERS[name]
    return (
        f"{declared.description} Unit: {declared.unit}; allowed: {declared.allowed()}. "
        f"Source: {declared.source}"
    )


@solara.component
def ParameterControl(name: str, value, on_value, pending: bool = False, disabled: bool = False):
    """A control for one declared parameter: its bounds and unit, its description as a tooltip."""
    declared = PARAMETERS[name]
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    label = f"{name.replace('_', ' ')} ({declared.unit}): {shown}" + (
        " (pending)" if pending else ""
    )
    with solara.Tooltip(help_text(name)):
        if declared.kind is bool:
            solara.Checkbox(label=label, value=value, on_value=on_value, disabled=disabled)
        elif declared.kind is dt.date:

            def on_date(picked: dt.date | None) -> None:
                if picked is not None:  # a cleared field keeps the last date
                    on_value(picked)

            solara.lab.InputDate(
                value,
                on_value=on_date,
                label=label,
                date_format="%Y-%m-%d",
                min_date=declared.low.isoformat(),
                max_date=declared.high.isoformat(),
            )
        elif declared.kind is int:
            solara.SliderInt(
                label,
                value=value,
                min=declared.low,
                max=declared.high,
                on_value=on_value,
                disabled=disabled,
            )
        else:
            # A power of ten, so that the declared default and scenario values sit on the grid.
            step = 10.0 ** math.floor(math.log10((declared.high - declared.low) / FLOAT_STEPS))
            solara.SliderFloat(
                label,
                value=value,
                min=declared.low,
                max=declared.high,
                step=step,
                on_value=on_value,
                disabled=disabled,
            )


def data_table(run: LiveRun) -> str:
    """The run so far against the public figures, as a Markdown table."""
    observed = {row["year"]: row for row in load_observed_arrivals()}[2024]
    weeks = run.day / 7
    arrivals, _ = run.totals("arrivals")
    boats, _ = run.totals("boats_arrived")
    per_boat = f"{arrivals / boats:.1f}" if boats else "n/a"
    return "\n".join(
        [
            "| figure | model, run so far | public figure |",
            "| --- | --- | --- |",
            f"| arrivals a week | {arrivals / max(weeks, 1):,.0f} | "
            f"{observed['arrivals'] / 52:,.0f} (2024); 782 (2025 to early July) |",
            f"| people per boat | {per_boat} | {observed['people_per_boat']:g} (2024) |",
        ]
    )


def play_label(playing: bool, pausing: bool) -> str:
    """The play button's label: Pause while playing, Pausing while the last week finishes."""
    if playing:
        return "Pause"
    return "Pausing…" if pausing else "Play"


def day_caption(run: LiveRun) -> str:
    """Where the run is in time."""
    if run.day:
        return f"Day {run.day}: simulated to {run.policy.date.isoformat()}"
    return f"Day 0: the run starts on {run.policy.start_date.isoformat()}"


def totals_caption(run: LiveRun) -> str:
    """The run's totals so far, beside its counterfactual's arrivals when there is a policy."""
    if run.day == 0:
        return "No days simulated yet."
    arrivals, arrivals_without = run.totals("arrivals")
    without = f" ({arrivals_without:,} without the policy)" if run.has_policy else ""
    return (
        f"So far: {arrivals:,} arrivals{without}, "
        f"{run.totals('returns')[0]:,} returns, "
        f"{run.totals('legal_admissions')[0]:,} legal admissions."
    )


def effect_phrase(effect: dict) -> str:
    """Arrivals with the policy minus without, in people and in per cent, and the two totals."""
    with_policy = effect["arrivals_in_policy_period"]
    without = effect["counterfactual_arrivals_in_policy_period"]
    change = with_policy - without
    share = f" ({change / without:+.1%})" if without else ""
    return (
        f"{change:+,} arrivals{share}: {with_policy:,} with the policy against {without:,} "
        f"without, from {effect['from_date'].isoformat()} to {effect['to_date'].isoformat()}"
    )


def effect_lines(run: LiveRun) -> list[str]:
    """The policy's effect in words: so far, and in the last 13 weeks."""
    if not run.has_policy:
        return [
            "No policy acts in this scenario: the run is its own counterfactual, so there is no "
            "effect to measure."
        ]
    so_far = run.effect()
    if so_far is None:
        start = run.counterfactual.start_date + dt.timedelta(days=run.fork_day)
        return [f"The policy starts on {start.isoformat()} (day {run.fork_day}): no effect yet."]
    recent = run.effect(QUARTER_DAYS)
    return [
        f"Effect so far: {effect_phrase(so_far)}.",
        f"In the last 13 weeks: {effect_phrase(recent)}.",
    ]


@solara.component
def Charts(run: LiveRun, version: int):
    """The weekly panels, the network view and the panel of public figures."""
    policy, counterfactual = run.weekly_points()
    solara.Text(totals_caption(run))
    for line in effect_lines(run):
        solara.Text(line)
    timeline = Timeline(
        run.parameters["start_date"], tuple(policy_dates(run.parameters)), run.has_policy
    )
    graph, risk = run.network_sample(NETWORK_SAMPLE)
    cells = [
        (option, PANEL_HEIGHT) for option in weekly_panels(policy, counterfactual, timeline)
    ] + [(network_chart(graph, risk), "380px")]
    for row in range(0, len(cells), 2):
        with solara.Columns([1, 1]):
            for option, height in cells[row : row + 2]:
                EchartsPanel(ChartOption(option), height)
    solara.Markdown("### The model against the public figures\n\n" + data_table(run))


@solara.component
def PendingChanges(session: LiveSession, version: int, on_apply, on_discard):
    """The changes the controls hold that the run does not use yet, with Apply and Discard.

    ``version`` changes whenever the session may have: the session object itself stays the same.
    """
    said = session.pending_changes()
    if not said:
        return
    solara.Warning(
        "Pending, not applied yet: " + "; ".join(said) + ". Apply goes on from the policy's "
        "start when only policy levers changed, else starts again at day 0."
    )
    with solara.Row():
        solara.Button("Apply", on_click=on_apply, color="primary")
        solara.Button("Discard", on_click=on_discard)


@solara.component
def ShareSettings(session: LiveSession, version: int):
    """A link to the run's settings and the settings as a scenario file (``version``: as above)."""
    applied, run = session.applied, session.run
    query = to_query(applied)
    with solara.Row(style={"align-items": "center"}):
        rv.Html(tag="a", attributes={"href": f"?{query}"}, children=["Link to these settings"])
        solara.FileDownload(
            lambda: scenario_toml(applied, run.day if run is not None else 0),
            filename=f"{applied.scenario}-seed{applied.seed}.toml",
            label="Settings as a scenario file (TOML)",
        )
    solara.Text("Each chart saves as PNG from its toolbox (top right).")


@solara.component
def LivePage():
    """The live run page."""
    session: LiveSession = solara.use_memo(
        lambda: session_value("live", LiveSession.fresh), dependencies=[]
    )
    router = solara.use_router()
    version, set_version = solara.use_state(0)  # bumped to redraw after the session changes
    playing = solara.use_reactive(False)
    looping = solara.use_reactive(False)  # the play loop is running (it may be finishing a week)
    mounted = solara.use_ref(True)

    def watch_unmount():
        def unmounted():
            mounted.current = False  # a tab switch stops playing; the run itself is kept

        return unmounted

    solara.use_effect(watch_unmount, [])
    session.open_link(router.search or "")

    def redraw() -> None:
        set_version(next(REDRAWS))

    def publish() -> None:
        """Put the run's settings in the page's URL, so a reload or a copied link keeps them."""
        query = to_query(session.applied)
        session.link_seen = query
        if router.set_path is not None:  # None when rendered outside a server (tests)
            router.push(f"{router.path}?{query}")

    def advance(days: int) -> bool:
        went_on = session.advance(days)
        redraw()
        return went_on

    def play():
        if not playing.value:
            return
        # Pause takes effect after the week in progress; until then the page says "Pausing"
        # so that a shown "Play" always means the run has stopped.
        looping.set(True)
        try:
            while playing.value and mounted.current:
                run = session.run
                if run is None or run.day >= PLAY_LIMIT_DAYS or not advance(DAYS_PER_STEP):
                    playing.set(False)
                    return
                time.sleep(PLAY_PAUSE_SECONDS)
        finally:
            looping.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def act(change):
        """Run a change of the session (stopping play first), then redraw and publish."""

        def handler(*_args) -> None:
            playing.set(False)
            change()
            publish()
            redraw()

        return handler

    def edit(settings: LiveSettings) -> None:
        session.edit(settings)
        redraw()

    pending = session.pending
    applied = session.applied
    solara.Title("Channel deterrence model: live run")
    with solara.Columns([1, 3]):
        with solara.Column():
            solara.Select(
                "Scenario",
                values=scenario_names(),
                value=pending.scenario,
                on_value=lambda name: (session.choose_scenario(name), redraw()),
            )
            solara.InputInt(
                "Seed",
                value=pending.seed,
                on_value=lambda seed: edit(LiveSettings(pending.scenario, seed, pending.levers)),
            )
            solara.Style(LEVER_CSS)
            with solara.Column(classes=["levers"]):
                for name in LEVERS:
                    ParameterControl(
                        name,
                        pending.levers[name],
                        lambda value, name=name: edit(pending.with_lever(name, value)),
                        pending=pending.levers[name] != applied.levers[name],
                    )
        with solara.Column():
            solara.Markdown("## Channel small-boat crossings and the 'one in, one out' pilot")
            solara.Markdown(
                f"**Scenario {applied.scenario}.** "
                + scenario_description(applied.scenario).replace("\n", " ")
            )
            run = session.run
            if run is not None:
                solara.Text(timeline_text(applied))
            busy = playing.value or looping.value
            with solara.Row():
                pausing = looping.value and not playing.value
                solara.Button(
                    play_label(playing.value, pausing),
                    on_click=lambda: playing.set(not playing.value),
                    color="primary",
                    disabled=run is None or pausing,
                )
                solara.Button("Step a week", on_click=lambda: advance(DAYS_PER_STEP), disabled=busy)
                solara.Button("Run 13 weeks", on_click=lambda: advance(QUARTER_DAYS), disabled=busy)
                if run is not None and run.can_jump():
                    solara.Button(
                        f"Jump to the policy's start (day {run.fork_day})",
                        on_click=act(session.jump_to_policy_start),
                        disabled=busy,
                    )
                solara.Button("Reset", on_click=act(session.reset))
            PendingChanges(session, version, act(session.apply), act(session.discard))
            if session.note:
                solara.Info(session.note)
            if session.error:
                solara.Error(session.error)
            if run is not None:
                solara.Text(day_caption(run))
                Charts(run, version)
                ShareSettings(session, version)
