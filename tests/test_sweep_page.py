"""The sweep page, rendered in-process (no browser): its controls and their defaults, the sweep
file it builds, bad values shown as messages, the chart options, and real small sweeps run
through its background runner."""

import dataclasses
import json
import math
import tempfile
import time

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from solara.components.echarts import EchartsWidget

import experiments.engine.runner as sweep_module
from experiments.engine.labels import BREAK_EVEN_DETERRENCE, BREAK_EVEN_LABEL, METRIC_LABELS
from experiments.engine.spec import SweepError, parse_sweep
from model.parameters import PARAMETERS
from viz.charts import plain_number
from viz.sweep_charts import (
    heatmap_option,
    response_option,
)
from viz.sweep_form import MAX_PAGE_RUNS, Axis, SweepChoice, build_spec, numeric_parameters
from viz.sweep_page import DEFAULT_WORKERS, MAX_WORKERS, SweepPage
from viz.sweep_runner import CANCELLED, FAILED, FINISHED, BackgroundSweep

QUICK = SweepChoice(
    axes=(Axis("return_cap_per_week", 0, 400, 2),),
    replicates=1,
    days=30,
)
"""Two runs of 30 days: enough to go through the machinery, quick enough for every test run."""


@pytest.fixture(autouse=True)
def results_under_tmp_path(tmp_path, monkeypatch):
    """The page's results folders go to this test's folder, not the system's temporary one."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


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
    """Type into a number field and press Enter, as a person would."""
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def wait_until_done(rc, timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = [t for t in texts(rc) if "runs done" in t]
        if status and (status[0].endswith("finished") or status[0].endswith("cancelled")):
            return status[0]
        time.sleep(0.2)
    raise AssertionError(f"the sweep did not finish: {texts(rc)}")


def test_controls_default_to_cap_by_crackdown_on_the_pilot():
    _, rc = solara.render(SweepPage(), handle_error=False)
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


def test_parameter_choices_are_the_declared_numbers():
    _, rc = solara.render(SweepPage(), handle_error=False)
    first, second = select(rc, "First parameter"), select(rc, "Second parameter")
    assert first.items == numeric_parameters()
    assert second.items == ["none", *numeric_parameters()]
    assert "start_date" not in first.items and "patrol_intensity" in first.items
    assert select(rc, "Metric").items == list(METRIC_LABELS)


def test_choosing_a_parameter_sets_its_range_from_its_bounds():
    _, rc = solara.render(SweepPage(), handle_error=False)
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


def test_a_bad_range_is_a_message_on_the_page_and_blocks_the_run():
    _, rc = solara.render(SweepPage(), handle_error=False)
    enter(field(rc, "from (returns/week)"), "-10")
    (message,) = [text for text in alerts(rc) if "out of range" in text]
    assert message.startswith("return_cap_per_week=-10 is out of range")  # as typed
    assert button(rc, "Run sweep").disabled
    enter(field(rc, "from (returns/week)"), "0")
    assert not [text for text in alerts(rc) if "out of range" in text]
    assert not button(rc, "Run sweep").disabled


def test_more_workers_than_cores_is_a_message_on_the_page():
    _, rc = solara.render(SweepPage(), handle_error=False)
    enter(field(rc, "Workers (processes)"), str(MAX_WORKERS + 1))
    assert any("(cores)" in text for text in alerts(rc))
    assert button(rc, "Run sweep").disabled


def test_too_many_runs_is_a_message_on_the_page():
    _, rc = solara.render(SweepPage(), handle_error=False)
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


def test_a_cancelled_background_sweep_keeps_what_finished():
    def cancel_at_first_row(progress):
        if progress.done == 1:
            sweep.cancel()

    sweep = BackgroundSweep(build_spec(QUICK), workers=1, on_progress=cancel_at_first_row)
    final = sweep.run()
    assert final.state == CANCELLED and final.done == 1 < final.total


def test_failed_runs_and_a_failed_sweep_are_messages_not_exceptions(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("no boats today\ntraceback-like detail")

    monkeypatch.setattr(sweep_module, "run_scenario", boom)
    final = BackgroundSweep(build_spec(QUICK), 1, lambda progress: None).run()
    assert final.state == FINISHED and final.failed == 2
    assert final.rows[0]["error"] == "RuntimeError: no boats today"

    def sweep_breaks(*args, **kwargs):
        raise SweepError("a worker process died during run p00000-r000")

    monkeypatch.setattr("viz.sweep_runner.run_sweep", sweep_breaks)
    final = BackgroundSweep(build_spec(QUICK), 1, lambda progress: None).run()
    assert final.state == FAILED
    assert final.message == "SweepError: a worker process died during run p00000-r000"


def test_a_small_sweep_runs_to_completion_through_the_page():
    _, rc = solara.render(SweepPage(), handle_error=False)
    enter(field(rc, "to (returns/week)"), "400")
    enter(field(rc, "steps", 0), "2")
    select(rc, "Second parameter").v_model = "none"
    enter(field(rc, "Replicates (runs per point)"), "1")
    enter(field(rc, "Days (horizon of each run)"), "30")
    enter(field(rc, "Workers (processes)"), "1")
    assert "2 runs: 2 points x 1 replicates, 30 days each" in texts(rc)
    button(rc, "Run sweep").click()
    assert wait_until_done(rc) == "2 of 2 runs done, 0 failed - finished"
    option = rc.find(EchartsWidget).widget.option
    assert option["series"][2]["data"][0] is not None  # the mean line has its points
    assert rc.find(v.Btn, children=["Run sweep"]).widget.disabled is False
    assert any("Download results (CSV)" in str(w.children) for w in rc.find(v.Btn).widgets)


def test_cancel_on_the_page_stops_the_sweep_and_keeps_what_finished():
    _, rc = solara.render(SweepPage(), handle_error=False)
    enter(field(rc, "to (returns/week)"), "400")
    enter(field(rc, "steps", 0), "6")
    select(rc, "Second parameter").v_model = "none"
    enter(field(rc, "Replicates (runs per point)"), "1")
    enter(field(rc, "Days (horizon of each run)"), "30")
    enter(field(rc, "Workers (processes)"), "1")
    button(rc, "Run sweep").click()
    button(rc, "Cancel").click()  # long before the six runs are done
    status = wait_until_done(rc)
    assert status.endswith("cancelled") and not status.startswith("6 of 6"), status


def test_tabs_have_their_own_sweep_settings():
    _, first = solara.render(SweepPage(), handle_error=False)
    _, second = solara.render(SweepPage(), handle_error=False)
    enter(field(first, "Replicates (runs per point)"), "1")
    assert "25 points x 1 replicates" in " ".join(texts(first))
    assert "25 points x 2 replicates" in " ".join(texts(second))
