"""Fitting by ABC-SMC with pyabc: :func:`calibrate` from a prior to a weighted posterior.

The method (pyabc 0.13; Toni et al. 2009, Beaumont et al. 2009; adaptive distance after Prangle
2017 and Schaelte et al. 2022):

- uniform priors; each generation proposes from a multivariate normal kernel around the last
  generation's particles, with twice their weighted covariance (Beaumont et al. 2009), and
  weighs particles by prior over proposal density. pyabc's default kernel (the covariance
  shrunk by Silverman's rule) let the weights collapse on this 17-parameter fit: an effective
  sample size of 2 of 150 by the third generation (a full run of 2 December 2026), and the same
  on a cheap model of its shape (``tests/test_calibration_kernel.py``), where this kernel keeps
  it above an eighth of the population;
- an adaptive L1 distance (``AdaptivePNormDistance``, p = 1) whose weights are refitted every
  generation, on all of that generation's simulations, as 1 / (MAD + MADO): the spread of the
  simulated statistic plus its median distance to the data (``pcmad``). The spread puts years of
  different sizes on one footing; the distance to the data lowers the weight of a statistic the
  model cannot reach (the small boats of 2019-2021), so that it does not decide the fit alone
  (it replaces a hand-set cap on each error);
- thresholds: the weighted median of the last generation's distances (pyabc's default);
- the stopping rule of :class:`experiments.calibration.settings.Budget`.

Seeding: pyabc draws its proposals from numpy's global generator (pyabc issue 400), so it is
seeded from the master seed (and the first generation to run, when a run resumes) before a
run; each simulation seeds its model from the master seed and its parameter values
(:mod:`experiments.calibration.simulator`). On one core a run repeats exactly; on several, the
simulations repeat but which ones are kept depends on the order in which workers finish.

Storage: pyabc's history goes to ``abc_history.db`` (SQLite) in the results folder, a
generation at a time, so an interrupted run keeps its finished generations: running the same
call again resumes from the last of them (``ABCSMC.load``), and a finished run (marked by
``abc_finished.json``, with its stopping rule) is read, not rerun; a larger stopping rule runs
it on. A history made with other years, prior, population size or master seed is refused.
A resumed run refits the distance's weights on the last stored generation (pyabc keeps no
rejected simulations), so it is not bit-identical to one that was never interrupted.

Checkpoints: after each stored generation the history is copied, whole, to
``abc_checkpoint.db`` beside it (:mod:`experiments.calibration.checkpoint`). That copy is
committed with the results, so a full fit, which takes longer than a working session on two
cores, resumes on a fresh clone: a run that finds no history but a checkpoint starts from it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc

from experiments.calibration.checkpoint import CHECKPOINT, copy_after_each_generation, restore
from experiments.calibration.posterior import DISTANCE, WEIGHT, Posterior
from experiments.calibration.settings import Budget, Prior, check_years, load_settings
from experiments.calibration.simulator import MODEL_SEED, YearsModel, observed_statistics
from experiments.engine.spec import SweepError

DATABASE = "abc_history.db"
FINISHED = "abc_finished.json"
DISTANCE_NORM = 1
"""The L1 norm: robust to a statistic far off (Schaelte et al. 2022)."""
KERNEL_COVARIANCE_FACTOR = 2.0
"""The proposal kernel's covariance over the particles' weighted covariance (Beaumont et al.
2009): wide enough that the importance weights do not collapse in many dimensions."""

logger = logging.getLogger(__name__)


def calibrate(
    years: Sequence[int],
    budget: Budget | str,
    master_seed: int,
    workers: int,
    folder: Path,
    prior: Prior | None = None,
) -> Posterior:
    """Fit the prior's quantities to ``years`` by ABC-SMC at ``budget``; the last generation.

    ``budget`` is a :class:`Budget` or the name of one of the config's sizes (``full``,
    ``ci``, ``validation``), whose budget and prior are used. ``workers`` > 1 samples on that
    many local processes; 1 on this process only (exactly repeatable). The history is kept in
    ``folder`` (see the module docstring): calling again with the same arguments resumes an
    interrupted run, or reads a finished one; with a larger stopping rule, it runs on from the
    last generation. ``prior`` defaults to the config's (of the named size, else the full
    size's).
    """
    years = check_years(list(years))
    for name, value, low in (("workers", workers, 1), ("master_seed", master_seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise SweepError(f"{name}={value!r} is not valid: allowed is a whole number >= {low}")
    settings = load_settings(budget if isinstance(budget, str) else "full")
    budget = settings.budget if isinstance(budget, str) else budget
    prior = settings.prior if prior is None else prior
    folder.mkdir(parents=True, exist_ok=True)
    database, finished = folder / DATABASE, folder / FINISHED
    setup = run_setup(years, budget.population_size, master_seed, prior)
    stopping = json.dumps(asdict(budget), sort_keys=True)
    # A fresh clone holds a finished fit's checkpoint and record but no history: start from it.
    restore(database, folder / CHECKPOINT)
    if database.is_file() and finished.is_file():
        done = json.loads(finished.read_text())
        if (done["setup"], done["stopping"]) == (setup, stopping):
            return read_posterior(database)  # its record (and what it cost) stays as it was
    abc = abc_smc(years, prior, budget, master_seed, workers)
    history = open_history(abc, database, years, setup)
    copy_after_each_generation(history, database, folder / CHECKPOINT)
    start = time.perf_counter()
    run_to_budget(abc, history, budget, master_seed)
    posterior = read_posterior(database)
    write_finished(finished, posterior, setup, stopping, time.perf_counter() - start)
    return posterior


def run_to_budget(abc: pyabc.ABCSMC, history, budget: Budget, master_seed: int) -> None:
    """Run (or run on) until the stopping rule, if it is not reached already.

    pyabc draws its proposals from numpy's global generator: it is seeded for the run (from
    the master seed and the first generation to run) and given back its state afterwards.
    """
    remaining = budget.max_generations - history.n_populations
    if remaining <= 0 or (history.total_nr_simulations or 0) >= budget.max_simulations:
        return
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(generation_seed(master_seed, history.n_populations))  # noqa: NPY002
    try:
        abc.run(
            minimum_epsilon=budget.min_epsilon,
            max_nr_populations=remaining,
            min_acceptance_rate=budget.min_acceptance_rate,
            max_total_nr_simulations=budget.max_simulations,
        )
    finally:
        np.random.set_state(state)  # noqa: NPY002


def write_finished(
    path: Path, posterior: Posterior, setup: str, stopping: str, seconds: float
) -> None:
    """Mark a run finished under its settings and stopping rule, with what it cost."""
    summary = {
        "setup": setup,
        "stopping": stopping,
        "generations": posterior.generations,
        "simulations": posterior.simulations,
        "epsilon": posterior.epsilon,
        "effective_sample_size": posterior.effective_sample_size,
        "seconds_this_call": round(seconds, 1),
    }
    path.write_text(json.dumps(summary, indent=1))


def run_setup(years: Sequence[int], population_size: int, master_seed: int, prior: Prior) -> str:
    """What a run's history means, as text: a resumed run must match it (not its stopping rule)."""
    return json.dumps(
        {
            "years": list(years),
            "population_size": population_size,
            "master_seed": master_seed,
            "kernel_covariance_factor": KERNEL_COVARIANCE_FACTOR,
            "prior": {name: list(bounds) for name, bounds in prior.items()},
        },
        sort_keys=True,
    )


