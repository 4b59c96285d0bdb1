"""Two policies side by side: two paired runs on one seed, and how they differ.

Each policy (a scenario with lever values) runs as every run of the model does, through
:func:`model.run.run_scenario`: paired with its own no-policy counterfactual under the same
seed, simulated once to the policy's first day and forked there. The two share one
:class:`model.run.PrefixCache`, so when they differ only in policy levers the second reuses the
first's days before the policy and its whole counterfactual. Pure logic, no solara: the page is
``viz.compare_page``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from model.parameters import PARAMETERS, ParameterError, check_seed
from model.run import (
    PrefixCache,
    RunResult,
    check_days,
    has_policy,
    run_scenario,
    simulated_days,
)
from model.scenarios import check_shipped, scenario_parameters

MAX_PAGE_DAYS = 3 * 365
"""The longest comparison the page runs (three years); longer runs: ``deterrence run``."""

SIDES = ("A", "B")

QUANTITIES = {
    "arrivals": "arrivals",
    "returns": "returns",
    "coast": "waiting_in_france",
}
"""The weekly series compared, by the name the comparison gives them (and their record)."""

PROGRESS_EVERY_DAYS = 7
"""Progress is reported once every this many simulated days (the page redraws each time)."""


class Cancelled(Exception):
    """The comparison was cancelled before it finished."""


@dataclass(frozen=True)
class Policy:
    """One side of a comparison: a shipped scenario with lever values set over it."""

    scenario: str
    levers: Mapping[str, Any] = field(default_factory=dict)

    def parameters(self) -> dict[str, Any]:
        """Every parameter's value (raises ParameterError, one line, on a bad one)."""
        return scenario_parameters(check_shipped(self.scenario), **self.levers)


@dataclass(frozen=True)
class Choice:
    """What the page compares: two policies, on one seed, over one horizon (days)."""

    a: Policy
    b: Policy
    seed: int = 1
    days: int = 365

    def policies(self) -> dict[str, Policy]:
        """The two policies by side."""
        return dict(zip(SIDES, (self.a, self.b), strict=True))


@dataclass(frozen=True)
class Comparison:
    """Both paired runs of a choice."""

    choice: Choice
    a: RunResult
    b: RunResult


def check_choice(choice: Choice) -> None:
    """Raise a one-line ParameterError naming the value and what is allowed, if any is bad."""
    check_seed(choice.seed)
    check_days(choice.days)
    if choice.days > MAX_PAGE_DAYS:
        raise ParameterError(
            f"days={choice.days} is too long for the page: allowed is 1 to {MAX_PAGE_DAYS} "
            "(longer runs: deterrence run)"
        )
    starts = {}
    for side, policy in choice.policies().items():
        try:
            starts[side] = policy.parameters()["start_date"]
        except ParameterError as problem:
            raise ParameterError(f"policy {side}: {problem}") from None
    if starts["A"] != starts["B"]:
        raise ParameterError(
            f"policy B starts on {starts['B']} and policy A on {starts['A']}: allowed is two "
            "scenarios that start on the same day, so that their weeks line up"
        )


def differences(choice: Choice) -> list[tuple[str, Any, Any]]:
    """Each parameter whose value differs between A and B: (name, value in A, value in B)."""
    a, b = choice.a.parameters(), choice.b.parameters()
    return [(name, a[name], b[name]) for name in PARAMETERS if a[name] != b[name]]


def days_to_simulate(parameters: Mapping[str, Any], days: int) -> int:
    """Days a paired run simulates with nothing cached: its counterfactual and its fork."""
    return simulated_days(parameters, days, runs=2) if has_policy(parameters) else days


