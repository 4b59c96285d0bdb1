"""The baseline scenario against the 2024 public figures it is calibrated to.

Runs ``baseline`` (2024, no pilot, no crackdown) for several seeds and prints the model's mean
(with its range over seeds) beside each target of the core-model issue:

- annual small-boat arrivals within 15% of 36,816 (Home Office, 2024);
- mean people per boat within 15% of 53 (Home Office, 2024);
- more than half of arrivals in July-December (Home Office: ~65% in the latter part of a year);
- a French prevention share between 35% and 55% (French interior ministry: ~45% in 2024).

It also shows, as checks the model is not fitted to, the calm days in January-April (Home Office
crossing conditions) and the busiest day's arrivals.

Run: ``python -m experiments.calibration_check [--seeds 10] [--markdown] [--readme]``; with
``--readme`` the table also replaces the README's ``calibration-table`` region.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from model.data import load_observed_arrivals
from model.markdown import replace_region, table_rows
from model.run import RunResult, run_scenario


@dataclass(frozen=True)
class Target:
    """A public figure and the band the model must fall in."""

    measure: str | Callable
    label: str
    observed: str
    band: str
    within: Callable[[float], bool] | None
    pattern: str


def red_days_jan_to_apr(result) -> float:
    """Calm ('red') days in January-April of the run's first year."""
    daily = result.daily
    first_months = (daily["date"].dt.month <= 4) & (
        daily["date"].dt.year == daily["date"].dt.year[0]
    )
    return float(daily.loc[first_months, "calm_day"].sum())


def busiest_day(result) -> float:
    """Most arrivals on one day."""
    return float(result.daily["arrivals"].max())


CALIBRATION_YEAR = 2024
OBSERVED = {row["year"]: row for row in load_observed_arrivals()}[CALIBRATION_YEAR]
TOLERANCE = 0.15


def _within_tolerance(observed: float) -> Callable[[float], bool]:
    return lambda value: abs(value / observed - 1) <= TOLERANCE


TARGETS = (
    Target(
        "arrivals",
        f"Small-boat arrivals, {CALIBRATION_YEAR}",
        f"{OBSERVED['arrivals']:,}",
        f"within {TOLERANCE:.0%}",
        _within_tolerance(OBSERVED["arrivals"]),
        "{:,.0f}",
    ),
    Target(
        "mean_people_per_boat",
        f"Mean people per boat, {CALIBRATION_YEAR}",
        f"{OBSERVED['people_per_boat']:g}",
        f"within {TOLERANCE:.0%}",
        _within_tolerance(OBSERVED["people_per_boat"]),
        "{:.1f}",
    ),
    Target(
        "second_half_share",
        "Share of arrivals in July-December",
        "~65%",
        "above 50%",
        lambda v: v > 0.5,
        "{:.1%}",
    ),
    Target(
        "prevention_share",
        "Share of attempts stopped in France",
        "45%",
        "35% to 55%",
        lambda v: 0.35 <= v <= 0.55,
        "{:.1%}",
    ),
)

CHECKS = (
    Target(
        red_days_jan_to_apr,
        "Red (calm) days in January-April",
        "23-27 (2022-24)",
        "not fitted",
        None,
        "{:.0f}",
    ),
    Target(
        busiest_day,
        "Arrivals on the busiest day",
        "1,295 (record, 2022)",
        "not fitted",
        None,
        "{:,.0f}",
    ),
)
"""Figures the model is not fitted to, shown beside the data as a check on its weather and lumps."""


def baseline_runs(seeds: Sequence[int], progress: bool = True) -> list[RunResult]:
    """Runs of the baseline scenario, one a seed (no counterfactual: no policy)."""
    return [
        run_scenario("baseline", seed=seed, with_counterfactual=False)
        for seed in tqdm(seeds, desc="baseline runs", disable=not progress, leave=False)
    ]


def _measure(target: Target, result: RunResult) -> float:
    if callable(target.measure):
        return target.measure(result)
    return result.summary[target.measure]


def calibration_table(results: list[RunResult]) -> list[dict]:
    """One row a target: the model's mean and range over seeds, the data, and the verdict."""
    rows = []
    for target in TARGETS + CHECKS:
        values = np.array([_measure(target, result) for result in results], dtype=float)
        mean = float(values.mean())
        rows.append(
            {
                "target": target.label,
                "observed": target.observed,
                "model_mean": target.pattern.format(mean),
                "model_range": f"{target.pattern.format(values.min())} - "
                f"{target.pattern.format(values.max())}",
                "band": target.band,
                "met": None if target.within is None else target.within(mean),
                "value": mean,
            }
        )
    return rows


def format_table(rows: list[dict], n_seeds: int, markdown: bool) -> str:
    """The calibration table as plain text or Markdown."""
    header = [
        "Target",
        "Data",
        f"Model (mean of {n_seeds} seeds)",
        "Range over seeds",
        "Required",
        "Met",
    ]
    cells = [
        [
            r["target"],
            r["observed"],
            r["model_mean"],
            r["model_range"],
            r["band"],
            {True: "yes", False: "NO", None: "-"}[r["met"]],
        ]
        for r in rows
    ]
    if markdown:
        return table_rows(header, cells)
    widths = [max(len(str(row[i])) for row in [header, *cells]) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *cells]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the calibration table; exit status 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="number of seeds (default 10)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--readme", action="store_true", help="also write the table into README.md's region"
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds={args.seeds} is not valid: allowed is a whole number >= 1")
    rows = calibration_table(baseline_runs(range(1, args.seeds + 1)))
    print(format_table(rows, args.seeds, args.markdown))
    if args.readme:
        text = README.read_text()
        README.write_text(replace_region(text, README_REGION, readme_region(rows, args.seeds)))
        print(f"wrote the table into {README.name}'s {README_REGION!r} region")
    return 1 if any(row["met"] is False for row in rows) else 0


README = Path(__file__).resolve().parents[1] / "README.md"
README_REGION = "calibration-table"


def readme_region(rows: list[dict], n_seeds: int) -> str:
    """The README's calibration region: where the figures come from, then the table."""
    return (
        "The `baseline` scenario with its defaults, against the Home Office's 2024 figures\n"
        "(`shared/data-sources.md`; `model/data/observed_arrivals.csv`), written by\n"
        f"`.venv/bin/python -m experiments.calibration_check --seeds {n_seeds} --readme` (exit "
        "status 1 if a\ntarget is missed):\n\n" + format_table(rows, n_seeds, markdown=True)
    )


if __name__ == "__main__":
    sys.exit(main())
