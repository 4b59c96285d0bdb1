"""Beliefs about return risk and job chances, learned from contacts, officials and smugglers.

Pure functions on arrays. Each belief moves daily towards three signals, each with a weight
that is a model parameter (``belief_weight_network``, ``belief_weight_official``,
``belief_weight_smugglers``). The network signal counts only as much as a migrant has heard.
"""

from __future__ import annotations

import numpy as np

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
    cases = np.maximum(heard_cases, 0.0)
    heard = cases > 0
    # Divide everyone (by 1 where nothing was heard), then zero the unheard: a masked divide
    # (``where=``) takes a slow path in numpy.
    share = heard_events / np.where(heard, cases, 1.0)
    share[~heard] = 0.0
    confidence = cases / (cases + NEWS_FOR_HALF_CONFIDENCE)
    return np.clip(share, 0.0, 1.0, out=share), confidence


def update_beliefs(
    belief: np.ndarray,
    network: np.ndarray,
    network_confidence: np.ndarray,
    official: float,
    smugglers: float,
    weight_network: float,
    weight_official: float,
    weight_smugglers: float,
) -> np.ndarray:
    """One day's update: a weighted move of each belief towards the three signals.

    Weights are per day; when they add up to more than 1 they are scaled down to sum to 1,
    so a belief never overshoots and stays a probability.
    """
    w_network = weight_network * network_confidence
    total = w_network + (weight_official + weight_smugglers)
    # b + sum_k w_k (s_k - b), divided through by the total weight when it exceeds 1.
    pull = w_network * network + (weight_official * official + weight_smugglers * smugglers)
    pull -= total * belief
    pull /= np.maximum(total, 1.0)
    pull += belief
    return np.clip(pull, 0.0, 1.0, out=pull)


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
