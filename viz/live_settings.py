"""What a live run is set to: scenario, seed and levers; as a link, as a scenario file, in words.

A :class:`LiveSettings` is what the live page's controls show (pending) or what its run uses
(applied). It travels in the page's URL query (``?scenario=pilot&seed=1&return_cap_per_week=
400``: only the levers that differ from the scenario's values), and exports as a scenario TOML
file that ``deterrence run --scenario FILE`` reads.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from agents.returns import returns_on
from model.parameters import PARAMETERS, ParameterError, check_seed
from model.scenarios import check_shipped, scenario_description, scenario_parameters

LEVERS = tuple(
    sorted(
        (name for name, declared in PARAMETERS.items() if declared.lever),
        key=lambda name: PARAMETERS[name].group != "policy",  # policy first, else as declared
    )
)
"""The controls on the live page: the parameters declared ``lever = true``."""

DEFAULT_SCENARIO = "pilot"
DEFAULT_SEED = 1


def scenario_defaults(scenario: str) -> dict[str, Any]:
    """Every lever's value in a scenario (its override, else the declared default)."""
    values = scenario_parameters(check_shipped(scenario))
    return {name: values[name] for name in LEVERS}


@dataclass(frozen=True)
class LiveSettings:
    """A scenario, a seed and every lever's value."""

    scenario: str = DEFAULT_SCENARIO
    seed: Any = DEFAULT_SEED  # as typed; checked when applied
    levers: dict[str, Any] = field(default_factory=lambda: scenario_defaults(DEFAULT_SCENARIO))

    @classmethod
    def of_scenario(cls, scenario: str, seed: Any = DEFAULT_SEED) -> LiveSettings:
        """A scenario with its own lever values."""
        return cls(scenario, seed, scenario_defaults(scenario))

    def with_lever(self, name: str, value: Any) -> LiveSettings:
        """The same settings with one lever moved."""
        return LiveSettings(self.scenario, self.seed, {**self.levers, name: value})

    def parameters(self) -> dict[str, Any]:
        """Every parameter's value (raises ParameterError on a bad combination)."""
        return scenario_parameters(check_shipped(self.scenario), **self.levers)

    def moved_levers(self) -> dict[str, Any]:
        """The levers whose value differs from the scenario's own."""
        own = scenario_defaults(self.scenario)
        return {name: value for name, value in self.levers.items() if own[name] != value}


def shown(value: Any) -> str:
    """A value as the page and a link write it: dates in ISO form, numbers briefly."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def changes(before: LiveSettings, after: LiveSettings) -> list[str]:
    """What differs from ``before`` to ``after``, one phrase a setting ("seed 1 → 2")."""
    said = []
    if after.scenario != before.scenario:
        said.append(f"scenario {before.scenario} → {after.scenario}")
    if after.seed != before.seed:
        said.append(f"seed {before.seed} → {after.seed}")
    for name in LEVERS:
        old, new = before.levers[name], after.levers[name]
        if old != new:
            said.append(f"{name.replace('_', ' ')} {shown(old)} → {shown(new)}")
    return said


def to_query(settings: LiveSettings) -> str:
    """The settings as a URL query: scenario, seed and the levers moved from the scenario's."""
    pairs = {"scenario": settings.scenario, "seed": str(settings.seed)}
    pairs.update({name: shown(value) for name, value in settings.moved_levers().items()})
    return urlencode(pairs)


def from_query(query: str) -> LiveSettings:
    """The settings a URL query names (the scenario's own for levers it does not name).

    Raises ParameterError (one line) for an unknown key or a bad value.
    """
    pairs = dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
    unknown = sorted(set(pairs) - {"scenario", "seed", *LEVERS})
    if unknown:
        raise ParameterError(
            f"the link's setting {unknown[0]!r} is unknown: allowed are scenario, seed and the "
            "live page's levers"
        )
    scenario = check_shipped(pairs.get("scenario", DEFAULT_SCENARIO))
    seed_text = pairs.get("seed", str(DEFAULT_SEED))
    try:
        seed = int(seed_text)
    except ValueError:
        raise ParameterError(
            f"seed={seed_text!r} is not valid: allowed is a whole number >= 0"
        ) from None
    check_seed(seed)
    levers = scenario_defaults(scenario)
    for name in set(pairs) & set(LEVERS):
        levers[name] = PARAMETERS[name].coerce(pairs[name])
    settings = LiveSettings(scenario, seed, levers)
    settings.parameters()  # the combination must be valid too
    return settings


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def scenario_toml(settings: LiveSettings, days: int) -> str:
    """A scenario file for ``deterrence run --scenario FILE``: every value not at its default.

    The seed and the days are not parameters: a comment gives the command that repeats the run.
    """
    parameters = settings.parameters()
    description = (
        f"Exported from the live page: scenario {settings.scenario}, seed {settings.seed}"
        + (
            f", levers moved: {', '.join(changes_from_scenario(settings))}."
            if settings.moved_levers()
            else "."
        )
        + " "
        + scenario_description(settings.scenario).replace("\n", " ")
    )
    lines = [
        f"# deterrence run --scenario FILE --seed {settings.seed} --days {max(days, 1)}",
        f"description = {json.dumps(description, ensure_ascii=False)}",
        "",
        "[parameters]",
    ]
    for name, declared in PARAMETERS.items():
        if parameters[name] != declared.default or name in LEVERS:
            lines.append(f"{name} = {_toml_value(parameters[name])}")
    return "\n".join(lines) + "\n"


def changes_from_scenario(settings: LiveSettings) -> list[str]:
    """The levers moved from the scenario's own values, as phrases."""
    return changes(LiveSettings.of_scenario(settings.scenario, settings.seed), settings)


def policy_dates(parameters: dict[str, Any]) -> list[tuple[str, dt.date]]:
    """The policy's dated events within the run, in order: (what happens, date).

    Empty when no policy lever is on (the baseline): then nothing changes on any date.
    """
    events: list[tuple[str, dt.date]] = []
    if returns_on(parameters):
        events += [
            ("pilot starts", parameters["pilot_start_date"]),
            ("first returns", parameters["first_return_date"]),
            ("pilot ends", parameters["pilot_end_date"]),
        ]
    if parameters["crackdown_intensity"] > 0:
        events.append(("crackdown starts", parameters["crackdown_start_date"]))
    start = parameters["start_date"]
    return sorted((event for event in events if event[1] >= start), key=lambda event: event[1])


def timeline_text(settings: LiveSettings) -> str:
    """The scenario's dates in words, each with its day of the run."""
    parameters = settings.parameters()
    start = parameters["start_date"]
    said = [f"the run starts on {start.isoformat()} (day 0)"]
    for what, date in policy_dates(parameters):
        said.append(f"{what} {date.isoformat()} (day {(date - start).days})")
    if len(said) == 1:
        said.append("no policy acts in this scenario")
    return "Timeline: " + "; ".join(said) + "."
