"""An emulator of the model: what a paired run gives at any lever setting, with its uncertainty.

Trained on the runs a sweep stored (each a policy run with its counterfactual), it answers a
lever setting in milliseconds where the model needs a second, so the app can answer a what-if
at once and an optimiser can search the levers.

The method:

- inputs: the sweep's varied parameters, each scaled to [0, 1] over the range the sweep
  covered; the emulator refuses a setting outside that range (it has seen no run there);
- one Gaussian process per output (scikit-learn's ``GaussianProcessRegressor``): a constant
  times a Matern 5/2 kernel with one length scale per input (so a lever that matters little
  gets a long one), plus white noise, fitted by maximum marginal likelihood with seeded
  restarts. The white noise is the spread of runs at one setting (seeds and, for a sweep over
  posterior draws, parameters); the Matern part is the mean response;
- predictions: the mean response with its standard deviation (the emulator's own
  uncertainty, without the noise) and a 90% interval for one run (with it);
- validation: a share of the sweep's points, all replicates of each, is held out of the fit;
  R² of the predicted mean against each held-out point's mean over its replicates, and the
  share of held-out runs inside their 90% interval (the coverage; 0.9 if the interval is right).

Why scikit-learn: it is maintained, already installed with pyabc, and its processes take one
length scale per input and a noise term fitted from the data, which is all a few hundred runs
over six levers need. emukit (last release 2023) and autoemulate (which brings PyTorch) add
nothing this needs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.engine.spec import SweepError

INTERVAL = 0.90
"""The run interval's probability."""
Z_INTERVAL = 1.6448536269514722
"""The standard normal's 95% quantile: a central 90% interval is mean +- Z x sd."""
RESTARTS = 3
"""Extra starts of the marginal-likelihood search (seeded)."""


@dataclass(frozen=True)
class Emulator:
    """Gaussian processes of ``outputs`` over ``inputs``, trained inside ``ranges``."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    processes: dict  # output -> a fitted GaussianProcessRegressor
    training_runs: int

    def predict(self, settings: pd.DataFrame | Mapping[str, float]) -> pd.DataFrame:
        """Each output's mean, its sd, and a run's 90% interval, a row a setting.

        Columns ``<output>``, ``<output>_sd``, ``<output>_low``, ``<output>_high``.
        """
        frame = pd.DataFrame([settings]) if isinstance(settings, Mapping) else settings
        scaled = self._scaled(frame)
        columns = {}
        for output in self.outputs:
            process = self.processes[output]
            mean, sd = process.predict(scaled, return_std=True)
            run_sd = np.sqrt(sd**2 + _noise_variance(process))
            columns[output] = mean
            columns[f"{output}_sd"] = sd
            columns[f"{output}_low"] = mean - Z_INTERVAL * run_sd
            columns[f"{output}_high"] = mean + Z_INTERVAL * run_sd
        return pd.DataFrame(columns, index=frame.index)

    def _scaled(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [name for name in self.inputs if name not in frame]
        if missing:
            raise SweepError(
                f"the emulator needs {', '.join(missing)}: allowed settings give every one of "
                f"{', '.join(self.inputs)}"
            )
        for name in self.inputs:
            low, high = self.ranges[name]
            outside = frame[name][(frame[name] < low) | (frame[name] > high)]
            if len(outside):
                raise SweepError(
                    f"{name}={outside.iloc[0]!r} is outside the emulator's range: allowed is "
                    f"a value from {low:g} to {high:g} (the runs it was trained on)"
                )
        return scale(frame, self.inputs, self.ranges)


def scale(frame: pd.DataFrame, inputs: Sequence[str], ranges: Mapping) -> np.ndarray:
    """The inputs as columns in [0, 1] over their ranges (a constant input stays at 0)."""
    columns = []
    for name in inputs:
        low, high = ranges[name]
        width = high - low if high > low else 1.0
        columns.append((frame[name].to_numpy(dtype=float) - low) / width)
    return np.column_stack(columns)


def input_ranges(runs: pd.DataFrame, inputs: Sequence[str]) -> dict[str, tuple[float, float]]:
    """The smallest and largest value of each input among ``runs``."""
    return {name: (float(runs[name].min()), float(runs[name].max())) for name in inputs}


def fit_emulator(
    runs: pd.DataFrame, inputs: Sequence[str], outputs: Sequence[str], seed: int = 0
) -> Emulator:
    """Fit one Gaussian process per output to ``runs`` (a row a run)."""
    check_runs(runs, inputs, outputs)
    ranges = input_ranges(runs, inputs)
    scaled = scale(runs, inputs, ranges)
    processes = {
        output: _fitted_process(scaled, runs[output].to_numpy(dtype=float), len(inputs), seed)
        for output in outputs
    }
    return Emulator(tuple(inputs), tuple(outputs), ranges, processes, len(runs))


def _fitted_process(scaled: np.ndarray, values: np.ndarray, dimension: int, seed: int):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    kernel = ConstantKernel(1.0, (1e-6, 1e3)) * Matern(
        length_scale=np.full(dimension, 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
    ) + WhiteKernel(0.1, (1e-8, 1e1))
    process = GaussianProcessRegressor(
        kernel=kernel, normalize_y=True, n_restarts_optimizer=RESTARTS, random_state=seed
    )
    with warnings.catch_warnings():
        # a bound reached is an answer here, not a failure: an output the levers do not move
        # has no signal variance, and a long length scale means a lever that does not matter
        warnings.simplefilter("ignore", ConvergenceWarning)
        return process.fit(scaled, values)


def _noise_variance(process) -> float:
    """The fitted white-noise variance, in the output's own units."""
    noise = process.kernel_.k2.noise_level
    scale_of_output = float(np.atleast_1d(process._y_train_std)[0])
    return float(noise) * scale_of_output**2


