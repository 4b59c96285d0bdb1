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
from numba import njit

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

    def terms(self) -> tuple[float, ...]:
        """The weights :func:`utilities_of` uses, in its order (a tuple numba can take)."""
        return (
            self.utility_wait_constant,
            self.utility_uk_constant,
            self.weight_job,
            self.weight_ties,
            self.weight_asylum,
            self.weight_return,
            self.weight_price,
            self.weight_danger,
            self.weight_legal_route,
            self.utility_register_hassle,
            self.utility_leave_constant,
            self.weight_waiting_fatigue,
        )


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
    the price as a share of savings and the perceived danger scaled by risk aversion (see
    :func:`utilities_of`).
    """
    n = len(p.return_prob)
    return _option_utilities(
        *(_per_migrant(getattr(p, name), n) for name in Perceptions.__dataclass_fields__),
        w.terms(),
    )


def _per_migrant(values: float | np.ndarray, migrants: int) -> np.ndarray:
    """A perception as one value a migrant (np.broadcast_to costs ten times more here)."""
    if np.ndim(values) == 0:
        return np.full(migrants, values)
    return values


# Compiled with numba, one migrant at a time: a loop over the migrants cost a tenth of the
# twenty numpy calls it replaces. The operations are those of the formulas, in their order
# (numba contracts no multiply-add and keeps IEEE arithmetic), so that every utility is the
# same to the last bit as the numpy version's. A compiled function calls only compiled
# functions of its own module: numba renews a cached compilation when its own file changes,
# not when another module's does.
@njit(cache=True)
def utilities_of(
    return_prob: float,
    job_prob: float,
    legal_place_prob: float,
    death_risk: float,
    price_share_of_savings: float,
    can_afford: bool,
    can_register: bool,
    is_registered: bool,
    uk_ties: float,
    asylum_grant_likelihood: float,
    risk_aversion: float,
    days_waiting: float,
    terms: tuple,
) -> tuple[float, float, float, float]:
    """One migrant's utilities of (wait, cross, register, leave).

    ``terms`` are the weights as :meth:`UtilityWeights.terms` gives them. Booleans count as
    1 and 0, as in numpy.
    """
    (c_wait, c_uk, w_job, w_ties, w_asylum, w_return, w_price, w_danger, w_legal, hassle,
     c_leave, w_fatigue) = terms  # fmt: skip
    value_in_uk = c_uk + w_job * job_prob
    value_in_uk += w_ties * uk_ties
    value_in_uk += w_asylum * asylum_grant_likelihood
    legal_prospect = w_legal * legal_place_prob
    wait = legal_prospect * is_registered + c_wait
    cross = -np.inf
    if can_afford:
        cross = (1.0 - return_prob) * value_in_uk
        cross -= w_return * return_prob
        cross -= w_price * price_share_of_savings
        cross -= w_danger * death_risk * risk_aversion
    register = c_wait + legal_prospect - hassle if can_register else -np.inf
    leave = w_fatigue * days_waiting / 30.0 + c_leave
    return wait, cross, register, leave


@njit(cache=True)
def _option_utilities(
    return_prob,
    job_prob,
    legal_place_prob,
    death_risk,
    price_share_of_savings,
    can_afford,
    can_register,
    is_registered,
    uk_ties,
    asylum_grant_likelihood,
    risk_aversion,
    days_waiting,
    terms,
):
    utilities = np.empty((4, len(return_prob)))  # one row an option, in the order of Choice
    for i in range(len(return_prob)):
        wait, cross, register, leave = utilities_of(
            return_prob[i], job_prob[i], legal_place_prob[i], death_risk[i],
            price_share_of_savings[i], can_afford[i], can_register[i], is_registered[i],
            uk_ties[i], asylum_grant_likelihood[i], risk_aversion[i], days_waiting[i], terms,
        )  # fmt: skip
        utilities[0, i], utilities[1, i] = wait, cross
        utilities[2, i], utilities[3, i] = register, leave
    return utilities


PERCEPTION_COLUMNS = (
    "savings_gbp",
    "illegal_attempts",
    "registered",
    "has_identity_document",
    "perceived_return_prob",
    "perceived_job_prob",
    "perceived_place_prob",
    "uk_ties",
    "asylum_grant_likelihood",
    "risk_aversion",
    "waiting_since_day",
)
"""The population's columns (``agents.migrants``) a choice reads, in the order of
:func:`utilities_of_rows`."""


@njit(cache=True)
def utilities_of_rows(rows, columns, price, gangs_active, window_open, day, death_risk, terms):
    """Utilities of the options of the migrants at ``rows`` (one column a migrant).

    ``columns`` are the population's :data:`PERCEPTION_COLUMNS`, whole; what each migrant
    perceives (:class:`Perceptions`) is read from them person by person, at a seat's
    ``price``, with gangs active or not, the legal route's window open or not, on ``day``,
    at the perceived ``death_risk`` of a crossing: gathering a dozen columns with numpy cost
    more than the utilities.
    """
    (savings, attempts, registered, has_document, return_prob, job_prob, place_prob, uk_ties,
     asylum_grant_likelihood, risk_aversion, waiting_since_day) = columns  # fmt: skip
    utilities = np.empty((4, len(rows)))  # one row an option, in the order of Choice
    for i in range(len(rows)):
        row = rows[i]
        never_tried = attempts[row] == 0
        at_least_one = savings[row] if savings[row] > 1.0 else 1.0  # numpy's maximum(s, 1.0)
        wait, cross, register, leave = utilities_of(
            return_prob[row],
            job_prob[row],
            place_prob[row],
            death_risk,
            price / at_least_one,
            savings[row] >= price and gangs_active,
            never_tried and not registered[row] and window_open and has_document[row],
            registered[row] and never_tried,
            uk_ties[row],
            asylum_grant_likelihood[row],
            risk_aversion[row],
            float(day - waiting_since_day[row]),
            terms,
        )
        utilities[0, i], utilities[1, i] = wait, cross
        utilities[2, i], utilities[3, i] = register, leave
    return utilities


def logit_probabilities(utilities: np.ndarray) -> np.ndarray:
    """Multinomial-logit choice probabilities of each migrant (column); stable for large values.

    The exponentials are numpy's (a compiled exp may differ from it in the last bit); the
    rest is compiled, around them.
    """
    weights, unavailable = _shifted_exponents(utilities)
    np.exp(weights, out=weights)
    return _normalised(weights, unavailable)


@njit(cache=True)
def _shifted_exponents(utilities):
    """Each utility less its column's largest, floored at EXP_FLOOR; which were below it."""
    options, n = utilities.shape
    exponents = np.empty((options, n))
    unavailable = np.empty((options, n), dtype=np.bool_)
    for i in range(n):
        best = utilities[0, i]
        for option in range(1, options):
            utility = utilities[option, i]
            if utility > best or utility != utility:  # as numpy's max: a NaN wins
                best = utility
        for option in range(options):
            exponent = utilities[option, i] - best
            unavailable[option, i] = exponent < EXP_FLOOR
            exponents[option, i] = exponent if not exponent < EXP_FLOOR else EXP_FLOOR
    return exponents, unavailable


