"""Named scenarios: parameter overrides shipped as TOML files in ``model/scenarios/``.

A scenario file holds a ``description`` and a ``[parameters]`` table of overrides; every
parameter it does not name keeps its declared default (``model.parameters``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.parameters import ParameterError, validate
from model.toml_files import parse_toml, read_text

SCENARIO_DIR = Path(__file__).parent / "scenarios"


def scenario_names() -> list[str]:
    """Names of the shipped scenarios."""
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))


def check_shipped(name: object) -> str:
    """``name`` if it names a shipped scenario; else a one-line refusal.

    The app takes scenario names from the browser, which must never reach a file path: a
    crafted name such as ``../x.toml`` would otherwise read a file outside ``scenarios/``.
    """
    if not isinstance(name, str) or name not in scenario_names():
        raise ParameterError(
            f"scenario {str(name)[:60]!r} is not a shipped scenario: allowed are "
            + ", ".join(scenario_names())
        )
    return name


def scenario_path(name_or_path: str | Path) -> Path:
    """Resolve a shipped scenario name or a path to a scenario file (checked when read)."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        return path
    # the name is matched against the shipped list, never made into a path to try
    if str(name_or_path) not in scenario_names():
        raise ParameterError(
            f"unknown scenario {str(name_or_path)!r}: allowed are "
            + ", ".join(scenario_names())
            + " or a path to a .toml file"
        )
    return SCENARIO_DIR / f"{name_or_path}.toml"


def load_scenario(name_or_path: str | Path) -> dict[str, Any]:
    """Return the scenario's overrides, checked against the parameter declaration."""
    path = scenario_path(name_or_path)
    try:
        document = parse_toml(read_text(path))
    except ParameterError as error:
        raise ParameterError(f"scenario file {str(path)!r}: {error}") from None
    unknown_keys = set(document) - {"description", "parameters"}
    if unknown_keys:
        raise ParameterError(
            f"scenario file {path.name} has unknown key(s) {sorted(unknown_keys)}: "
            "allowed are 'description' and a [parameters] table"
        )
    overrides = document.get("parameters", {})
    if not isinstance(overrides, dict):
        raise ParameterError(f"scenario file {path.name}: 'parameters' must be a table")
    try:
        validate(overrides)
    except ParameterError as error:
        raise ParameterError(f"scenario file {path.name}: {error}") from None
    return dict(overrides)


def scenario_description(name_or_path: str | Path) -> str:
    """The one-paragraph description a scenario file carries."""
    document = parse_toml(read_text(scenario_path(name_or_path)))
    return str(document.get("description", ""))


def scenario_parameters(name_or_path: str | Path, **overrides: Any) -> dict[str, Any]:
    """All parameter values of a scenario, with further ``overrides`` applied and checked."""
    return validate({**load_scenario(name_or_path), **overrides})
