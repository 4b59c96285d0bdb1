"""The optimiser's problem from the shipped emulator, and its frontier confirmed by real runs.

The behaviour draws come from the calibration's posterior when it holds every behaviour input
of the emulator, else uniformly from the emulator's training range (the printed note says
which). Confirmation runs each frontier mix at the same draws, one paired run each, through
the sweep engine, and prices the runs as the optimiser priced the emulator's answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
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


def behaviour_draws(
    emulator: Emulator, count: int, seed: int, posterior: Path = POSTERIOR
) -> tuple[pd.DataFrame, str]:
    """``count`` draws of the emulator's non-lever inputs, and a sentence saying whence."""
    names = [name for name in emulator.inputs if not PARAMETERS[name].lever]
    rng = np.random.default_rng(seed)
    if not names:
        return pd.DataFrame(index=range(1)), "no behaviour input: every input is a lever"
    table = pd.read_csv(posterior) if posterior.is_file() else pd.DataFrame()
    if set(names) <= set(table.columns):
        weights = table["weight"] / table["weight"].sum()
        rows = rng.choice(len(table), size=count, p=weights.to_numpy())
        draws = table.iloc[rows][names].reset_index(drop=True)
        for name in names:  # the emulator answers only inside its training range
            draws[name] = draws[name].clip(*emulator.ranges[name])
        return (
            draws,
            f"{', '.join(names)} drawn from the calibration's posterior ({posterior.name})",
        )
    draws = pd.DataFrame({name: rng.uniform(*emulator.ranges[name], size=count) for name in names})
    return draws, (
        f"{', '.join(names)} drawn uniformly over the emulator's range: the calibration's "
        "posterior does not hold them yet"
    )


def problem_for(
    emulator: Emulator,
    training: Path,
    target: float,
    draws: int,
    seed: int,
    costs: Mapping[str, float],
) -> tuple[Problem, str]:
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
    behaviour, note = behaviour_draws(emulator, draws, seed)
    problem = Problem(emulator, target, baseline, behaviour, policy_days(spec), dict(costs))
    return problem, note


def confirmation_sweep(problem: Problem, points: pd.DataFrame, spec: SweepSpec) -> str:
    """A paired sweep file: every frontier mix at every behaviour draw, one run each."""
    rows = [
        problem.settings(point).assign(frontier_point=index)
        for index, point in points[list(problem.levers)].iterrows()
    ]
    settings = pd.concat(rows, ignore_index=True)[list(problem.emulator.inputs)]
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
