"""Names in words for figures and pages: summary metrics, parameters, the break-even line.

One place for what a metric or a parameter is called on an axis, so that the command line's
figures, the research report and the app's sweep page say the same thing.
"""

from __future__ import annotations

from model.metrics import METRICS
from model.parameters import PARAMETERS

BREAK_EVEN_CASES: dict[str, float] = {
    "high support-cost case": 0.02,
    "central case": 0.37,
    "3-year processing": 0.50,
}
"""The break-even band of the Illegal Migration Bill's impact assessment (Home Office, 26 June
2023): deterring 37% of those who would otherwise come in its central case, 2% in its high
support-cost case and about 50% if processing took 3 years instead of 4. A finding about
break-even names the case."""

BREAK_EVEN_DETERRENCE = BREAK_EVEN_CASES["central case"]
"""The central case of the band, drawn as the dashed line of the charts."""

BREAK_EVEN_LABEL = "37% break-even (Home Office 2023)"


def break_even_case(level: float) -> str:
    """A break-even level in words: '37% (central case)'."""
    names = {value: name for name, value in BREAK_EVEN_CASES.items()}
    return f"{level:.0%} ({names[level]})" if level in names else f"{level:.0%}"


METRIC_LABELS = {name: metric.label for name, metric in METRICS.items() if metric.menu}
"""The metrics the app's sweep page offers, with their labels (declared in model/metrics.toml)."""

SHARE_METRICS = frozenset(name for name, metric in METRICS.items() if metric.share)
"""Metrics that are shares, drawn as percentages."""


def metric_label(metric: str) -> str:
    """A metric's label, with its unit where it has one."""
    return METRICS[metric].label if metric in METRICS else metric.replace("_", " ")


def parameter_label(parameter: str) -> str:
    """A parameter's axis name, with its unit from the declaration."""
    return f"{parameter.replace('_', ' ')} ({PARAMETERS[parameter].unit})"


def levers_in_words(scenario: str, fixed: dict) -> str:
    """The policy an experiment runs, in words: its scenario and the values it holds fixed.

    'scenario pilot with return cap per week = 200 returns/week, ...': a finding names exactly
    the levers it ran on, not "the pilot".
    """
    held = ", ".join(
        f"{name.replace('_', ' ')} = {value:g} {PARAMETERS[name].unit}"
        if isinstance(value, int | float) and not isinstance(value, bool) and name in PARAMETERS
        else f"{name.replace('_', ' ')} = {value}"
        for name, value in fixed.items()
    )
    return f"scenario {scenario}" + (f" with {held}" if held else "")


def axis_label(name: str) -> str:
    """A parameter's or a metric's label."""
    return parameter_label(name) if name in PARAMETERS else metric_label(name)
