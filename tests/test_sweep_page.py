"""The sweep page, rendered in-process (no browser) inside solara kernel contexts of chosen
browser sessions: its controls and their defaults, the sweep file it builds, bad values shown as
messages quoting what was typed, the chart options, and real small sweeps run through its
background runner; a sweep that outlives its page and a session's end."""

import asyncio
import dataclasses
import json
import math
import multiprocessing
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from solara.components.echarts import EchartsWidget
from solara.server import kernel, kernel_context

import experiments.engine.runner as sweep_module
import viz.sweep_page as sweep_page
from experiments.engine.labels import BREAK_EVEN_DETERRENCE, BREAK_EVEN_LABEL, METRIC_LABELS
from experiments.engine.spec import SweepError, parse_sweep
from model.parameters import PARAMETERS
from viz.charts import plain_number
from viz.sweep_charts import (
    heatmap_option,
    response_option,
)
from viz.sweep_form import (
    DEFAULT_WORKERS,
    MAX_PAGE_RUNS,
    MAX_WORKERS,
    Axis,
    SweepChoice,
    build_spec,
    numeric_parameters,
)
from viz.sweep_page import SweepPage
from viz.sweep_runner import CANCELLED, FAILED, FINISHED, BackgroundSweep
from viz.sweep_sessions import SweepSessions

QUICK = SweepChoice(
    axes=(Axis("return_cap_per_week", 0, 400, 2),),
    replicates=1,
    days=30,
)
"""Two runs of 30 days: enough to go through the machinery, quick enough for every test run."""


def thread_pool(workers: int):
    """A pool of threads in this process, so that a test's stand-ins reach the runs."""
    return ThreadPoolExecutor(workers), lambda: None


@pytest.fixture(autouse=True)
def results_under_tmp_path(tmp_path, monkeypatch):
    """The page's results folders go to this test's folder, not the system's temporary one."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture(autouse=True)
def sessions(monkeypatch):
    """A registry of the test's own, ending a session as soon as its last kernel closes."""
    registry = SweepSessions(limit=4, grace_seconds=0.0)
    monkeypatch.setattr(sweep_page, "SESSIONS", registry)
    yield registry
    registry.forget_all()


@pytest.fixture
def open_kernel():
    """Open kernels (tabs) of browser sessions; each page rendered in one is closed after."""
    opened = []

    def open_one(session_id: str = "browser-1"):
        context = kernel_context.VirtualKernelContext(
            id=str(uuid.uuid4()),
            session_id=session_id,
            kernel=kernel.Kernel(),
            event_loop=asyncio.new_event_loop(),
        )
        opened.append(context)
        return context

    yield open_one
    for context in opened:
        context.event_loop.close()


@pytest.fixture
def show(open_kernel):
    """Render the sweep page in a new kernel of a browser session, which stays current.

    ``show.kernel(rc)`` is the kernel of a page rendered before, to act on it again.
    Every page is unmounted after the test.
    """
    pages = {}

    def show_in(session_id: str = "browser-1"):
        context = open_kernel(session_id)
        context.__enter__()
        _, rc = solara.render(SweepPage(), handle_error=False)
        pages[id(rc)] = (context, rc)
        return rc

    show_in.kernel = lambda rc: pages[id(rc)][0]
    yield show_in
    for context, rc in reversed(list(pages.values())):
        with context:
            rc.close()
        context.__exit__(None, None, None)


def texts(rc) -> list[str]:
    return [
        w.children[0]
        for w in rc.find(v.Html).widgets
        if w.children and isinstance(w.children[0], str)
    ]


def alerts(rc) -> list[str]:
    return [str(w.children[0]) for w in rc.find(v.Alert).widgets if w.children]


def field(rc, label: str, nth: int = 0):
    return [w for w in rc.find(v.TextField).widgets if w.label == label][nth]


def select(rc, label: str):
    (found,) = [w for w in rc.find(v.Select).widgets if w.label == label]
    return found


