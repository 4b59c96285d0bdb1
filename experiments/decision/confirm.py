"""The optimiser's problem from the shipped emulator, and its frontier confirmed by real runs.

The behaviour draws come from the calibration's posterior when it holds every behaviour input
of the emulator, else uniformly from the emulator's training range (the printed note says
which). Confirmation runs each frontier mix at the same draws, one paired run each, through
the sweep engine, and prices the runs as the optimiser priced the emulator's answers. When the
draws come from the posterior, each confirmation run takes its whole draw (every fitted
behaviour value and its own inflow), not only the emulator's inputs: the emulator's chance is
over the inputs it knows, the runs' share over the posterior itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.decision.active import paired_sweep
from experiments.decision.emulator import Emulator
from experiments.decision.optimise import EFFECT, Problem
from experiments.engine.spec import SweepError, SweepSpec, load_sweep
from model.parameters import PARAMETERS
from model.scenarios import scenario_parameters

NEEDED_OUTPUTS = (EFFECT, "returns", "legal_admissions")
"""What the optimiser reads: the effect, and the counts it prices."""
POSTERIOR = Path(__file__).parents[1] / "calibration" / "results" / "full" / "posterior_draws.csv"


def policy_days(spec: SweepSpec) -> float:
    """Days of the policy inside a run of ``spec``: from its first day to its end or the run's."""
    values = scenario_parameters(spec.scenario, **spec.fixed)
    start, first = values["start_date"], values["pilot_start_date"]
    last = min(start + dt.timedelta(days=spec.days), values["pilot_end_date"])
    return float(max(0, (last - first).days))


@dataclass(frozen=True)
class BehaviourDraws:
    """Draws of the emulator's non-lever inputs, whence they came, and the posterior rows."""

    inputs: pd.DataFrame
    """A row a draw: the emulator's behaviour inputs (clipped to its training range)."""
    note: str
    posterior_rows: tuple[int, ...] | None = None
    """Each draw's row of the posterior file; None when the draws are not from it."""


def behaviour_draws(
    emulator: Emulator, count: int, seed: int, scenario: str, posterior: Path = POSTERIOR
) -> BehaviourDraws:
    """``count`` draws of the emulator's non-lever inputs, with a sentence saying whence.

    From the posterior's draws as overrides of ``scenario`` (so a draw's inflow is its own
    factor times the declared inflow) when they hold every such input.
    """
    names = [name for name in emulator.inputs if not PARAMETERS[name].lever]
    rng = np.random.default_rng(seed)
    if not names:
        return BehaviourDraws(
            pd.DataFrame(index=range(1)), "no behaviour input: every input is a lever"
        )
    table = posterior_table(scenario, posterior)
    if set(names) <= set(table.columns):
        weights = table["weight"] / table["weight"].sum()
        rows = rng.choice(len(table), size=count, p=weights.to_numpy())
        draws = table.iloc[rows][names].reset_index(drop=True)
        for name in names:  # the emulator answers only inside its training range
            draws[name] = draws[name].clip(*emulator.ranges[name])
        note = f"{', '.join(names)} drawn from the calibration's posterior ({posterior.name})"
        return BehaviourDraws(draws, note, tuple(int(row) for row in rows))
    draws = pd.DataFrame({name: rng.uniform(*emulator.ranges[name], size=count) for name in names})
    return BehaviourDraws(
        draws,
        f"{', '.join(names)} drawn uniformly over the emulator's range: the calibration's "
        "posterior does not hold them yet",
    )


def posterior_table(scenario: str, posterior: Path) -> pd.DataFrame:
    """The posterior's draws as overrides of ``scenario``, with ``weight``; empty if none."""
    from experiments.calibration.run import posterior_draws_in

    return posterior_draws_in(scenario, posterior) if posterior.is_file() else pd.DataFrame()


