"""The cheapest lever mixes that reach a deterrence target: a cost-effect frontier.

A lever mix is a value of every policy lever the emulator was trained on whose effect the
model's deterrence effect measures: the levers its counterfactual switches off (return cap and
growth, crackdown) and the legal route's share. French patrols and an information campaign act
on the counterfactual too, so the effect (against the same run without the pilot) leaves
their own effect out; they are held at the scenario's setting, not priced against it. A mix's
two objectives:

- its expected spend (GBP) over the run's policy days: returns and legal-route admissions
  priced per person, and the crackdown priced per year (:mod:`experiments.costs`; the
  crackdown's price is a labelled assumption);
- the probability that it reaches the target deterrence: the mean, over draws of the behaviour
  inputs (the emulator's inputs that are not levers, from the calibration's posterior where it
  holds them, else uniform over the emulator's training range), of the chance that one run
  reaches the target under the emulator's predictive distribution (its uncertainty and the
  spread of runs together), on the fitting scale where that distribution is normal.

The search is Optuna's NSGA-II (multi-objective, seeded): Optuna is maintained, light, and
its samplers repeat exactly from a seed; EMA Workbench's robust optimisation would bring
Platypus and its own model wrappers for the same search over a function of six numbers.

The emulator is an approximation, so every frontier point is then confirmed by real paired
runs at the same behaviour draws (:func:`confirm`), through the sweep engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from experiments.decision.emulator import Emulator
from experiments.engine.spec import SweepError
from model.model import FORKABLE
from model.parameters import PARAMETERS

POLICY_LEVERS = FORKABLE
"""The parameters the model's counterfactual switches off (and the legal route's share, which
acts only with returns): the levers whose effect the deterrence effect measures."""

EFFECT = "deterrence_effect"
DAYS_A_YEAR = 365.25
LEVER_COSTS = {"crackdown_intensity": "crackdown_cost_gbp_per_year_at_full_intensity"}
"""Levers priced by the year, with their cost parameter (the rest are priced by the counts)."""


@dataclass(frozen=True)
class Problem:
    """What the optimiser needs: the emulator, the target and how to price a mix."""

    emulator: Emulator
    target: float
    baseline: dict[str, float]  # each lever's setting in the scenario: no running cost there
    behaviour: pd.DataFrame  # draws of the non-lever inputs, a row each
    policy_days: float
    costs: dict[str, float]

    @property
    def levers(self) -> tuple[str, ...]:
        """The emulator's inputs whose effect the deterrence effect measures (the mix)."""
        return tuple(name for name in self.emulator.inputs if name in POLICY_LEVERS)

    @property
    def held(self) -> tuple[str, ...]:
        """The emulator's other levers, held at the scenario's setting."""
        return tuple(
            name
            for name in self.emulator.inputs
            if PARAMETERS[name].lever and name not in POLICY_LEVERS
        )

    def settings(self, mix: Mapping[str, float]) -> pd.DataFrame:
        """The mix beside every behaviour draw: the rows the emulator answers."""
        rows = self.behaviour.copy() if len(self.behaviour.columns) else pd.DataFrame(index=[0])
        for lever in self.levers:
            rows[lever] = mix[lever]
        for lever in self.held:
            rows[lever] = self.baseline[lever]
        return rows[list(self.emulator.inputs)]

    def evaluate(self, mix: Mapping[str, float]) -> dict[str, float]:
        """A mix's expected spend, mean effect and probability of reaching the target."""
        predicted = self.emulator.predict(self.settings(mix))
        return {
            "spend_gbp": self.spend(mix, predicted),
            "mean_effect": float(predicted[EFFECT].mean()),
            "probability": float(self.reach_probability(predicted).mean()),
        }

    def reach_probability(self, predicted: pd.DataFrame) -> np.ndarray:
        """Each row's chance that one run reaches the target, under the emulator."""
        scale = self.emulator.scales[EFFECT]
        centre = scale.forward(predicted[EFFECT].to_numpy())
        upper = scale.forward(predicted[f"{EFFECT}_high"].to_numpy())
        run_sd = np.maximum((upper - centre) / norm.ppf(0.95), 1e-12)
        target = scale.forward(np.array([self.target]))[0]
        return norm.sf((target - centre) / run_sd)

    def spend(self, mix: Mapping[str, float], predicted: pd.DataFrame) -> float:
        """Expected GBP spent over the policy days, from the emulator's answers."""
        return self.priced(mix, predicted["returns"].mean(), predicted["legal_admissions"].mean())

    def priced(self, mix: Mapping[str, float], returns: float, admissions: float) -> float:
        """GBP spent over the policy days: counts priced a person, lever changes by the year."""
        counted = (
            returns * self.costs["cost_per_return_gbp"]
            + admissions * self.costs["cost_per_legal_admission_gbp"]
        )
        running = sum(
            (mix[lever] - self.baseline[lever]) * self.costs[cost]
            for lever, cost in LEVER_COSTS.items()
            if lever in self.levers
        )
        return float(counted + running * self.policy_days / DAYS_A_YEAR)


