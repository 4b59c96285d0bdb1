"""The ``deterrence`` command line: run scenarios, sweeps and forecasts, list parameters.

Every option that sets a model parameter comes from the parameter declaration
(``model/parameters.toml``); bad input is refused with a one-line message and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from model.parameters import (
    PARAMETERS,
    ParameterError,
    check_seed,
    parse_assignment,
)
from model.scenarios import (
    scenario_description,
    scenario_names,
    scenario_parameters,
)

# The model, the experiments and their libraries (Mesa, pandas, SciPy, Matplotlib, SALib, Dask)
# take seconds to import: they are imported by the subcommands that use them, so that the
# parser, `deterrence --help`, `params` and `scenarios` start in a fraction of a second
# (tests/test_startup.py checks it).

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2.

    ``add_options``, if given, adds the parser's options when it first parses: a subcommand
    whose options' help or defaults come from a heavy module imports it only when it is used.
    """

    def __init__(
        self,
        *args: object,
        add_options: Callable[[argparse.ArgumentParser], None] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_options = add_options

    def parse_known_args(
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Add the options, the first time, then parse as usual."""
        if self._add_options is not None:
            add_options, self._add_options = self._add_options, None
            add_options(self)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> None:
        """Print a one-line error and exit with status 2."""
        self.exit(USAGE_ERROR, f"deterrence: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser with its subcommands."""
    parser = _Parser(
        prog="deterrence",
        description="Agent-based model of deterrence in Channel small-boat crossings.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser(
        "run", help="run a scenario and its no-policy counterfactual", add_options=_run_options
    )

    sweep = commands.add_parser(
        "sweep", help="run a parameter sweep file (resumable; each run with its counterfactual)"
    )
    sweep.add_argument("sweep_file", type=Path, help="the sweep file (TOML)")
    sweep.add_argument("--out", type=Path, required=True, help="results folder")
    _add_workers(sweep)
    sweep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786",
    )
    sweep.add_argument(
        "--metric",
        default="deterrence_effect",
        help="summary metric of the figures (default: deterrence_effect)",
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")

    commands.add_parser(
        "experiment",
        help="run one research experiment (resumable) and print its finding",
        add_options=_experiment_options,
    )
    commands.add_parser(
        "report",
        help="run every research experiment and write the report (Markdown, HTML)",
        add_options=_report_options,
    )

    forecast = commands.add_parser(
        "forecast", help="make the dated forecasts of arrivals, or score them against the data"
    )
    forecast_commands = forecast.add_subparsers(
        dest="forecast_command", required=True, parser_class=_Parser
    )
    forecast_commands.add_parser(
        "make",
        help="run the model for the periods not yet observed and append the forecasts to the log",
        add_options=_forecast_make_options,
    )
    forecast_commands.add_parser(
        "score",
        help="compare every logged forecast with the observed arrivals of its period",
        add_options=_forecast_files,
    )

    commands.add_parser(
        "emulate",
        help="train an emulator of the model on sweep folders and print its held-out scores",
        add_options=_emulate_options,
    )

    commands.add_parser(
        "optimise",
        help="the cheapest lever mixes reaching a deterrence target (emulator, then real runs)",
        add_options=_optimise_options,
    )

    params = commands.add_parser("params", help="list the parameters with bounds and units")
    params.add_argument("--group", help="only this group")

    commands.add_parser("scenarios", help="list the shipped scenarios")
    return parser


def _run_options(run: argparse.ArgumentParser) -> None:
    from model.run import DEFAULT_DAYS

    run.add_argument(
        "--scenario",
        default="pilot",
        help=f"a shipped scenario ({', '.join(scenario_names())}) or a .toml file",
    )
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"days to simulate (default {DEFAULT_DAYS})"
    )
    run.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (repeatable)",
    )
    run.add_argument("--out", type=Path, help="folder for the series (CSV, Parquet) and summary")
    run.add_argument(
        "--no-counterfactual",
        action="store_true",
        help="skip the paired no-policy run (no deterrence effect)",
    )
    run.add_argument(
        "--no-decomposition",
        action="store_true",
        help="skip the runs that take the effect apart by mechanism (returns, legal route, "
        "crackdown)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")


