"""The 'one in, one out' pilot: the returns unit and the legal route that mirrors it.

The returns unit detains eligible adult arrivals while it has room, and returns them to
France after a processing delay; a few win an appeal and stay. Returns are bounded either by
a weekly cap (the pilot as announced, or an assumed growth) or by the reported record of
returns made (the pilot as delivered), which the unit follows as a cumulative target. A
returned person who crosses again is recognised by their biometrics at a declared rate and
detained first. The pilot ends on a declared date: no detentions after it, and those already
detained are returned as they fall due.

The legal route (UK/European Applicant Transfer Scheme) takes expressions of interest in
application windows, from people in France with an identity document and no illegal attempt
on record. Places are released at parity with returns made (``legal_route_share`` a return),
or, as delivered, so that admissions follow the record. Applicants are selected by the
pilot's priority rules and admitted after checks; registrations not selected by the next
window lapse, and those people decide again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from mesa import Agent

from agents.migrants import NO_GANG, MigrantState

if TYPE_CHECKING:
    from agents.world import World

DAYS_PER_WEEK = 7
PUBLISHED_RATE_DAYS = 28
"""Days over which the published return rate (returns per arrival) is computed."""
CumulativeTarget = Callable[[int], float]
"""A cumulative count the record implies by the end of a day of the run (day index)."""


def returns_on(parameters: Mapping[str, Any]) -> bool:
    """Whether the returns pilot runs at all (a cap, a growing cap or the record).

    Without it there is no scheme: the legal route takes no expressions of interest either.
    """
    return (
        parameters["return_cap_per_week"] > 0
        or parameters["return_cap_growth_per_week"] > 0
        or parameters["returns_follow_record"]
    )


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

    def __init__(self, model: World, record_target: CumulativeTarget | None) -> None:
        """Create the unit with no one detained.

        ``record_target``, when given, is the cumulative number of returns the record implies
        by each day; the unit follows it instead of the weekly cap.
        """
        super().__init__(model)
        self.record_target = record_target
        self.detained = np.zeros(0, dtype=np.int64)
        self.due_day = np.zeros(0, dtype=np.int64)
        self.wins_appeal = np.zeros(0, dtype=bool)
        self.returns_this_week = 0
        self.week_of_count = -1
        self.total_returns = 0
        self.recent_arrivals: deque = deque(maxlen=PUBLISHED_RATE_DAYS)
        self.recent_detentions: deque = deque(maxlen=PUBLISHED_RATE_DAYS)
        self.reset_day()

    def reset_day(self) -> None:
        """Zero the day's records."""
        self.detentions = 0
        self.recrossers_detained = 0
        self.returns = 0
        self.appeals_won = 0

    @property
    def pilot_week(self) -> int:
        """Weeks since the pilot started (negative before it)."""
        return (self.model.day - self.model.calendar.pilot_start_day) // DAYS_PER_WEEK

    @property
    def running(self) -> bool:
        """Whether the pilot runs today: it is on, and today is from its start to before its end."""
        calendar = self.model.calendar
        on_today = calendar.pilot_start_day <= self.model.day < calendar.pilot_end_day
        return on_today and returns_on(self.model.params)

    @property
    def cap_this_week(self) -> int:
        """The returns allowed in the current pilot week (0 outside the pilot).

        Following the record, the week's share of the record's cumulative target.
        """
        if not self.running:
            return 0
        if self.record_target is not None:
            start = self.model.calendar.pilot_start_day + self.pilot_week * DAYS_PER_WEEK
            last = min(start + DAYS_PER_WEEK, self.model.calendar.pilot_end_day) - 1
            return round(self.record_target(last)) - round(self.record_target(start - 1))
        p = self.model.params
        return weekly_return_cap(
            p["return_cap_per_week"], p["return_cap_growth_per_week"], self.pilot_week
        )

    def free_places(self) -> int:
        """Detention places free today: enough for the returns due over the processing delay."""
        if not self.running:
            return 0
        delay = self.model.params["return_processing_days"]
        if self.record_target is not None:
            last_day = self.model.calendar.pilot_end_day - 1
            horizon = min(self.model.day + delay + DAYS_PER_WEEK, last_day)
            wanted = round(self.record_target(horizon)) - self.total_returns
        else:
            wanted = detention_capacity(self.cap_this_week, delay)
        return wanted - len(self.detained)

    def published_return_rate(self) -> float:
        """Share of the last four weeks' arrivals held for return, less expected appeal wins.

        This is both the official figure and the actual chance that an arrival is returned.
        Detentions are counted on arrival, so the share is a probability even when returns lag
        behind them (returns per arrival can exceed 1 when arrivals collapse).
        """
        arrivals = sum(self.recent_arrivals)
        if not arrivals:
            return 0.0
        held = sum(self.recent_detentions) * (1.0 - self.model.params["appeal_success_prob"])
        return min(held / arrivals, 1.0)

    def close_day(self) -> None:
        """Keep the day's arrivals and detentions for the published rate (end of the day)."""
        self.recent_arrivals.append(self.model.border_force.arrivals)
        self.recent_detentions.append(self.detentions)

    def consider_for_return(self, arrivals: np.ndarray) -> None:
        """Detain eligible arrivals (adults, while the pilot runs) while places are free.

        Returned people who crossed again and are recognised by their biometrics come first.
        """
        free = self.free_places()
        if free <= 0 or len(arrivals) == 0:
            return
        population = self.model.population
        eligible = arrivals[~population.is_minor[arrivals]]
        if len(eligible) == 0:
            return
        rng = self.model.streams["returns"]
        shuffled = rng.permutation(eligible)
        returned_before = population.times_returned.take(shuffled) > 0
        recognised = returned_before & (
            rng.random(len(shuffled)) < self.model.params["returned_recrossing_detection_prob"]
        )
        # A stable sort puts the recognised first and keeps the random order within each.
        order = np.argsort(~recognised, kind="stable")[:free]
        chosen = shuffled[order]
        self.recrossers_detained += int(np.count_nonzero(recognised[order]))
        population.detain(chosen)
        delay = self.model.params["return_processing_days"]
        earliest = max(self.model.day + delay, self.model.calendar.first_return_day)
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
        due_rows = np.flatnonzero(due)
        budget = self.return_budget(len(due_rows))
        # Earliest detained first; the rest wait for next week's cap.
        to_return = due_rows[np.argsort(self.due_day[due_rows], kind="stable")][:budget]
        self._return(to_return)

    def return_budget(self, due: int) -> int:
        """How many of the ``due`` detained people may be returned today.

        Within the week's cap, or up to the record's cumulative target; after the pilot's
        end, everyone still detained is returned as they fall due.
        """
        if self.model.day >= self.model.calendar.pilot_end_day:
            return due
        if self.record_target is not None:
            return max(round(self.record_target(self.model.day)) - self.total_returns, 0)
        return max(self.cap_this_week - self.returns_this_week, 0)

    def _release(self, mask: np.ndarray) -> None:
        rows = self.detained[mask]
        if len(rows) == 0:
            return
        self.model.population.release_on_appeal(rows)
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
        population.return_to_france(rows, self.model.day)
        self.model.coast.spread_news(rows, "heard_returned")
        population.hear_of_own_return(rows)
        self.returns += len(rows)
        self.returns_this_week += len(rows)
        self.total_returns += len(rows)
        self.model.legal_route.open_places(len(rows))

    def _forget(self, mask: np.ndarray) -> None:
        self.detained = self.detained[~mask]
        self.due_day = self.due_day[~mask]
        self.wins_appeal = self.wins_appeal[~mask]