def check_target(target: float, probability: float) -> None:
    """Refuse a target or a required probability outside (0, 1), in one line."""
    for name, value in (("target", target), ("probability", probability)):
        if not 0 < value < 1:
            raise SweepError(f"--{name} {value!r} is not valid: allowed is a number in (0, 1)")


def frontier(problem: Problem, trials: int, seed: int) -> pd.DataFrame:
    """The mixes no other mix beats on both spend and probability (NSGA-II over the levers)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        directions=["minimize", "maximize"],
        sampler=optuna.samplers.NSGAIISampler(seed=seed),
    )
    ranges = problem.emulator.ranges

    def objective(trial: optuna.Trial) -> tuple[float, float]:
        mix = {lever: _suggest(trial, lever, ranges[lever]) for lever in problem.levers}
        result = problem.evaluate(mix)
        trial.set_user_attr("mean_effect", result["mean_effect"])
        return result["spend_gbp"], result["probability"]

    study.optimize(objective, n_trials=trials)
    rows = [
        {
            **trial.params,
            "spend_gbp": trial.values[0],
            "probability": trial.values[1],
            "mean_effect": trial.user_attrs["mean_effect"],
        }
        for trial in study.best_trials
    ]
    table = pd.DataFrame(rows).drop_duplicates(["spend_gbp", "probability"])  # repeated mixes
    return table.sort_values("spend_gbp").reset_index(drop=True)


def _suggest(trial, lever: str, bounds: tuple[float, float]) -> float:
    low, high = bounds
    if PARAMETERS[lever].kind is int:
        return trial.suggest_int(lever, math.ceil(low), math.floor(high))
    return trial.suggest_float(lever, low, high)


def thin(points: pd.DataFrame, count: int, probability: float) -> pd.DataFrame:
    """At most ``count`` frontier points to confirm, spread evenly along the frontier.

    The cheapest point the emulator says reaches ``probability`` is always among them.
    """
    if len(points) <= count:
        return points.reset_index(drop=True)
    chosen = set(np.linspace(0, len(points) - 1, count - 1).round().astype(int).tolist())
    reaching = np.flatnonzero(points["probability"].to_numpy() >= probability)
    if len(reaching):
        chosen.add(int(reaching[0]))  # points are sorted by spend
    return points.iloc[sorted(chosen)].reset_index(drop=True)


def cheapest_reaching(
    points: pd.DataFrame, probability: float, column: str, spend: str = "spend_gbp"
) -> pd.Series | None:
    """The point cheapest by ``spend`` whose ``column`` chance is at least ``probability``."""
    reaching = points[points[column] >= probability]
    return None if reaching.empty else reaching.sort_values(spend).iloc[0]
