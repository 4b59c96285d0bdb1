"""The calibration through pyabc: settings, seeds, statistics, repeatable fits, resuming."""

import json
import re

import numpy as np
import pandas as pd
import pyabc
import pytest

from experiments.calibration import fit as fit_module
from experiments.calibration.checkpoint import CHECKPOINT
from experiments.calibration.fit import DATABASE, calibrate
from experiments.calibration.posterior import (
    effective_sample_size,
    fitted_inflow_multiplier,
    fitted_parameters,
    weighted_quantile,
)
from experiments.calibration.predictive import predictive_intervals, predictive_runs
from experiments.calibration.settings import INFLOW, Budget, load_settings, settings_from
from experiments.calibration.simulator import (
    MODEL_SEED,
    YearsModel,
    model_seed,
    observed_statistics,
    simulate_statistics,
    year_overrides,
)
from experiments.calibration.targets import observed_targets, statistic, year_inputs
from experiments.engine.spec import SweepError

YEARS = (2024,)
"""One year keeps the fits here to seconds."""
TINY = Budget(population_size=4, max_generations=2, max_simulations=40, min_acceptance_rate=0.1)
PRIOR = {
    "utility_wait_constant": (5.5, 7.5),
    "transit_diversion_per_week": (0.0, 0.4),
    INFLOW: (0.8, 1.2),
}


def test_weighted_quantile_with_equal_and_unequal_weights():
    values = np.array([4.0, 1.0, 3.0, 2.0])
    assert weighted_quantile(values, np.ones(4), 0.5) == pytest.approx(2.5)
    heavy_on_four = np.array([10.0, 1.0, 1.0, 1.0])
    # weight midpoints of 3 and 4 sit at 2.5/13 and 8/13 of the total: 0.5 lies 4/5.5 between
    assert weighted_quantile(values, heavy_on_four, 0.5) == pytest.approx(3 + 4 / 5.5)


def test_effective_sample_size():
    assert effective_sample_size(np.ones(8)) == pytest.approx(8.0)
    assert effective_sample_size(np.array([1.0, 0.0, 0.0])) == pytest.approx(1.0)


def test_the_fit_is_the_closest_particle_not_the_medians():
    # two parameters that trade off: the medians (2.0, 2.0) are a vector no particle had
    draws = pd.DataFrame(
        {
            "weight_job": [1.0, 3.0, 2.5],
            "weight_price": [3.0, 1.0, 1.5],
            INFLOW: [0.9, 1.1, 1.0],
            "distance": [0.30, 0.25, 0.28],
            MODEL_SEED: [1, 2, 3],
            "weight": [1 / 3, 1 / 3, 1 / 3],
        }
    )
    assert fitted_parameters(draws) == {"weight_job": 3.0, "weight_price": 1.0}
    assert fitted_inflow_multiplier(draws) == 1.1


def test_both_sizes_are_valid_and_the_way_to_the_coast_is_fitted():
    full, ci = load_settings("full"), load_settings("ci")
    assert full.years == (2019, 2020, 2021, 2022, 2023, 2024)
    assert ci.budget.population_size < full.budget.population_size
    for name in ("transit_diversion_per_week", "poor_day_travel_share", "transit_days_to_coast"):
        assert name in full.prior
    assert full.prior["transit_days_to_coast"] == (1.0, 14.0)
    # the rolling-origin fits: the full size's years and prior at a smaller budget
    validation = load_settings("validation")
    assert validation.prior == full.prior and validation.years == full.years
    assert validation.budget.max_simulations < full.budget.max_simulations
    with pytest.raises(SweepError, match="size='huge' is not valid: allowed are full, ci, vali"):
        load_settings("huge")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"years": [2024, 2023]}, "years=[2024, 2023] is not valid: allowed are distinct"),
        ({"years": [2018]}, "years=[2018] is not valid"),
        ({"prior": {"weight_jobs": [1.0, 2.0]}}, "prior of 'weight_jobs' is not valid: allowed"),
        ({"prior": {"weight_job": [2.0, 1.0]}}, "prior weight_job=[2.0, 1.0] is not valid"),
        ({"prior": {"transit_diversion_per_week": [0.0, 1.5]}}, "<= 1.0"),
        ({"inflow_multiplier": [0.0, 1.0]}, "prior inflow_multiplier=[0.0, 1.0] is not valid"),
        ({"budget": {"population_size": 1}}, "population_size=1 is not valid: allowed is a"),
        ({"budget": {"min_acceptance_rate": 1.0}}, "min_acceptance_rate=1.0 is not valid"),
        ({"budget": {"min_epsilon": -1}}, "min_epsilon=-1 is not valid"),
        ({"master_seed": -3}, "master_seed=-3 is not valid"),
        ({"budget": {"max_generation": 3}}, "unknown key 'max_generation' in [calibration.budget]"),
        ({"draws": 512}, "unknown key 'draws' in [calibration]: allowed are years"),
    ],
)
def test_bad_settings_are_one_line_errors(change, message):
    from experiments.research import load_experiment, merged

    config = merged(load_experiment("calibration", "ci").config["calibration"], change)
    with pytest.raises(SweepError, match=re.escape(message)) as error:
        settings_from(config)
    assert "\n" not in str(error.value)


