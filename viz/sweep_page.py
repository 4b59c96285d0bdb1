"""The sweep page: vary one or two parameters, run the sweep in the background, watch it fill in.

Serve it alone with ``solara run viz/sweep_page.py``. The controls are written as a sweep file
and checked as sweep files are (:mod:`viz.sweep_form`); the sweep runs on the sweep machinery
in a background task (:mod:`viz.sweep_runner`), so the page stays usable while it runs, and its
results folder can be resumed from the command line. Each browser tab has its own sweep. Bad
values and failed runs are shown as messages, never as a traceback.
"""

from __future__ import annotations

import dataclasses
import os

import solara
import solara.lab

from experiments.engine.labels import BREAK_EVEN_LABEL, METRIC_LABELS
from experiments.engine.runner import summarise_points
from experiments.engine.spec import SweepError, SweepSpec
from model.parameters import PARAMETERS
from model.scenarios import scenario_names
from viz.sweep_charts import (
    DETERRENCE,
    heatmap_option,
    response_option,
)
from viz.sweep_form import (
    CRACKDOWN,
    MAX_PAGE_RUNS,
    RETURN_CAP,
    Axis,
    SweepChoice,
    build_spec,
    numeric_parameters,
)
from viz.sweep_runner import CANCELLED, FAILED, BackgroundSweep, SweepProgress

NO_PARAMETER = "none"
MAX_WORKERS = os.cpu_count() or 1
DEFAULT_WORKERS = min(2, MAX_WORKERS)
CHART_STYLE = {"style": "height: 460px; width: 100%;"}


def checked(choice: SweepChoice) -> SweepSpec | str:
    """The sweep of ``choice``, or why it cannot run (one line)."""
    try:
        return build_spec(choice)
    except SweepError as problem:
        return str(problem)


@solara.component
def AxisControls(title: str, axis: solara.Reactive, optional: bool):
    """Choose a parameter to vary (or none, if ``optional``) and its range."""
    names = ([NO_PARAMETER] if optional else []) + numeric_parameters()
    current = axis.value

    def choose(name: str) -> None:
        axis.set(None if name == NO_PARAMETER else Axis.spanning(name))

    def change(part: str):
        return lambda value: axis.set(dataclasses.replace(axis.value, **{part: value}))

    solara.Select(
        title,
        values=names,
        value=NO_PARAMETER if current is None else current.parameter,
        on_value=choose,
    )
    if current is not None:
        unit = PARAMETERS[current.parameter].unit
        with solara.Row():
            solara.InputFloat(f"from ({unit})", value=current.start, on_value=change("start"))
            solara.InputFloat(f"to ({unit})", value=current.stop, on_value=change("stop"))
            solara.InputInt("steps", value=current.steps, on_value=change("steps"))


@solara.component
def SweepChart(sweep: BackgroundSweep, progress: SweepProgress, metric: str):
    """The response curve or heatmap of the runs finished so far, with its caption."""
    varied = sweep.spec.varied
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
    solara.FigureEcharts(option=option, attributes=CHART_STYLE)
    solara.Text(caption)


@solara.component
def SweepStatus(sweep: BackgroundSweep, progress: SweepProgress, cancel_asked: bool):
    """Progress bar, counts, messages and the results folder of the current sweep."""
    percent = 100 * progress.done / progress.total if progress.total else 100
    solara.ProgressLinear(value=percent if progress.running else 100)
    text = f"{progress.done} of {progress.total} runs done, {progress.failed} failed"
    if progress.running and cancel_asked:
        text += " - cancelling after the runs under way"
    elif progress.state == CANCELLED:
        text += " - cancelled"
    elif not progress.running and progress.state != FAILED:
        text += " - finished"
    solara.Text(text)
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
def SweepPage():
    """The sweep page: controls on the left, the running or finished sweep on the right."""
    scenario = solara.use_reactive("pilot")
    first = solara.use_reactive(Axis.spanning(RETURN_CAP))
    second = solara.use_reactive(Axis.spanning(CRACKDOWN))
    replicates = solara.use_reactive(2)
    days = solara.use_reactive(365)
    metric = solara.use_reactive(DETERRENCE)
    workers = solara.use_reactive(DEFAULT_WORKERS)
    sweep = solara.use_reactive(None)  # the BackgroundSweep of this tab, once started
    progress = solara.use_reactive(None)  # its latest SweepProgress, set by the sweep's thread
    cancel_asked = solara.use_reactive(False)

    axes = tuple(axis for axis in (first.value, second.value) if axis is not None)
    choice = SweepChoice(scenario.value, axes, replicates.value, days.value)
    spec = solara.use_memo(lambda: checked(choice), dependencies=[choice])
    problem = spec if isinstance(spec, str) else ""
    if not problem and not 1 <= workers.value <= MAX_WORKERS:
        problem = f"workers={workers.value} is not valid: allowed is 1 to {MAX_WORKERS} (cores)"
    running = progress.value is not None and progress.value.running

    def run_in_background() -> None:
        if sweep.value is not None:
            sweep.value.run()

    task = solara.lab.use_task(run_in_background, dependencies=None, raise_error=False)

    def start() -> None:
        if problem or running:
            return
        cancel_asked.set(False)
        new_sweep = BackgroundSweep(spec, workers.value, progress.set)
        sweep.set(new_sweep)
        progress.set(new_sweep.progress)  # running from now on: a second click starts nothing
        task()

    def cancel() -> None:
        if sweep.value is not None:
            sweep.value.cancel()
            cancel_asked.set(True)

    def cancel_on_close():
        # A closed tab stops its sweep after the runs under way, rather than running on unseen.
        return lambda: sweep.value.cancel() if sweep.value is not None else None

    solara.use_effect(cancel_on_close, [])

    solara.Title("Channel deterrence model: parameter sweep")
    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Select("Scenario", values=scenario_names(), value=scenario)
            AxisControls("First parameter", first, optional=False)
            AxisControls("Second parameter", second, optional=True)
            solara.InputInt("Replicates (runs per point)", value=replicates)
            solara.InputInt("Days (horizon of each run)", value=days)
            solara.Select("Metric", values=list(METRIC_LABELS), value=metric)
            solara.InputInt("Workers (processes)", value=workers)
        with solara.Column():
            solara.Markdown("## Parameter sweep")
            solara.Markdown(
                "Each run is paired with the same run without the policy (same seed), so the "
                f"deterrence effect is the policy's alone. At most {MAX_PAGE_RUNS} runs from "
                "the page; larger sweeps run with `deterrence sweep`."
            )
            if choice.fixes_cap_growth():
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
            with solara.Row():
                solara.Button(
                    "Run sweep",
                    on_click=start,
                    color="primary",
                    disabled=bool(problem) or running,
                )
                solara.Button("Cancel", on_click=cancel, disabled=not running)
            if progress.value is not None:
                SweepStatus(sweep.value, progress.value, cancel_asked.value)
                SweepChart(sweep.value, progress.value, metric.value)
                if progress.value.done:
                    results = progress.value.results()
                    solara.FileDownload(
                        lambda: results.to_csv(index=False),
                        filename="sweep-results.csv",
                        label="Download results (CSV)",
                    )


Page = SweepPage