def enter(widget, text: str) -> None:
    """Type into a field and press Enter, as a person would."""
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def status(rc) -> str:
    lines = [t for t in texts(rc) if " runs" in t and (" of " in t)]
    return lines[0] if lines else ""


def wait_until_done(rc, timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = status(rc)
        if line.endswith("finished") or line.startswith("Cancelled"):
            return line
        time.sleep(0.2)
    raise AssertionError(f"the sweep did not finish: {texts(rc)}")


def test_controls_default_to_cap_by_crackdown_on_the_pilot(show):
    rc = show()
    assert select(rc, "Scenario").v_model == "pilot"
    assert select(rc, "First parameter").v_model == "return_cap_per_week"
    assert select(rc, "Second parameter").v_model == "crackdown_intensity"
    assert select(rc, "Metric").v_model == "deterrence_effect"
    assert field(rc, "Replicates (runs per point)").v_model == "2"
    assert field(rc, "Days (horizon of each run)").v_model == "365"
    assert field(rc, "Workers (processes)").v_model == str(DEFAULT_WORKERS)
    cap, crackdown = PARAMETERS["return_cap_per_week"], PARAMETERS["crackdown_intensity"]
    assert float(field(rc, "from (returns/week)").v_model) == cap.low
    assert float(field(rc, "to (returns/week)").v_model) == cap.high
    assert float(field(rc, "from (0-1)").v_model) == crackdown.low
    assert float(field(rc, "to (0-1)").v_model) == crackdown.high
    assert "50 runs: 25 points x 2 replicates, 365 days each" in texts(rc)
    assert any("growth is fixed at 0" in text for text in alerts(rc))
    assert not button(rc, "Run sweep").disabled and button(rc, "Cancel").disabled


def test_parameter_choices_are_the_declared_numbers(show):
    rc = show()
    first, second = select(rc, "First parameter"), select(rc, "Second parameter")
    offered = [item["value"] for item in first.items if "value" in item]
    assert sorted(offered) == sorted(
        name for name, declared in PARAMETERS.items() if declared.kind in (int, float)
    )
    assert offered == numeric_parameters() and "start_date" not in offered
    assert [item["value"] for item in second.items if "value" in item] == ["none", *offered]
    assert select(rc, "Metric").items == list(METRIC_LABELS)


def test_choosing_a_parameter_sets_its_range_from_its_bounds(show):
    rc = show()
    select(rc, "Second parameter").v_model = "patrol_intensity"
    patrol = PARAMETERS["patrol_intensity"]
    assert float(field(rc, f"from ({patrol.unit})").v_model) == patrol.low
    assert float(field(rc, f"to ({patrol.unit})").v_model) == patrol.high
    select(rc, "Second parameter").v_model = "none"
    assert "10 runs: 5 points x 2 replicates, 365 days each" in texts(rc)


def test_the_default_choice_is_the_shipped_cap_by_crackdown_sweep_file():
    spec = build_spec(SweepChoice())
    assert spec.scenario == "pilot" and spec.days == 365 and spec.replicates == 2
    assert spec.fixed == {"return_cap_growth_per_week": 0.0}
    assert spec.varied == {
        "return_cap_per_week": [0, 1250, 2500, 3750, 5000],
        "crackdown_intensity": [0.0, 0.25, 0.5, 0.75, 1.0],
    }
    assert parse_sweep(spec.text, "again").runs() == spec.runs()  # the stored file reruns


def test_cap_growth_is_fixed_only_when_the_cap_is_varied_alone():
    crackdown_only = SweepChoice(axes=(Axis.spanning("crackdown_intensity"),))
    assert build_spec(crackdown_only).fixed == {}
    both = SweepChoice(
        axes=(Axis.spanning("return_cap_per_week"), Axis.spanning("return_cap_growth_per_week"))
    )
    assert build_spec(both).fixed == {}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (SweepChoice(axes=(Axis("return_cap_per_week", -10, 100, 3),)), "out of range"),
        (SweepChoice(axes=(Axis("crackdown_intensity", 0, 1, 1),)), "steps=1 is not valid"),
        (
            SweepChoice(axes=(Axis("crackdown_intensity", 0, 1, 30),), replicates=20),
            f"at most {MAX_PAGE_RUNS}",
        ),
        (
            SweepChoice(axes=(Axis.spanning("patrol_intensity"),) * 2),
            "choose two different parameters",
        ),
        (dataclasses.replace(QUICK, days=0), "days=0 is not valid"),
        (dataclasses.replace(QUICK, replicates=0), "replicates=0 is not valid"),
    ],
)
def test_impossible_choices_are_refused_in_one_line(choice, expected):
    with pytest.raises(SweepError) as refused:
        build_spec(choice)
    assert expected in str(refused.value) and "\n" not in str(refused.value)


