"""The sweep page's choices, written as a sweep file and checked exactly as sweep files are.

The page turns what its controls say into the TOML text of a sweep file and parses it with
:func:`experiments.engine.spec.parse_sweep`: a sweep started in the browser passes the same checks
as one started from the command line, and the ``sweep.toml`` stored with its results can be
rerun or resumed with ``deterrence sweep``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from experiments.engine.spec import SweepError, SweepSpec, parse_sweep
from model.parameters import PARAMETERS, ParameterError
from model.scenarios import check_shipped

MAX_PAGE_RUNS = 400
"""The most runs a sweep started from the page may have; larger ones belong on the command line."""

RETURN_CAP = "return_cap_per_week"
CAP_GROWTH = "return_cap_growth_per_week"
CRACKDOWN = "crackdown_intensity"
DEFAULT_STEPS = 5
MASTER_SEED = 20250806
"""Seed from which every run's seed derives (the shipped cap-by-crackdown sweep's)."""


def numeric_parameters() -> list[str]:
    """Declared parameters that a sweep can vary over a range: the whole and real numbers."""
    return [name for name, declared in PARAMETERS.items() if declared.kind in (int, float)]


@dataclass(frozen=True)
class Axis:
    """One varied parameter: from ``start`` to ``stop`` in ``steps`` evenly spaced values."""

    parameter: str
    start: float
    stop: float
    steps: int = DEFAULT_STEPS

    @classmethod
    def spanning(cls, parameter: str, steps: int = DEFAULT_STEPS) -> Axis:
        """The parameter's whole declared range."""
        declared = PARAMETERS[parameter]
        return cls(parameter, declared.low, declared.high, steps)

    def toml(self) -> str:
        """The ``[vary.<parameter>]`` table of a sweep file."""
        start, stop = _number(self.parameter, self.start), _number(self.parameter, self.stop)
        return (
            f"[vary.{self.parameter}]\n"
            f"range = {{ start = {start}, stop = {stop}, steps = {self.steps} }}\n"
        )


def _number(parameter: str, value: float) -> str:
    """A value as TOML: whole numbers of whole-number parameters without a decimal point."""
    number = float(value)
    if PARAMETERS[parameter].kind is int and number.is_integer():
        return str(int(number))
    return repr(number)


@dataclass(frozen=True)
class SweepChoice:
    """Everything the page's controls choose about a sweep (what to run, not how)."""

    scenario: str = "pilot"
    axes: tuple[Axis, ...] = field(
        default_factory=lambda: (Axis.spanning(RETURN_CAP), Axis.spanning(CRACKDOWN))
    )
    replicates: int = 2
    days: int = 365
    master_seed: int = MASTER_SEED

    @property
    def varied(self) -> list[str]:
        """The varied parameters, in the order of the axes."""
        return [axis.parameter for axis in self.axes]

    def fixes_cap_growth(self) -> bool:
        """Whether the cap's growth is fixed at 0, so that each point keeps its return cap."""
        return RETURN_CAP in self.varied and CAP_GROWTH not in self.varied

    def planned_runs(self) -> int:
        """Points times replicates, as asked (before any check)."""
        runs = self.replicates
        for axis in self.axes:
            runs *= axis.steps
        return runs

    def toml(self) -> str:
        """The sweep file of this choice."""
        header = "\n".join(
            [
                "# A sweep made on the app's sweep page. Rerun or resume it with",
                "#   deterrence sweep <this file> --out <its results folder>",
                "[sweep]",
                f"scenario = {json.dumps(self.scenario)}",
                f"days = {self.days}",
                f"replicates = {self.replicates}",
                f"master_seed = {self.master_seed}",
                'design = "grid"',
            ]
        )
        tables = [header + "\n"]
        if self.fixes_cap_growth():
            tables.append(f"[fixed]\n{CAP_GROWTH} = 0.0\n")
        tables += [axis.toml() for axis in self.axes]
        return "\n".join(tables)


def build_spec(choice: SweepChoice) -> SweepSpec:
    """The checked sweep of ``choice``; raises :class:`SweepError` (one line) if it can't run."""
    if not 1 <= len(choice.axes) <= 2:
        raise SweepError("choose one or two parameters to vary")
    try:
        check_shipped(choice.scenario)
    except ParameterError as error:
        raise SweepError(str(error)) from None
    if len(set(choice.varied)) < len(choice.varied):
        raise SweepError(f"{choice.varied[0]} is chosen twice: choose two different parameters")
    # Checked before parsing, which would build every point of a huge grid.
    runs = choice.planned_runs()
    if runs > MAX_PAGE_RUNS:
        raise SweepError(
            f"{runs:,} runs: the page runs at most {MAX_PAGE_RUNS} "
            "(fewer steps or replicates, or run larger sweeps with `deterrence sweep`)"
        )
    return parse_sweep(choice.toml(), "sweep")