def run_comparison(
    choice: Choice,
    on_progress: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
    prefixes: PrefixCache | None = None,
) -> Comparison:
    """Run A, then B, each paired with its counterfactual; raises Cancelled once ``stop`` is set.

    ``on_progress`` gets the share done (0 to 1) now and then, and 1 at the end; B's share
    may finish early, when it reuses A's counterfactual.
    """
    check_choice(choice)
    cache = PrefixCache() if prefixes is None else prefixes
    results = []
    for index, policy in enumerate((choice.a, choice.b)):
        expected = days_to_simulate(policy.parameters(), choice.days)
        simulated = 0

        def on_day(_model, index=index, expected=expected) -> None:
            nonlocal simulated
            if stop is not None and stop.is_set():
                raise Cancelled
            simulated += 1
            if on_progress is not None and simulated % PROGRESS_EVERY_DAYS == 0:
                on_progress((index + min(simulated / expected, 1.0)) / len(SIDES))

        results.append(
            run_scenario(
                policy.scenario,
                seed=choice.seed,
                days=choice.days,
                overrides=dict(policy.levers),
                on_day=on_day,
                prefixes=cache,
            )
        )
    if on_progress is not None:
        on_progress(1.0)
    return Comparison(choice, *results)


def _effect(result: RunResult) -> pd.Series:
    """Weekly arrivals with the policy minus without it (below 0: fewer crossings)."""
    return result.weekly["arrivals"] - result.counterfactual_weekly["arrivals"]


def weekly_table(comparison: Comparison) -> pd.DataFrame:
    """One row a week: each quantity for A and B and their difference A - B.

    Columns ``<quantity>_A``, ``<quantity>_B`` and ``<quantity>_diff`` for arrivals, returns,
    coast (people waiting on the coast at the week's end) and effect (arrivals minus the
    side's own counterfactual's), after ``week_start``.
    """
    table = pd.DataFrame({"week_start": comparison.a.weekly["week_start"]})
    for side, result in zip(SIDES, (comparison.a, comparison.b), strict=True):
        for quantity, record in QUANTITIES.items():
            table[f"{quantity}_{side}"] = result.weekly[record].to_numpy()
        table[f"effect_{side}"] = _effect(result).to_numpy()
    for quantity in (*QUANTITIES, "effect"):
        table[f"{quantity}_diff"] = table[f"{quantity}_A"] - table[f"{quantity}_B"]
    return table


SUMMARY_FIGURES = {
    "arrivals": "arrivals over the run",
    "returns": "returns to France",
    "legal_admissions": "legal-route admissions",
    "waiting_in_france_at_end": "waiting on the coast at the end",
    "effect_on_arrivals": "effect on arrivals from the policy's start (policy minus without)",
    "deterrence_effect": "deterrence effect (share of arrivals without the policy)",
}
"""The figures of the summary table, by their key in the run's summary."""


def summary_table(comparison: Comparison) -> pd.DataFrame:
    """One row a figure: its value in A, in B, and A - B (shares in percentage points)."""
    rows = []
    for key, label in SUMMARY_FIGURES.items():
        a, b = (_figure(result.summary, key) for result in (comparison.a, comparison.b))
        rows.append({"figure": label, "key": key, "A": a, "B": b, "A - B": a - b})
    return pd.DataFrame(rows)


def _figure(summary: Mapping[str, Any], key: str) -> float:
    if key == "effect_on_arrivals":
        return float(-summary["crossings_deterred"])
    return float(summary[key])


def summary_markdown(table: pd.DataFrame) -> str:
    """The summary table as Markdown, shares as percentages."""
    lines = ["| figure | A | B | A - B |", "| --- | --- | --- | --- |"]
    for row in table.itertuples(index=False):
        if row.key == "deterrence_effect":
            cells = [_percent(row.A), _percent(row.B), _points(row[4])]
        else:
            cells = [f"{row.A:,.0f}", f"{row.B:,.0f}", f"{row[4]:+,.0f}"]
        lines.append(f"| {row.figure} | {' | '.join(cells)} |")
    return "\n".join(lines)


def _percent(share: float) -> str:
    return "n/a" if pd.isna(share) else f"{100 * share:.1f}%"


def _points(difference: float) -> str:
    return "n/a" if pd.isna(difference) else f"{100 * difference:+.1f} points"
