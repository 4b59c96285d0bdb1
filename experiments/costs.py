"""Costs of a policy run: per return, per deterred crossing, and the break-even cost per return.

The cost parameters are declared in ``experiments/costs.toml`` (default, bounds, unit,
source), as the model's parameters are; they change no run, they price its counts. A returned
person and a person who does not come both save the support cost of an arrival; a person
admitted by the legal route costs ``cost_per_legal_admission_gbp``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from model.parameters import ParameterError, load_declaration

COSTS = load_declaration(Path(__file__).with_name("costs.toml"))
"""The cost parameters by name."""


def cost_parameters(overrides: Mapping[str, Any] | None = None) -> dict[str, float]:
    """Every cost parameter, with ``overrides`` checked against the declaration."""
    values = {name: parameter.default for name, parameter in COSTS.items()}
    for name, value in (overrides or {}).items():
        if name not in COSTS:
            raise ParameterError(f"unknown cost parameter {name!r}: allowed are {', '.join(COSTS)}")
        values[name] = COSTS[name].coerce(value)
    return values


def policy_costs(
    returns: float,
    legal_admissions: float,
    crossings_deterred: float,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, float]:
    """What the policy spends and saves, in GBP, from a run's (or a mean run's) counts.

    - spent: returns x cost per return + legal admissions x cost per admission;
    - saved: (crossings deterred + returns) x support cost per person;
    - cost per deterred crossing: spent / crossings deterred (NaN if none was deterred);
    - break-even cost per return: the cost per return at which spent equals saved.
    """
    costs = cost_parameters(overrides)
    spent = (
        returns * costs["cost_per_return_gbp"]
        + legal_admissions * costs["cost_per_legal_admission_gbp"]
    )
    saved = (crossings_deterred + returns) * costs["support_cost_per_person_gbp"]
    return {
        "cost_per_return_gbp": costs["cost_per_return_gbp"],
        "spent_gbp": spent,
        "saved_gbp": saved,
        "net_cost_gbp": spent - saved,
        "cost_per_deterred_crossing_gbp": (
            spent / crossings_deterred if crossings_deterred > 0 else math.nan
        ),
        "break_even_cost_per_return_gbp": (
            (saved - legal_admissions * costs["cost_per_legal_admission_gbp"]) / returns
            if returns > 0
            else math.nan
        ),
    }
