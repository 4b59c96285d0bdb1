"""The illegal-work market (agents.employers) on tiny hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from agents.employers import clear_market, daily_chance, vacancy_target, yearly_chance


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize(
    ("openings", "seekers"),
    [([0, 0, 0], 10), ([5, 3], 0), ([], 10), ([-4, 0], 10)],
)
def test_no_hires_without_openings_or_seekers(openings, seekers):
    hires = clear_market(np.array(openings), seekers, 1.0, rng())
    assert len(hires) == len(openings)
    assert np.all(hires == 0)


def test_no_hires_when_no_one_succeeds():
    assert clear_market(np.array([5, 5]), 100, 0.0, rng()).sum() == 0


def test_hires_never_exceed_openings_or_seekers():
    generator = rng(3)
    for _ in range(300):
        openings = generator.integers(-2, 20, size=generator.integers(1, 6))
        seekers = int(generator.integers(0, 60))
        success = float(generator.random())
        hires = clear_market(openings, seekers, success, generator)
        assert hires.shape == openings.shape
        assert np.all(hires >= 0)
        assert np.all(hires <= np.maximum(openings, 0))
        assert hires.sum() <= seekers


def test_every_opening_filled_when_seekers_are_many_and_all_succeed():
    openings = np.array([4, 0, 7, 1])
    np.testing.assert_array_equal(clear_market(openings, 100, 1.0, rng()), openings)


def test_hires_are_shared_in_proportion_to_openings():
    openings = np.array([10, 30, 60])
    draws = np.array([clear_market(openings, 50, 1.0, rng(seed)) for seed in range(2000)])
    assert np.all(draws.sum(axis=1) == 50)
    np.testing.assert_allclose(draws.mean(axis=0), [5, 15, 30], atol=0.5)


def test_vacancies_at_the_base_detection_are_the_base():
    assert vacancy_target(1000.0, 0.002, 0.002, 45000.0, 9000.0, 0.5) == pytest.approx(1000.0)
    assert vacancy_target(1000.0, 0.03, 0.002, 45000.0, 9000.0, 0.0) == pytest.approx(1000.0)
    assert vacancy_target(1000.0, 0.03, 0.002, 0.0, 9000.0, 0.5) == pytest.approx(1000.0)


def test_vacancies_fall_with_detection():
    detection = np.linspace(0.002, 0.2, 30)
    vacancies = vacancy_target(1000.0, detection, 0.002, 45000.0, 9000.0, 0.5)
    assert vacancies[0] == pytest.approx(1000.0)
    assert np.all(np.diff(vacancies) < 0)
    assert np.all(vacancies > 0)
    extra = 45000.0 * (yearly_chance(0.03) - yearly_chance(0.002))
    assert vacancy_target(1000.0, 0.03, 0.002, 45000.0, 9000.0, 0.5) == pytest.approx(
        1000.0 * np.exp(-0.5 * extra / 9000.0)
    )


def test_vacancies_never_pass_their_ceiling_when_no_catches_are_expected():
    # at sensitivity 50 and no expected detection the uncapped target is about 10^44
    assert vacancy_target(1000.0, 0.0, 0.05, 60000.0, 7000.0, 50.0, 4.0) == pytest.approx(4000.0)
    below = vacancy_target(1000.0, 0.04, 0.05, 60000.0, 7000.0, 0.5, 4.0)
    assert 1000.0 < below < 4000.0  # a small drop in detection stays under the ceiling
    assert vacancy_target(1000.0, 0.2, 0.05, 60000.0, 7000.0, 0.5, 4.0) < 1000.0


def test_weekly_chances_compound():
    for weekly in (0.0, 0.002, 0.05, 0.5, 1.0):
        assert 1 - (1 - daily_chance(weekly)) ** 7 == pytest.approx(weekly)
        assert yearly_chance(weekly) == pytest.approx(1 - (1 - weekly) ** 52)


def test_a_catch_in_a_single_days_work_reads_as_a_weekly_chance_of_at_most_one():
    # one worker, hired on the week's last day and caught: 1 catch in 1/7 worker-week. Read as
    # a rate of 7 a week, it once sent vacancies through (1 - 7) ** 52 to an overflow.
    from model.model import ChannelModel
    from model.parameters import validate

    model = ChannelModel(seed=1, **validate({}))
    employer = model.employers_list[0]
    employer.caught_this_week = 1
    employer.worker_weeks_this_week = 1 / 7
    for _ in range(30):  # weeks of the same experience
        employer.caught_this_week = 1
        employer.worker_weeks_this_week = 1 / 7
        employer.adapt()
    assert 0.0 <= employer.expected_detection_per_week <= 1.0
    assert 0.0 <= employer.vacancies <= employer.base_vacancies
