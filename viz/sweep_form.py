"""The sweep page's choices, read from what was typed and checked exactly as sweep files are.

The page's number fields hold text (:class:`SweepForm`): what a person typed is kept as typed,
so a field holding text that is not a number, or a value out of range, is refused in one line
quoting it, and Run stays off until it is put right. A readable form becomes a
:class:`SweepChoice`, written as the TOML text of a sweep file and parsed with
:func:`experiments.engine.spec.parse_sweep`: a sweep started in the browser passes the same
checks as one started from the command line, and the ``sweep.toml`` stored with its results can
be rerun or resumed with ``deterrence sweep``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from experiments.engine.labels import parameter_label
from experiments.engine.spec import EFFECT_METRICS, SweepError, SweepSpec, parse_sweep
from model.parameters import PARAMETERS, ParameterError, validate
from model.run import has_policy, policy_start_date
from model.scenarios import check_shipped, load_scenario

MAX_PAGE_RUNS = 400
"""The most runs a sweep started from the page may have; larger ones belong on the command line."""

RETURN_CAP = "return_cap_per_week"
CAP_GROWTH = "return_cap_growth_per_week"
CRACKDOWN = "crackdown_intensity"
DEFAULT_STEPS = 5
MASTER_SEED = 20250806
"""Seed from which every run's seed derives (the shipped cap-by-crackdown sweep's)."""
MAX_WORKERS = os.cpu_count() or 1
"""The most worker processes a page's sweep may use: one a core."""
DEFAULT_WORKERS = min(2, MAX_WORKERS)

GROUP_TITLES = {
    "policy": "Policy levers",
    "enforcement": "Enforcement",
    "behaviour": "Migrants' behaviour",
    "beliefs": "Beliefs and information",
    "smugglers": "Smugglers",
    "market": "Illegal labour market",
    "arrivals": "Arrivals in France",
    "weather": "Weather",
    "run": "The run",
}
"""The parameter menus' sections, in the order shown: the policy's levers first."""


def numeric_parameters() -> list[str]:
    """Declared parameters a sweep can vary over a range, in the menus' order.

    Grouped as :data:`GROUP_TITLES` orders them (a group not listed there comes last); within a
    group, the live page's levers first, then as declared.
    """
    numeric = [name for name, declared in PARAMETERS.items() if declared.kind in (int, float)]
    order = list(GROUP_TITLES)

    def place(name: str) -> tuple[int, bool]:
        group = PARAMETERS[name].group
        return (order.index(group) if group in order else len(order), not PARAMETERS[name].lever)

    return sorted(numeric, key=place)  # stable: declaration order within a place


def parameter_menu() -> list[dict[str, str]]:
    """The menu of :func:`numeric_parameters` as Vuetify items: a header a group, readable names."""
    items: list[dict[str, str]] = []
    group = None
    for name in numeric_parameters():
        if PARAMETERS[name].group != group:
            group = PARAMETERS[name].group
            items.append({"header": GROUP_TITLES.get(group, group.capitalize())})
        items.append({"text": parameter_label(name), "value": name})
    return items


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


# --- what the controls hold: text as typed ----------------------------------------------------


def _shown_value(parameter: str, value: Any) -> str:
    """A declared value as a field shows it: 5000, 0.25."""
    return _number(parameter, value) if PARAMETERS[parameter].kind is int else f"{value:g}"


@dataclass(frozen=True)
class AxisForm:
    """One varied parameter as its fields hold it: the range's ends and steps as typed."""

    parameter: str
    start: str
    stop: str
    steps: str = str(DEFAULT_STEPS)

    @classmethod
    def spanning(cls, parameter: str) -> AxisForm:
        """The parameter's whole declared range, in the default number of steps."""
        declared = PARAMETERS[parameter]
        return cls(
            parameter,
            _shown_value(parameter, declared.low),
            _shown_value(parameter, declared.high),
        )

    def axis(self) -> Axis:
        """The axis typed, or a one-line :class:`SweepError` quoting what was typed."""
        declared = PARAMETERS[self.parameter]
        name = self.parameter.replace("_", " ")
        start = _typed_value(self.parameter, f"{name}, from", self.start)
        stop = _typed_value(self.parameter, f"{name}, to", self.stop)
        steps = _typed_whole(f"{name}, steps", self.steps, low=2)
        if start == stop:
            raise SweepError(
                f"{name}: from and to are both {self.start.strip()}: a range needs two "
                "different ends"
            )
        span = abs(stop - start)
        if declared.kind is int and steps > span + 1:
            # closer than 1 apart, whole numbers repeat once rounded
            raise SweepError(
                f"{name}: {steps} steps from {self.start.strip()} to {self.stop.strip()} repeat "
                f"values once rounded to whole numbers: allowed are at most {int(span) + 1} steps"
            )
        return Axis(self.parameter, start, stop, steps)


