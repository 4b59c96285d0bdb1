"""The model's parameters, declared once in ``parameters.toml`` and checked here.

Every parameter has a default, bounds, a unit, a group and a source or rationale. The model's
keyword arguments, the scenario files, the command line, sweep files, the app's controls and
the parameter table in ``docs/ODD.md`` are all generated from :data:`PARAMETERS`.
"Assumption" marks a value that no public figure fixes: the behaviour parameters that
calibration tunes.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.errors import ParameterError  # also imported from here by the rest of the code


@dataclass(frozen=True)
class Parameter:
    """One model parameter: its default, bounds, unit and where its value comes from."""

    name: str
    default: Any
    low: Any
    high: Any
    unit: str
    group: str
    description: str
    source: str
    lever: bool = False
    """Whether the app's live page shows it as a control (``lever = true`` in the file)."""

    @property
    def kind(self) -> type:
        """The Python type of the value: float, int, bool or datetime.date."""
        return type(self.default)

    def allowed(self) -> str:
        """Describe the allowed values, for error messages and docs."""
        if self.kind is bool:
            return "true or false"
        if self.kind is dt.date:
            return f"a date from {self.low.isoformat()} to {self.high.isoformat()}"
        return f"a number from {self.low} to {self.high}" + (" (whole)" if self.kind is int else "")

    def coerce(self, value: Any) -> Any:
        """Return ``value`` as this parameter's type, or raise :class:`ParameterError`."""
        try:
            coerced = _coerce(self.kind, value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"{self.name}={_shown(value)} is not valid: allowed is {self.allowed()}"
            ) from None
        if self.kind is not bool and not (self.low <= coerced <= self.high):
            raise ParameterError(
                f"{self.name}={_shown(value)} is out of range: allowed is {self.allowed()}"
            )
        return coerced


def _shown(value: Any) -> str:
    """A value as a user wrote it: dates in ISO form, text quoted."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def check_seed(seed: Any) -> int:
    """The random seed, or a one-line :class:`ParameterError`."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed={seed!r} is not valid: allowed is a whole number >= 0")
    return seed


def _coerce(kind: type, value: Any) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        raise ValueError(value)
    if kind is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value).strip())
    if isinstance(value, bool):
        raise TypeError(value)
    if kind is int:
        number = float(value)
        if not number.is_integer():
            raise ValueError(value)
        return int(number)
    number = float(value)
    if number != number:  # NaN is never a valid parameter value
        raise ValueError(value)
    return number


PARAMETER_FILE = Path(__file__).parent / "parameters.toml"
_FIELDS = ("default", "low", "high", "unit", "group", "description", "source")


def load_declaration(path: Path) -> dict[str, Parameter]:
    """Read a declaration file; a malformed entry is a programming error, said plainly."""
    declared = tomllib.loads(path.read_text())
    parameters = {}
    for name, entry in declared.items():
        missing = [field for field in _FIELDS if field not in entry]
        if missing:
            raise ValueError(f"{path.name}: parameter {name!r} lacks {missing}")
        unknown = sorted(set(entry) - {*_FIELDS, "lever"})
        if unknown:
            raise ValueError(f"{path.name}: parameter {name!r} has unknown fields {unknown}")
        parameter = Parameter(
            name, *(entry[field] for field in _FIELDS), lever=bool(entry.get("lever", False))
        )
        parameter.coerce(parameter.default)  # the default itself must be within bounds
        parameters[name] = parameter
    return parameters


PARAMETERS: dict[str, Parameter] = load_declaration(PARAMETER_FILE)
"""Every model parameter by name, in the order of the declaration file."""


def validate(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return all parameters with ``overrides`` applied, each coerced and range-checked.

    Raises:
        ParameterError: for an unknown name or a value outside its bounds (one line).
    """
    values = {name: p.default for name, p in PARAMETERS.items()}
    for name, value in overrides.items():
        if name not in PARAMETERS:
            raise ParameterError(f"unknown parameter {name!r}: {_suggest(name)}")
        values[name] = PARAMETERS[name].coerce(value)
    _check_consistency(values)
    return values


def _check_consistency(values: Mapping[str, Any]) -> None:
    if values["first_return_date"] < values["pilot_start_date"]:
        raise ParameterError(
            f"first_return_date={values['first_return_date']} is before "
            f"pilot_start_date={values['pilot_start_date']}: allowed is a first return on or "
            "after the pilot's start"
        )
    _check_record_follows(values)
    from model.nationality_mix import check_mix_year  # its rows import this module

    check_mix_year(values["nationality_mix_year"])
    if values["max_people_per_boat"] < values["initial_people_per_boat"]:
        raise ParameterError(
            f"max_people_per_boat={values['max_people_per_boat']} is below "
            f"initial_people_per_boat={values['initial_people_per_boat']}: allowed is a "
            "maximum at least the initial load"
        )
    if values["max_worker_detection_per_week"] < values["base_worker_detection_per_week"]:
        raise ParameterError(
            f"max_worker_detection_per_week={values['max_worker_detection_per_week']} is below "
            f"base_worker_detection_per_week={values['base_worker_detection_per_week']}: "
            "allowed is a maximum at least the base"
        )


def _check_record_follows(values: Mapping[str, Any]) -> None:
    """A pilot that follows the record must start returning before the record's first date."""
    if not values["returns_follow_record"]:
        return
    from model.pilot_record import pilot_record  # the record's rows import this module

    first_reported = pilot_record().dates[0]
    if values["first_return_date"] >= first_reported:
        raise ParameterError(
            f"first_return_date={values['first_return_date']} is not before the record's first "
            f"reported returns ({first_reported}): allowed with returns_follow_record=true is a "
            f"first return up to {first_reported - dt.timedelta(days=1)}"
        )


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, PARAMETERS, n=3)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "see `deterrence params` for the list"


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``NAME=VALUE`` from the command line into a checked (name, value) pair."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ParameterError(f"--set {text!r} is malformed: allowed is NAME=VALUE")
    if name not in PARAMETERS:
        raise ParameterError(f"unknown parameter {name!r}: {_suggest(name)}")
    return name, PARAMETERS[name].coerce(value)
