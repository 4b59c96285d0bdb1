"""Returns arrangements with home countries: removal of a group's small-boat arrivals.

Under a returns arrangement (the UK-Albania arrangement of 13 December 2022), adult
small-boat arrivals of that nationality group are detained on arrival and, with a declared
chance (``arrangement_removal_prob``), removed to their home country after a declared
processing time (``arrangement_processing_days``); the others stay in the UK as any arrival
does. Their contacts on the coast hear of each removal as news of a return, and the group
learns it through its mostly same-group network. When the arrangement is publicised
(``arrangement_publicised``), the group's official return signal also carries the share of its
adult arrivals held for removal since the arrangement came into force.

Which group has an arrangement, and from which day of the run, is given by the model (read
from ``model/data/returns_arrangements.csv``); this module never reads the data itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from agents.migrants import MigrantState

if TYPE_CHECKING:
    from agents.world import World


def return_chance_either_way(pilot_rate: float, removal_rate: np.ndarray) -> np.ndarray:
    """Chance of being sent away after crossing: returned to France or removed home."""
    return 1.0 - (1.0 - pilot_rate) * (1.0 - removal_rate)


class ReturnsArrangements(Agent):
    """The Home Office's removals to home countries under returns arrangements."""

    def __init__(self, model: World, in_force_day: np.ndarray, listed: np.ndarray) -> None:
        """Create the unit with nobody detained.

        ``in_force_day[g]`` is the day of the run from which group ``g``'s arrangement is in
        force (a huge number for a group without one); ``listed[g]`` whether group ``g`` has
        an arrangement at all, in force yet or not (what the reporters follow).
        """
        super().__init__(model)
        self.in_force_day = np.asarray(in_force_day)
        self.listed = np.asarray(listed, dtype=bool)
        self.detained = np.zeros(0, dtype=np.int64)
        self.due_day = np.zeros(0, dtype=np.int64)
        groups = len(self.in_force_day)
        self.adult_arrivals_since = np.zeros(groups)
        """Each group's adult arrivals since its arrangement came into force."""
        self.held_since = np.zeros(groups)
        """Each group's arrivals held for removal since its arrangement came into force."""
        self.total_removals = 0
        self.reset_day()

    def reset_day(self) -> None:
        """Zero the day's records."""
        self.listed_arrivals = 0
        self.detentions = 0
        self.removals = 0

    def in_force(self) -> np.ndarray:
        """Whether each group's arrangement is in force today."""
        if not self.model.params["returns_arrangements"]:
            return np.zeros(len(self.in_force_day), dtype=bool)
        return self.model.day >= self.in_force_day

    def consider_for_removal(self, arrivals: np.ndarray) -> None:
        """Detain for removal some of today's adult arrivals of groups with an arrangement.

        Called after the pilot's returns unit: people it detained for return to France are
        not also held for removal home.
        """
        population = self.model.population
        groups = population.nationality.take(arrivals)
        self.listed_arrivals += int(np.count_nonzero(self.listed[groups]))
        in_force = self.in_force()
        if len(arrivals) == 0 or not in_force.any():
            return
        adult = in_force[groups] & ~population.is_minor.take(arrivals)
        self.adult_arrivals_since += np.bincount(groups[adult], minlength=len(in_force))
        staying = population.state.take(arrivals) == int(MigrantState.IN_UK)
        candidates = arrivals[adult & staying]
        if len(candidates) == 0:
            return
        draws = self.model.streams["arrangements"].random(len(candidates))
        chosen = candidates[draws < self.model.params["arrangement_removal_prob"]]
        population.detain_for_removal(chosen)
        self.held_since += np.bincount(population.nationality.take(chosen), minlength=len(in_force))
        due = self.model.day + self.model.params["arrangement_processing_days"]
        self.detained = np.concatenate([self.detained, chosen])
        self.due_day = np.concatenate([self.due_day, np.full(len(chosen), due)])
        self.detentions += len(chosen)

    def step(self) -> None:
        """Remove to their home country the detained people who are due; contacts hear of it."""
        if len(self.detained) == 0:
            return
        due = self.due_day <= self.model.day
        rows = self.detained[due]
        if len(rows) == 0:
            return
        self.detained, self.due_day = self.detained[~due], self.due_day[~due]
        self.model.population.remove_to_home_country(rows)
        self.model.coast.spread_news(rows, "heard_returned")
        self.removals += len(rows)
        self.total_removals += len(rows)

    def published_removal_rate(self) -> np.ndarray:
        """Each group's share of adult arrivals held for removal since its arrangement began.

        Zero for a group whose arrangement is not in force, or has seen no arrival yet, and
        for every group when the arrangements are not publicised.
        """
        rate = np.zeros(len(self.in_force_day))
        if not self.model.params["arrangement_publicised"]:
            return rate
        seen = self.in_force() & (self.adult_arrivals_since > 0)
        rate[seen] = self.held_since[seen] / self.adult_arrivals_since[seen]
        return rate

    def official_return_signal(self, pilot_rate: float, groups: np.ndarray) -> float | np.ndarray:
        """The official return signal of people of ``groups``, given the pilot's published rate.

        The pilot's rate alone (one number for everyone) while no group has a published
        removal rate; otherwise, per person, the chance of being returned either way.
        """
        removal = self.published_removal_rate()
        if not removal.any():
            return pilot_rate
        return return_chance_either_way(pilot_rate, removal[groups])
