"""Sweep files: which parameters to vary, how, over how many replicates, and with which seeds.

A sweep file is TOML::

    [sweep]
    scenario = "pilot"          # base scenario (a shipped name or a .toml path)
    days = 365                  # horizon of every run
    replicates = 3              # runs per parameter point
    master_seed = 20250806      # every run's seed derives from this
    design = "grid"             # "grid" (every combination), "paired" (the i-th value of every
                                # varied parameter together), "latin_hypercube" or "sobol"
    samples = 20                # latin_hypercube: points; sobol: base samples N (Saltelli's
                                # scheme, N * (parameters + 2) points; a power of 2)
    outputs = ["arrivals", "deterrence_effect"]   # summary metrics to keep (default: all)

    [fixed]                     # overrides applied to every run
    return_cap_growth_per_week = 0.0

    [vary.return_cap_per_week]  # each varied parameter: values, or a range
    values = [0, 50, 100]

    [vary.crackdown_intensity]
    range = { start = 0.0, stop = 1.0, steps = 5 }   # sampled designs: low = .., high = ..

Everything is checked against the parameter declaration before any run starts: unknown keys
and parameters, values out of bounds and malformed files get a one-line error.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from SALib.sample import sobol as sobol_sample
from scipy.stats import qmc

from model.memory_budget import check_memory
from model.metrics import METRICS
from model.parameters import PARAMETERS, ParameterError, validate
from model.run import check_days, has_policy, shared_days
from model.scenarios import load_scenario
from model.toml_files import parse_toml, read_text

DESIGNS = ("grid", "paired", "latin_hypercube", "sobol")
SAMPLED_DESIGNS = ("latin_hypercube", "sobol")
"""Designs that sample points between each varied parameter's low and high."""
MAX_RUNS = 1_000_000


class SweepError(ParameterError):
    """A sweep file that cannot be run; the message is one line."""


@dataclass(frozen=True)
class Run:
    """One run of a sweep: a parameter point, a replicate and its seed."""

    point: int
    replicate: int
    seed: int
    overrides: dict[str, Any]

    @property
    def run_id(self) -> str:
        """A stable name of the run, used for its files in the results store."""
        return f"p{self.point:05d}-r{self.replicate:03d}"


