"""Daily series of every shipped scenario, stored to check that a refactor changes no output.

``python -m tests.reference_series`` writes them (seed 1, :data:`DAYS` days, each policy run and
its counterfactual) as ``tests/reference/<scenario>.parquet``. Rewrite them only when a change
is meant to change the model's outputs, and say so in the commit; the test
``tests/test_reference_series.py`` compares today's runs with them bit for bit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from model.run import run_scenario
from model.scenarios import scenario_names

FOLDER = Path(__file__).resolve().parent / "reference"
DAYS = 700
"""From 1 January 2025 past every pilot's end (the latest, as delivered, is 31 October 2026)."""
SEED = 1


def paired_series(scenario: str) -> pd.DataFrame:
    """A scenario's daily series with its counterfactual's, one table with a ``run`` column."""
    result = run_scenario(scenario, SEED, DAYS)
    return pd.concat(
        [
            result.daily.assign(run="policy"),
            result.counterfactual_daily.assign(run="counterfactual"),
        ],
        ignore_index=True,
    )


def path_of(scenario: str) -> Path:
    """Where a scenario's reference series is stored."""
    return FOLDER / f"{scenario}.parquet"


def main() -> int:
    """Write every shipped scenario's reference series."""
    for scenario in scenario_names():
        paired_series(scenario).to_parquet(path_of(scenario), index=False, compression="zstd")
        print(f"wrote {path_of(scenario).relative_to(FOLDER.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