def check_runs(runs: pd.DataFrame, inputs: Sequence[str], outputs: Sequence[str]) -> None:
    """Refuse, in one line, a table the emulator cannot learn from."""
    if not inputs:
        raise SweepError("the sweep varies no parameter: allowed is a sweep that varies levers")
    missing = [name for name in [*inputs, *outputs] if name not in runs]
    if missing:
        raise SweepError(
            f"the runs hold no {', '.join(missing)}: allowed outputs are those the sweep stored "
            f"({', '.join(sorted(set(runs) - set(inputs)))})"
        )
    points = runs.groupby(list(inputs)).ngroups
    if points < 2 * len(inputs) + 2:
        raise SweepError(
            f"the runs cover {points} lever settings: allowed is at least {2 * len(inputs) + 2} "
            f"for {len(inputs)} varied parameter(s)"
        )
    for output in outputs:
        if not np.isfinite(runs[output].to_numpy(dtype=float)).all():
            raise SweepError(f"output {output} has missing values: allowed is a complete output")


def split_by_point(
    runs: pd.DataFrame, inputs: Sequence[str], held_out_share: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training and held-out runs, holding out whole points (all replicates of a setting).

    Points at the edge of any input's range stay in training: the emulator answers only
    inside its training ranges, so it is validated on interpolation, as it is used.
    """
    if not 0 < held_out_share < 1:
        raise SweepError(f"held-out share {held_out_share!r} is not valid: allowed is 0 < s < 1")
    point = runs.groupby(list(inputs), sort=True).ngroup().to_numpy()
    settings = runs.groupby(list(inputs), sort=True).size().index.to_frame(index=False)
    at_edge = np.zeros(len(settings), dtype=bool)
    for name in inputs:
        at_edge |= settings[name].isin([settings[name].min(), settings[name].max()]).to_numpy()
    interior = np.flatnonzero(~at_edge)
    held_count = max(1, math.floor(held_out_share * len(settings)))
    if len(interior) < held_count:
        raise SweepError(
            f"the runs have {len(interior)} settings inside every input's range: allowed is at "
            f"least {held_count} to hold out (run more points)"
        )
    held = np.random.default_rng(seed).choice(interior, size=held_count, replace=False)
    is_held = np.isin(point, held)
    return runs[~is_held], runs[is_held]


@dataclass(frozen=True)
class Validation:
    """How an emulator fitted without the held-out points predicts them."""

    scores: pd.DataFrame  # a row an output: r2, coverage, held-out points and runs
    predictions: pd.DataFrame  # held-out runs with their predictions


def validate(
    runs: pd.DataFrame,
    inputs: Sequence[str],
    outputs: Sequence[str],
    held_out_share: float = 0.2,
    seed: int = 0,
) -> Validation:
    """Fit on the runs outside a held-out share of points; score on the held-out ones."""
    check_runs(runs, inputs, outputs)
    training, held_out = split_by_point(runs, inputs, held_out_share, seed)
    emulator = fit_emulator(training, inputs, outputs, seed)
    kept = held_out.reset_index(drop=True)
    emulated = emulator.predict(kept).add_prefix("emulated_")
    predicted = pd.concat([kept, emulated], axis=1)
    rows = [_score(predicted, inputs, output) for output in outputs]
    scores = pd.DataFrame(rows).assign(training_runs=len(training))
    return Validation(scores=scores, predictions=predicted)


def _score(predicted: pd.DataFrame, inputs: Sequence[str], output: str) -> dict:
    """R² over held-out points' means and the coverage of held-out runs' intervals."""
    by_point = predicted.groupby(list(inputs)).agg(
        observed=(output, "mean"), emulated=(f"emulated_{output}", "mean")
    )
    residual = ((by_point["observed"] - by_point["emulated"]) ** 2).sum()
    spread = ((by_point["observed"] - by_point["observed"].mean()) ** 2).sum()
    inside = (predicted[output] >= predicted[f"emulated_{output}_low"]) & (
        predicted[output] <= predicted[f"emulated_{output}_high"]
    )
    return {
        "output": output,
        "r2": 1.0 - residual / spread if spread > 0 else math.nan,
        "coverage_90": float(inside.mean()),
        "held_out_points": len(by_point),
        "held_out_runs": len(predicted),
    }
