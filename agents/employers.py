"""The illegal-work market in the UK and the enforcement that polices it.

Employers in four sectors (delivery platforms' account renting, car washes, construction,
hospitality) keep vacancies for people without the right to work. They weigh what an illegal
worker saves them against the penalty they expect: the yearly chance that a worker is found
times the civil penalty. A crackdown raises the chance, employers learn of it from raids and
announcements, and vacancies shrink. Arrivals in the UK look for work; contacts in France hear
who found it and who was caught.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from numba import njit

from agents.enforcement import NO_JOB_NEWS_AFTER_DAYS
from agents.migrants import NO_EMPLOYER, MigrantState

if TYPE_CHECKING:
    from agents.world import World

WEEKS_PER_YEAR = 52
EMPLOYERS_PER_SECTOR = 5
EMPLOYER_LEARNING_PER_WEEK = 0.3
"""Weekly weight of the observed detection rate in an employer's expectation."""


def yearly_chance(weekly_chance: float | np.ndarray) -> float | np.ndarray:
    """Chance of an event within a year, from its weekly chance."""
    return 1.0 - (1.0 - weekly_chance) ** WEEKS_PER_YEAR


def daily_chance(weekly_chance: float) -> float:
    """Chance of an event within a day, from its weekly chance."""
    return 1.0 - (1.0 - weekly_chance) ** (1.0 / 7.0)


def vacancy_target(
    base_vacancies: float,
    expected_detection_per_week: float | np.ndarray,
    base_detection_per_week: float,
    civil_penalty_gbp: float,
    annual_gain_gbp: float,
    penalty_sensitivity: float,
    max_growth: float = math.inf,
) -> float | np.ndarray:
    """Illegal vacancies an employer offers given the detection chance it expects.

    Equal to ``base_vacancies`` at 2024's detection chance, and falling exponentially with
    the extra expected yearly penalty per worker relative to what the worker saves; where
    the expected penalty is below 2024's, growing at most to ``max_growth`` times the base.
    """
    extra_penalty = civil_penalty_gbp * (
        yearly_chance(expected_detection_per_week) - yearly_chance(base_detection_per_week)
    )
    # The exponent is capped first, so a huge one never overflows to inf.
    exponent = np.minimum(
        -penalty_sensitivity * extra_penalty / annual_gain_gbp, np.log(max_growth)
    )
    return base_vacancies * np.exp(exponent)


def clear_market(
    open_vacancies: np.ndarray, job_seekers: int, success_prob: float, rng: np.random.Generator
) -> np.ndarray:
    """Hires per employer today.

    Each seeker finds an opening with ``success_prob`` (drawn as one binomial), hires never
    exceed the open vacancies, and they are shared among employers in proportion to their
    openings (a multivariate hypergeometric draw).
    """
    openings = np.maximum(np.asarray(open_vacancies, dtype=np.int64), 0)
    total = int(openings.sum())
    if total == 0 or job_seekers == 0:
        return np.zeros(len(openings), dtype=np.int64)
    hires = min(int(rng.binomial(job_seekers, success_prob)), total)
    return rng.multivariate_hypergeometric(openings, hires)


class Employer(Agent):
    """An employer in one sector that hires people without the right to work."""

    def __init__(
        self, model: World, sector: str, base_vacancies: float, annual_gain_gbp: float
    ) -> None:
        """Create an employer expecting 2024's detection chance."""
        super().__init__(model)
        self.sector = sector
        self.base_vacancies = base_vacancies
        self.annual_gain_gbp = annual_gain_gbp
        self.expected_detection_per_week = model.params["base_worker_detection_per_week"]
        self.vacancies = base_vacancies
        self.workers = 0
        self.caught_this_week = 0
        self.worker_weeks_this_week = 0.0

    def open_vacancies(self) -> int:
        """Openings today: vacancies not yet filled."""
        return max(round(self.vacancies) - self.workers, 0)

    def adapt(self) -> None:
        """Weekly: learn the detection chance from raids and announcements; reset vacancies.

        The expectation moves towards the detection chance seen among this employer's own
        workers this week, or towards the announced one when it had none.
        """
        p = self.model.params
        if self.worker_weeks_this_week > 0:
            # a weekly chance: one catch in a single day's work would otherwise read as 7
            observed = min(self.caught_this_week / self.worker_weeks_this_week, 1.0)
        else:
            observed = self.model.work_enforcement.detection_per_week
        self.expected_detection_per_week += EMPLOYER_LEARNING_PER_WEEK * (
            observed - self.expected_detection_per_week
        )
        self.vacancies = float(
            vacancy_target(
                self.base_vacancies,
                self.expected_detection_per_week,
                p["base_worker_detection_per_week"],
                p["civil_penalty_gbp"],
                self.annual_gain_gbp,
                p["employer_penalty_sensitivity"],
                p["max_vacancy_growth"],
            )
        )
        self.caught_this_week = 0
        self.worker_weeks_this_week = 0.0