def _typed_number(what: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise SweepError(f'{what}: "{text}" is not a number') from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SweepError(f'{what}: "{text}" is not a number')
    return number


def _typed_value(parameter: str, what: str, text: str) -> float:
    """A parameter's value as typed, checked against its declaration; the error quotes ``text``."""
    number = _typed_number(what, text)
    declared = PARAMETERS[parameter]
    try:
        declared.coerce(number)
    except ParameterError:
        outside = not declared.low <= number <= declared.high
        problem = "is out of range" if outside else "is not valid"
        raise SweepError(
            f'{what}: "{text.strip()}" {problem}: allowed is {declared.allowed()}'
        ) from None
    return number


def _typed_whole(what: str, text: str, low: int, high: int | None = None) -> int:
    """A whole number as typed, from ``low`` (to ``high``); the error quotes ``text``."""
    number = _typed_number(what, text)
    if not number.is_integer() or number < low or (high is not None and number > high):
        allowed = f"from {low} to {high}" if high is not None else f">= {low}"
        raise SweepError(
            f'{what}: "{text.strip()}" is not valid: allowed is a whole number {allowed}'
        )
    return int(number)


@dataclass(frozen=True)
class SweepForm:
    """What the sweep page's controls hold, numbers as typed; kept per browser session."""

    scenario: str = "pilot"
    first: AxisForm = field(default_factory=lambda: AxisForm.spanning(RETURN_CAP))
    second: AxisForm | None = field(default_factory=lambda: AxisForm.spanning(CRACKDOWN))
    replicates: str = "2"
    days: str = "365"
    workers: str = str(DEFAULT_WORKERS)
    metric: str = "deterrence_effect"

    def choice(self) -> SweepChoice:
        """The sweep the form asks for, or a one-line :class:`SweepError` quoting the field."""
        axes = tuple(axis.axis() for axis in (self.first, self.second) if axis is not None)
        return SweepChoice(
            self.scenario,
            axes,
            replicates=_typed_whole("Replicates", self.replicates, low=1),
            days=_typed_whole("Days", self.days, low=1),
        )

    def worker_count(self, cores: int) -> int:
        """The workers typed, from 1 to ``cores``; a one-line :class:`SweepError` otherwise."""
        return _typed_whole("Workers", self.workers, low=1, high=cores)


def horizon_problem(spec: SweepSpec) -> str:
    """Why the sweep's horizon leaves its effect undefined at some points ('' if it does not).

    A run that ends before the policy's first day has no effect to measure: its deterrence is
    undefined, and its heatmap cell would stay blank without a word.
    """
    if not spec.points_without_effect:
        return ""
    base = {**load_scenario(spec.scenario), **spec.fixed}
    latest = max(
        (
            policy_start_date(values) - values["start_date"]
            for values in (validate({**base, **point}) for point in spec.points())
            if has_policy(values)
        ),
        default=None,
    )
    needed = f" (at least {latest.days + 1} days)" if latest is not None else ""
    return (
        f"{spec.points_without_effect} of {len(spec.points())} points end before the policy's "
        f"first day: with {spec.days} days their effect is undefined; allowed is a horizon past "
        f"the policy's start{needed}"
    )


def refuses_effect(metric: str) -> bool:
    """Whether ``metric`` measures the policy's effect (undefined before the policy acts)."""
    return metric in EFFECT_METRICS