def generation_seed(master_seed: int, first_generation: int) -> int:
    """The seed of numpy's global generator for a run that starts at ``first_generation``."""
    return int(np.random.SeedSequence([master_seed, first_generation]).generate_state(1)[0])


def abc_smc(
    years: Sequence[int], prior: Prior, budget: Budget, master_seed: int, workers: int
) -> pyabc.ABCSMC:
    """Pyabc's ABC-SMC with this calibration's model, prior, distance and sampler."""
    return abc_smc_of(YearsModel(tuple(years), master_seed), prior, budget, sampler(workers))


def abc_smc_of(
    model,
    prior: Prior,
    budget: Budget,
    chosen_sampler: pyabc.sampler.Sampler,
    kernel: pyabc.transition.Transition | None = None,
) -> pyabc.ABCSMC:
    """Pyabc's ABC-SMC of any ``model`` with this calibration's prior form, distance and kernel.

    ``kernel`` replaces the proposal kernel (tests compare it with pyabc's default).
    """
    distribution = pyabc.Distribution(
        **{name: pyabc.RV("uniform", low, high - low) for name, (low, high) in prior.items()}
    )
    distance = pyabc.AdaptivePNormDistance(p=DISTANCE_NORM, scale_function=pyabc.distance.pcmad)
    return pyabc.ABCSMC(
        model,
        distribution,
        distance,
        population_size=budget.population_size,
        transitions=proposal_kernel() if kernel is None else kernel,
        sampler=chosen_sampler,
    )