def confirmation_draws(draws: BehaviourDraws, count: int) -> BehaviourDraws:
    """The first ``count`` distinct draws, for the runs that confirm the frontier.

    Draws from the posterior are made by weight with replacement, so a draw can repeat; a
    paired sweep refuses a repeated point (it would be the same run twice), so confirmation
    takes the draws in the order drawn, skipping repeats: successive sampling by weight
    without replacement.
    """
    if draws.posterior_rows is None:
        return replace(draws, inputs=draws.inputs.head(count))
    first = list(dict.fromkeys(draws.posterior_rows))[:count]
    positions = [draws.posterior_rows.index(row) for row in first]
    return replace(
        draws,
        inputs=draws.inputs.iloc[positions].reset_index(drop=True),
        posterior_rows=tuple(first),
    )


def whole_draws(
    scenario: str, rows: tuple[int, ...] | None, posterior: Path = POSTERIOR
) -> pd.DataFrame | None:
    """The posterior's draws at ``rows`` as overrides of ``scenario`` (None without rows)."""
    if rows is None:
        return None
    overrides = posterior_table(scenario, posterior).drop(columns="weight")
    return overrides.iloc[list(rows)].reset_index(drop=True)


def problem_for(
    emulator: Emulator,
    training: Path,
    target: float,
    draws: int,
    seed: int,
    costs: Mapping[str, float],
) -> tuple[Problem, BehaviourDraws]:
    """The optimiser's problem on ``emulator``, trained on the sweep in ``training``."""
    missing = [name for name in NEEDED_OUTPUTS if name not in emulator.outputs]
    if missing:
        raise SweepError(
            f"the emulator in {str(training)!r} does not predict {', '.join(missing)}: allowed "
            f"is one trained with {', '.join(NEEDED_OUTPUTS)} among its outputs"
        )
    spec = load_sweep(Path(training) / "sweep.toml")
    values = scenario_parameters(spec.scenario, **spec.fixed)
    baseline = {lever: float(values[lever]) for lever in emulator.inputs}
    found = behaviour_draws(emulator, draws, seed, spec.scenario)
    problem = Problem(emulator, target, baseline, found.inputs, policy_days(spec), dict(costs))
    return problem, found


def confirmation_sweep(
    problem: Problem,
    points: pd.DataFrame,
    spec: SweepSpec,
    whole: pd.DataFrame | None = None,
) -> str:
    """A paired sweep file: every frontier mix at every behaviour draw, one run each.

    ``whole`` (a row a behaviour draw, in the same order) gives each run its whole posterior
    draw, which replaces the emulator's clipped behaviour inputs where they overlap.
    """
    rows = [
        problem.settings(point).assign(frontier_point=index)
        for index, point in points[list(problem.levers)].iterrows()
    ]
    settings = pd.concat(rows, ignore_index=True)[list(problem.emulator.inputs)]
    if whole is not None:
        if len(whole) != len(problem.behaviour):
            raise ValueError(
                f"{len(whole)} whole draws for {len(problem.behaviour)} behaviour draws: "
                "allowed is one a draw"
            )
        tiled = pd.concat([whole] * len(points), ignore_index=True)
        settings = pd.concat(
            [settings.drop(columns=list(whole.columns), errors="ignore"), tiled], axis=1
        )
    one_each = replace(spec, replicates=1)
    return paired_sweep(one_each, settings, f"{spec.name}-frontier")


def confirmed(problem: Problem, points: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Each frontier point with what its real runs gave (runs in the sweep's point order)."""
    draws = max(1, len(problem.behaviour))
    runs = runs.sort_values("run_id").reset_index(drop=True)
    runs["frontier_point"] = np.arange(len(runs)) // draws
    rows = []
    for index, point in points.iterrows():
        mine = runs[runs["frontier_point"] == index]
        spend = problem.priced(point, mine["returns"].mean(), mine["legal_admissions"].mean())
        rows.append(
            {
                "confirmed_runs": len(mine),
                "confirmed_spend_gbp": spend,
                "confirmed_mean_effect": mine[EFFECT].mean(),
                "confirmed_share_reaching": (mine[EFFECT] >= problem.target).mean(),
            }
        )
    return pd.concat([points, pd.DataFrame(rows)], axis=1)
