"""Names in words for figures and pages: summary metrics, parameters, the break-even line.

One place for what a metric or a parameter is called on an axis, so that the command line's
figures, the research report and the app's sweep page say the same thing.
"""

from __future__ import annotations

from model.metrics import METRICS
from model.parameters import PARAMETERS

BREAK_EVEN_DETERRENCE = 0.37
"""Deterrence at which the Illegal Migration Bill's impact assessment (Home Office, 2023)
breaks even: 37% of those who would otherwise come."""

BREAK_EVEN_LABEL = "37% break-even (Home Office 2023)"

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


def axis_label(name: str) -> str:
    """A parameter's or a metric's label."""
    return parameter_label(name) if name in PARAMETERS else metric_label(name)
