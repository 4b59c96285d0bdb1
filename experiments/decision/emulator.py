"""An emulator of the model: what a paired run gives at any lever setting, with its uncertainty.

Trained on the runs a sweep stored (each a policy run with its counterfactual), it answers a
lever setting in milliseconds where the model needs a second, so the app can answer a what-if
at once and an optimiser can search the levers.

The method:

- inputs: the sweep's varied parameters, each scaled to [0, 1] over the range the sweep
  covered; the emulator refuses a setting outside that range (it has seen no run there);
- outputs on a scale where their response is smoother: the logit of a share whose runs all lie
  strictly between 0 and 1, the logarithm of an output whose runs are all positive (of one
  more, for counts with zeros, such as returns at a cap of 0), else as they are (a
  deterrence effect piles up near its ceiling; its logit does not);
- one Gaussian process per output (scikit-learn's ``GaussianProcessRegressor``): a constant
  times a Matern 5/2 kernel with one length scale per input (so a lever that matters little
  gets a long one), plus white noise, fitted by maximum marginal likelihood with seeded
  restarts. The white noise is the spread of runs at one setting (seeds and, for a sweep over
  posterior draws, parameters); the Matern part is the mean response;
- predictions: the central response (the mean on the fitting scale, turned back: a median)
  with its standard deviation on the fitting scale (the emulator's own uncertainty, without
  the noise), and a 90% interval for one run (with it);
- validation by k-fold cross-validation over points: the interior points (none at the edge of
  any input's range, where the emulator would extrapolate) are split into k folds, and each
  fold is predicted by an emulator fitted to every other run, all replicates of a point held
  out together; R² of the predictions against each point's mean over its replicates, and the
  share of held-out runs inside their 90% interval (the coverage; 0.9 if the interval is
  right). One held-out share is too few points to judge: on the shipped training sweep, two
  splits of 16 points gave an R² of the effect of 0.07 and 0.97.

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
RESTARTS = 1
"""Extra starts of the marginal-likelihood search (seeded)."""
FOLDS = 5
"""Folds of the cross-validation."""
SHARE_MARGIN = 1e-6


@dataclass(frozen=True)
class OutputScale:
    """The scale an output is fitted on: ``logit``, ``log`` or ``identity``."""

    name: str

    @classmethod
    def for_values(cls, values: np.ndarray) -> OutputScale:
        """The logit inside (0, 1), the log if positive, the log of one more if not negative."""
        if ((values > 0) & (values < 1)).all():
            return cls("logit")
        if (values > 0).all():
            return cls("log")
        if (values >= 0).all():
            return cls("log1p")
        return cls("identity")

    def forward(self, values: np.ndarray) -> np.ndarray:
        """Values on the fitting scale."""
        if self.name == "logit":
            clipped = np.clip(values, SHARE_MARGIN, 1 - SHARE_MARGIN)
            return np.log(clipped / (1 - clipped))
        if self.name == "log":
            return np.log(values)
        if self.name == "log1p":
            return np.log1p(values)
        return np.asarray(values, dtype=float)

    def back(self, values: np.ndarray) -> np.ndarray:
        """Values from the fitting scale back to the output's own."""
        if self.name == "logit":
            return 1 / (1 + np.exp(-values))
        if self.name == "log":
            return np.exp(values)
        if self.name == "log1p":
            return np.expm1(values)
        return values


