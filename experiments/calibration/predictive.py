"""Posterior-predictive checks: posterior draws run afresh, against every year's targets.

Particles are drawn by their weights (with replacement) and each is run in every year with a
fresh seed (from the master seed and the draw's number, never a seed the fit used); a target's
predictive 90% interval is the 5th to 95th percentile of those runs. A target whose observed
value falls outside its interval is one the fitted model does not reproduce, parameter
uncertainty and seed noise together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter, StrMethodFormatter
from tqdm import tqdm

from experiments.calibration.posterior import WEIGHT, Posterior
from experiments.calibration.simulator import year_outcomes
from experiments.calibration.targets import TARGETS, observed_targets, target_label
from experiments.engine.figures import save_figure

PREDICTIVE_STREAM = 7
"""Keeps the checks' seeds apart from any other use of the master seed."""
INTERVAL = (0.05, 0.95)
"""The predictive interval's quantiles: 90%."""
LABELS = {
    "arrivals": "small-boat arrivals a year",
    "january_april_arrivals": "arrivals in January-April",
    "mean_people_per_boat": "mean people per boat",
    "second_half_share": "share of arrivals in July-December",
    "prevention_share": "share of attempts prevented in France",
}


def predictive_seed(master_seed: int, draw: int) -> int:
    """The fresh seed of the ``draw``-th predictive draw."""
    sequence = np.random.SeedSequence([master_seed, PREDICTIVE_STREAM, draw])
    return int(sequence.generate_state(1)[0])


def _one_run(job: tuple[int, dict, int, int]) -> dict:
    draw, parameters, year, seed = job
    return {"draw": draw, "year": year, "seed": seed, **year_outcomes(parameters, year, seed)}


def predictive_runs(
    posterior: Posterior, years: Sequence[int], draws: int, master_seed: int, workers: int = 1
) -> pd.DataFrame:
    """``draws`` particles, drawn by weight, each run in every year with a fresh seed.

    One row a (draw, year): the particle's index, the seed and the model's value of every
    target. ``workers`` > 1 runs them on that many local processes.
    """
    rng = np.random.default_rng([master_seed, PREDICTIVE_STREAM])
    weights = posterior.particles[WEIGHT].to_numpy()
    picked = rng.choice(len(weights), size=draws, p=weights / weights.sum())
    particles = posterior.particles[posterior.fitted].to_dict("records")
    jobs = [
        (int(index), particles[index], year, predictive_seed(master_seed, number))
        for number, index in enumerate(picked)
        for year in years
    ]
    progress = {"desc": "posterior-predictive runs", "unit": "run", "total": len(jobs)}
    if workers == 1:
        rows = [_one_run(job) for job in tqdm(jobs, **progress)]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            rows = list(tqdm(pool.map(_one_run, jobs), **progress))
    return pd.DataFrame(rows).rename(columns={"draw": "particle"})


def predictive_intervals(runs: pd.DataFrame) -> pd.DataFrame:
    """Per year and target: the observed value, the predictive median and 90% interval."""
    rows = []
    for year, by_year in runs.groupby("year"):
        for target, observed in observed_targets(int(year)).items():
            values = by_year[target].dropna().to_numpy(dtype=float)
            low, median, high = np.quantile(values, [INTERVAL[0], 0.5, INTERVAL[1]])
            rows.append(
                {
                    "year": int(year),
                    "target": target,
                    "observed": observed,
                    "median": median,
                    "low": low,
                    "high": high,
                    "inside": bool(low <= observed <= high),
                }
            )
    return pd.DataFrame(rows)


def shown(target: str, value: float) -> str:
    """A target's value as the tables write it."""
    if target.endswith("share"):
        return f"{value:.1%}"
    return f"{value:.1f}" if target == "mean_people_per_boat" else f"{value:,.0f}"


def interval_table(intervals: pd.DataFrame) -> pd.DataFrame:
    """The intervals as text: year, target, data, predictive median and 90% interval, inside."""
    return pd.DataFrame(
        {
            "year": intervals["year"],
            "target": intervals["target"].map(target_label),
            "data": [
                shown(t, v) for t, v in zip(intervals["target"], intervals["observed"], strict=True)
            ],
            "predictive median": [
                shown(t, v) for t, v in zip(intervals["target"], intervals["median"], strict=True)
            ],
            "predictive 90%": [
                f"{shown(t, lo)} to {shown(t, hi)}"
                for t, lo, hi in zip(
                    intervals["target"], intervals["low"], intervals["high"], strict=True
                )
            ],
            "data inside": intervals["inside"].map({True: "yes", False: "NO"}),
        }
    )


def outside(intervals: pd.DataFrame) -> list[str]:
    """The (year, target) pairs whose observed value is outside the predictive interval."""
    missed = intervals[~intervals["inside"]]
    return [f"{target_label(t)} {y}" for y, t in zip(missed["year"], missed["target"], strict=True)]


def predictive_figure(intervals: pd.DataFrame, path: Path) -> Path:
    """Each target's predictive 90% interval and median by year, with the observed value."""
    targets = [t for t in TARGETS if t in set(intervals["target"])]
    columns = 3
    rows = math.ceil(len(targets) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(12, 3.4 * rows), squeeze=False)
    for axis, target in zip(axes.flat, targets, strict=False):
        part = intervals[intervals["target"] == target]
        axis.vlines(
            part["year"],
            part["low"],
            part["high"],
            color="tab:blue",
            lw=6,
            alpha=0.4,
            label="posterior-predictive 90%",
        )
        axis.plot(part["year"], part["median"], "o", color="tab:blue", label="predictive median")
        axis.plot(part["year"], part["observed"], "ks", label="public figure")
        axis.set_title(LABELS[target], fontsize=9)
        axis.set_xticks(part["year"])
        if target.endswith("share"):
            axis.yaxis.set_major_formatter(PercentFormatter(1.0))
        else:
            axis.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        axis.tick_params(labelsize=7)
    for axis in axes.flat[len(targets) :]:
        axis.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    figure.suptitle(
        "Posterior-predictive check: the fitted model's runs against the data", fontsize=10
    )
    return save_figure(figure, path)
