"""The sweep page: vary one or two parameters, run the sweep in the background, watch it fill in.

Serve it alone with ``solara run viz/sweep_page.py``. The fields keep what was typed and are
checked as sweep files are (:mod:`viz.sweep_form`): anything that cannot run is one message and
keeps Run off. The form, the sweep and its results folders belong to the browser session, not
to the page (:mod:`viz.sweep_sessions`): another tab of the app, or a reload, loses nothing, and
a running sweep runs on while the page is away. The sweep runs on the sweep machinery
(:mod:`viz.sweep_runner`), so its results folder can be resumed from the command line; the
folders are removed when the session ends unless the user keeps them.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import replace

import solara
import solara.lab

from experiments.engine.labels import BREAK_EVEN_LABEL, METRIC_LABELS
from experiments.engine.runner import summarise_points
from experiments.engine.spec import SweepError, SweepSpec
from model.parameters import PARAMETERS
from model.scenarios import scenario_names
from viz.echarts_panel import ChartOption, EchartsPanel
from viz.sweep_charts import DETERRENCE, heatmap_option, response_option
from viz.sweep_form import (
    MAX_PAGE_RUNS,
    MAX_WORKERS,
    AxisForm,
    SweepForm,
    build_spec,
    horizon_problem,
    parameter_menu,
    refuses_effect,
)
from viz.sweep_runner import CANCELLED, FAILED, FINISHED, SweepProgress
from viz.sweep_sessions import SESSIONS, SweepSession

NO_PARAMETER = "none"
CHART_HEIGHT = "460px"
FOLLOW_SECONDS = 1.0
"""How long the page's follower waits for news of the sweep before looking again."""
BAR_COLOURS = {FINISHED: "success", CANCELLED: "warning", FAILED: "error"}


def _follow_kernel():
    """Count each kernel (tab, reload) of a browser session, so its end is known."""
    return SESSIONS.follow_kernel()


solara.lab.on_kernel_start(_follow_kernel)
atexit.register(SESSIONS.forget_all)  # a stopped server leaves no unkept results folder


def checked(form: SweepForm) -> tuple[SweepSpec | None, int, str, str]:
    """The form's sweep and workers, why it cannot run (one line), and a note on its horizon."""
    try:
        spec = build_spec(form.choice())
        workers = form.worker_count(MAX_WORKERS)
    except SweepError as problem:
        return None, 0, str(problem), ""
    horizon = horizon_problem(spec)
    if horizon and refuses_effect(form.metric):
        label = METRIC_LABELS.get(form.metric, form.metric)
        return spec, workers, f"{label}: {horizon}", ""
    return spec, workers, "", horizon


@solara.component
def NumberField(label: str, text: str, on_text):
    """A number typed as text: kept as typed, read (and refused in words) by the form."""
    solara.InputText(label, value=text, on_value=on_text, continuous_update=False)


@solara.component
def AxisControls(title: str, axis: AxisForm | None, on_axis, optional: bool):
    """Choose a parameter to vary (or none, if ``optional``) and its range."""
    items = ([{"text": "none", "value": NO_PARAMETER}] if optional else []) + parameter_menu()

    def choose(name: str) -> None:
        on_axis(None if name == NO_PARAMETER else AxisForm.spanning(name))

    def change(part: str):
        return lambda text: on_axis(replace(axis, **{part: text}))

    solara.v.Select(
        label=title,
        items=items,
        v_model=NO_PARAMETER if axis is None else axis.parameter,
        on_v_model=choose,
        hint="" if axis is None else PARAMETERS[axis.parameter].description,
        persistent_hint=True,
        menu_props={"maxHeight": 420},
    )
    if axis is not None:
        unit = PARAMETERS[axis.parameter].unit
        with solara.Row():
            NumberField(f"from ({unit})", axis.start, change("start"))
            NumberField(f"to ({unit})", axis.stop, change("stop"))
            NumberField("steps", axis.steps, change("steps"))


@solara.component
def SweepChart(spec: SweepSpec, progress: SweepProgress, metric: str):
    """The response curve or heatmap of the runs finished so far, with its caption."""
    varied = spec.varied
    names = list(varied)
    results = progress.results()
    points = summarise_points(results, names) if len(results) else results
    if len(names) == 1:
        option = response_option(points, names[0], metric, varied[names[0]])
        caption = "Line: mean over the replicates finished so far; band: its 95% interval."
        if metric == DETERRENCE:
            caption += f" Dashed red line: the {BREAK_EVEN_LABEL}."
    else:
        x, y = names
        option = heatmap_option(points, x, y, metric, varied[x], varied[y])
        caption = (
            "Each cell: mean over the replicates finished so far (blank: not run yet, or "
            "undefined)."
        )
        if metric == DETERRENCE:
            caption += (
                f" Cells outlined in red reach the {BREAK_EVEN_LABEL}: the deterrence at which"
                " the Illegal Migration Bill's impact assessment breaks even."
            )
    EchartsPanel(ChartOption(option), CHART_HEIGHT)
    solara.Text(caption)


def status_line(progress: SweepProgress, cancelling: bool) -> str:
    """Where the sweep stands in words: running, cancelling, cancelled at, finished, failed."""
    counts = f"{progress.done} of {progress.total} runs"
    failed = f", {progress.failed} failed"
    if progress.state == CANCELLED:
        return f"Cancelled at {counts}{failed}; the finished runs are kept"
    if progress.state == FAILED:
        return f"Stopped at {counts}{failed}"
    if progress.running:
        return f"{counts} done{failed}" + (" - cancelling" if cancelling else "")
    return f"{counts} done{failed} - finished"


