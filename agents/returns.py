"""The 'one in, one out' pilot: the returns unit and the legal route that mirrors it.

The returns unit detains eligible adult arrivals while it has room, and returns them to
France after a processing delay, never more in a pilot week than that week's cap; a few win
an appeal and stay. Each return opens ``legal_route_share`` of a place on the legal route,
which admits registered applicants in France by the pilot's priority rules after checks;
anyone with an illegal attempt on record is excluded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from agents.migrants import NO_GANG, MigrantState

if TYPE_CHECKING:
    from model.model import ChannelModel

DAYS_PER_WEEK = 7
LEGAL_PLACE_HORIZON_DAYS = 90
"""Horizon over which applicants judge their chance of a legal place (a rule of the model)."""


def weekly_return_cap(base_cap: float, growth_per_week: float, pilot_week: int) -> int:
    """The cap on returns in a given week of the pilot (week 0 is the first)."""
    if pilot_week < 0:
        return 0
    return int(base_cap + growth_per_week * pilot_week)


def detention_capacity(cap_per_week: int, processing_days: int) -> int:
    """Detention places the unit keeps: the cap over the processing delay, plus a week."""
    return int(np.ceil(cap_per_week * (processing_days + DAYS_PER_WEEK) / DAYS_PER_WEEK))


def legal_route_priority(
    asylum_grant_likelihood: np.ndarray, is_vulnerable: np.ndarray, uk_ties: np.ndarray
) -> np.ndarray:
    """The pilot's priority score: likely asylum grant, risk of exploitation, UK connections.

    Each criterion counts equally (grant likelihood in 0-1, the other two 0 or 1).
    """
    return asylum_grant_likelihood + is_vulnerable.astype(float) + uk_ties.astype(float)


class ReturnsUnit(Agent):
    """The Home Office unit that detains small-boat arrivals and returns them to France."""

    def __init__(self, model: ChannelModel) -> None:
        """Create the unit with no one detained."""
        super().__init__(model)
        self.detained = np.zeros(0, dtype=np.int64)
        self.due_day = np.zeros(0, dtype=np.int64)
        self.wins_appeal = np.zeros(0, dtype=bool)
        self.returns_this_week = 0
        self.week_of_count = -1
        self.total_returns = 0
        self.reset_day()

    def reset_day(self) -> None:
        """Zero the day's records."""
        self.detentions = 0
        self.returns = 0
        self.appeals_won = 0

    @property
    def pilot_week(self) -> int:
        """Weeks since the pilot started (negative before it)."""
        return (self.model.day - self.model.pilot_start_day) // DAYS_PER_WEEK

    @property
    def cap_this_week(self) -> int:
        """The cap on returns in the current pilot week."""
        p = self.model.params
        return weekly_return_cap(
            p["return_cap_per_week"], p["return_cap_growth_per_week"], self.pilot_week
        )

    def consider_for_return(self, arrivals: np.ndarray) -> None:
        """Detain eligible arrivals (adults, once the pilot runs) while places are free."""
        cap = self.cap_this_week
        if cap <= 0 or len(arrivals) == 0:
            return
        population = self.model.population
        eligible = arrivals[~population.is_minor[arrivals]]
        free = detention_capacity(cap, self.model.params["return_processing_days"])
        free -= len(self.detained)
        if free <= 0 or len(eligible) == 0:
            return
        rng = self.model.streams["returns"]
        chosen = rng.permutation(eligible)[:free]
        population.state[chosen] = MigrantState.AWAITING_RETURN
        delay = self.model.params["return_processing_days"]
        earliest = max(self.model.day + delay, self.model.first_return_day)
        self.detained = np.concatenate([self.detained, chosen])
        self.due_day = np.concatenate([self.due_day, np.full(len(chosen), earliest)])
        wins = rng.random(len(chosen)) < self.model.params["appeal_success_prob"]
        self.wins_appeal = np.concatenate([self.wins_appeal, wins])
        self.detentions += len(chosen)

    def step(self) -> None:
        """Release those who won an appeal and return the others who are due, within the cap."""
        if self.pilot_week != self.week_of_count:
            self.week_of_count, self.returns_this_week = self.pilot_week, 0
        if len(self.detained) == 0:
            return
        due = self.due_day <= self.model.day
        self._release(due & self.wins_appeal)
        due = (self.due_day <= self.model.day) & ~self.wins_appeal
        budget = max(self.cap_this_week - self.returns_this_week, 0)
        due_rows = np.flatnonzero(due)
        # Earliest detained first; the rest wait for next week's cap.
        to_return = due_rows[np.argsort(self.due_day[due_rows], kind="stable")][:budget]
        self._return(to_return)

    def _release(self, mask: np.ndarray) -> None:
        rows = self.detained[mask]
        if len(rows) == 0:
            return
        self.model.population.state[rows] = MigrantState.IN_UK
        self.appeals_won += len(rows)
        self._forget(mask)

    def _return(self, positions: np.ndarray) -> None:
        if len(positions) == 0:
            return
        rows = self.detained[positions]
        mask = np.zeros(len(self.detained), dtype=bool)
        mask[positions] = True
        self._forget(mask)
        population = self.model.population
        population.times_returned[rows] += 1
        population.waiting_since_day[rows] = self.model.day  # back on the coast, waiting anew
        self.model.send_back_to_camp(rows)
        self.model.spread_news(rows, "heard_returned")
        self.returns += len(rows)
        self.returns_this_week += len(rows)
        self.total_returns += len(rows)
        self.model.legal_route.open_places(len(rows))

    def _forget(self, mask: np.ndarray) -> None:
        self.detained = self.detained[~mask]
        self.due_day = self.due_day[~mask]
        self.wins_appeal = self.wins_appeal[~mask]


