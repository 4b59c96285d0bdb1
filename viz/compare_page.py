"""The comparison page: two policies on the same seed, side by side, and their difference.

Pick a scenario and lever values for A and for B; Compare runs both as every run of the model
runs (``viz.compare``: each paired with its own counterfactual) in a background thread, with a
progress bar and a Cancel button, so the page stays usable. The result: a table of figures for
A, B and A - B, and four weekly panels (arrivals, returns, coast population, effect) with A and
B on shared axes and A - B beside them. Each browser tab has its own comparison.
"""

from __future__ import annotations

import threading

import solara
import solara.lab

from model.parameters import ParameterError
from model.run import PrefixCache
from model.scenarios import scenario_names
from viz.charts import PANEL_HEIGHT
from viz.compare import (
    MAX_PAGE_DAYS,
    Cancelled,
    Choice,
    Comparison,
    Policy,
    check_choice,
    differences,
    run_comparison,
    summary_markdown,
    summary_table,
    weekly_table,
)
from viz.compare_charts import comparison_panels
from viz.echarts_panel import ChartOption, EchartsPanel
from viz.live_page import LEVER_CSS, LEVERS, ParameterControl, scenario_defaults

DEFAULTS = {"A": "pilot", "B": "pilot_crackdown"}
"""The scenarios each side starts with: the pilot as announced, and with the crackdown."""


def problem_of(choice: Choice) -> str:
    """Why ``choice`` cannot run (one line), or ''."""
    try:
        check_choice(choice)
    except ParameterError as problem:
        return str(problem)
    return ""


def differences_caption(choice: Choice) -> str:
    """What differs between A and B, in words."""
    changed = differences(choice)
    if not changed:
        return "A and B are the same policy: every difference below is zero."
    shown = ", ".join(f"{name.replace('_', ' ')} {a} (A) against {b} (B)" for name, a, b in changed)
    return f"A and B differ in: {shown}."


def side_labels(choice: Choice) -> dict[str, str]:
    """Legend names: each side's letter and scenario."""
    return {side: f"{side}: {policy.scenario}" for side, policy in choice.policies().items()}


@solara.component
def PolicyControls(side: str, policy: solara.Reactive):
    """A scenario and lever values for one side."""

    def on_scenario(name: str) -> None:
        policy.set(Policy(name, scenario_defaults(name)))

    def on_lever(name: str):
        return lambda value: policy.set(
            Policy(policy.value.scenario, {**policy.value.levers, name: value})
        )

    with solara.Card(f"Policy {side}"):
        solara.Select(
            f"Scenario {side}",
            values=scenario_names(),
            value=policy.value.scenario,
            on_value=on_scenario,
        )
        with solara.Column(classes=["levers"]):
            for name in LEVERS:
                ParameterControl(name, policy.value.levers[name], on_lever(name))


@solara.component
def ComparisonResult(comparison: Comparison, current: Choice):
    """The figures table and the four weekly panels of a finished comparison."""
    shown = comparison.choice
    solara.Markdown(
        f"**Seed {shown.seed}, {shown.days} days.** {differences_caption(shown)} Each policy is "
        "paired with the same run without any policy (same seed); its effect is its arrivals "
        "minus that run's."
    )
    if current != shown:
        solara.Info("The settings have changed since this comparison: Compare runs them.")
    solara.Markdown(summary_markdown(summary_table(comparison)))
    panels = comparison_panels(weekly_table(comparison), side_labels(shown))
    for row in (panels[:2], panels[2:]):
        with solara.Columns([1, 1]):
            for option in row:
                EchartsPanel(ChartOption(option), PANEL_HEIGHT)


@solara.component
def RunStatus(progress: float | None, message: str):
    """Progress while running, and why the last comparison stopped.

    Always one element, so that the result below keeps its place (and its charts) when a
    comparison finishes.
    """
    with solara.Column():
        if progress is not None:
            percent = 100 * progress
            solara.ProgressLinear(value=percent)
            solara.Text(f"Running A, then B: {percent:.0f}% simulated")
        if message:
            solara.Warning(message)


@solara.component
def ComparePage():
    """The comparison page: A and B on the left, the run and its result on the right."""
    policy_a = solara.use_reactive(Policy(DEFAULTS["A"], scenario_defaults(DEFAULTS["A"])))
    policy_b = solara.use_reactive(Policy(DEFAULTS["B"], scenario_defaults(DEFAULTS["B"])))
    seed = solara.use_reactive(1)
    days = solara.use_reactive(365)
    result = solara.use_reactive(None)  # the last finished Comparison
    progress = solara.use_reactive(None)  # share done while running, else None
    message = solara.use_reactive("")  # why the last comparison stopped, if it did
    stop = solara.use_ref(threading.Event())
    # One state kept at the fork and one finished counterfactual: all that B, or a rerun with
    # other levers, can reuse; more would only hold memory (tens of MB a year simulated).
    prefixes = solara.use_memo(lambda: PrefixCache(size=1), dependencies=[])

    choice = Choice(policy_a.value, policy_b.value, seed.value, days.value)
    problem = problem_of(choice)
    running = progress.value is not None

    def compare(chosen: Choice) -> None:
        try:
            result.set(run_comparison(chosen, progress.set, stop.current, prefixes))
        except Cancelled:
            message.set("Cancelled: the last comparison is still shown.")
        except Exception as failure:  # any failure of the model is shown, never raised
            message.set(f"The comparison failed: {type(failure).__name__}: {failure}")
        finally:
            progress.set(None)

    task = solara.lab.use_task(compare, dependencies=None, raise_error=False)

    def start() -> None:
        if problem or running:
            return
        stop.current = threading.Event()
        message.set("")
        progress.set(0.0)  # running from now on: a second click starts nothing
        task(choice)

    def stop_on_close():
        return lambda: stop.current.set()  # a closed tab stops its comparison

    solara.use_effect(stop_on_close, [])

    solara.Title("Channel deterrence model: compare two policies")
    solara.Style(LEVER_CSS)
    with solara.Columns([1, 2]):
        with solara.Column():
            PolicyControls("A", policy_a)
            PolicyControls("B", policy_b)
        with solara.Column():
            solara.Markdown("## Two policies side by side")
            with solara.Row():
                solara.InputInt("Seed", value=seed)
                solara.InputInt(f"Days (1 to {MAX_PAGE_DAYS})", value=days)
            with solara.Row():
                solara.Button(
                    "Compare", on_click=start, color="primary", disabled=bool(problem) or running
                )
                solara.Button("Cancel", on_click=lambda: stop.current.set(), disabled=not running)
            if problem:
                solara.Error(problem)
            else:
                solara.Text(f"Compare runs A and B on seed {seed.value} for {days.value} days.")
            RunStatus(progress.value, message.value)
            if result.value is not None:
                ComparisonResult(result.value, choice)
            elif not running:
                solara.Text("Choose two policies and press Compare.")


Page = ComparePage