def test_a_bad_range_is_a_message_on_the_page_and_blocks_the_run(show):
    rc = show()
    enter(field(rc, "from (returns/week)"), "-10")
    (message,) = [text for text in alerts(rc) if "out of range" in text]
    assert message.startswith('return cap per week, from: "-10" is out of range')  # as typed
    assert button(rc, "Run sweep").disabled
    enter(field(rc, "from (returns/week)"), "0")
    assert not [text for text in alerts(rc) if "out of range" in text]
    assert not button(rc, "Run sweep").disabled


def test_more_workers_than_cores_is_a_message_on_the_page(show):
    rc = show()
    enter(field(rc, "Workers (processes)"), str(MAX_WORKERS + 1))
    assert any(f"allowed is a whole number from 1 to {MAX_WORKERS}" in text for text in alerts(rc))
    assert button(rc, "Run sweep").disabled


def test_too_many_runs_is_a_message_on_the_page(show):
    rc = show()
    enter(field(rc, "steps", 1), "50")
    assert any(f"the page runs at most {MAX_PAGE_RUNS}" in text for text in alerts(rc))
    assert button(rc, "Run sweep").disabled


def points_table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "return_cap_per_week",
            "crackdown_intensity",
            "deterrence_effect_mean",
            "deterrence_effect_low",
            "deterrence_effect_high",
        ],
    )


def test_heatmap_option_marks_break_even_cells_and_skips_missing_ones():
    points = points_table(
        [
            (0, 0.0, 0.1, 0.05, 0.15),
            (100, 0.0, 0.5, 0.4, 0.6),
            (0, 1.0, math.nan, math.nan, math.nan),  # undefined: no arrivals to deter
        ]
    )  # (100, 1.0) has not run yet
    option = heatmap_option(
        points,
        "return_cap_per_week",
        "crackdown_intensity",
        "deterrence_effect",
        [0, 100],
        [0.0, 1.0],
    )
    json.dumps(option, allow_nan=False)  # plain JSON, as the browser needs it
    cells = option["series"][0]["data"]
    assert [cell["value"] for cell in cells] == [[0, 0, 0.1], [1, 0, 0.5]]
    assert "itemStyle" not in cells[0]
    assert cells[1]["itemStyle"]["borderColor"]  # at or above 37%: outlined
    assert option["xAxis"]["data"] == ["0", "100"] and option["yAxis"]["data"] == ["0", "1"]
    assert option["xAxis"]["name"] == "return cap per week (returns/week)"
    assert option["yAxis"]["name"] == "crackdown intensity (0-1)"
    assert (option["visualMap"]["min"], option["visualMap"]["max"]) == (0.1, 0.5)
    assert BREAK_EVEN_LABEL in option["title"]["subtext"]


def test_heatmap_option_of_another_metric_has_no_break_even_mark():
    points = pd.DataFrame(
        {"patrol_intensity": [0.2], "minor_share": [0.1], "arrivals_mean": [30_000.4]}
    )
    option = heatmap_option(
        points, "patrol_intensity", "minor_share", "arrivals", [0.2, 0.5], [0.1]
    )
    assert option["series"][0]["data"] == [{"value": [0, 0, 30_000]}]
    assert "subtext" not in option["title"]
    empty = heatmap_option(
        pd.DataFrame(), "patrol_intensity", "minor_share", "arrivals", [0.2], [0.1]
    )
    assert (
        empty["series"][0]["data"] == [] and empty["visualMap"]["min"] < empty["visualMap"]["max"]
    )