class LegalRoute(Agent):
    """The legal route: one admission for each return, by priority, after checks."""

    def __init__(self, model: ChannelModel) -> None:
        """Create the route with no places open."""
        super().__init__(model)
        self.places_open = 0.0
        self.in_checks = np.zeros(0, dtype=np.int64)
        self.checks_done_day = np.zeros(0, dtype=np.int64)
        self.passes_checks = np.zeros(0, dtype=bool)
        self.total_admissions = 0
        self.n_applicants = 0
        self.reset_day()

    def reset_day(self) -> None:
        """Zero the day's records."""
        self.admissions = 0
        self.selected = 0

    def open_places(self, returns: int) -> None:
        """Open places for the returns just made."""
        added = returns * self.model.params["legal_route_share"]
        self.places_open += added

    def step(self) -> None:
        """Finish due checks, then select applicants for the places that are open."""
        self._finish_checks()
        self._select_applicants()
        self.n_applicants = len(self.applicants())

    def applicants(self) -> np.ndarray:
        """Registered applicants in France, not selected or booked, with no illegal attempt."""
        p = self.model.population
        registered = np.flatnonzero(p.registered)  # few, so the other tests run on them only
        # Keeping those still in France first leaves the fewest rows for the other tests.
        in_france = registered[p.state.take(registered) == int(MigrantState.IN_FRANCE)]
        return in_france[
            ~p.legal_selected.take(in_france)
            & (p.illegal_attempts.take(in_france) == 0)
            & (p.booked_gang.take(in_france) == NO_GANG)
        ]

    def _select_applicants(self) -> None:
        n_places = int(self.places_open)
        if n_places == 0:
            return
        candidates = self.applicants()
        if len(candidates) == 0:
            return
        p = self.model.population
        score = legal_route_priority(
            p.asylum_grant_likelihood[candidates], p.is_minor[candidates], p.uk_ties[candidates]
        )
        tie_break = self.model.streams["returns"].random(len(candidates)) * 1e-6
        chosen = candidates[np.argsort(-(score + tie_break), kind="stable")[:n_places]]
        p.legal_selected[chosen] = True
        self.places_open -= len(chosen)
        self.selected += len(chosen)
        self.in_checks = np.concatenate([self.in_checks, chosen])
        done = self.model.day + self.model.params["legal_route_check_days"]
        self.checks_done_day = np.concatenate([self.checks_done_day, np.full(len(chosen), done)])
        passes = (
            self.model.streams["returns"].random(len(chosen))
            < self.model.params["legal_route_check_pass_prob"]
        )
        self.passes_checks = np.concatenate([self.passes_checks, passes])

    def _finish_checks(self) -> None:
        if len(self.in_checks) == 0:
            return
        p = self.model.population
        done = self.checks_done_day <= self.model.day
        # Someone who tried to cross while in checks is excluded like anyone who tried.
        still_eligible = (p.state[self.in_checks] == int(MigrantState.IN_FRANCE)) & (
            p.illegal_attempts[self.in_checks] == 0
        )
        admitted = self.in_checks[done & self.passes_checks & still_eligible]
        refused = self.in_checks[done & ~(self.passes_checks & still_eligible)]
        p.state[admitted] = MigrantState.LEGAL_UK
        p.legal_selected[refused] = False
        p.registered[refused] = False
        self.places_open += len(refused)
        self.admissions += len(admitted)
        self.total_admissions += len(admitted)
        keep = ~done
        self.in_checks = self.in_checks[keep]
        self.checks_done_day = self.checks_done_day[keep]
        self.passes_checks = self.passes_checks[keep]

    def perceived_place_prob(self) -> float:
        """The published chance of a place: places expected over the horizon per applicant.

        Places are expected at the pace of the last four weeks of returns.
        """
        recent_returns_per_day = self.model.recent_daily_mean("returns", days=28)
        expected = recent_returns_per_day * LEGAL_PLACE_HORIZON_DAYS
        expected *= self.model.params["legal_route_share"]
        return float(min(1.0, expected / max(self.n_applicants, 1)))