def test_bad_arguments_of_a_fit_are_one_line_errors(tmp_path):
    with pytest.raises(SweepError, match="master_seed=-1 is not valid: allowed is a whole"):
        calibrate(YEARS, TINY, -1, 1, tmp_path, PRIOR)
    with pytest.raises(SweepError, match="workers=0 is not valid: allowed is a whole number >= 1"):
        calibrate(YEARS, TINY, 1, 0, tmp_path, PRIOR)
    with pytest.raises(SweepError, match="size='huge' is not valid"):
        calibrate(YEARS, "huge", 1, 1, tmp_path, PRIOR)
    assert not list(tmp_path.iterdir())  # refused before anything is written


def test_january_april_is_a_target_where_the_data_have_it():
    assert "january_april_arrivals" not in observed_targets(2021)
    assert observed_targets(2023)["january_april_arrivals"] == 5946
    observed = observed_statistics((2021, 2024))
    assert observed["2024 january_april_arrivals"] == pytest.approx(np.log(7567))
    assert observed["2024 prevention_share"] == pytest.approx(0.45)
    assert "2021 prevention_share" not in observed
    assert statistic("arrivals", 0.0) == 0.0  # no arrivals: finite, as far as it gets
    assert statistic("second_half_share", float("nan")) == 0.0


def test_model_seeds_follow_the_master_seed_and_the_values():
    values = {"weight_job": 1.5, INFLOW: 0.9}
    assert model_seed(1, values) == model_seed(1, dict(reversed(values.items())))
    assert model_seed(1, values) != model_seed(2, values)
    assert model_seed(1, values) != model_seed(1, {**values, "weight_job": 1.5000001})
    assert 0 <= model_seed(1, values) < 2**32


def test_one_multiplier_scales_every_year_and_the_behaviour_is_the_same():
    values = {"weight_job": 1.5, INFLOW: 0.8}
    by_year = {year: year_overrides(values, year) for year in (2023, 2024)}
    for year, overrides in by_year.items():
        assert overrides["arrivals_per_week"] == year_inputs(year, 0.8)["arrivals_per_week"]
        assert overrides["weight_job"] == 1.5
    assert by_year[2023]["start_date"].year == 2023


@pytest.fixture(scope="module")
def tiny_fits(tmp_path_factory):
    """Two single-core fits with the same master seed, in two folders."""
    folders = [tmp_path_factory.mktemp(f"fit{number}") for number in (1, 2)]
    return [calibrate(YEARS, TINY, 11, 1, folder, PRIOR) for folder in folders]


def test_two_single_core_fits_with_one_master_seed_are_the_same(tiny_fits):
    first, second = tiny_fits
    pd.testing.assert_frame_equal(first.particles, second.particles)
    assert first.simulations == second.simulations
    assert first.generations == TINY.max_generations
    assert first.particles["weight"].sum() == pytest.approx(1.0)
    assert set(first.fitted) == set(PRIOR)
    assert first.database.name == DATABASE and first.database.is_file()


def test_a_recorded_simulation_reruns_from_its_seed(tiny_fits):
    posterior = tiny_fits[0]
    history = pyabc.History(f"sqlite:///{posterior.database}", create=False)
    particle = history.get_population().particles[0]
    recorded = {name: float(np.asarray(v).item()) for name, v in particle.sum_stat.items()}
    values = {name: float(value) for name, value in particle.parameter.items()}
    seed = int(recorded.pop(MODEL_SEED))
    assert seed == model_seed(11, values)
    assert simulate_statistics(values, YEARS, seed) == recorded
    assert YearsModel(YEARS, 11)(values) == {**recorded, MODEL_SEED: seed}


def test_a_finished_fit_is_read_and_other_settings_are_refused(tiny_fits):
    posterior = tiny_fits[0]
    again = calibrate(YEARS, TINY, 11, 1, posterior.database.parent, PRIOR)
    pd.testing.assert_frame_equal(again.particles, posterior.particles)
    assert again.simulations == posterior.simulations  # nothing more was run
    with pytest.raises(SweepError, match="holds a run with other settings: allowed is resuming"):
        calibrate(YEARS, TINY, 12, 1, posterior.database.parent, PRIOR)