def test_response_option_has_mean_band_and_break_even_line():
    points = points_table(
        [
            (0, 0.0, 0.02, -0.01, 0.05),
            (400, 0.0, 0.45, math.nan, math.nan),  # one replicate so far: no interval
        ]
    )
    option = response_option(points, "return_cap_per_week", "deterrence_effect", [0, 400, 800])
    json.dumps(option, allow_nan=False)
    low, band, mean = option["series"]
    assert mean["data"] == [0.02, 0.45, None]
    assert low["data"] == [-0.01, None, None]
    assert band["data"] == [0.06, None, None] and band["stack"] == low["stack"]
    (line,) = mean["markLine"]["data"]
    assert line == {"yAxis": BREAK_EVEN_DETERRENCE}
    assert mean["markLine"]["label"]["formatter"] == "37% break-even (Home Office 2023)"
    assert option["yAxis"]["min"] <= -0.01 and option["yAxis"]["max"] >= 0.45
    assert option["xAxis"]["name"] == "return cap per week (returns/week)"
    other = response_option(
        pd.DataFrame({"return_cap_per_week": [0], "returns_mean": [12.0]}),
        "return_cap_per_week",
        "returns",
        [0],
    )
    assert "markLine" not in other["series"][2] and "min" not in other["yAxis"]


def test_plain_makes_json_numbers():
    import numpy as np

    assert plain_number(np.int64(3)) == 3 and type(plain_number(np.int64(3))) is int
    assert type(plain_number(np.float32(0.5))) is float
    assert (
        plain_number(math.nan) is None
        and plain_number(np.inf) is None
        and plain_number(None) is None
    )
    assert plain_number(pd.NA) is None


def test_metrics_are_numbers_of_the_run_summary(pilot_run):
    for metric in METRIC_LABELS:
        assert isinstance(pilot_run.summary[metric], int | float), metric


def test_background_sweep_publishes_each_run_and_finishes(tmp_path):
    snapshots = []
    sweep = BackgroundSweep(build_spec(QUICK), workers=1, on_progress=snapshots.append)
    final = sweep.run()
    assert final.state == FINISHED and final.done == final.total == 2 and final.failed == 0
    assert [snapshot.done for snapshot in snapshots] == [0, 1, 2, 2]
    results = final.results()
    assert list(results["return_cap_per_week"]) == [0, 400]
    assert {"run_id", "seed", "status", "deterrence_effect"} <= set(results.columns)
    assert sweep.folder.parent == tmp_path and (sweep.folder / "results.csv").exists()
    assert parse_sweep((sweep.folder / "sweep.toml").read_text(), "x").runs() == sweep.spec.runs()
    assert final.resume_command().startswith(f"deterrence sweep {sweep.folder}/sweep.toml")


def quick_row(spec, run):
    """A run's row as the engine makes it, made at once (no model run)."""
    row = {"run_id": run.run_id, "point": run.point, "replicate": run.replicate, "seed": run.seed}
    row.update({name: run.overrides[name] for name in spec.varied})
    row.update(status="ok", error="", wall_seconds=0.0, arrivals=float(run.point))
    return row, None


