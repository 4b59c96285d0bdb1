"""Writing a run's results to files and printing its summary.

A run folder holds the daily and weekly series (CSV and Parquet), those of the paired
counterfactual, and ``summary.json`` with the summary, every parameter value, the seed and the
code version, so that the run can be repeated exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from experiments.engine.provenance import code_version
from model.metrics import METRICS
from model.run import RunResult


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_record(result: RunResult) -> dict[str, Any]:
    """Everything needed to know what a run was and repeat it, as plain JSON values."""
    return {
        "scenario": result.scenario,
        "seed": result.seed,
        "days": result.days,
        "code_version": code_version(),
        "parameters": {name: _jsonable(v) for name, v in result.parameters.items()},
        "summary": {name: _jsonable(v) for name, v in result.summary.items()},
    }


def write_run(result: RunResult, folder: Path) -> list[Path]:
    """Write a run's series and summary into ``folder`` (created); returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"daily": result.daily, "weekly": result.weekly}
    if result.counterfactual_daily is not None:
        tables["counterfactual_daily"] = result.counterfactual_daily
        tables["counterfactual_weekly"] = result.counterfactual_weekly
    written = []
    for name, table in tables.items():
        for suffix, write in ((".csv", table.to_csv), (".parquet", table.to_parquet)):
            path = folder / f"{name}{suffix}"
            write(path, index=False)
            written.append(path)
    if "mechanisms" in result.extra:
        path = folder / "mechanisms.csv"
        result.extra["mechanisms"].to_csv(path, index=False)
        written.append(path)
    summary_path = folder / "summary.json"
    summary_path.write_text(json.dumps(run_record(result), indent=2) + "\n")
    written.append(summary_path)
    return written


def format_summary(result: RunResult) -> str:
    """A readable table of a run's key figures."""
    summary = result.summary
    header = (
        f"Scenario {result.scenario!r}, seed {result.seed}, {summary['start_date']} to "
        f"{summary['end_date']} ({result.days} days); policy from {summary['policy_start_date']}"
    )
    if "pilot_end_date" in summary:
        header += f", pilot's last day {summary['pilot_end_date']}"
    lines = [header, "-" * len(header)]
    for name, metric in METRICS.items():
        if metric.line and summary.get(name) is not None:
            lines.append(f"{metric.line:48} {metric.shown(summary[name]):>12}")
    return "\n".join(lines)