@dataclass(frozen=True)
class Emulator:
    """Gaussian processes of ``outputs`` over ``inputs``, trained inside ``ranges``."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    processes: dict  # output -> a fitted GaussianProcessRegressor
    scales: dict[str, OutputScale]
    training_runs: int

    def predict(self, settings: pd.DataFrame | Mapping[str, float]) -> pd.DataFrame:
        """Each output's central value, its sd, and a run's 90% interval, a row a setting.

        Columns ``<output>``, ``<output>_sd`` (on the fitting scale), ``<output>_low``,
        ``<output>_high``.
        """
        frame = pd.DataFrame([settings]) if isinstance(settings, Mapping) else settings
        scaled = self._scaled(frame)
        columns = {}
        for output in self.outputs:
            process = self.processes[output]
            mean, sd = process.predict(scaled, return_std=True)
            run_sd = np.sqrt(sd**2 + _noise_variance(process))
            back = self.scales[output].back
            columns[output] = back(mean)
            columns[f"{output}_sd"] = sd
            columns[f"{output}_low"] = back(mean - Z_INTERVAL * run_sd)
            columns[f"{output}_high"] = back(mean + Z_INTERVAL * run_sd)
        return pd.DataFrame(columns, index=frame.index)

    def _scaled(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [name for name in self.inputs if name not in frame]
        if missing:
            raise SweepError(
                f"the emulator needs {', '.join(missing)}: allowed settings give every one of "
                f"{', '.join(self.inputs)}"
            )
        # numpy, not pandas masks: the app's what-if page asks for one setting at each move
        for name in self.inputs:
            low, high = self.ranges[name]
            values = frame[name].to_numpy()
            outside = values[(values < low) | (values > high)]
            if len(outside):
                raise SweepError(
                    f"{name}={outside[0].item()!r} is outside the emulator's range: allowed is "
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
    scales, processes = {}, {}
    for output in outputs:
        values = runs[output].to_numpy(dtype=float)
        scales[output] = OutputScale.for_values(values)
        fitted_values = scales[output].forward(values)
        processes[output] = _fitted_process(scaled, fitted_values, len(inputs), seed)
    return Emulator(tuple(inputs), tuple(outputs), ranges, processes, scales, len(runs))


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


def interior_folds(runs: pd.DataFrame, inputs: Sequence[str], folds: int, seed: int) -> np.ndarray:
    """Each run's fold (0 to ``folds`` - 1), or -1 for a run at the edge of an input's range.

    Points are assigned whole (all replicates of a setting in one fold), at random.
    """
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise SweepError(f"folds={folds!r} is not valid: allowed is a whole number >= 2")
    point = runs.groupby(list(inputs), sort=True).ngroup().to_numpy()
    settings = runs.groupby(list(inputs), sort=True).size().index.to_frame(index=False)
    at_edge = np.zeros(len(settings), dtype=bool)
    for name in inputs:
        at_edge |= settings[name].isin([settings[name].min(), settings[name].max()]).to_numpy()
    interior = np.flatnonzero(~at_edge)
    if len(interior) < folds:
        raise SweepError(
            f"the runs have {len(interior)} settings inside every input's range: allowed is at "
            f"least {folds}, one a fold (run more points)"
        )
    fold_of_point = np.full(len(settings), -1)
    shuffled = np.random.default_rng(seed).permutation(interior)
    fold_of_point[shuffled] = np.arange(len(shuffled)) % folds
    return fold_of_point[point]


@dataclass(frozen=True)
class Validation:
    """How emulators fitted without each fold predict it."""

    scores: pd.DataFrame  # a row an output: r2, coverage, points and runs predicted
    predictions: pd.DataFrame  # every held-out run with its out-of-fold prediction


def validate(
    runs: pd.DataFrame,
    inputs: Sequence[str],
    outputs: Sequence[str],
    folds: int = FOLDS,
    seed: int = 0,
) -> Validation:
    """K-fold cross-validation over the interior points (see the module docstring)."""
    check_runs(runs, inputs, outputs)
    fold = interior_folds(runs, inputs, folds, seed)
    parts = []
    for number in range(folds):
        emulator = fit_emulator(runs[fold != number], inputs, outputs, seed)
        held_out = runs[fold == number].reset_index(drop=True)
        emulated = emulator.predict(held_out).add_prefix("emulated_")
        parts.append(pd.concat([held_out, emulated], axis=1).assign(fold=number))
    predicted = pd.concat(parts, ignore_index=True)
    scores = pd.DataFrame([_score(predicted, inputs, output) for output in outputs])
    return Validation(scores=scores.assign(folds=folds), predictions=predicted)


def _score(predicted: pd.DataFrame, inputs: Sequence[str], output: str) -> dict:
    """R² over points' means and the coverage of runs' intervals, all out of fold."""
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
        "points": len(by_point),
        "runs": len(predicted),
    }
