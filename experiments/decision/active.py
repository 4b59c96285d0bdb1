"""Active learning: the next runs where the emulator is least sure, as a sweep file to run.

Candidates are a Latin hypercube over the emulator's training ranges. Each pick is the
candidate with the largest uncertainty of the mean response, summed over outputs, each as a
share of its output's variance among the training runs. After a pick, every candidate's
uncertainty is updated as if the picked setting had been run with its replicates (a Gaussian
process's variance does not depend on the values a run will give, so the update is exact):
the batch spreads over the ranges instead of piling up where the emulator is least sure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import tomli_w
from scipy.stats import qmc

from experiments.decision.emulator import Emulator, scale
from experiments.engine.spec import SweepError, SweepSpec
from model.parameters import PARAMETERS

CANDIDATES = 1000
"""Candidate settings a proposal chooses from."""
MAX_PROPOSED = 200


def propose(emulator: Emulator, count: int, replicates: int, seed: int) -> pd.DataFrame:
    """``count`` settings, a row each, where the emulator's mean responses are least sure."""
    if not 1 <= count <= MAX_PROPOSED:
        raise SweepError(f"--propose {count} is not valid: allowed is 1 to {MAX_PROPOSED}")
    candidates = candidate_settings(emulator, seed)
    scaled = scale(candidates, emulator.inputs, emulator.ranges)
    covariances = [_mean_covariance(emulator.processes[out], scaled) for out in emulator.outputs]
    noises = [_noise_share(emulator.processes[out]) / replicates for out in emulator.outputs]
    chosen = []
    for _ in range(count):
        uncertainty = sum(np.diag(covariance) for covariance in covariances)
        uncertainty[chosen] = -np.inf
        pick = int(np.argmax(uncertainty))
        chosen.append(pick)
        for covariance, noise in zip(covariances, noises, strict=True):
            _condition_on(covariance, pick, noise)
    return candidates.iloc[chosen].reset_index(drop=True)


def candidate_settings(emulator: Emulator, seed: int) -> pd.DataFrame:
    """A Latin hypercube of settings over the training ranges, in each parameter's type."""
    sampler = qmc.LatinHypercube(d=len(emulator.inputs), rng=np.random.default_rng(seed))
    low = np.array([emulator.ranges[name][0] for name in emulator.inputs])
    high = np.array([emulator.ranges[name][1] for name in emulator.inputs])
    values = qmc.scale(sampler.random(CANDIDATES), low, high)
    frame = pd.DataFrame(values, columns=list(emulator.inputs))
    for name in emulator.inputs:
        if PARAMETERS[name].kind is int:
            frame[name] = frame[name].round().astype(int)
    return frame


def _mean_covariance(process, scaled: np.ndarray) -> np.ndarray:
    """The mean response's covariance over the candidates, as a share of the output's variance.

    scikit-learn's processes standardise the output, so the fitted kernel's signal part (its
    first term; the second is the white noise) is in those units.
    """
    signal = process.kernel_.k1
    train = process.X_train_
    cross = signal(scaled, train)
    inverse = np.linalg.solve(process.L_.T, np.linalg.solve(process.L_, cross.T))
    return signal(scaled) - cross @ inverse


def _noise_share(process) -> float:
    """The white noise's variance as a share of the output's variance (standardised units)."""
    return float(process.kernel_.k2.noise_level)


def _condition_on(covariance: np.ndarray, pick: int, noise: float) -> None:
    """Update ``covariance`` in place as if the mean at ``pick`` were seen with ``noise``."""
    column = covariance[:, pick].copy()
    covariance -= np.outer(column, column) / (column[pick] + noise)


def proposal_sweep(spec: SweepSpec, settings: pd.DataFrame, name: str) -> str:
    """A paired sweep file running ``settings`` as ``spec`` ran its points (TOML text)."""
    header = (
        f"# Proposed by `deterrence emulate --propose {len(settings)}`: the settings where the\n"
        f"# emulator trained on {spec.name!r} was least sure (experiments/decision/active.py).\n"
    )
    return header + paired_sweep(spec, settings, name)


def paired_sweep(spec: SweepSpec, settings: pd.DataFrame, name: str) -> str:
    """The TOML of a paired sweep of ``settings`` (a row a point) run as ``spec`` ran its own.

    The same scenario, horizon, replicates, master seed (so the same seeds), outputs and fixed
    values: its runs stand beside ``spec``'s.
    """
    sweep = {
        "scenario": spec.scenario,
        "days": spec.days,
        "replicates": spec.replicates,
        "master_seed": spec.master_seed,
        "design": "paired",
        "name": name,
    }
    if spec.outputs is not None:
        sweep["outputs"] = list(spec.outputs)
    document = {"sweep": sweep}
    if spec.fixed:
        document["fixed"] = dict(spec.fixed)
    document["vary"] = {
        column: {"values": settings[column].tolist()} for column in settings.columns
    }
    return tomli_w.dumps(document)