@dataclass(frozen=True)
class SweepSpec:
    """A checked sweep: the base scenario, fixed overrides, the design and the replicates."""

    name: str
    scenario: str
    days: int
    replicates: int
    master_seed: int
    design: str
    fixed: dict[str, Any]
    varied: dict[str, list[Any]]
    samples: int
    outputs: tuple[str, ...] | None
    text: str
    points_without_effect: int = 0
    """Points with a policy whose horizon ends before its first day (their effect is
    undefined), counted when the sweep is checked."""

    def points(self) -> list[dict[str, Any]]:
        """The parameter points of the design, in a fixed order."""
        names = list(self.varied)
        if self.design == "grid":
            combos = itertools.product(*(self.varied[name] for name in names))
            return [dict(zip(names, combo, strict=True)) for combo in combos]
        if self.design == "paired":  # given points, such as posterior draws
            rows = zip(*(self.varied[name] for name in names), strict=True)
            return [dict(zip(names, row, strict=True)) for row in rows]
        if self.design == "sobol":
            scaled = sobol_sample.sample(
                self.sobol_problem(),
                self.samples,
                calc_second_order=False,
                seed=self.master_seed,
            )
        else:
            sampler = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(self.master_seed))
            low = np.array([self.varied[name][0] for name in names], dtype=float)
            high = np.array([self.varied[name][1] for name in names], dtype=float)
            scaled = qmc.scale(sampler.random(self.samples), low, high)
        points = []
        for row in scaled:
            point = {}
            for name, value in zip(names, row.tolist(), strict=True):
                point[name] = PARAMETERS[name].coerce(
                    round(value) if PARAMETERS[name].kind is int else value
                )
            points.append(point)
        return points

    def sobol_problem(self) -> dict[str, Any]:
        """The SALib problem of a sampled design: names and bounds of the varied parameters."""
        return {
            "num_vars": len(self.varied),
            "names": list(self.varied),
            "bounds": [[float(low), float(high)] for low, high in self.varied.values()],
        }

    def replicate_seed(self, replicate: int) -> int:
        """Seed of a replicate, the same at every point (common random numbers across points)."""
        sequence = np.random.SeedSequence([self.master_seed, replicate])
        return int(sequence.generate_state(1, dtype=np.uint32)[0])

    def runs(self) -> list[Run]:
        """Every run of the sweep: each point times each replicate."""
        return [
            Run(point, replicate, self.replicate_seed(replicate), {**self.fixed, **values})
            for point, values in enumerate(self.points())
            for replicate in range(self.replicates)
        ]


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and check a sweep file; raise :class:`SweepError` (one line) if it is not valid."""
    path = Path(path)
    try:
        text = read_text(path)
    except ParameterError as error:
        raise SweepError(f"sweep file {str(path)!r}: {error}") from None
    try:
        return parse_sweep(text, path.stem)
    except SweepError as error:
        raise SweepError(f"sweep file {path.name}: {error}") from None


def parse_sweep(text: str, name: str) -> SweepSpec:
    """Check the TOML ``text`` of a sweep called ``name``; raise :class:`SweepError` (one line).

    Sweep files and the app's sweep page both come through here, so both are checked alike.
    """
    try:
        return _check(parse_toml(text), name, text)
    except ParameterError as error:
        raise SweepError(str(error)) from None


def _check(document: dict, name: str, text: str) -> SweepSpec:
    _only_keys(document, {"sweep", "fixed", "vary"}, "the file")
    sweep = _table(document, "sweep")
    _only_keys(
        sweep,
        {"scenario", "days", "replicates", "master_seed", "design", "samples", "outputs", "name"},
        "[sweep]",
    )
    scenario = str(sweep.get("scenario", "pilot"))
    base = load_scenario(scenario)
    days = check_days(sweep.get("days", 365))
    replicates = _whole(sweep, "replicates", 1, 1, 10_000)
    master_seed = _whole(sweep, "master_seed", 0, 0, 2**63 - 1)
    design = sweep.get("design", "grid")
    if design not in DESIGNS:
        raise SweepError(f"design={design!r} is not valid: allowed are {', '.join(DESIGNS)}")
    fixed = _table(document, "fixed")
    validate({**base, **fixed})
    varied = {
        parameter: _varied_values(parameter, spec, design)
        for parameter, spec in _table(document, "vary").items()
    }
    if not varied:
        raise SweepError("[vary] is empty: allowed is at least one parameter to vary")
    lengths = {len(values) for values in varied.values()}
    if design == "paired" and len(lengths) > 1:
        counts = ", ".join(f"{name}: {len(values)}" for name, values in varied.items())
        raise SweepError(f"a paired design needs as many values for every parameter ({counts})")
    if design == "paired":
        _distinct_points(varied)
    overlap = set(varied) & set(fixed)
    if overlap:
        raise SweepError(f"{sorted(overlap)} both fixed and varied: allowed is one of the two")
    samples = _whole(sweep, "samples", 0, 0, MAX_RUNS)
    if design in SAMPLED_DESIGNS and samples < 1:
        raise SweepError(f"samples is missing: a {design} design needs samples >= 1")
    if design == "sobol" and len(varied) < 2:
        raise SweepError(
            f"a sobol design varies {len(varied)} parameter: allowed are at least 2 (with one, "
            "its indices are not defined; use a grid to see one parameter's effect)"
        )
    grid_runs = math.prod(len(values) for values in varied.values()) * replicates
    if design == "grid" and grid_runs > MAX_RUNS:  # checked before the grid is built
        raise SweepError(f"{grid_runs:,} runs: allowed is at most {MAX_RUNS:,}")
    if design == "sobol" and samples & (samples - 1):
        raise SweepError(f"samples={samples} is not valid: a sobol design needs a power of 2")
    outputs = sweep.get("outputs")
    if outputs is not None and (
        not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs)
    ):
        raise SweepError("outputs must be a list of summary names")
    unknown = [name for name in outputs or () if name not in METRICS]
    if unknown:
        raise SweepError(
            f"outputs {unknown} are not summary metrics: allowed are those of "
            "model/metrics.toml, such as arrivals, deterrence_effect, returns"
        )
    spec = SweepSpec(
        name=str(sweep.get("name", name)),
        scenario=scenario,
        days=days,
        replicates=replicates,
        master_seed=master_seed,
        design=design,
        fixed=fixed,
        varied=varied,
        samples=samples,
        outputs=None if outputs is None else tuple(outputs),
        text=text,
    )
    points = spec.points()
    n_runs = len(points) * replicates
    if n_runs > MAX_RUNS:
        raise SweepError(f"{n_runs:,} runs: allowed is at most {MAX_RUNS:,}")
    undefined = 0
    for point in points:
        values = validate({**base, **fixed, **point})
        # each point runs as a pair (the policy and its counterfactual) held at once
        check_memory(values, days, runs_at_once=2)
        undefined += has_policy(values) and shared_days(values, days) >= days
    asked = [name for name in outputs or () if name in EFFECT_METRICS]
    if asked and undefined:
        raise SweepError(
            f"outputs {asked} are undefined at {undefined} of {len(points)} points: "
            f"their {days} days end before the policy's first day; allowed is a horizon past it"
        )
    return replace(spec, points_without_effect=undefined)


EFFECT_METRICS = frozenset(
    {
        "deterrence_effect",
        "deterrence_effect_during_pilot",
        "crossings_deterred",
        "crossings_deterred_during_pilot",
        "attempts_deterrence_effect",
    }
)
"""Metrics of the policy's effect: undefined when a run ends before the policy acts."""


