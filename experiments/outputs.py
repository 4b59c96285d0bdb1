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


SUMMARY_LINES = (
    ("arrivals", "Small-boat arrivals in the UK", "{:,}"),
    ("attempts", "Crossing attempts (people on launched boats)", "{:,}"),
    ("mean_people_per_boat", "Mean people per boat", "{:.1f}"),
    ("prevention_share", "Share of attempts stopped in France", "{:.1%}"),
    ("second_half_share", "Share of arrivals in July-December", "{:.1%}"),
    ("deaths", "Deaths at sea", "{:,}"),
    ("returns", "Returns to France", "{:,}"),
    ("legal_admissions", "Legal-route admissions", "{:,}"),
    ("left_coast", "People who left the coast", "{:,}"),
    ("waiting_in_france_at_end", "Waiting in France at the end", "{:,}"),
    ("illegal_employment_at_end", "Working illegally in the UK at the end", "{:,}"),
    ("active_gangs_at_end", "Smuggling gangs at the end", "{:,}"),
    ("smuggler_price_gbp_at_end", "Price per seat at the end (GBP)", "{:,.0f}"),
    ("mean_perceived_return_prob", "Perceived return probability (policy period)", "{:.1%}"),
    ("mean_actual_return_prob", "Actual return probability (policy period)", "{:.1%}"),
    ("counterfactual_arrivals_in_policy_period", "Arrivals without the policy (same seed)", "{:,}"),
    ("arrivals_in_policy_period", "Arrivals with the policy", "{:,}"),
    ("deterrence_effect", "Deterrence effect (fall in arrivals)", "{:.1%}"),
    ("crossings_deterred", "Fall in crossings (people), of which:", "{:,}"),
    ("postponed_still_waiting", "  more still waiting on the coast at the end", "{:,}"),
    ("deterred_left_coast", "  more who left the coast", "{:,}"),
    ("came_by_legal_route", "  admitted by the legal route", "{:,}"),
    ("died_at_sea_net", "  more who died at sea", "{:,}"),
    ("recrossings_in_policy_period", "  less crossings again by people returned", "{:,}"),
    ("crossed_later_net", "Crossed later with the policy (net people)", "{:,}"),
    (
        "mean_waiting_in_france_in_policy_period",
        "Mean waiting on the coast (policy period)",
        "{:,.0f}",
    ),
    (
        "counterfactual_mean_waiting_in_france_in_policy_period",
        "  without the policy",
        "{:,.0f}",
    ),
    ("pilot_end_date", "Pilot's last day", "{}"),
    ("deterrence_effect_during_pilot", "Deterrence effect up to the pilot's end", "{:.1%}"),
    ("rebound_after_pilot_end", "Rebound after the pilot (arrivals, vs without)", "{:+,}"),
)


def format_summary(result: RunResult) -> str:
    """A readable table of a run's key figures."""
    summary = result.summary
    header = (
        f"Scenario {result.scenario!r}, seed {result.seed}, {summary['start_date']} to "
        f"{summary['end_date']} ({result.days} days); policy from {summary['policy_start_date']}"
    )
    lines = [header, "-" * len(header)]
    for key, label, pattern in SUMMARY_LINES:
        if key in summary and summary[key] is not None:
            value = summary[key]
            text = (
                "n/a" if isinstance(value, float) and math.isnan(value) else pattern.format(value)
            )
            lines.append(f"{label:48} {text:>12}")
    return "\n".join(lines)