def test_no_run_starts_after_a_cancel(monkeypatch):
    """Cancelled after its first run, a sweep hands out nothing more and waits for nothing."""
    started, release = [], threading.Event()

    def first_quick_then_slow(spec, run):
        started.append(run.run_id)
        if len(started) > 1:
            release.wait(60)  # under way until the test lets it go
        return quick_row(spec, run)

    monkeypatch.setattr(sweep_module, "execute", first_quick_then_slow)
    choice = dataclasses.replace(QUICK, axes=(Axis("return_cap_per_week", 0, 500, 6),))

    def cancel_at_first_row(progress):
        if progress.done == 1:
            sweep.cancel()

    sweep = BackgroundSweep(build_spec(choice), 2, cancel_at_first_row, pool=thread_pool)
    try:
        final = sweep.run()  # returns with the second run still under way
        assert not release.is_set()
    finally:
        release.set()
    assert final.state == CANCELLED and final.done == 1 and final.total == 6
    assert started == ["p00000-r000", "p00001-r000"]  # one a worker; none after the cancel


def test_a_cancel_ends_the_worker_processes_and_keeps_what_finished():
    """Cancelled while its first run is under way, a sweep stops its workers (not waiting)."""
    choice = dataclasses.replace(QUICK, days=365)
    first_publish = threading.Event()
    sweep = BackgroundSweep(build_spec(choice), 1, lambda progress: first_publish.set())
    runner = threading.Thread(target=sweep.run)
    runner.start()
    first_publish.wait(30)
    time.sleep(1.0)  # the worker process has started its year
    sweep.cancel()
    runner.join(120)
    assert sweep.progress.state == CANCELLED and sweep.progress.done == 0
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert multiprocessing.active_children() == []
    print(f"cancel to the sweep's end: {sweep.cancel_seconds:.2f} s")