class LegalRoute(Agent):
    """The legal route: expressions of interest in windows, and admission after checks.

    Places come at parity with returns (or as the record shows); selection is by priority.
    """

    def __init__(self, model: World, record_target: CumulativeTarget | None) -> None:
        """Create the route with no places open.

        ``record_target``, when given, is the cumulative number of admissions the record
        implies by each day; places are then released so that admissions after the checks
        follow it.
        """
        super().__init__(model)
        self.record_target = record_target
        self.places_open = 0.0
        self.places_released = 0.0
        horizon = model.params["legal_place_horizon_days"]
        self.recent_places: deque = deque(maxlen=horizon)
        self.recent_registrations: deque = deque(maxlen=horizon)
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
        self.registrations = 0
        self.lapsed = 0
        self.released_today = 0.0

    # --- the schedule of windows ---------------------------------------------------------
    def _days_into_scheme(self) -> int:
        return self.model.day - self.model.calendar.pilot_start_day

    def window_open(self) -> bool:
        """Whether expressions of interest are taken today (an open window of a running pilot)."""
        p = self.model.params
        if not self.model.returns_unit.running:  # no pilot, no scheme to register with
            return False
        return (
            self._days_into_scheme() % p["legal_route_window_every_days"]
            < p["legal_route_window_days"]
        )

    def _window_opens_today(self) -> bool:
        days = self._days_into_scheme()
        return days > 0 and days % self.model.params["legal_route_window_every_days"] == 0

    # --- places ---------------------------------------------------------------------------
    def open_places(self, returns: int) -> None:
        """Open places at parity with the returns just made (not when following the record)."""
        if self.record_target is None:
            self._release(returns * self.model.params["legal_route_share"])

    def _release(self, places: float) -> None:
        self.places_open += places
        self.places_released += places
        self.released_today += places

    def _release_by_record(self) -> None:
        """Release the places whose admissions, after the checks, the record shows.

        As many selections as are expected to pass the checks give the record's admissions,
        so a refused applicant's place is not opened again (see :meth:`_finish_checks`).
        """
        model = self.model
        pass_prob = model.params["legal_route_check_pass_prob"]
        end = model.calendar.pilot_end_day
        if self.record_target is None or model.day >= end or pass_prob == 0:
            return
        ahead = min(model.day + model.params["legal_route_check_days"], end - 1)
        admissions = round(self.record_target(ahead)) * model.params["legal_route_share"]
        # Selections beyond everyone who ever came are pointless; the cap also keeps a tiny
        # pass chance from asking for infinitely many.
        target = min(admissions / pass_prob, admissions + len(model.population))
        if target > self.places_released:
            self._release(target - self.places_released)

    def register(self, rows: np.ndarray) -> None:
        """Take the expressions of interest of ``rows`` (people who chose to register)."""
        self.model.population.registered[rows] = True
        self.registrations += len(rows)

    def published_place_chance(self) -> float:
        """The chance of a place that official figures imply.

        Places released over the horizon (``legal_place_horizon_days``) per expression of
        interest taken over it; 0 before any registration.
        """
        registrations = sum(self.recent_registrations)
        if registrations == 0:
            return 0.0
        return float(min(1.0, sum(self.recent_places) / registrations))

    # --- the day --------------------------------------------------------------------------
    def step(self) -> None:
        """Run the route's day: lapses, places, checks, then selections.

        Unselected registrations lapse when a window opens; places are released, due checks
        finished, then applicants selected for the places that are open.
        """
        if self._window_opens_today():
            self._lapse_registrations()
        self._release_by_record()
        self._finish_checks()
        self._select_applicants()
        self.n_applicants = len(self.applicants())
        self.recent_places.append(self.released_today)
        self.recent_registrations.append(self.registrations)

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

    def _lapse_registrations(self) -> None:
        """Registrations not selected by the next window lapse; contacts hear of it."""
        p = self.model.population
        registered = np.flatnonzero(p.registered)
        lapsed = registered[~p.legal_selected.take(registered)]
        p.registered[lapsed] = False
        self.lapsed += len(lapsed)
        self.model.coast.spread_news(lapsed, "heard_not_selected")

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
        p.admit_legally(admitted)
        p.legal_selected[refused] = False
        p.registered[refused] = False
        if self.record_target is None:  # following the record, refusals are allowed for
            self.places_open += len(refused)
        self.admissions += len(admitted)
        self.total_admissions += len(admitted)
        self.model.coast.spread_news(admitted, "heard_admitted")
        self.model.coast.spread_news(refused, "heard_not_selected")
        keep = ~done
        self.in_checks = self.in_checks[keep]
        self.checks_done_day = self.checks_done_day[keep]
        self.passes_checks = self.passes_checks[keep]