class IllegalWorkingEnforcement(Agent):
    """Immigration enforcement visits to workplaces: finds illegal workers, fines employers."""

    def __init__(self, model: World) -> None:
        """Create the enforcement with zeroed daily records."""
        super().__init__(model)
        self.reset_day()

    def reset_day(self) -> None:
        """Zero the day's records."""
        self.caught = 0
        self.removed = 0

    @property
    def detection_per_week(self) -> float:
        """Weekly chance an illegal worker is found, given today's crackdown."""
        p = self.model.params
        base = p["base_worker_detection_per_week"]
        if self.model.day < self.model.calendar.crackdown_start_day:
            return base
        return base + p["crackdown_intensity"] * (p["max_worker_detection_per_week"] - base)

    def step(self) -> None:
        """Find some illegal workers today: they lose their job, some are removed."""
        model = self.model
        population = model.population
        workers = model.market.workers
        rng = model.streams["market"]
        n_caught = int(rng.binomial(len(workers), daily_chance(self.detection_per_week)))
        if n_caught == 0:
            return
        caught = rng.choice(workers, size=n_caught, replace=False)
        employers = model.employers_list
        for index in population.employer[caught].tolist():
            employers[index].caught_this_week += 1
        population.employer[caught] = NO_EMPLOYER
        model.coast.spread_news(caught, "heard_job_failed")
        removed = caught[rng.random(n_caught) < model.params["caught_worker_removal_prob"]]
        population.remove_from_uk(removed)
        self.caught += n_caught
        self.removed += len(removed)


