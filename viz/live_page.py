"""The live run page: run the model a week at a time, or play it, and watch the levers act.

Each browser tab gets its own run (a :class:`viz.live.LiveRun`): nothing is shared between
sessions. Controls are generated from the parameter declaration, with its defaults and bounds;
a bad combination of values or a failed run is shown as a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time

import solara
import solara.lab

from model.data import load_observed_arrivals
from model.parameters import PARAMETERS, ParameterError
from model.scenarios import check_shipped, scenario_names, scenario_parameters
from viz.charts import PANEL_HEIGHT, network_chart, weekly_panels
from viz.echarts_panel import ChartOption, EchartsPanel
from viz.live import DAYS_PER_STEP, LiveRun

LEVERS = tuple(
    sorted(
        (name for name, declared in PARAMETERS.items() if declared.lever),
        key=lambda name: PARAMETERS[name].group != "policy",  # policy first, else as declared
    )
)
"""The controls on the live page: the parameters declared ``lever = true``."""

FLOAT_STEPS = 1000
"""At least this many slider positions between a real-valued parameter's bounds."""

QUARTER_DAYS = 91
"""Days simulated by the 'Run 13 weeks' button."""

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


def scenario_defaults(scenario: str) -> dict:
    """Every lever's value in a scenario (its override, else the declared default)."""
    values = scenario_parameters(check_shipped(scenario))
    return {name: values[name] for name in LEVERS}


@solara.component
def ParameterControl(name: str, value, on_value, disabled: bool = False):
    """A slider for one declared parameter: its bounds, its unit, its description."""
    declared = PARAMETERS[name]
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    label = f"{name.replace('_', ' ')} ({declared.unit}): {shown}"
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


def data_table(run: LiveRun, policy) -> str:
    """The run so far against the public figures, as a Markdown table."""
    observed = {row["year"]: row for row in load_observed_arrivals()}[2024]
    weeks = run.day / 7
    arrivals = policy["arrivals"].sum() if len(policy) else 0
    boats = policy["boats_arrived"].sum() if len(policy) else 0
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


def totals_caption(policy, counterfactual) -> str:
    """The run's totals so far, beside its counterfactual's arrivals."""
    if len(policy) == 0:
        return "No days simulated yet."
    return (
        f"So far: {policy['arrivals'].sum():,} arrivals "
        f"({counterfactual['arrivals'].sum():,} without the policy), "
        f"{policy['returns'].sum():,} returns, "
        f"{policy['legal_admissions'].sum():,} legal admissions."
    )


@solara.component
def Charts(run: LiveRun, version: int):
    """The weekly panels, the network view and the panel of public figures."""
    policy, counterfactual = run.weekly()
    solara.Text(totals_caption(policy, counterfactual))
    panels = weekly_panels(policy, counterfactual)
    for row in (panels[:2], panels[2:]):
        with solara.Columns([1, 1]):
            for option in row:
                EchartsPanel(ChartOption(option), PANEL_HEIGHT)
    with solara.Columns([1, 1]):
        graph, risk = run.network_sample(NETWORK_SAMPLE)
        EchartsPanel(ChartOption(network_chart(graph, risk)), "380px")
        solara.Markdown("### The model against the public figures\n\n" + data_table(run, policy))


@solara.component
def LivePage():
    """The live run page."""
    scenario, set_scenario = solara.use_state("pilot")
    seed, set_seed = solara.use_state(1)
    levers, set_levers = solara.use_state(scenario_defaults("pilot"))
    version, set_version = solara.use_state(0)  # bumped to redraw after the run advances
    error, set_error = solara.use_state("")
    playing = solara.use_reactive(False)
    looping = solara.use_reactive(False)  # the play loop is running (it may be finishing a week)
    run_ref = solara.use_ref(None)

    def rebuild(new_scenario=scenario, new_seed=seed, new_levers=levers):
        playing.set(False)
        try:
            run_ref.current = LiveRun(new_scenario, new_seed, dict(new_levers))
            set_error("")
        except ParameterError as problem:
            run_ref.current = None
            set_error(str(problem))
        set_version(next(REDRAWS))

    if run_ref.current is None and not error:
        rebuild()

    def advance(days: int) -> bool:
        """Advance the run; a failure becomes the page's message. Whether it went on."""
        run = run_ref.current
        if run is None:
            return False
        try:
            run.advance(days)
        except Exception as failure:  # any failure of the model is shown, never raised
            set_error(f"The run failed after day {run.day}: {type(failure).__name__}: {failure}")
            return False
        set_version(next(REDRAWS))
        return True

    def play():
        if not playing.value:
            return
        # Pause takes effect after the week in progress; until then the page says "Pausing"
        # so that a shown "Play" always means the run has stopped.
        looping.set(True)
        try:
            while playing.value:
                run = run_ref.current
                if run is None or run.day >= PLAY_LIMIT_DAYS or not advance(DAYS_PER_STEP):
                    playing.set(False)
                    return
                time.sleep(PLAY_PAUSE_SECONDS)
        finally:
            looping.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def on_scenario(name):
        new_levers = scenario_defaults(name)
        set_scenario(name)
        set_levers(new_levers)
        rebuild(name, seed, new_levers)

    def on_lever(name):
        def update(value):
            new_levers = {**levers, name: value}
            set_levers(new_levers)
            # A policy lever goes on from the policy's first day to today; others start again.
            run = run_ref.current
            try:
                kept = run is not None and run.change_levers(new_levers)
            except ParameterError as problem:
                set_error(str(problem))
                return
            if kept:
                set_error("")
                set_version(next(REDRAWS))
            else:
                rebuild(scenario, seed, new_levers)

        return update

    solara.Title("Channel deterrence model: live run")
    with solara.Columns([1, 3]):
        with solara.Column():
            solara.Select("Scenario", values=scenario_names(), value=scenario, on_value=on_scenario)
            solara.InputInt(
                "Seed",
                value=seed,
                on_value=lambda value: (set_seed(value), rebuild(scenario, value)),
            )
            solara.Style(LEVER_CSS)
            with solara.Column(classes=["levers"]):
                for name in LEVERS:
                    ParameterControl(name, levers[name], on_lever(name))
        with solara.Column():
            solara.Markdown("## Channel small-boat crossings and the 'one in, one out' pilot")
            busy = playing.value or looping.value
            with solara.Row():
                pausing = looping.value and not playing.value
                solara.Button(
                    play_label(playing.value, pausing),
                    on_click=lambda: playing.set(not playing.value),
                    color="primary",
                    disabled=run_ref.current is None or pausing,
                )
                solara.Button(
                    "Step a week",
                    on_click=lambda: advance(DAYS_PER_STEP),
                    disabled=busy,
                )
                solara.Button(
                    "Run 13 weeks",
                    on_click=lambda: advance(QUARTER_DAYS),
                    disabled=busy,
                )
                solara.Button("Reset", on_click=lambda: rebuild())
            if error:
                solara.Error(error)
            run = run_ref.current
            if run is not None:
                solara.Text(day_caption(run))
                Charts(run, version)