def _experiment_options(experiment: argparse.ArgumentParser) -> None:
    from experiments.research import EXPERIMENTS

    experiment.add_argument("name", help=f"one of {', '.join(EXPERIMENTS)}")
    _add_size_and_workers(experiment)


def _report_options(report: argparse.ArgumentParser) -> None:
    report.add_argument(
        "--out", type=Path, default=Path("reports"), help="report folder (default reports/)"
    )
    _add_size_and_workers(report)


def check_metric(metric: str) -> None:
    """Refuse a metric that is not declared in model/metrics.toml, in one line."""
    from model.metrics import METRICS

    if metric not in METRICS:
        raise ParameterError(
            f"--metric {metric!r} is not a summary metric: allowed are those of "
            "model/metrics.toml, such as deterrence_effect, arrivals, returns"
        )


def check_writable_folder(folder: Path | None) -> None:
    """Refuse, before any run, an output folder that cannot be made or written to.

    Made now if need be (it would be at the first result anyway), and a probe file written and
    removed, so that a full disk, a read-only place or a path below a file fail in one line
    before hours of simulation, not after.
    """
    if folder is None:
        return
    try:
        if folder.exists() and not folder.is_dir():
            raise ParameterError(f"--out {str(folder)!r} is a file: allowed is a folder")
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ParameterError(
            f"--out {str(folder)!r} cannot be written: {error.strerror or error}: allowed is a "
            "folder this user can write to"
        ) from None


def _day(text: str) -> dt.date:
    """A day on the command line, YYYY-MM-DD (argparse refuses anything else in one line)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day: allowed is YYYY-MM-DD") from None


def _emulate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folders", type=Path, nargs="+", help="sweep results folders")
    parser.add_argument(
        "--outputs",
        type=_names,
        default=None,
        help="outputs to emulate, comma-separated (default: the effect, arrivals, returns, "
        "coast population at the end, deaths and net cost, as stored)",
    )
    parser.add_argument(
        "--inputs",
        type=_names,
        default=None,
        help="parameters the emulator answers for, comma-separated (default: all the sweeps "
        "vary; what else they vary, such as behaviour drawn for each point, becomes its spread)",
    )
    parser.add_argument(
        "--folds",
        type=_fold_count,
        default=5,
        help="folds of the cross-validation over the sweep's points (default 5)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the split and the fit")
    parser.add_argument(
        "--propose",
        type=_proposal_count,
        default=0,
        metavar="N",
        help="then run the N settings where the emulator is least sure (as the first folder's "
        "sweep ran its points) and retrain on all the runs",
    )
    _add_workers(parser)


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r} names nothing: allowed is name,name,...")
    return names


def _proposal_count(text: str) -> int:
    from experiments.decision.active import MAX_PROPOSED

    if not text.isdigit() or int(text) > MAX_PROPOSED:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not valid: allowed is a whole number from 0 to {MAX_PROPOSED}"
        )
    return int(text)


def _optimise_options(parser: argparse.ArgumentParser) -> None:
    from experiments.decision.frontier import FrontierSettings

    defaults = FrontierSettings()
    parser.add_argument(
        "--target",
        type=float,
        default=defaults.target,
        help=f"deterrence effect to reach, a share (default {defaults.target}: the 37%% "
        "break-even; 0.02 and 0.5 are the band's other cases)",
    )
    parser.add_argument(
        "--probability",
        type=float,
        default=defaults.probability,
        help=f"required chance of reaching it (default {defaults.probability})",
    )
    for name, text in (
        ("trials", "lever mixes the search tries on the emulator"),
        ("draws", "behaviour draws each mix is judged over"),
        ("confirm_points", "frontier mixes confirmed by real runs"),
        ("confirm_draws", "real paired runs per confirmed mix (one a behaviour draw)"),
    ):
        default = getattr(defaults, name)
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=_whole_from_one,
            default=default,
            help=f"{text} (default {default})",
        )
    parser.add_argument(
        "--cost",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a cost parameter (experiments/costs.toml), e.g. cost_per_return_gbp=50000",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of the search")
    parser.add_argument(
        "--out", type=Path, default=Path("results/optimise"), help="folder (results/optimise)"
    )
    _add_workers(parser)


def _whole_from_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not valid: allowed is a whole number >= 1")
    return int(text)


def _fold_count(text: str) -> int:
    if not text.isdigit() or not 2 <= int(text) <= 20:
        raise argparse.ArgumentTypeError(f"{text!r} is not valid: allowed is 2 to 20")
    return int(text)


def _forecast_files(parser: argparse.ArgumentParser) -> None:
    from experiments.forecast.log import LOG_FILE
    from model.observed import ARRIVALS_FILE

    parser.add_argument(
        "--log", type=Path, default=LOG_FILE, help=f"the forecast log (default {LOG_FILE.name})"
    )
    parser.add_argument(
        "--observed",
        type=Path,
        default=ARRIVALS_FILE,
        help=f"observed arrivals by period (default model/data/{ARRIVALS_FILE.name})",
    )


def _forecast_make_options(make: argparse.ArgumentParser) -> None:
    from experiments.forecast.make import (
        CI_RUNS,
        FORECAST_PERIODS,
        FORECAST_SCENARIO,
        SEEDS_PER_DRAW,
    )

    periods = ", ".join(f"{period.start} to {period.end}" for period in FORECAST_PERIODS)
    make.add_argument(
        "--period",
        dest="periods",
        action="append",
        nargs=2,
        type=_day,
        metavar=("FIRST_DAY", "LAST_DAY"),
        help=f"a period to forecast, both days included (repeatable; default {periods})",
    )
    make.add_argument(
        "--scenario",
        default=FORECAST_SCENARIO,
        help=f"the scenario the runs follow (default {FORECAST_SCENARIO})",
    )
    make.add_argument(
        "--size",
        choices=("full", "ci"),
        default="full",
        help=f"full: every posterior draw x {SEEDS_PER_DRAW} seeds; ci: {CI_RUNS} runs",
    )
    make.add_argument("--runs", type=int, help="this many runs instead (overrides --size)")
    make.add_argument(
        "--seeds-only",
        action="store_true",
        help="run the scenario's own values over seeds, not the calibration's posterior",
    )
    make.add_argument("--quiet", action="store_true", help="no progress bar")
    _forecast_files(make)


def _worker_count(text: str) -> int:
    """A number of worker processes (argparse refuses anything else in one line)."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not valid: allowed is a whole number of processes >= 1"
        )
    return count