def test_a_finished_fit_in_a_fresh_clone_is_read_from_its_checkpoint(tmp_path, monkeypatch):
    calibrate(YEARS, TINY, 11, 1, tmp_path, PRIOR)
    record = (tmp_path / fit_module.FINISHED).read_text()
    finished = pyabc.History(f"sqlite:///{tmp_path / DATABASE}", create=False)
    particles = finished.get_distribution(t=finished.max_t)[0]
    (tmp_path / DATABASE).unlink()  # a fresh clone: the committed checkpoint and record only
    monkeypatch.setattr(YearsModel, "__call__", lambda self, values: pytest.fail("simulated"))
    posterior = calibrate(YEARS, TINY, 11, 1, tmp_path, PRIOR)
    read = pyabc.History(f"sqlite:///{posterior.database}", create=False)
    pd.testing.assert_frame_equal(read.get_distribution(t=read.max_t)[0], particles)
    assert (tmp_path / fit_module.FINISHED).read_text() == record  # what it cost is kept


def test_an_interrupted_fit_keeps_its_generations_and_resumes(tmp_path, monkeypatch):
    stored = []
    store = pyabc.History.append_population
    simulate = YearsModel.__call__

    def storing(self, t, *args, **kwargs):
        stored.append(t)
        return store(self, t, *args, **kwargs)

    def failing(self, parameters):
        if stored:  # interrupted while the second generation simulates
            raise KeyboardInterrupt
        return simulate(self, parameters)

    monkeypatch.setattr(pyabc.History, "append_population", storing)
    monkeypatch.setattr(YearsModel, "__call__", failing)
    with pytest.raises(KeyboardInterrupt):
        calibrate(YEARS, TINY, 11, 1, tmp_path, PRIOR)
    monkeypatch.setattr(YearsModel, "__call__", simulate)
    history = pyabc.History(f"sqlite:///{tmp_path / DATABASE}", create=False)
    assert history.n_populations == 1
    kept = history.get_distribution(t=0)[0]
    posterior = calibrate(YEARS, TINY, 11, 1, tmp_path, PRIOR)
    assert posterior.generations == 2
    history = pyabc.History(f"sqlite:///{tmp_path / DATABASE}", create=False)
    pd.testing.assert_frame_equal(history.get_distribution(t=0)[0], kept)
    finished = json.loads((tmp_path / fit_module.FINISHED).read_text())
    assert finished["generations"] == 2


def test_a_fit_whose_history_is_lost_resumes_from_its_checkpoint(tmp_path, tiny_fits, monkeypatch):
    one_generation = Budget(
        population_size=4, max_generations=1, max_simulations=40, min_acceptance_rate=0.1
    )
    calibrate(YEARS, one_generation, 11, 1, tmp_path, PRIOR)
    checkpoint = tmp_path / CHECKPOINT
    copied = pyabc.History(f"sqlite:///{checkpoint}", create=False)
    assert copied.n_populations == 1
    kept = copied.get_distribution(t=0)[0]
    (tmp_path / DATABASE).unlink()  # a fresh clone: the committed checkpoint, no history
    (tmp_path / fit_module.FINISHED).unlink()
    simulated = []
    simulate = YearsModel.__call__
    monkeypatch.setattr(
        YearsModel, "__call__", lambda self, values: simulated.append(1) or simulate(self, values)
    )
    posterior = calibrate(YEARS, TINY, 11, 1, tmp_path, PRIOR)
    assert posterior.generations == 2
    resumed = pyabc.History(f"sqlite:///{tmp_path / DATABASE}", create=False)
    pd.testing.assert_frame_equal(resumed.get_distribution(t=0)[0], kept)
    generations = resumed.get_all_populations().set_index("t")
    assert len(simulated) == generations.loc[1, "samples"]  # generation 0 was not rerun
    assert pyabc.History(f"sqlite:///{checkpoint}", create=False).n_populations == 2
    # the first generation is the one an uninterrupted fit with the same seed made
    uninterrupted = pyabc.History(f"sqlite:///{tiny_fits[0].database}", create=False)
    pd.testing.assert_frame_equal(uninterrupted.get_distribution(t=0)[0], kept)
    assert not list(tmp_path.glob("*.partial"))


def test_posterior_predictive_runs_use_fresh_seeds(tiny_fits):
    posterior = tiny_fits[0]
    runs = predictive_runs(posterior, YEARS, 3, master_seed=11)
    assert len(runs) == 3 and not set(runs["seed"]) & set(posterior.particles[MODEL_SEED])
    pd.testing.assert_frame_equal(runs, predictive_runs(posterior, YEARS, 3, master_seed=11))
    intervals = predictive_intervals(runs)
    assert set(intervals["target"]) == set(observed_targets(2024))
    assert (intervals["low"] <= intervals["median"]).all()
    assert (intervals["median"] <= intervals["high"]).all()
