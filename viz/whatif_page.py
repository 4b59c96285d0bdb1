"""The what-if page: move a lever and the emulator answers at once; check it with the model.

A slider for each input of the shipped emulator (:mod:`viz.whatif`), over the range of its
training runs, labelled from the parameter declaration; each output's central value and the 90%
interval of one run, with its cross-validated scores beside it, follow every move. "Check with
the model" runs the model at the current setting on the sweep engine in the background
(:mod:`viz.whatif_check`) and sets its runs beside the emulator's answer for that setting; the
session keeps its checks. The setting and the checks belong to the browser session, as the
sweep page's sweep does: its checks' folder is removed when the session ends.
"""

from __future__ import annotations

import atexit
import threading

import reacton.ipyvuetify as rv
import solara
import solara.lab

from experiments.engine.labels import parameter_label
from experiments.engine.spec import SweepError
from model.parameters import PARAMETERS
from viz.live_page import FLOAT_STEPS, LEVER_CSS, help_text
from viz.session_store import SessionStore, StoreFull, Values
from viz.whatif import (
    EmulatorCard,
    SliderRange,
    answers,
    answers_html,
    setting_in_words,
    shipped,
    slider_ranges,
    starting_setting,
)
from viz.whatif_check import FINISHED, Check, WhatIfSession, check_markdown

WHATIF = "whatif"
"""The kind of a session's value in the store: its what-if page."""
MAX_SESSIONS = 32
PAGE_CSS = """
.whatif-table { border-collapse: collapse; margin: 8px 0 16px; }
.whatif-table th, .whatif-table td { padding: 6px 10px; border-bottom: 1px solid #ddd; }
.whatif-table td { text-align: right; }
.whatif-table th[scope="row"] { text-align: left; font-weight: normal; }
.whatif-table td:last-child { text-align: left; }
"""
FOLLOW_SECONDS = 1.0
"""How long the page's follower waits for news of a check before looking again."""


def _idle(values: Values) -> bool:
    """Whether a session may be forgotten to make room: not while its check runs."""
    return not values[WHATIF].running


def _end(values: Values) -> None:
    values[WHATIF].end()


SESSIONS = SessionStore(MAX_SESSIONS, may_forget=_idle, on_forget=_end)
"""The what-if pages of the browser sessions; an ended one's check stops, its folder goes."""


def _follow_kernel():
    """Count each kernel (tab, reload) of a browser session, so its end is known."""
    return SESSIONS.follow_kernel()


solara.lab.on_kernel_start(_follow_kernel)
atexit.register(SESSIONS.forget_all)  # a stopped server leaves no checks' folder