@njit(cache=True)
def _normalised(weights, unavailable):
    """The weights, zero where unavailable, divided by their column's sum (added in order)."""
    options, n = weights.shape
    for i in range(n):
        total = 0.0
        for option in range(options):
            if unavailable[option, i]:
                weights[option, i] = 0.0
            total = weights[option, i] if option == 0 else total + weights[option, i]
        for option in range(options):
            weights[option, i] /= total
    return weights


_UPPER_LEVEL = np.array([Choice.WAIT, Choice.CROSS, Choice.LEAVE])
"""The options of the logit between the nest and the others (the nest stands for waiting)."""


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
    upper = utilities[_UPPER_LEVEL]
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
    # Between the nest and the other options: a logit on (inclusive value, cross, leave).
    return _within_nest(logit_probabilities(upper), wait_weight, register_weight)


@njit(cache=True)
def _within_nest(upper, wait_weight, register_weight):
    """The options' probabilities: the nest's (``upper[0]``) shared by the weights within it."""
    probabilities = np.empty((4, upper.shape[1]))  # one row an option, in the order of Choice
    for i in range(upper.shape[1]):
        stay_share = upper[0, i] / (wait_weight[i] + register_weight[i])
        probabilities[0, i] = stay_share * wait_weight[i]
        probabilities[1, i] = upper[1, i]
        probabilities[2, i] = stay_share * register_weight[i]
        probabilities[3, i] = upper[2, i]
    return probabilities


def sample_choices(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One choice per migrant: the first option whose cumulative probability exceeds the uniform.

    One uniform a migrant is several times faster than drawing Gumbel noise for every option;
    the last option takes whatever rounding leaves over.
    """
    return _sample_choices(probabilities, uniforms)


@njit(cache=True)
def _sample_choices(probabilities, uniforms):
    options, n = probabilities.shape
    choices = np.zeros(n, dtype=np.int64)
    for i in range(n):
        cumulative = probabilities[0, i]
        choices[i] = uniforms[i] >= cumulative
        for option in range(1, options - 1):
            cumulative += probabilities[option, i]
            choices[i] += uniforms[i] >= cumulative
    return choices
