"""Beliefs about return risk and job chances, learned from contacts, officials and smugglers.

Pure functions on arrays. Each belief moves daily towards three signals, each with a weight
that is a model parameter (``belief_weight_network``, ``belief_weight_official``,
``belief_weight_smugglers``). The network signal counts only as much as a migrant has heard.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NEWS_FOR_HALF_CONFIDENCE = 3.0
"""Heard cases at which a network signal carries half its weight (a rule of the model)."""


def network_signal(
    heard_events: np.ndarray, heard_cases: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Share of contacts' recent cases that ended in the event, and the confidence in it.

    ``heard_events`` counts cases with the outcome (e.g. contacts returned), ``heard_cases`` all
    cases (e.g. contacts who crossed), both decayed with memory. Confidence is
    ``cases / (cases + NEWS_FOR_HALF_CONFIDENCE)``: zero when nothing was heard.
    """
    return _network_signals(np.asarray(heard_events, float), np.asarray(heard_cases, float))


def update_beliefs(
    belief: np.ndarray,
    network: np.ndarray,
    network_confidence: np.ndarray,
    official: float | np.ndarray,
    smugglers: float | np.ndarray,
    weight_network: float,
    weight_official: float,
    weight_smugglers: float,
) -> np.ndarray:
    """One day's update: a weighted move of each belief towards the three signals.

    Weights are per day; when they add up to more than 1 they are scaled down to sum to 1,
    so a belief never overshoots and stays a probability.
    """
    belief = np.asarray(belief, float)
    signals = [np.broadcast_to(np.asarray(signal, float), belief.shape) for signal in (
        network, network_confidence, official, smugglers)]  # fmt: skip
    return _updated_beliefs(belief, *signals, weight_network, weight_official, weight_smugglers)


def beliefs_after_news(
    belief_column: np.ndarray,
    rows: np.ndarray,
    heard_events: np.ndarray,
    heard_cases: np.ndarray,
    official: float | np.ndarray,
    smugglers: float | np.ndarray,
    weights: tuple[float, float, float],
) -> np.ndarray:
    """The beliefs of ``rows`` (a population column's) after today's news, in one pass.

    :func:`network_signal` then :func:`update_beliefs` for each person, without the arrays
    between them: the learning phase's numpy calls cost more than its arithmetic.
    ``heard_events`` and ``heard_cases`` are of ``rows``; ``weights`` are the network's, the
    officials' and the smugglers'.
    """
    official = np.broadcast_to(np.asarray(official, float), rows.shape)
    smugglers = np.broadcast_to(np.asarray(smugglers, float), rows.shape)
    return _beliefs_after_news(
        belief_column, rows, heard_events, heard_cases, official, smugglers, *weights
    )


# The rules, one person at a time, compiled with numba. Each operation is numpy's, in the
# order the numpy version of these rules used, so the results are the same to the last bit
# (numba contracts no multiply-add and keeps IEEE arithmetic). Comparisons are written as
# numpy's maximum and clip make them, signed zeros and NaN included.
@njit(cache=True)
def _signal(events: float, cases: float) -> tuple[float, float]:
    if not cases > 0.0 and cases == cases:  # numpy's maximum(cases, 0.0), NaN kept
        cases = 0.0
    share = events / cases if cases > 0.0 else 0.0
    return _clip_to_probability(share), cases / (cases + NEWS_FOR_HALF_CONFIDENCE)


@njit(cache=True)
def _updated(
    belief: float,
    network: float,
    confidence: float,
    official: float,
    smugglers: float,
    weight_network: float,
    weight_official: float,
    weight_smugglers: float,
) -> float:
    w_network = weight_network * confidence
    total = w_network + (weight_official + weight_smugglers)
    # b + sum_k w_k (s_k - b), divided through by the total weight when it exceeds 1.
    pull = w_network * network + (weight_official * official + weight_smugglers * smugglers)
    pull -= total * belief
    pull /= total if total > 1.0 or total != total else 1.0  # numpy's maximum(total, 1.0)
    pull += belief
    return _clip_to_probability(pull)


@njit(cache=True)
def _clip_to_probability(value: float) -> float:
    """As numpy's clip(value, 0.0, 1.0): a -0.0 and a NaN stay as they are."""
    if value < 0.0:
        return 0.0
    if value > 1.0:
        return 1.0
    return value


@njit(cache=True)
def _network_signals(events: np.ndarray, cases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    share, confidence = np.empty(len(events)), np.empty(len(events))
    for i in range(len(events)):
        share[i], confidence[i] = _signal(events[i], cases[i])
    return share, confidence


@njit(cache=True)
def _updated_beliefs(belief, network, confidence, official, smugglers, w_net, w_off, w_smug):
    moved = np.empty(len(belief))
    for i in range(len(belief)):
        moved[i] = _updated(
            belief[i], network[i], confidence[i], official[i], smugglers[i], w_net, w_off, w_smug
        )
    return moved


@njit(cache=True)
def _beliefs_after_news(column, rows, events, cases, official, smugglers, w_net, w_off, w_smug):
    moved = np.empty(len(rows))
    for i in range(len(rows)):
        network, confidence = _signal(events[i], cases[i])
        moved[i] = _updated(
            column[rows[i]], network, confidence, official[i], smugglers[i], w_net, w_off, w_smug
        )
    return moved


def smuggler_return_claim(published_return_rate: float, misinformation: float) -> float:
    """Return risk that smugglers advertise: the published rate, understated."""
    return published_return_rate * (1.0 - misinformation)


def smuggler_job_claim(job_availability: float, misinformation: float) -> float:
    """Job chance that smugglers advertise: the real chance, overstated towards certainty."""
    return job_availability + misinformation * (1.0 - job_availability)


def smuggler_place_claim(published_place_chance: float, misinformation: float) -> float:
    """Chance of a legal place that smugglers advertise: the published chance, disparaged."""
    return published_place_chance * (1.0 - misinformation)


def memory_decay_per_day(half_life_days: float) -> float:
    """Daily factor by which heard news fades, for a half-life in days."""
    return 0.5 ** (1.0 / half_life_days)
