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
    signals = [_per_person(signal, len(belief)) for signal in (
        network, network_confidence, official, smugglers)]  # fmt: skip
    return _updated_beliefs(belief, *signals, weight_network, weight_official, weight_smugglers)


def learn_from_news(
    rows: np.ndarray,
    heard: tuple[np.ndarray, ...],
    beliefs: tuple[np.ndarray, np.ndarray, np.ndarray],
    group: np.ndarray,
    official: np.ndarray,
    smugglers: np.ndarray,
    weights: tuple[float, float, float],
    own_return_risk: tuple[np.ndarray, float],
) -> np.ndarray:
    """Today's update of the three beliefs of ``rows``, in place; returns them, one row each.

    The population's columns are given whole: ``heard`` are the six news counts in the order
    crossed, returned, job found, job failed, admitted, not selected; ``beliefs`` the return,
    job and place beliefs; ``group`` everyone's group. ``official`` and ``smugglers`` hold the
    signals of each belief (row) for each group (column); ``weights`` those of the network,
    the officials and the smugglers. ``own_return_risk`` is everyone's number of returns and
    the least return belief of those returned before (0: none). Each belief is
    :func:`network_signal` then :func:`update_beliefs`, person by person in one compiled pass:
    the learning phase's numpy calls cost more than its arithmetic.
    """
    times_returned, least_belief = own_return_risk
    return _learn_from_news(
        rows, heard, beliefs, group, official, smugglers, *weights, times_returned, least_belief
    )


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


def _per_person(values: float | np.ndarray, people: int) -> np.ndarray:
    """A signal as one float a person (np.broadcast_to costs ten times more here)."""
    if np.ndim(values) == 0:
        return np.full(people, values, dtype=float)
    return np.asarray(values, dtype=float)


# The rules, one person at a time, compiled with numba. Each operation is numpy's, in the
# order the numpy version of these rules used, so the results are the same to the last bit
# (numba contracts no multiply-add and keeps IEEE arithmetic). Comparisons are written as
# numpy's maximum and clip make them, signed zeros and NaN included. A compiled function calls
# only compiled functions of its own module: numba renews a cached compilation when its own
# file changes, not when another module's does.
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
def _learn_from_news(
    rows, heard, beliefs, group, official, smugglers, w_net, w_off, w_smug, returns, least
):
    crossed, returned, found, failed, admitted, not_selected = heard
    moved = np.empty((3, len(rows)))
    for i in range(len(rows)):
        row, g = rows[i], group[rows[i]]
        events = (returned[row], found[row], admitted[row])
        cases = (crossed[row], found[row] + failed[row], admitted[row] + not_selected[row])
        for b in range(3):
            network, confidence = _signal(events[b], cases[b])
            belief = _updated(
                beliefs[b][row], network, confidence, official[b, g], smugglers[b, g],
                w_net, w_off, w_smug,
            )  # fmt: skip
            if b == 0 and least > 0.0 and returns[row] > 0 and belief < least:
                belief = least  # as numpy's maximum: a NaN stays
            beliefs[b][row] = belief
            moved[b, i] = belief
    return moved