def shown_value(value) -> str:
    """A lever's value as its slider's label shows it."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@solara.component
def LeverSlider(name: str, value, bounds: SliderRange, on_value):
    """A slider over the emulator's range of one input, described as the declaration says.

    Vuetify's slider itself, bound to the page's setting: one callback and one redraw a move
    (solara's sliders keep a state of their own, and redraw the page twice).
    """
    label = f"{parameter_label(name)}: {shown_value(value)}"
    with solara.Tooltip(help_text(name)):
        rv.Slider(
            label=label,
            v_model=value,
            min=bounds.low,
            max=bounds.high,
            step=bounds.step,
            thumb_label=True,
            on_v_model=on_value,
        )


def ranges_note(bounds: dict[str, SliderRange]) -> str:
    """The sliders' ranges in words, and why a setting outside them is refused."""
    ranges = "; ".join(
        f"{name.replace('_', ' ')} {shown_value(b.low)} to {shown_value(b.high)}"
        for name, b in bounds.items()
    )
    return (
        f"Each slider covers the range of the emulator's training runs ({ranges}). A setting "
        "outside these ranges is refused: the emulator has seen no run there."
    )


@solara.component
def EmulatorAnswer(card: EmulatorCard, setting: dict):
    """Each output's answer at ``setting``, or why the setting is refused."""
    with solara.Column(classes=["whatif-answer"]):
        try:
            found = answers(card, setting)
        except SweepError as refused:
            solara.Error(str(refused))
            return
        solara.HTML(tag="div", unsafe_innerHTML=answers_html(found))


@solara.component
def CheckResult(check: Check, card: EmulatorCard):
    """One check: its own setting, where it stands, and the model beside the emulator."""
    with solara.Column(classes=["whatif-check"]):
        solara.Markdown(
            f"**Check {check.number}** ({check.status()}), at "
            f"{setting_in_words(card, check.setting)}."
        )
        if check.running:
            solara.ProgressLinear(True)
        if check.state == FINISHED:
            solara.Markdown(check_markdown(check, card.emulator.outputs))


@solara.component
def CheckPanel(session: WhatIfSession, card: EmulatorCard):
    """The 'Check with the model' button, Cancel, and the session's checks, newest first.

    It reads the session's setting only when the button is pressed: a lever's move does not
    redraw it, and each check shows its own setting.
    """
    checks = solara.use_reactive(session.checks)  # as this page last heard of them
    problem = solara.use_reactive("")

    def follow(stop: threading.Event) -> None:
        # The check's thread belongs to no page: this one brings its news to this page.
        seen = session.version
        checks.set(session.checks)
        while not stop.is_set():
            latest = session.wait_for_news(seen, FOLLOW_SECONDS)
            if latest != seen:
                checks.set(session.checks)
                seen = latest

    solara.use_thread(follow, dependencies=[session])

    def start() -> None:
        try:
            session.start(card.emulator, card.training, session.setting)
            problem.set("")
        except SweepError as refused:
            problem.set(str(refused))
        checks.set(session.checks)

    spec = card.training
    running = any(check.running for check in checks.value)
    solara.Markdown("## Check with the model")
    solara.Markdown(
        f"Runs the model at this setting on the sweep engine: {spec.replicates} runs of the "
        f"`{spec.scenario}` scenario, {spec.days} days each and each paired with the same run "
        "without the policy, as the training sweep ran its settings (the same seeds). It takes "
        "about ten seconds; its runs' folder is removed when this browser session ends."
    )
    with solara.Row():
        solara.Button("Check with the model", on_click=start, color="primary", disabled=running)
        solara.Button("Cancel", on_click=session.cancel, disabled=not running)
    if problem.value:
        solara.Error(problem.value)
    for check in reversed(checks.value):
        CheckResult(check, card)


@solara.component
def WhatIfPage():
    """The what-if page: the levers on the left, the answers and the checks on the right."""
    card = solara.use_memo(shipped, [])  # loaded once per server process
    bounds = solara.use_memo(lambda: slider_ranges(card, FLOAT_STEPS), [card])
    session_id = solara.use_memo(solara.get_session_id, [])
    try:
        session = SESSIONS.value(session_id, WHATIF, WhatIfSession)
    except StoreFull:
        solara.Error(
            f"{len(SESSIONS)} what-if checks are running on this server: allowed are at most "
            f"{SESSIONS.limit} at once; try again when one has finished"
        )
        return
    if session.setting is None:
        session.setting = starting_setting(card, bounds)
    setting, set_setting = solara.use_state(session.setting)
    session.setting = setting  # the check's button reads it there

    def make_setters():
        def setter(name: str):
            kind = PARAMETERS[name].kind
            return lambda value: set_setting(lambda old: {**old, name: kind(value)})

        return {name: setter(name) for name in card.emulator.inputs}

    # The same callbacks at each redraw: the sliders not moved are not drawn again.
    setters = solara.use_memo(make_setters, [card])

    solara.Title("Channel deterrence model: what if")
    solara.Style(LEVER_CSS + PAGE_CSS)
    with solara.Columns([1, 2]):
        with solara.Column(classes=["levers"]):
            for name in card.emulator.inputs:
                LeverSlider(name, setting[name], bounds[name], setters[name])
            solara.Markdown(ranges_note(bounds))
        with solara.Column():
            solara.Markdown("## What if: the emulator's answer")
            solara.Markdown(card.about())
            EmulatorAnswer(card, setting)
            CheckPanel(session, card)


Page = WhatIfPage