@solara.component
def SweepStatus(session: SweepSession, progress: SweepProgress):
    """Progress bar, counts, messages and the results folder of the session's sweep."""
    percent = 100 * progress.done / progress.total if progress.total else 100
    solara.ProgressLinear(value=percent, color=BAR_COLOURS.get(progress.state, "primary"))
    cancelling = session.sweep is not None and session.sweep.cancelling
    solara.Text(status_line(progress, cancelling))
    if progress.state == FAILED:
        solara.Error(f"The sweep stopped: {progress.message}. Finished runs are kept.")
    if progress.failed:
        first = next(row["error"] for row in progress.rows if row["status"] == "failed")
        solara.Warning(
            f"{progress.failed} run(s) failed and are left out of the chart; the first: {first}"
        )
    solara.Markdown(
        f"Results folder: `{progress.folder}`. To resume or rerun this sweep from the command "
        f"line: `{progress.resume_command()}`"
    )


@solara.component
def KeepResults(session: SweepSession):
    """Whether the session's results folders outlive it, and where they are."""
    keep = solara.use_reactive(
        session.keep_results, on_change=lambda value: setattr(session, "keep_results", value)
    )
    solara.Checkbox(label="Keep results after this browser session ends", value=keep)
    folders = ", ".join(f"`{folder}`" for folder in session.folders)
    if keep.value:
        solara.Markdown(f"Kept in {folders}: remove them yourself when done.")
    else:
        solara.Markdown(
            f"The results in {folders} are removed when this browser session ends (all its "
            "tabs closed for a minute); tick the box to keep them."
        )


@solara.component
def SweepPage():
    """The sweep page: controls on the left, the session's sweep on the right."""
    # Known while drawn from the kernel's own thread, not from the follower's.
    session_id = solara.use_memo(solara.get_session_id, [])
    try:
        session = SESSIONS.session(session_id)
    except SweepError as full:
        solara.Error(str(full))
        return
    form = solara.use_reactive(session.form, on_change=lambda new: setattr(session, "form", new))
    progress = solara.use_reactive(session.progress)
    _, redraw = solara.use_state(0)

    def follow(stop: threading.Event) -> None:
        # The sweep's own thread belongs to no page: this one brings its news to this page.
        seen = session.progress
        progress.set(seen)
        while not stop.is_set():
            latest = session.wait_for_news(seen, FOLLOW_SECONDS)
            if latest is not seen:
                progress.set(latest)
                seen = latest

    solara.use_thread(follow, dependencies=[session])

    spec, workers, problem, note = solara.use_memo(lambda: checked(form.value), [form.value])
    running = session.running

    def edit(**changes) -> None:
        form.set(replace(form.value, **changes))

    def start() -> None:
        if problem or session.running:
            return
        session.start(spec, workers)
        progress.set(session.progress)

    def cancel() -> None:
        session.cancel()
        redraw(lambda count: count + 1)

    solara.Title("Channel deterrence model: parameter sweep")
    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Select(
                "Scenario",
                values=scenario_names(),
                value=form.value.scenario,
                on_value=lambda name: edit(scenario=name),
            )
            AxisControls(
                "First parameter", form.value.first, lambda a: edit(first=a), optional=False
            )
            AxisControls(
                "Second parameter", form.value.second, lambda a: edit(second=a), optional=True
            )
            NumberField(
                "Replicates (runs per point)",
                form.value.replicates,
                lambda text: edit(replicates=text),
            )
            NumberField("Days (horizon of each run)", form.value.days, lambda text: edit(days=text))
            solara.Select(
                "Metric",
                values=list(METRIC_LABELS),
                value=form.value.metric,
                on_value=lambda metric: edit(metric=metric),
            )
            NumberField("Workers (processes)", form.value.workers, lambda t: edit(workers=t))
        with solara.Column():
            solara.Markdown("## Parameter sweep")
            solara.Markdown(
                "Each run is paired with the same run without the policy (same seed), so the "
                f"deterrence effect is the policy's alone. At most {MAX_PAGE_RUNS} runs from "
                "the page; larger sweeps run with `deterrence sweep`."
            )
            if spec is not None and spec.fixed:
                solara.Info(
                    "The return cap is varied, so its weekly growth is fixed at 0: each point "
                    "keeps its cap all pilot long (as in "
                    "experiments/sweeps/return_cap_x_crackdown.toml)."
                )
            if problem:
                solara.Error(problem)
            else:
                solara.Text(
                    f"{len(spec.runs())} runs: {len(spec.points())} points x "
                    f"{spec.replicates} replicates, {spec.days} days each"
                )
            if note:
                solara.Warning(note)
            with solara.Row():
                solara.Button(
                    "Run sweep",
                    on_click=start,
                    color="primary",
                    disabled=bool(problem) or running,
                )
                solara.Button("Cancel", on_click=cancel, disabled=not running)
            shown = progress.value
            if shown is not None and session.sweep is not None:
                SweepStatus(session, shown)
                SweepChart(session.sweep.spec, shown, form.value.metric)
                if shown.done:
                    results = shown.results()
                    solara.FileDownload(
                        lambda: results.to_csv(index=False),
                        filename="sweep-results.csv",
                        label="Download results (CSV)",
                    )
            if session.folders:
                KeepResults(session)


Page = SweepPage
