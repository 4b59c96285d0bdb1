"""A waiting migrant's daily choice: a random-utility (nested logit) rule over perceptions.

Pure functions on arrays, so that the rule is tested alone on tiny inputs and applied to
everyone in France at once. Utilities and probabilities are (option, migrant) arrays: one row
an option in the order of :class:`Choice`, one column a migrant (rows of contiguous numbers
make the per-option arithmetic several times faster than the transposed layout).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

EXP_FLOOR = -700.0
"""Lowest exponent passed to exp. numpy's vectorised exp falls back to a slow scalar path for
-inf and for results below the smallest normal number, so exponents are floored here and the
weights of unavailable options (utility -inf) are then set to exactly zero."""


class Choice(IntEnum):
    """What a waiting migrant does today."""

    WAIT = 0
    CROSS = 1
    REGISTER = 2
    LEAVE = 3


@dataclass(frozen=True)
class UtilityWeights:
    """Weights of the utility terms; the fields are the parameters of the same name."""

    utility_wait_constant: float
    utility_uk_constant: float
    weight_job: float
    weight_ties: float
    weight_asylum: float
    weight_return: float
    weight_price: float
    weight_danger: float
    weight_legal_route: float
    utility_register_hassle: float
    registration_nest_scale: float
    utility_leave_constant: float
    weight_waiting_fatigue: float

    @classmethod
    def from_parameters(cls, values: Mapping[str, Any]) -> UtilityWeights:
        """Pick this class's fields out of a full parameter dictionary."""
        return cls(**{name: values[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Perceptions:
    """What each migrant perceives and is: arrays of one length, or a number shared by all."""

    return_prob: np.ndarray
    job_prob: np.ndarray
    legal_place_prob: float | np.ndarray
    death_risk: float | np.ndarray
    price_share_of_savings: np.ndarray
    can_afford: np.ndarray
    can_register: np.ndarray
    is_registered: np.ndarray
    """Registered and still eligible for the legal route (no illegal attempt since)."""
    uk_ties: np.ndarray
    asylum_grant_likelihood: np.ndarray
    risk_aversion: np.ndarray
    days_waiting: np.ndarray


def option_utilities(p: Perceptions, w: UtilityWeights) -> np.ndarray:
    """Utilities of (wait, cross, register, leave), one row each; -inf where not available.

    Crossing is worth the value of life in the UK if not returned, less the cost of a return,
    the price as a share of savings and the perceived danger scaled by risk aversion.
    """
    # Each row is computed in place in one new array (fresh temporaries cost more than the
    # arithmetic here), in the same order of operations as the formulas read.
    utilities = np.empty((len(Choice), len(p.return_prob)))
    wait, cross, register, leave = utilities
    value_in_uk = w.utility_uk_constant + w.weight_job * p.job_prob
    value_in_uk += w.weight_ties * p.uk_ties
    value_in_uk += w.weight_asylum * p.asylum_grant_likelihood
    legal_prospect = w.weight_legal_route * p.legal_place_prob

    np.multiply(legal_prospect, p.is_registered, out=wait)
    wait += w.utility_wait_constant
    np.subtract(1.0, p.return_prob, out=cross)
    cross *= value_in_uk
    cross -= w.weight_return * p.return_prob
    cross -= w.weight_price * p.price_share_of_savings
    cross -= w.weight_danger * p.death_risk * p.risk_aversion
    register[...] = w.utility_wait_constant + legal_prospect - w.utility_register_hassle
    np.multiply(w.weight_waiting_fatigue, p.days_waiting, out=leave)
    leave /= 30.0
    leave += w.utility_leave_constant

    cross[~p.can_afford] = -np.inf
    register[~p.can_register] = -np.inf
    return utilities


def logit_probabilities(utilities: np.ndarray) -> np.ndarray:
    """Multinomial-logit choice probabilities of each migrant (column); stable for large values.

    Works in place on one new array: fresh temporaries cost more than the arithmetic here.
    """
    weights = utilities - utilities.max(axis=0)
    unavailable = weights < EXP_FLOOR
    np.exp(np.maximum(weights, EXP_FLOOR, out=weights), out=weights)
    weights[unavailable] = 0.0
    weights /= weights.sum(axis=0)
    return weights


def nested_choice_probabilities(utilities: np.ndarray, stay_nest_scale: float) -> np.ndarray:
    """Choice probabilities with waiting and registering in one nest ('stay on the coast').

    A nested logit: registering is waiting with a form filled in, so the two are close
    substitutes, and a plain logit would let a worthless registration option draw probability
    from crossing and leaving alike (independence of irrelevant alternatives). The nest's
    inclusive value ``scale * log(sum(exp(U / scale)))`` over wait and register competes with
    crossing and leaving; within the nest the choice is a logit on ``U / scale``. A scale of 1
    gives the plain logit; towards 0 the nest is worth its best option.
    """
    if not 0.0 < stay_nest_scale <= 1.0:
        raise ValueError(f"stay_nest_scale={stay_nest_scale} must be in (0, 1]")
    # Within the nest: weights exp(U / scale), relative to the nest's best option. Where
    # registering is not available (most people, most days) the nest is waiting alone, so
    # only the others need the exponentials (wait is always available).
    wait_weight = np.ones(utilities.shape[1])
    register_weight = np.zeros(utilities.shape[1])
    # The upper level's utilities: the nest's inclusive value (waiting's utility where the
    # nest is waiting alone), crossing and leaving.
    upper = utilities[[Choice.WAIT, Choice.CROSS, Choice.LEAVE]]
    inclusive = upper[0]
    open_ = np.flatnonzero(utilities[Choice.REGISTER] > -np.inf)
    if len(open_):
        wait = utilities[Choice.WAIT, open_] / stay_nest_scale
        register = utilities[Choice.REGISTER, open_] / stay_nest_scale
        best = np.maximum(wait, register)
        wait_weight[open_] = np.exp(np.maximum(wait - best, EXP_FLOOR))
        register_weight[open_] = np.exp(np.maximum(register - best, EXP_FLOOR))
        inclusive[open_] = stay_nest_scale * (
            best + np.log(wait_weight[open_] + register_weight[open_])
        )
    stay_total = wait_weight + register_weight
    # Between the nest and the other options: a logit on (inclusive value, cross, leave).
    upper = logit_probabilities(upper)
    stay_share = upper[0] / stay_total
    probabilities = np.empty_like(utilities)
    np.multiply(stay_share, wait_weight, out=probabilities[Choice.WAIT])
    np.multiply(stay_share, register_weight, out=probabilities[Choice.REGISTER])
    probabilities[Choice.CROSS] = upper[1]
    probabilities[Choice.LEAVE] = upper[2]
    return probabilities


def sample_choices(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One choice per migrant: the first option whose cumulative probability exceeds the uniform.

    One uniform a migrant is several times faster than drawing Gumbel noise for every option;
    the last option takes whatever rounding leaves over.
    """
    cumulative = probabilities[0].copy()
    choices = (uniforms >= cumulative).astype(np.int64)
    for option in range(1, len(probabilities) - 1):
        cumulative += probabilities[option]
        choices += uniforms >= cumulative
    return choices