class IllegalWorkMarket:
    """The daily round of the illegal-work market: who leaves it, who is hired, what is heard.

    Not an agent: it is the meeting place of the employers (agents) and the migrants in the UK.
    """

    def __init__(self, model: World) -> None:
        """Attach the market to the model whose employers and migrants it matches."""
        self.model = model
        self.hire_rate_estimate = 0.0
        self._asylum_waiting = np.zeros(0, dtype=np.int64)
        self.workers = np.zeros(0, dtype=np.int64)
        """Rows of everyone working illegally after the day's hiring."""
        self.hires = 0
        self.job_seekers = 0
        self.employed = 0

    def step(self) -> None:
        """Decide asylum claims, end some jobs, hire, and send news of jobs back to France.

        Works on whole-population masks: comparing byte columns over everyone is cheaper than
        gathering the columns of the tens of thousands in the UK by index.
        """
        population = self.model.population
        in_market = population.is_in(MigrantState.IN_UK) & ~population.right_to_work
        self._decide_asylum_claims(in_market)
        workers = self._end_some_jobs()
        self._count_workers(workers)
        hired = self._hire(in_market)
        self.workers = np.concatenate([workers, hired])
        self._send_no_job_news()

    def _decide_asylum_claims(self, in_market: np.ndarray) -> None:
        """Decide the claims that fall due today; grants leave the market.

        Due are the arrivals of ``asylum_decision_days`` ago, and those whose decision waited
        because they were still detained for return when it fell due.
        """
        model, population = self.model, self.model.population
        due = np.concatenate(
            [
                model.border_force.arrivals_of(model.day - model.params["asylum_decision_days"]),
                self._asylum_waiting,
            ]
        )
        due = due[~population.asylum_decided[due]]
        state = population.state[due]
        self._asylum_waiting = due[state == int(MigrantState.AWAITING_RETURN)]
        due = due[state == int(MigrantState.IN_UK)]
        population.asylum_decided[due] = True
        granted = due[
            model.streams["market"].random(len(due)) < population.asylum_grant_likelihood[due]
        ]
        population.right_to_work[granted] = True
        population.employer[granted] = NO_EMPLOYER  # they move to legal work
        in_market[granted] = False

    def _end_some_jobs(self) -> np.ndarray:
        """End some jobs for other reasons; returns the rows of those still working."""
        population = self.model.population
        workers = np.flatnonzero(population.employer != NO_EMPLOYER)
        rng = self.model.streams["market"]
        chance = daily_chance(self.model.params["job_separation_per_week"])
        n_ended = int(rng.binomial(len(workers), chance))
        ended = rng.choice(len(workers), size=n_ended, replace=False)
        population.employer[workers[ended]] = NO_EMPLOYER
        still_working = np.ones(len(workers), dtype=bool)  # np.delete does this, slowly
        still_working[ended] = False
        return workers[still_working]

    def _count_workers(self, workers: np.ndarray) -> None:
        employers = self.model.employers_list
        counts = _workers_per_employer(workers, self.model.population.employer, len(employers))
        for employer, count in zip(employers, counts.tolist(), strict=True):
            employer.workers = count
            employer.worker_weeks_this_week += count / 7.0
        self.employed = len(workers)

    def job_seekers_among(self, in_market: np.ndarray) -> np.ndarray:
        """Rows of those in the market (a mask over everyone) who have no job."""
        return np.flatnonzero(in_market & (self.model.population.employer == NO_EMPLOYER))

    def _hire(self, in_market: np.ndarray) -> np.ndarray:
        model, population = self.model, self.model.population
        employers = model.employers_list
        seekers = self.job_seekers_among(in_market)
        openings = np.array([employer.open_vacancies() for employer in employers])
        rng = model.streams["market"]
        chance = daily_chance(model.params["job_search_success_per_week"])
        hires = clear_market(openings, len(seekers), chance, rng)
        hired = rng.choice(seekers, size=int(hires.sum()), replace=False)
        population.employer[hired] = np.repeat(np.arange(len(employers)), hires)
        for employer, count in zip(employers, hires.tolist(), strict=True):
            employer.workers += count
        first_job = hired[~population.ever_employed[hired] & ~population.job_news_sent[hired]]
        population.ever_employed[hired] = True
        population.job_news_sent[first_job] = True
        model.coast.spread_news(first_job, "heard_job_found")

        self.hires = int(hires.sum())
        self.job_seekers = len(seekers)
        self.employed += self.hires
        rate = self.hires / len(seekers) if len(seekers) else 0.0
        self.hire_rate_estimate += (rate - self.hire_rate_estimate) / NO_JOB_NEWS_AFTER_DAYS
        return hired

    def _send_no_job_news(self) -> None:
        """Contacts hear of those who arrived four weeks ago and have found no work since."""
        model, population = self.model, self.model.population
        cohort = model.border_force.arrivals_of(model.day - NO_JOB_NEWS_AFTER_DAYS)
        rows = cohort[
            (population.state[cohort] == int(MigrantState.IN_UK))
            & ~population.right_to_work[cohort]
            & ~population.ever_employed[cohort]
            & ~population.job_news_sent[cohort]
        ]
        population.job_news_sent[rows] = True
        model.coast.spread_news(rows, "heard_job_failed")

    def official_job_signal(self) -> float:
        """The job chance official messaging implies: finding work and not being caught."""
        caught_within_year = yearly_chance(self.model.work_enforcement.detection_per_week)
        return self.job_availability() * (1.0 - caught_within_year)

    def job_availability(self) -> float:
        """Chance that a job seeker finds work within four weeks, at the recent hiring pace."""
        return float(1.0 - (1.0 - self.hire_rate_estimate) ** NO_JOB_NEWS_AFTER_DAYS)


@njit(cache=True)
def _workers_per_employer(workers, employer, employers):
    """How many of ``workers`` (rows) each employer has: numpy's take and bincount in one pass."""
    counts = np.zeros(employers, dtype=np.int64)
    for row in workers:
        counts[employer[row]] += 1
    return counts
