"""The pilot's effect taken apart: by mechanism, person by person, on the coast, and after.

By mechanism (returns, the legal route, the crackdown), by what became of the people who
would have crossed, on the coast's population, and after the pilot ends.

A policy run and its counterfactual share their weather and the people arriving on the coast
(common random numbers), so row ``i`` of both populations is the same person: what the policy
did to each person who would have crossed is read by comparing the two runs person by person.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from agents.migrants import NEVER, MigrantState
from agents.returns import returns_on

if TYPE_CHECKING:
    from model.model import ChannelModel

MECHANISMS = ("returns", "legal route", "crackdown")
"""The pilot's mechanisms, in the order they are added in :func:`mechanism_variants`."""


def mechanism_variants(parameters: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The runs that add the policy's mechanisms one at a time, in the order of MECHANISMS.

    Each variant keeps the mechanisms before it and switches the later ones off: returns alone
    (no legal-route places, no crackdown), then with the legal route, then with the crackdown
    (the policy as given). Mechanisms the policy does not use are left out. A mechanism's part
    is the difference its addition makes (a sequential decomposition: with interactions, the
    order matters, and this one is stated).
    """
    variants: dict[str, dict[str, Any]] = {}
    if returns_on(parameters):
        variants["returns"] = {**parameters, "legal_route_share": 0.0, "crackdown_intensity": 0.0}
        if parameters["legal_route_share"] > 0:
            variants["legal route"] = {**parameters, "crackdown_intensity": 0.0}
    if parameters["crackdown_intensity"] > 0:
        variants["crackdown"] = dict(parameters)
    return variants


def _between(daily: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None = None):
    in_period = daily["date"] >= start
    if end is not None:
        in_period &= daily["date"] < end
    return daily.loc[in_period]


def coast_and_rebound(
    policy: pd.DataFrame,
    counterfactual: pd.DataFrame,
    policy_start: dt.date,
    pilot_end: dt.date,
) -> dict[str, Any]:
    """The coast's population against the counterfactual's, and the crossings after the end.

    ``deterrence_effect_during_pilot`` is the deterrence effect from the policy's start to the
    pilot's end (or the run's, if sooner), before any rebound.
    ``rebound_after_pilot_end`` is the policy run's arrivals after the pilot's last day less
    the counterfactual's: positive when more people cross after the pilot than would have
    without it (the postponed crossing at last). NaN when the run stops before the end.
    """
    start, end = pd.Timestamp(policy_start), pd.Timestamp(pilot_end)
    with_policy, without = _between(policy, start), _between(counterfactual, start)
    after, after_without = _between(policy, end), _between(counterfactual, end)
    ran_past_end = len(after) > 0
    during = int(_between(policy, start, end)["arrivals"].sum())
    during_without = int(_between(counterfactual, start, end)["arrivals"].sum())
    return {
        "pilot_end_date": pilot_end.isoformat(),
        "crossings_deterred_during_pilot": during_without - during,
        "deterrence_effect_during_pilot": (
            1.0 - during / during_without if during_without else math.nan
        ),
        "mean_waiting_in_france_in_policy_period": float(with_policy["waiting_in_france"].mean()),
        "counterfactual_mean_waiting_in_france_in_policy_period": float(
            without["waiting_in_france"].mean()
        ),
        "counterfactual_waiting_in_france_at_end": int(
            counterfactual["waiting_in_france"].iloc[-1]
        ),
        "recrossings": int(policy["recrossings"].sum()),
        "came_back_to_coast": int(policy["came_back_to_coast"].sum()),
        "arrivals_after_pilot_end": int(after["arrivals"].sum()) if ran_past_end else math.nan,
        "counterfactual_arrivals_after_pilot_end": (
            int(after_without["arrivals"].sum()) if ran_past_end else math.nan
        ),
        "rebound_after_pilot_end": (
            int(after["arrivals"].sum() - after_without["arrivals"].sum())
            if ran_past_end
            else math.nan
        ),
    }


def _never_crossed_by_state(model: ChannelModel, size: int) -> np.ndarray:
    """People (of the first ``size``) who had not crossed by the end, counted by state now."""
    population = model.population
    arrived = population.first_uk_arrival_day[:size]
    never = arrived == NEVER
    return np.bincount(population.state[:size][never], minlength=len(MigrantState))


def crossing_outcomes(
    policy: ChannelModel, counterfactual: ChannelModel, start_day: int
) -> dict[str, int]:
    """Where the crossings that did not happen went, net of the counterfactual.

    The same people reach the coast in both runs. Of those who had never crossed by the end
    of the run, the policy run holds more ``postponed_still_waiting`` on the coast,
    ``deterred_left_coast`` who left it, ``came_by_legal_route`` and ``died_at_sea_net``;
    together, the fall in the number of people who crossed. The fall in crossings is that less the
    ``recrossings_in_policy_period`` of people returned. ``crossed_later_net`` counts people
    who crossed in both runs, later with the policy, less those who crossed earlier.
    People's choices diverge by chance once the policy acts, so these are net counts; the
    person-by-person matches behind them also move with the seed.
    """
    size = min(len(policy.population), len(counterfactual.population))
    with_policy = _never_crossed_by_state(policy, size)
    without = _never_crossed_by_state(counterfactual, size)
    first_with = policy.population.first_uk_arrival_day[:size]
    first_without = counterfactual.population.first_uk_arrival_day[:size]
    both = (first_with >= start_day) & (first_without >= start_day)
    crossed = first_with >= start_day
    arrivals = policy.population.uk_arrivals[:size]
    return {
        "postponed_still_waiting": int(
            with_policy[MigrantState.IN_FRANCE] - without[MigrantState.IN_FRANCE]
        ),
        "deterred_left_coast": int(with_policy[MigrantState.LEFT] - without[MigrantState.LEFT]),
        "came_by_legal_route": int(with_policy[MigrantState.LEGAL_UK]),
        "died_at_sea_net": int(with_policy[MigrantState.DIED] - without[MigrantState.DIED]),
        "crossed_later_net": int(
            np.count_nonzero(both & (first_with > first_without))
            - np.count_nonzero(both & (first_with < first_without))
        ),
        "recrossings_in_policy_period": int(np.sum(arrivals[crossed] - 1, dtype=np.int64)),
    }


def mechanism_table(
    counterfactual_arrivals: int, variant_arrivals: Mapping[str, int]
) -> pd.DataFrame:
    """Crossings deterred by each mechanism as it is added (see :func:`mechanism_variants`).

    ``variant_arrivals`` are the arrivals in the policy period of each variant, in order.
    """
    rows, before = [], counterfactual_arrivals
    for mechanism, arrivals in variant_arrivals.items():
        deterred = before - arrivals
        rows.append(
            {
                "mechanism": mechanism,
                "crossings_deterred": deterred,
                "share_of_counterfactual": (
                    deterred / counterfactual_arrivals if counterfactual_arrivals else math.nan
                ),
            }
        )
        before = arrivals
    return pd.DataFrame(
        rows, columns=["mechanism", "crossings_deterred", "share_of_counterfactual"]
    )
