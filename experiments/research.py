"""Research experiments: each a folder ``experiments/<name>/`` with a config, a script, results.

An experiment's ``config.toml`` names its question and holds one or more sweeps, each written
as a sweep file's sections (see :mod:`experiments.engine.spec`) under ``[sweeps.<name>]``::

    [experiment]
    title = "The pilot as announced against no pilot"
    question = "How many crossings does the pilot deter, and how sure is that?"

    [sweeps.pilot.sweep]
    scenario = "pilot"
    days = 546
    replicates = 20

    [sweeps.pilot.vary.return_cap_per_week]
    values = [0, 50]

    [ci.sweeps.pilot.sweep]    # the reduced size that CI runs: merged over the full size
    replicates = 2

Sizes: ``full`` is the experiment as reported; ``ci`` is the same experiment through the same
code, reduced (few seeds, short horizons) so that CI can run every experiment end to end. Each
sweep's effective file is written to ``results/<size>/<sweep>.toml`` and run there with the
sweep machinery, so it resumes like any sweep and ``deterrence sweep`` can rerun it as is.

The experiment's ``run.py`` turns the sweeps' results into a :class:`Finding`: figures, tables
and a short interpretation, which ``deterrence report`` collects (``analyse``). A ``run.py``
may also define ``sweeps(experiment)``, returning the sweeps' sections built from the config in
code, when writing them out by hand would repeat them, ``compute(experiment, workers)``,
for work that is not a sweep (the calibration's ABC-SMC), run before the analysis, and
``check_inputs(experiment)``, which refuses in one line when something the experiment reads but
does not make (the emulator's committed training sweep) is missing: the report asks every
experiment before it runs any, so that it does not stop after an hour for want of a file.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from experiments.engine.runner import run_sweep
from experiments.engine.spec import SweepError, load_sweep

SIZES = ("ci", "full")
EXPERIMENTS_DIR = Path(__file__).resolve().parent
EXPERIMENTS = (
    "calibration",
    "pilot_effect",
    "albania_backcast",
    "break_even_cap",
    "crackdown_alone",
    "information",
    "displacement",
    "sensitivity",
    "cost_frontier",
    "break_even_conditions",
    "validation",
)
"""The research experiments, in the order they run (each a folder of this package): the
calibration first, since the others run over its posterior; the validation last, since it
fits a calibration of its own for each window and needs none of the others."""

REPORT_ORDER = (
    "pilot_effect",
    "albania_backcast",
    "calibration",
    "validation",
    "break_even_cap",
    "cost_frontier",
    "break_even_conditions",
    "crackdown_alone",
    "information",
    "displacement",
    "sensitivity",
)
"""The report's order: the pilot's effect leads, as delivered, then as announced."""


@dataclass
class Finding:
    """What an experiment reports: figures, tables and a short interpretation."""

    name: str
    title: str
    question: str
    interpretation: str
    headline: str = ""
    """The finding in a sentence or two, for the report's summary."""
    figures: list[Path] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    """(caption, table) pairs."""


@dataclass
class Experiment:
    """One experiment at one size: its config and where its results go."""

    name: str
    size: str
    config: dict[str, Any]
    results_dir: Path

    @property
    def title(self) -> str:
        """The experiment's title, from its config."""
        return str(self.config["experiment"]["title"])

    @property
    def question(self) -> str:
        """The research question it answers, from its config."""
        return str(self.config["experiment"]["question"])

    def finding(self, interpretation: str, **parts: Any) -> Finding:
        """A :class:`Finding` of this experiment."""
        return Finding(self.name, self.title, self.question, interpretation, **parts)


def check_size(size: str) -> str:
    """The experiment size, or a one-line error."""
    if size not in SIZES:
        raise SweepError(f"size={size!r} is not valid: allowed are {', '.join(SIZES)}")
    return size


def merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` merged in, table by table (neither is changed)."""
    result = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def load_experiment(name: str, size: str, results_root: Path | None = None) -> Experiment:
    """An experiment's config at ``size``; results go to ``results_root/<name>/<size>``.

    By default results go to the experiment's own folder, ``experiments/<name>/results/``.
    """
    check_size(size)
    path = EXPERIMENTS_DIR / name / "config.toml"
    if not path.is_file():
        raise SweepError(f"experiment {name!r} has no config at {path}")
    try:
        document = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise SweepError(f"{path}: not valid TOML: {error}") from None
    reduced = document.pop("ci", {})
    config = merged(document, reduced) if size == "ci" else document
    root = EXPERIMENTS_DIR / name / "results" if results_root is None else results_root / name
    return Experiment(name, size, config, root / size)


def run_sweeps(
    experiment: Experiment, workers: int = 1, sweeps: dict[str, dict] | None = None
) -> dict[str, Path]:
    """Run (or resume) sweeps of the experiment; returns each sweep's results folder.

    ``sweeps`` maps a sweep's name to its sections (``sweep``, ``fixed``, ``vary``); by
    default, the sweeps of the experiment's config.
    """
    if sweeps is None:
        sweeps = experiment.config.get("sweeps", {})
    folders = {}
    for sweep_name, sections in sweeps.items():
        folder = experiment.results_dir / sweep_name
        folder.mkdir(parents=True, exist_ok=True)
        sweep_file = experiment.results_dir / f"{sweep_name}.toml"
        sweep_file.write_text(tomli_w.dumps(merged({"sweep": {"name": sweep_name}}, sections)))
        print(f"{experiment.name}: sweep {sweep_name!r} into {folder}", flush=True)
        run_sweep(load_sweep(sweep_file), folder, workers=workers)
        folders[sweep_name] = folder
    return folders


def check_inputs(name: str, size: str, results_root: Path | None = None) -> tuple[Experiment, Any]:
    """The experiment and its script, once what it reads but does not make is there.

    Raises:
        SweepError: naming the experiment and the missing input, in one line.
    """
    if name not in EXPERIMENTS:
        raise SweepError(f"unknown experiment {name!r}: allowed are {', '.join(EXPERIMENTS)}")
    experiment = load_experiment(name, size, results_root)
    script = importlib.import_module(f"experiments.{name}.run")
    if hasattr(script, "check_inputs"):
        script.check_inputs(experiment)
    return experiment, script


def run_experiment(
    name: str, size: str = "full", results_root: Path | None = None, workers: int = 1
) -> Finding:
    """Run (or resume) one experiment's sweeps and analyse them into its finding."""
    experiment, script = check_inputs(name, size, results_root)
    # an experiment whose sweeps follow from its config in code says so with sweeps()
    sweeps = script.sweeps(experiment) if hasattr(script, "sweeps") else None
    folders = run_sweeps(experiment, workers, sweeps)
    # and one whose later sweeps follow from earlier results (rounds) with follow_up()
    while hasattr(script, "follow_up") and (more := script.follow_up(experiment, folders)):
        folders |= run_sweeps(experiment, workers, more)
    # and one whose work is not sweeps (the calibration's ABC-SMC) with compute()
    if hasattr(script, "compute"):
        folders |= script.compute(experiment, workers)
    return script.analyse(experiment, folders)


def main_for(name: str) -> int:
    """The command line of one experiment's ``run.py``: run its sweeps, then analyse them."""
    parser = argparse.ArgumentParser(prog=f"python -m experiments.{name}.run")
    parser.add_argument("--size", default="full", help=f"one of {', '.join(SIZES)} (full)")
    parser.add_argument("--workers", type=int, default=1, help="local worker processes (1)")
    args = parser.parse_args()
    try:
        check_size(args.size)
        finding = run_experiment(name, args.size, workers=args.workers)
    except SweepError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 2
    print(f"\n{finding.title}\n\n{finding.interpretation}")
    for path in finding.figures:
        print(f"figure: {path}")
    return 0


def weekly_results(folder: Path) -> pd.DataFrame:
    """Every finished run's weekly series in a sweep's results folder, with the run's row.

    Columns: the weekly series (``counterfactual_arrivals`` among them), then the run's
    parameters, seed and metrics from ``results.parquet``.
    """
    runs = pd.read_parquet(folder / "results.parquet")
    runs = runs[runs["status"] == "ok"]
    weekly = pd.concat(
        [pd.read_parquet(folder / "weekly" / f"{run_id}.parquet") for run_id in runs["run_id"]],
        ignore_index=True,
    )
    extra = [
        column for column in runs.columns if column not in weekly.columns or column == "run_id"
    ]
    return weekly.merge(runs[extra], on="run_id")


SEEDS_ONLY = "seeds-only 95% CI"
"""How an interval over replicate seeds alone is named wherever it is shown."""


def interval(mean: float, low: float, high: float, percent: bool = False) -> str:
    """'mean (seeds-only 95% CI low to high)', as percentages when ``percent``.

    The interval is over the replicate seeds of one parameter set: it leaves out parameter
    uncertainty, and says so. Small numbers get decimals.
    """
    if percent:
        return f"{mean:.1%} ({SEEDS_ONLY} {low:.1%} to {high:.1%})"
    digits = 0 if abs(mean) >= 100 else 2
    return f"{mean:,.{digits}f} ({SEEDS_ONLY} {low:,.{digits}f} to {high:,.{digits}f})"


def points_table(
    points: pd.DataFrame, by: list[str], metrics: dict[str, tuple[str, bool]]
) -> pd.DataFrame:
    """Per-point means with 95% intervals, as text: one row per point, sorted by ``by``.

    ``metrics`` maps a metric to (column title, whether it is a share, shown as percent).
    """
    rows = []
    for point in points.sort_values(by).to_dict("records"):
        row = {name.replace("_", " "): point[name] for name in by}
        for metric, (title, percent) in metrics.items():
            row[title] = interval(
                point[f"{metric}_mean"], point[f"{metric}_low"], point[f"{metric}_high"], percent
            )
        row["replicates"] = int(point["replicates"])
        rows.append(row)
    return pd.DataFrame(rows)