def _varied_values(parameter: str, spec: Any, design: str) -> list[Any]:
    if parameter not in PARAMETERS:
        raise ParameterError(f"unknown parameter {parameter!r} in [vary]")
    declared = PARAMETERS[parameter]
    if not isinstance(spec, dict):
        raise SweepError(f"[vary.{parameter}] must be a table with 'values' or 'range'")
    if design in SAMPLED_DESIGNS:
        _only_keys(spec, {"low", "high"}, f"[vary.{parameter}]")
        if "low" not in spec or "high" not in spec:
            raise SweepError(f"[vary.{parameter}] needs low and high for a {design} design")
        low, high = declared.coerce(spec["low"]), declared.coerce(spec["high"])
        if not low < high:
            raise SweepError(f"[vary.{parameter}] low={low} must be below high={high}")
        return [low, high]
    _only_keys(spec, {"values", "range"}, f"[vary.{parameter}]")
    if ("values" in spec) == ("range" in spec):
        raise SweepError(f"[vary.{parameter}] needs exactly one of 'values' and 'range'")
    if "values" in spec:
        values = spec["values"]
        if not isinstance(values, list) or not values:
            raise SweepError(f"[vary.{parameter}] values must be a non-empty list")
        coerced = [declared.coerce(value) for value in values]
        # a paired design's points are its rows: one parameter may repeat a value across
        # points that differ in another (a lever mix at several posterior draws)
        return coerced if design == "paired" else _distinct(parameter, coerced)
    bounds = spec["range"]
    if not isinstance(bounds, dict):
        raise SweepError(f"[vary.{parameter}] range must be {{ start, stop, steps }}")
    _only_keys(bounds, {"start", "stop", "steps"}, f"[vary.{parameter}] range")
    steps = _whole(bounds, "steps", 0, 2, 10_000)
    ends = []
    for key, default in (("start", declared.low), ("stop", declared.high)):
        value = bounds.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SweepError(
                f"[vary.{parameter}] range {key}={value!r} is not valid: allowed is "
                f"{declared.allowed()}"
            )
        ends.append(declared.coerce(value))
    if not ends[0] < ends[1]:
        raise SweepError(
            f"[vary.{parameter}] range start={ends[0]} must be below stop={ends[1]}: allowed "
            "is an increasing range"
        )
    grid = np.linspace(float(ends[0]), float(ends[1]), steps)
    if declared.kind is int:
        grid = np.round(grid)
    return _distinct(parameter, [declared.coerce(value) for value in grid.tolist()])


def _distinct(parameter: str, values: list[Any]) -> list[Any]:
    """``values``, refused in one line if any repeats (a range that rounds to the same point)."""
    repeated = [value for value, count in Counter(values).items() if count > 1]
    if repeated:
        shown = ", ".join(map(str, repeated[:5])) + (
            f" (and {len(repeated) - 5} others)" if len(repeated) > 5 else ""
        )
        raise SweepError(
            f"[vary.{parameter}] gives {shown} more than once: allowed are distinct values "
            "(fewer steps, or a wider range, for a whole-number parameter)"
        )
    return values


def _distinct_points(varied: dict[str, list[Any]]) -> None:
    """Refuse, in one line, a paired design whose points (rows) repeat."""
    rows = list(zip(*varied.values(), strict=True))
    first_seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=1):
        if row in first_seen:
            raise SweepError(
                f"paired point {number} repeats point {first_seen[row]} "
                f"({', '.join(f'{name}={value}' for name, value in zip(varied, row, strict=True))}"
                "): allowed are distinct points"
            )
        first_seen[row] = number


def _table(document: dict, key: str) -> dict:
    table = document.get(key, {})
    if not isinstance(table, dict):
        raise SweepError(f"[{key}] must be a table")
    return table


def _only_keys(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise SweepError(
            f"unknown key(s) {unknown} in {where}: allowed are {', '.join(sorted(allowed))}"
        )


def _whole(table: dict, key: str, default: int, low: int, high: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SweepError(
            f"{key}={value!r} is not valid: allowed is a whole number from {low} to {high}"
        )
    return value
