"""A waiting migrant's daily choice: a random-utility (multinomial logit) rule over perceptions.

Pure functions on arrays, one row per migrant, so that the rule is tested alone on tiny inputs
and applied to everyone in France at once. Options are columns in the order of :class:`Choice`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


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
    utility_leave_constant: float
    weight_waiting_fatigue: float

    @classmethod
    def from_parameters(cls, values: dict) -> UtilityWeights:
        """Pick this class's fields out of a full parameter dictionary."""
        return cls(**{name: values[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Perceptions:
    """What each migrant perceives and is (arrays of one length)."""

    return_prob: np.ndarray
    job_prob: np.ndarray
    legal_place_prob: np.ndarray
    death_risk: np.ndarray
    price_share_of_savings: np.ndarray
    can_afford: np.ndarray
    can_register: np.ndarray
    is_registered: np.ndarray
    uk_ties: np.ndarray
    asylum_grant_likelihood: np.ndarray
    risk_aversion: np.ndarray
    days_waiting: np.ndarray


def option_utilities(p: Perceptions, w: UtilityWeights) -> np.ndarray:
    """Utilities of (wait, cross, register, leave) per migrant; -inf where not available.

    Crossing is worth the value of life in the UK if not returned, less the cost of a return,
    the price as a share of savings and the perceived danger scaled by risk aversion.
    """
    value_in_uk = (
        w.utility_uk_constant
        + w.weight_job * p.job_prob
        + w.weight_ties * p.uk_ties
        + w.weight_asylum * p.asylum_grant_likelihood
    )
    legal_prospect = w.weight_legal_route * p.legal_place_prob
    wait = w.utility_wait_constant + np.where(p.is_registered, legal_prospect, 0.0)
    cross = (
        (1.0 - p.return_prob) * value_in_uk
        - w.weight_return * p.return_prob
        - w.weight_price * p.price_share_of_savings
        - w.weight_danger * p.death_risk * p.risk_aversion
    )
    register = w.utility_wait_constant + legal_prospect - w.utility_register_hassle
    leave = w.utility_leave_constant + w.weight_waiting_fatigue * p.days_waiting / 30.0
    utilities = np.column_stack([wait, cross, register, leave])
    utilities[~p.can_afford, Choice.CROSS] = -np.inf
    utilities[~p.can_register, Choice.REGISTER] = -np.inf
    return utilities


def logit_probabilities(utilities: np.ndarray) -> np.ndarray:
    """Multinomial-logit choice probabilities, row by row (stable for large utilities)."""
    shifted = utilities - utilities.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=1, keepdims=True)


def sample_choices(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One choice per row: the option whose cumulative probability first exceeds the uniform.

    One uniform a row is several times faster than drawing Gumbel noise for every option.
    """
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative[:, -1] = np.inf  # guards against rounding leaving a row's total below 1
    return (uniforms[:, None] >= cumulative).sum(axis=1)
