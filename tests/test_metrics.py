"""Summary metrics are declared once (model/metrics.toml) and read from there everywhere."""

import math

import pytest

from experiments.engine.labels import METRIC_LABELS, SHARE_METRICS, axis_label
from experiments.outputs import format_summary
from model.metrics import METRICS, Metric, load_metrics
from model.run import run_scenario


@pytest.fixture(scope="module")
def pilot_run():
    return run_scenario("pilot", seed=2, days=260)


def test_a_policy_run_summary_holds_exactly_the_declared_metrics(pilot_run):
    numbers = [k for k, v in pilot_run.summary.items() if not isinstance(v, str)]
    assert sorted(numbers) == sorted(METRICS)


def test_a_run_without_policy_holds_a_subset(pilot_run):
    baseline = run_scenario("baseline", seed=2, days=30)
    numbers = {k for k, v in baseline.summary.items() if not isinstance(v, str)}
    assert numbers < set(METRICS)


def test_the_app_the_command_line_and_the_figures_read_the_declaration(pilot_run):
    assert METRIC_LABELS == {n: m.label for n, m in METRICS.items() if m.menu}
    assert "deterrence_effect" in METRIC_LABELS and "share" in METRICS["deterrence_effect"].unit
    assert SHARE_METRICS == {n for n, m in METRICS.items() if m.share}
    assert axis_label("returns") == METRICS["returns"].label
    printed = format_summary(pilot_run)
    for metric in METRICS.values():
        if metric.line:
            assert metric.line in printed
    assert "pilot's last day 2026-06-11" in printed.splitlines()[0]


def test_an_undefined_metric_prints_as_not_available():
    metric = Metric("x", "x", "share", "{:.1%}")
    assert metric.shown(math.nan) == "n/a" and metric.shown(0.25) == "25.0%"


def test_a_malformed_declaration_is_refused_naming_the_metric(tmp_path):
    path = tmp_path / "metrics.toml"
    path.write_text('[arrivals]\nlabel = "a"\nunit = "people"\nformat = "{:,}"\ncolour = "red"\n')
    with pytest.raises(ValueError, match=r"metric 'arrivals': unknown \['colour'\]"):
        load_metrics(path)