def test_failed_runs_and_a_failed_sweep_are_messages_not_exceptions(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("no boats today\ntraceback-like detail")

    monkeypatch.setattr(sweep_module, "run_scenario", boom)
    final = BackgroundSweep(build_spec(QUICK), 1, lambda progress: None, pool=thread_pool).run()
    assert final.state == FINISHED and final.failed == 2
    assert final.rows[0]["error"] == "RuntimeError: no boats today"

    def worker_dies(*args, **kwargs):
        raise BrokenProcessPool("gone")

    monkeypatch.setattr(sweep_module, "execute", worker_dies)
    final = BackgroundSweep(build_spec(QUICK), 1, lambda progress: None, pool=thread_pool).run()
    assert final.state == FAILED
    assert final.message.startswith("SweepError: a worker process died during run p00000-r000")


def short_sweep(rc, steps: int) -> None:
    """Set the page to ``steps`` runs of 30 days (arrivals: the policy starts later)."""
    enter(field(rc, "to (returns/week)"), "400")
    enter(field(rc, "steps", 0), str(steps))
    select(rc, "Second parameter").v_model = "none"
    enter(field(rc, "Replicates (runs per point)"), "1")
    enter(field(rc, "Days (horizon of each run)"), "30")
    enter(field(rc, "Workers (processes)"), "1")
    select(rc, "Metric").v_model = "arrivals"


def test_a_small_sweep_runs_to_completion_through_the_page(show):
    rc = show()
    short_sweep(rc, 2)
    assert "2 runs: 2 points x 1 replicates, 30 days each" in texts(rc)
    button(rc, "Run sweep").click()
    assert wait_until_done(rc) == "2 of 2 runs done, 0 failed - finished"
    chart = rc.find(EchartsWidget).widget
    assert chart.option["series"][2]["data"][0] is not None  # the mean line has its points
    # drawn as every chart of the app: its column wide, with a text alternative of its data
    assert chart.attributes["role"] == "img" and "width: 100%" in chart.attributes["style"]
    assert chart.attributes["aria-label"].startswith("Chart: ")
    assert "mean over replicates: 2 values" in chart.attributes["aria-label"]
    assert rc.find(v.Btn, children=["Run sweep"]).widget.disabled is False
    assert any("Download results (CSV)" in str(w.children) for w in rc.find(v.Btn).widgets)


def test_cancel_on_the_page_says_where_it_stopped(show):
    rc = show()
    short_sweep(rc, 6)
    button(rc, "Run sweep").click()
    button(rc, "Cancel").click()  # long before the six runs are done
    line = wait_until_done(rc)
    assert line.startswith("Cancelled at ") and "of 6 runs" in line, line
    assert not line.startswith("Cancelled at 6 of 6")
    (bar,) = rc.find(v.ProgressLinear).widgets
    assert bar.value < 100 and bar.color == "warning"  # not a full bar


def test_a_running_sweep_outlives_its_page_and_the_next_page_follows_it(show, sessions):
    first = show("browser-1")
    short_sweep(first, 3)
    button(first, "Run sweep").click()
    with show.kernel(first):
        first.close()  # another tab of the app, or a reload: the page is gone
    session = sessions.session("browser-1")
    assert session.running or session.progress.state == FINISHED  # it ran on

    again = show("browser-1")  # the page drawn again, in a new kernel of the same browser
    assert field(again, "steps", 0).v_model == "3"  # the form as it was left
    assert select(again, "Metric").v_model == "arrivals"
    assert wait_until_done(again) == "3 of 3 runs done, 0 failed - finished"
    assert any(str(session.folders[0]) in html for html in markdowns(again))

    other = show("browser-2")  # another browser: a session of its own
    assert status(other) == "" and field(other, "steps", 0).v_model == "5"


def markdowns(rc) -> list[str]:
    """The HTML of the page's Markdown blocks."""
    return [str(w.template) for w in rc.find(v.VuetifyTemplate).widgets]


@pytest.mark.parametrize(
    ("label", "nth", "typed", "expected"),
    [
        ("Days (horizon of each run)", 0, "abc", 'Days: "abc" is not a number'),
        ("Replicates (runs per point)", 0, "2.5", 'Replicates: "2.5" is not valid'),
        ("to (returns/week)", 0, "5000.5", 'return cap per week, to: "5000.5" is out of range'),
        ("from (0-1)", 0, "1.5", 'crackdown intensity, from: "1.5" is out of range'),
        ("to (0-1)", 0, "0", "crackdown intensity: from and to are both 0"),
        ("to (returns/week)", 0, "3", "5 steps from 0 to 3 repeat values"),
        ("Days (horizon of each run)", 0, "200", "points end before the policy's first day"),
        ("Workers (processes)", 0, "x", 'Workers: "x" is not a number'),
    ],
)
def test_each_hole_in_the_form_is_a_message_that_blocks_the_run(show, label, nth, typed, expected):
    rc = show()
    enter(field(rc, label, nth), typed)
    assert any(expected in text for text in alerts(rc)), alerts(rc)
    assert button(rc, "Run sweep").disabled
    assert field(rc, label, nth).v_model == typed  # kept as typed, to be put right


def test_a_horizon_before_the_policy_is_only_a_note_for_other_metrics(show):
    rc = show()
    enter(field(rc, "Days (horizon of each run)"), "200")
    select(rc, "Metric").v_model = "arrivals"
    assert any("(at least 218 days)" in text for text in alerts(rc)), alerts(rc)
    assert not button(rc, "Run sweep").disabled


def test_menus_are_grouped_policy_first_with_readable_labels(show):
    rc = show()
    items = select(rc, "First parameter").items
    assert items[0] == {"header": "Policy levers"}
    headers = [item["header"] for item in items if "header" in item]
    assert len(headers) == len(set(headers)) >= 5  # each group once
    cap = next(item for item in items if item.get("value") == "return_cap_per_week")
    assert cap["text"] == "return cap per week (returns/week)"
    assert items.index(cap) < 10  # among the policy's levers, near the top
    assert select(rc, "First parameter").hint == PARAMETERS["return_cap_per_week"].description


def test_browser_sessions_have_their_own_form_and_a_reload_keeps_it(show):
    first = show("browser-1")
    second = show("browser-2")
    with show.kernel(first):
        enter(field(first, "Replicates (runs per point)"), "1")
    assert "25 points x 1 replicates" in " ".join(texts(first))
    assert "25 points x 2 replicates" in " ".join(texts(second))
    reloaded = show("browser-1")
    assert "25 points x 1 replicates" in " ".join(texts(reloaded))