def proposal_kernel() -> pyabc.MultivariateNormalTransition:
    """Twice the particles' weighted covariance (no bandwidth rule shrinking it)."""
    return pyabc.MultivariateNormalTransition(
        scaling=KERNEL_COVARIANCE_FACTOR, bandwidth_selector=unshrunk_bandwidth
    )


def unshrunk_bandwidth(effective_sample_size: float, dimension: int) -> float:
    """A bandwidth factor of 1: the kernel's width is set by its covariance factor alone."""
    return 1.0


def sampler(workers: int) -> pyabc.sampler.Sampler:
    """One process (exactly repeatable) or ``workers`` local processes.

    Either stops a generation at its largest number of simulations (the minimum acceptance
    rate), so a generation cannot run past the budget unchecked.
    """
    if workers == 1:
        chosen = pyabc.SingleCoreSampler(check_max_eval=True)
    else:
        chosen = pyabc.MulticoreEvalParallelSampler(n_procs=workers, check_max_eval=True)
    chosen.show_progress = sys.stderr.isatty()  # a bar a generation, on a terminal only
    return chosen


def open_history(abc: pyabc.ABCSMC, path: Path, years: Sequence[int], setup: str):
    """A new history at ``path``, or the one there to resume if it was made with ``setup``."""
    url = f"sqlite:///{path}"
    if not path.is_file():
        return abc.new(url, observed_statistics(years), meta_info={"setup": setup})
    history = abc.load(url, 1)
    if history.get_abc().json_parameters != str({"setup": setup}):
        raise SweepError(
            f"{path} holds a run with other settings: allowed is resuming the same settings "
            "(remove that file, or use another results folder, to start afresh)"
        )
    logger.info("resuming %s after %d generation(s)", path, history.n_populations)
    return history


def read_posterior(path: Path) -> Posterior:
    """The last generation of the history at ``path``, as a :class:`Posterior`."""
    history = pyabc.History(f"sqlite:///{path}", create=False)
    if history.n_populations < 1:
        raise SweepError(f"{path} holds no finished generation: allowed is a run with one")
    population = history.get_population()
    rows = [
        {
            # by name: pyabc's history gives the parameters in no fixed order
            **{name: float(particle.parameter[name]) for name in sorted(particle.parameter)},
            DISTANCE: float(particle.distance),
            MODEL_SEED: int(np.asarray(particle.sum_stat[MODEL_SEED]).item()),
            WEIGHT: float(particle.weight),
        }
        for particle in population.particles
    ]
    draws = pd.DataFrame(rows)
    draws[WEIGHT] /= draws[WEIGHT].sum()
    generations = history.get_all_populations()
    return Posterior(
        particles=draws,
        generations=history.n_populations,
        simulations=int(history.total_nr_simulations),
        epsilon=float(generations["epsilon"].iloc[-1]),
        database=path,
    )
