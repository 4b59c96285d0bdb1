"""The run summary's metrics, declared once in ``metrics.toml``.

Each metric has a label (axes, menus, tables), a unit, a format, whether it is a share, whether
the app's sweep page offers it, and, for the command line's summary, the line it prints under.
The command line, the sweeps, the app and the report read them from :data:`METRICS`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

METRIC_FILE = Path(__file__).parent / "metrics.toml"
_FIELDS = {"label", "unit", "format", "line", "share", "menu"}


@dataclass(frozen=True)
class Metric:
    """One number of a run's summary."""

    name: str
    label: str
    unit: str
    format: str
    line: str = ""
    """The command line's summary prints the metric under this text (not at all if empty)."""
    share: bool = False
    """A share of something, drawn as a percentage."""
    menu: bool = False
    """Offered as a metric on the app's sweep page."""

    def shown(self, value: float) -> str:
        """The value in the metric's format ('n/a' when undefined)."""
        if value != value:  # NaN: the metric is undefined for this run
            return "n/a"
        return self.format.format(value)


def load_metrics(path: Path = METRIC_FILE) -> dict[str, Metric]:
    """Read the declaration; a malformed entry is a programming error, said plainly."""
    declared = tomllib.loads(path.read_text())
    metrics = {}
    for name, entry in declared.items():
        unknown = sorted(set(entry) - _FIELDS)
        missing = sorted({"label", "unit", "format"} - set(entry))
        if unknown or missing:
            raise ValueError(f"{path.name}: metric {name!r}: unknown {unknown}, missing {missing}")
        metrics[name] = Metric(name, **entry)
    return metrics


METRICS: dict[str, Metric] = load_metrics()
"""Every summary metric by name, in the order of the declaration (the summary's order)."""
