"""A run's memory, estimated from its parameters before it starts, against a declared limit.

Memory grows with the people who reach the coast (each is a row of the population's columns
and of the network's table), so it follows the flow, its scale and the horizon. A run whose
estimate passes the limit is refused in one line before anything is simulated, instead of
failing hours later or taking the machine down.

The estimate is deliberately on the high side: the bytes of a person's row times
``TRANSIENT_FACTOR`` (arrays regrown, the daily phases' temporaries), plus the ties beyond the
network table's width, plus ``BASE_MIB`` for the interpreter and libraries. Measured peaks
(``benchmarks/benchmark_core.py`` and ``/usr/bin/time``): a year at 25x the flow, 1,007 MiB,
estimated 1,177 MiB; 30 days at 50x and 20,000 a week, 1,714 MiB, estimated 3,234 MiB.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from model.parameters import ParameterError

LIMIT_VARIABLE = "DETERRENCE_MEMORY_LIMIT_GIB"
"""Environment variable that sets the limit (GiB); the default is ``DEFAULT_LIMIT_GIB``."""
DEFAULT_LIMIT_GIB = 12.0
"""The default limit: half the 24 GiB of the CI machine, so that two runs fit side by side."""
BASE_MIB = 250.0
"""Python, numpy, pandas, Mesa and the model's fixed parts (MiB)."""
BYTES_PER_PERSON = 137 + 16 * 4 + 4
"""A person's row: the population's columns (137 bytes), the network table (16 ties of 4
bytes) and the degree."""
BYTES_PER_EXTRA_TIE = 2 * 2 * 4
"""A tie beyond the table, held under both its people, as two 4-byte numbers each."""
TRANSIENT_FACTOR = 3.5
"""Peak over resident rows: a regrown array lives beside its copy, and the daily phases make
temporaries the size of the coast or the population."""


class MemoryBudgetError(ParameterError):
    """A run that would need more memory than the declared limit (a one-line message)."""


def limit_gib() -> float:
    """The declared limit in GiB, from ``DETERRENCE_MEMORY_LIMIT_GIB`` or the default."""
    text = os.environ.get(LIMIT_VARIABLE)
    if text is None:
        return DEFAULT_LIMIT_GIB
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise MemoryBudgetError(
            f"{LIMIT_VARIABLE}={text!r} is not valid: allowed is a number of GiB above 0"
        )
    return value


def people_by(parameters: Mapping[str, Any], days: int) -> float:
    """People expected on the coast or past it by ``days`` (every arrival stays a row)."""
    flow = parameters["arrivals_per_week"] / 7.0 * days + parameters["initial_waiting_in_france"]
    return flow * parameters["migrant_flow_scale"]


def estimated_peak_mib(parameters: Mapping[str, Any], days: int, runs_at_once: int = 1) -> float:
    """Estimated peak memory (MiB) of ``runs_at_once`` runs of ``days`` held together."""
    people = people_by(parameters, days)
    extra_ties = max(parameters["contacts_per_newcomer"] - 8, 0)  # beyond half the table
    per_run = people * (BYTES_PER_PERSON + extra_ties * BYTES_PER_EXTRA_TIE) * TRANSIENT_FACTOR
    return BASE_MIB + runs_at_once * per_run / 2**20


def check_memory(parameters: Mapping[str, Any], days: int, runs_at_once: int = 1) -> None:
    """Refuse, in one line, runs whose estimated peak passes the declared limit."""
    estimate = estimated_peak_mib(parameters, days, runs_at_once)
    limit = limit_gib()
    if estimate > limit * 1024:
        people = people_by(parameters, days)
        raise MemoryBudgetError(
            f"the run would need about {estimate / 1024:.1f} GiB ({people:,.0f}"
            f" people by day {days} at arrivals_per_week={parameters['arrivals_per_week']:g} x "
            f"migrant_flow_scale={parameters['migrant_flow_scale']:g}"
            + (f", {runs_at_once} runs at once" if runs_at_once > 1 else "")
            + f"): allowed is at most {limit:g} GiB (set {LIMIT_VARIABLE}, or shorten the run "
            "or lower the flow)"
        )