def _add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=_worker_count,
        default=os.cpu_count() or 1,
        help="local worker processes (default: all cores)",
    )


def _add_size_and_workers(parser: argparse.ArgumentParser) -> None:
    from experiments.research import SIZES

    parser.add_argument(
        "--size",
        default="full",
        help=f"full (as reported) or ci (reduced, as CI runs it); one of {', '.join(SIZES)}",
    )
    _add_workers(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deterrence`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ParameterError as error:
        print(f"deterrence: error: {error}", file=sys.stderr)
        return USAGE_ERROR


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from experiments.outputs import format_summary, write_run
    from experiments.plots import plot_run
    from model.effects import mechanism_variants
    from model.memory_budget import check_memory
    from model.run import check_days, decompose_effect, run_scenario, simulated_days

    overrides = dict(parse_assignment(text) for text in args.assignments)
    # Refuse bad input before any work starts.
    check_days(args.days)
    check_seed(args.seed)
    values = scenario_parameters(args.scenario, **overrides)
    runs = 1 if args.no_counterfactual else 2
    variants = mechanism_variants(values)
    decomposing = not (args.no_counterfactual or args.no_decomposition) and len(variants) > 1
    check_memory(values, args.days, runs_at_once=len(variants) + 1 if decomposing else runs)
    check_writable_folder(args.out)  # last: it makes the folder
    with tqdm(
        total=simulated_days(values, args.days, runs),
        unit="day",
        disable=args.quiet,
        leave=False,
        desc=f"{args.scenario} seed {args.seed}",
    ) as bar:
        result = run_scenario(
            args.scenario,
            seed=args.seed,
            days=args.days,
            overrides=overrides,
            with_counterfactual=not args.no_counterfactual,
            on_day=lambda _model: bar.update(),
        )
    print(format_summary(result))
    if decomposing:
        with tqdm(
            total=simulated_days(values, args.days, len(variants) + 1),
            unit="day",
            disable=args.quiet,
            leave=False,
            desc="mechanisms",
        ) as bar:
            table = decompose_effect(
                args.scenario, args.seed, args.days, overrides, on_day=lambda _model: bar.update()
            )
        print("\nThe fall in crossings by mechanism, each added in turn (same seed):")
        print(table.to_string(index=False, formatters={"share_of_counterfactual": "{:.1%}".format}))
        result.extra["mechanisms"] = table
    if args.out is not None:
        written = write_run(result, args.out)
        written.append(plot_run(result, args.out / "weekly.png"))
        print(f"\nWrote {len(written)} files to {args.out}/ (series, summary.json, weekly.png)")
    return 0


def _emulate(args: argparse.Namespace) -> int:
    from experiments.decision.training import (
        EMULATOR_FOLDER,
        format_scores,
        run_proposals,
        save,
        train,
    )

    check_seed(args.seed)
    emulator, validation = train(args.folders, args.outputs, args.folds, args.seed, args.inputs)
    print(format_scores(validation))
    if args.propose:
        proposed = run_proposals(args.folders, emulator, args.propose, args.seed, args.workers)
        print(f"Ran {args.propose} proposed settings into {proposed}/; retrained on all runs:")
        emulator, validation = train(
            [*args.folders, proposed], args.outputs, args.folds, args.seed, emulator.inputs
        )
        print(format_scores(validation))
    folder = save(emulator, validation, args.folders[0] / EMULATOR_FOLDER)
    print(
        f"Emulator of {', '.join(emulator.outputs)} over {', '.join(emulator.inputs)} in {folder}/"
    )
    return 0


def _optimise(args: argparse.Namespace) -> int:
    from experiments.costs import cost_parameters
    from experiments.decision.frontier import FrontierSettings, format_frontier, run_frontier
    from experiments.decision.optimise import check_target

    check_seed(args.seed)
    check_target(args.target, args.probability)
    costs = cost_parameters(dict(_cost_assignment(text) for text in args.cost))
    check_writable_folder(args.out)  # last: it makes the folder
    settings = FrontierSettings(
        args.target,
        args.probability,
        args.trials,
        args.draws,
        args.confirm_points,
        args.confirm_draws,
        args.seed,
    )
    result = run_frontier(settings, costs, args.out, args.workers)
    print(format_frontier(result))
    print(f"Tables, sweep and runs in {args.out}/")
    return 0


def _cost_assignment(text: str) -> tuple[str, str]:
    name, sign, value = text.partition("=")
    if not sign or not name.strip():
        raise ParameterError(f"--cost {text!r} is not valid: allowed is NAME=VALUE")
    return name.strip(), value.strip()


def _sweep(args: argparse.Namespace) -> int:
    from experiments.engine.analysis import figures_for
    from experiments.engine.runner import check_scheduler, run_sweep
    from experiments.engine.spec import load_sweep

    spec = load_sweep(args.sweep_file)
    check_metric(args.metric)
    if args.scheduler is not None:
        check_scheduler(args.scheduler)
    check_writable_folder(args.out)  # last: it makes the folder
    runs = len(spec.runs())
    engine = f"Dask at {args.scheduler}" if args.scheduler else f"{args.workers} worker(s)"
    print(
        f"Sweep {spec.name!r}: {runs} runs ({runs // spec.replicates} points x "
        f"{spec.replicates} replicates), {spec.days} days each, on {engine}"
    )
    if spec.points_without_effect:
        print(
            f"Note: at {spec.points_without_effect} point(s) the {spec.days} days end before "
            "the policy's first day: their deterrence effect is undefined (n/a), not zero."
        )
    try:
        results = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            progress=not args.quiet,
            scheduler=args.scheduler,
        )
    except KeyboardInterrupt:
        print(
            "\nInterrupted: finished runs are kept; run the same command to finish the rest.",
            file=sys.stderr,
        )
        return 130
    try:
        figures = figures_for(args.out, args.metric)
    except ValueError as error:  # e.g. a metric undefined at every point: the runs still stand
        print(f"deterrence: no figures of {args.metric!r}: {error}", file=sys.stderr)
        figures = []
    failed = int((results["status"] == "failed").sum())
    print(
        f"{len(results) - failed} runs ok, {failed} failed; results in {args.out}/ "
        "(results.parquet, points.csv" + "".join(f", {path.name}" for path in figures) + ")"
    )
    return 1 if failed else 0


def _experiment(args: argparse.Namespace) -> int:
    from experiments.research import check_size, run_experiment

    check_size(args.size)
    finding = run_experiment(args.name, args.size, workers=args.workers)
    print(f"\n{finding.title}\n\n{finding.interpretation}\n")
    for caption, table in finding.tables:
        print(f"{caption}:\n{table.to_string(index=False)}\n")
    for path in finding.figures:
        print(f"figure: {path}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from experiments.report import build_report
    from experiments.research import check_size

    # Refuse bad input before the experiments run (hours at full size), not at the end.
    check_size(args.size)
    check_writable_folder(args.out)
    written = build_report(args.size, args.out, args.workers)
    print("report: " + ", ".join(str(path) for path in written))
    return 0


def _forecast(args: argparse.Namespace) -> int:
    return {"make": _forecast_make, "score": _forecast_score}[args.forecast_command](args)


def _forecast_make(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from experiments.forecast.log import append_forecasts, create_log, read_log
    from experiments.forecast.make import (
        CI_RUNS,
        FORECAST_PERIODS,
        Period,
        forecast_job,
        make_forecasts,
        plan_runs,
    )
    from experiments.forecast.score import forecast_line

    # Refuse bad input, and a log that could not take the rows, before any run.
    periods = [Period(*days) for days in args.periods or ()] or list(FORECAST_PERIODS)
    job = forecast_job(periods, args.scenario, args.observed)
    if args.log.exists():
        read_log(args.log)
    else:
        create_log(args.log)
    runs = args.runs if args.runs is not None else CI_RUNS if args.size == "ci" else None
    plan = plan_runs(job.scenario, runs, args.seeds_only)
    if plan.note:
        print(plan.note, file=sys.stderr)
    from experiments.engine.provenance import code_version

    if code_version().endswith("-dirty"):
        print(
            "the code has uncommitted changes: the rows' code version is marked -dirty "
            "(commit first for a forecast that can be rerun)",
            file=sys.stderr,
        )
    print(
        f"Forecasting {len(job.periods)} period(s) under {job.scenario}: {len(plan.runs)} runs "
        f"({plan.interval_from}), {job.days} days each from {job.parameters['start_date']}"
    )
    try:
        with tqdm(total=len(plan.runs), unit="run", disable=args.quiet, leave=False) as bar:
            forecasts = make_forecasts(job, plan, after_run=bar.update)
    except KeyboardInterrupt:
        print("\nInterrupted: no forecast was written to the log.", file=sys.stderr)
        return 130
    # printed first, so that the forecasts are on screen even if the log refuses them
    print("\n".join(f"- {forecast_line(forecast)}" for forecast in forecasts))
    append_forecasts(forecasts, args.log)
    print(f"Appended {len(forecasts)} forecast(s) to {args.log}")
    return 0


def _forecast_score(args: argparse.Namespace) -> int:
    from experiments.forecast.log import read_log
    from experiments.forecast.score import report, score_forecasts
    from model.observed import read_period_counts

    forecasts = read_log(args.log)
    observed = read_period_counts(args.observed, "small_boat_arrivals")
    print(report(score_forecasts(forecasts, observed)))
    return 0


def _params(args: argparse.Namespace) -> int:
    groups = sorted({p.group for p in PARAMETERS.values()})
    if args.group is not None and args.group not in groups:
        raise ParameterError(f"unknown group {args.group!r}: allowed are {', '.join(groups)}")
    for p in PARAMETERS.values():
        if args.group in (None, p.group):
            print(f"{p.name:34} {p.default!s:>12}  {p.allowed():44} {p.unit}")
    return 0


def _scenarios(_args: argparse.Namespace) -> int:
    for name in scenario_names():
        print(f"{name}:\n  " + scenario_description(name).replace("\n", "\n  "))
    return 0


_COMMANDS = {
    "run": _run,
    "sweep": _sweep,
    "experiment": _experiment,
    "report": _report,
    "forecast": _forecast,
    "emulate": _emulate,
    "optimise": _optimise,
    "params": _params,
    "scenarios": _scenarios,
}


if __name__ == "__main__":
    sys.exit(main())
