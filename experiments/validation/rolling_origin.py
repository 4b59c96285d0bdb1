"""Rolling-origin validation: fit on the years before each window, predict it, score it.

For each validation window (``windows.py``: 2022, 2023, 2024 and January-June 2025), the
calibration is fitted to the calibration years before the window only, and the model predicts
the window from that posterior (``model_predictor.py``). Its predictions are scored beside the
two baselines' (``baselines.py``) on the same windows and targets, by the mean absolute
percentage error and the coverage of the 90% interval (``scoring.py``).

    python -m experiments.validation.rolling_origin --size ci          # reduced, as CI runs it
    python -m experiments.validation.rolling_origin --workers 2 --readme   # full size
    python -m experiments.validation.rolling_origin --rescore --readme     # baselines only

The full size writes the score table into the README's ``validation`` region; every size
writes the predictions, the runs and the scores to its results folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from experiments.validation.baselines import baseline_predictions, predictions_markdown
from experiments.validation.comparison import headline, interval_sentence
from experiments.validation.model_predictor import (
    PREDICTOR,
    plan_runs,
    predictions_from_runs,
    run_window,
    window_inputs,
)
from experiments.validation.prediction import Prediction, predictions_table
from experiments.validation.scoring import score_markdown, score_table
from experiments.validation.windows import (
    ValidationWindow,
    observed_values,
    people_per_boat_by_year,
    validation_windows,
)
from model.markdown import markdown_table

HERE = Path(__file__).parent
CONFIG = HERE / "config.toml"
RESULTS = HERE / "results"
README_REGION = "validation"

Fit = Callable[[list[int], ValidationWindow, Path], pd.DataFrame]
"""Fits the calibration to the given years; returns the posterior (parameters and weight)."""


def load_config(size: str, path: Path = CONFIG) -> dict[str, Any]:
    """The validation's settings at ``size`` (``full``, or ``ci`` over it)."""
    config = tomllib.loads(path.read_text())
    settings = dict(config["validation"])
    if size == "ci":
        settings.update(config["ci"]["validation"])
    elif size != "full":
        raise ValueError(f"size={size!r} is not valid: allowed are 'full' and 'ci'")
    return settings


def fit_years(window: ValidationWindow, calibration_years: Sequence[int]) -> list[int]:
    """The calibration years that end before the window starts."""
    years = [year for year in calibration_years if year < window.start.year]
    if not years:
        raise ValueError(
            f"window {window.label}: no calibration year ends before it: allowed are windows "
            f"after {min(calibration_years)}"
        )
    return years


def model_predictions(
    windows: Sequence[ValidationWindow],
    fit: Fit,
    settings: dict[str, Any],
    folder: Path,
    workers: int = 1,
) -> tuple[list[Prediction], pd.DataFrame]:
    """The model's predictions of every window, and every run behind them."""
    from tqdm import tqdm

    from experiments.calibration.targets import BASE_SCENARIO, REFERENCE_YEAR, observed_by_year
    from model.scenarios import scenario_parameters

    base = dict(scenario_parameters(BASE_SCENARIO))
    observed = observed_by_year()
    people_per_boat = people_per_boat_by_year()
    predictions, outcomes = [], []
    for window in windows:
        years = fit_years(window, settings["calibration_years"])
        posterior = fit(years, window, fit_folder(folder, window))
        inputs = window_inputs(
            window, base, observed[REFERENCE_YEAR]["arrivals"], people_per_boat=people_per_boat
        )
        runs = plan_runs(
            window, inputs, posterior, base, settings["seeds"], settings["master_seed"]
        )
        with tqdm(total=len(runs), desc=f"window {window.label}", unit="run") as bar:
            table = run_window(window, runs, workers, progress=bar.update)
        note = (
            f"posterior fitted to {years[0]}-{years[-1]} ({len(posterior)} draws) x "
            f"{settings['seeds']} seeds; flow: {window.start.year - 1}'s, growth log-sd "
            f"{inputs.flow_log_spread:.2f}"
        )
        predictions += predictions_from_runs(window, table, note)
        outcomes.append(table.assign(window=window.label))
    return predictions, pd.concat(outcomes, ignore_index=True)


def validation_tables(
    windows: Sequence[ValidationWindow],
    model: Sequence[Prediction],
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All predictors' predictions beside the observed values, and their scores."""
    baselines = baseline_predictions(windows, np.random.default_rng(seed))
    table = predictions_table([*model, *baselines])
    observed = observed_values(windows)
    return table.merge(observed, on=["window", "target"]), score_table(table, observed)


def fit_folder(folder: Path, window: ValidationWindow) -> Path:
    """Where the fit for ``window`` keeps its history."""
    return folder / f"fit_before_{window.start}"


def fits_table(
    windows: Sequence[ValidationWindow], settings: dict[str, Any], folder: Path
) -> pd.DataFrame:
    """What each window's fit cost and how well its particles are spread: its budget, stated.

    Read from each fit's finished record; a fit without one (not finished) shows as such.
    """
    from experiments.calibration.fit import FINISHED

    rows = []
    for window in windows:
        years = fit_years(window, settings["calibration_years"])
        finished = fit_folder(folder, window) / FINISHED
        row = {"window": window.label, "fitted to": f"{years[0]}-{years[-1]}"}
        if finished.is_file():
            done = json.loads(finished.read_text())
            stopping = json.loads(done["stopping"])
            row |= {
                "particles": stopping["population_size"],
                "budget (simulations)": stopping["max_simulations"],
                "generations": done["generations"],
                "simulations": done["simulations"],
                "effective sample size": round(done["effective_sample_size"], 1),
                "final threshold": round(done["epsilon"], 1),
            }
        rows.append(row)
    return pd.DataFrame(rows)


def fits_markdown(fits: pd.DataFrame) -> str:
    """The fits' table with its caption; an unfinished fit's figures read "not finished"."""
    return (
        "*Each window's fit (ABC-SMC at the validation's budget, on the calibration years "
        "before the window only).*\n\n" + markdown_table(fits.map(fit_cell))
    )


def fit_cell(value: Any) -> str:
    """A cell of the fits' table: whole numbers without decimals, a missing one unfinished."""
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return "not finished"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def region_text(
    scores: pd.DataFrame,
    predictions: pd.DataFrame,
    settings: dict,
    fits: pd.DataFrame | None = None,
) -> str:
    """The README's validation region: the comparison in words, then the tables."""
    fit_part = "" if fits is None else fits_markdown(fits) + "\n\n"
    return (
        f"{headline(predictions)} {interval_sentence(scores)}\n\n"
        "*Scores over the windows (mean absolute percentage error of the median; coverage and "
        "interval score of the 90% interval).*\n\n"
        f"{score_markdown(scores)}\n\n*Predictions by window.*\n\n"
        f"{predictions_markdown(predictions)}\n\n{fit_part}"
        f"(`python -m experiments.validation.rolling_origin`, size {settings['size']}: "
        f"{settings['seeds']} seeds a posterior draw; written by it.)"
    )


def calibration_fit(settings: dict[str, Any], workers: int) -> Fit:
    """The calibration, fitted to given years at the validation's budget."""
    from experiments.calibration.run import calibrate

    def fit(years: list[int], window: ValidationWindow, folder: Path) -> pd.DataFrame:
        return calibrate(
            years=years,
            budget=settings["calibration_size"],  # a size of the calibration's config
            master_seed=settings["master_seed"],
            workers=workers,
            folder=folder,
        ).particles

    return fit


def run_validation(
    size: str, workers: int = 1, folder: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Fit, predict and score every window at ``size``; returns predictions, scores, settings.

    Writes ``validation.toml`` (the settings), ``model_runs.csv``, ``predictions.csv`` and
    ``scores.csv`` to ``folder`` (by default ``results/<size>``), where each window's fit keeps
    its history, so a second call reads the finished fits instead of refitting.
    """
    settings = load_config(size) | {"size": size}
    windows = configured_windows(settings)
    folder = RESULTS / size if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    # the effective settings beside the results, as an experiment keeps its sweep files
    (folder / "validation.toml").write_text(tomli_w.dumps({"validation": settings}))
    fit = calibration_fit(settings, workers)
    model, runs = model_predictions(windows, fit, settings, folder, workers)
    predictions, scores = validation_tables(windows, model, settings["master_seed"])
    runs.to_csv(folder / "model_runs.csv", index=False)
    save_tables(folder, predictions, scores, fits_table(windows, settings, folder))
    return predictions, scores, settings


def configured_windows(settings: dict[str, Any]) -> list[ValidationWindow]:
    """The windows the settings name, in order."""
    return [w for w in validation_windows() if w.label in settings["windows"]]


def save_tables(
    folder: Path, predictions: pd.DataFrame, scores: pd.DataFrame, fits: pd.DataFrame
) -> None:
    """Write the predictions, the scores and the fits' table beside the runs."""
    predictions.to_csv(folder / "predictions.csv", index=False)
    scores.to_csv(folder / "scores.csv", index=False)
    fits.to_csv(folder / "fits.csv", index=False)


def rescore(size: str, folder: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Score the stored model predictions again beside fresh baselines, without any model run.

    For a change in the baselines or the scoring: reads the model's rows of ``predictions.csv``
    in ``folder`` (by default ``results/<size>``) and rewrites the predictions and scores.
    """
    settings = load_config(size) | {"size": size}
    folder = RESULTS / size if folder is None else folder
    stored = folder / "predictions.csv"
    if not stored.is_file():
        raise FileNotFoundError(f"{stored} not found: run the validation at size {size!r} first")
    table = pd.read_csv(stored)
    rows = table[table["predictor"] == PREDICTOR]
    model = [
        Prediction(r.window, r.target, r.predictor, r.median, r.low, r.high, r.note)
        for r in rows.itertuples()
    ]
    windows = configured_windows(settings)
    predictions, scores = validation_tables(windows, model, settings["master_seed"])
    save_tables(folder, predictions, scores, fits_table(windows, settings, folder))
    return predictions, scores, settings


def main(argv: Sequence[str] | None = None) -> int:
    """Run the rolling-origin validation and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("full", "ci"), default="full")
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--readme", action="store_true", help="write the README's region")
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="score the stored model predictions again beside fresh baselines (no model run)",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers={args.workers}: allowed is a whole number of at least 1")
    if args.rescore:
        predictions, scores, settings = rescore(args.size)
    else:
        predictions, scores, settings = run_validation(args.size, args.workers)
    fits = pd.read_csv(RESULTS / args.size / "fits.csv")
    text = region_text(scores, predictions, settings, fits)
    print(text)
    if args.readme:
        write_readme_region(text)
    return 0


def write_readme_region(text: str, readme: Path | None = None) -> None:
    """Replace the README's validation region with ``text``."""
    from experiments.engine.provenance import PROJECT_ROOT
    from model.markdown import replace_region

    path = readme or PROJECT_ROOT / "README.md"
    path.write_text(replace_region(path.read_text(), README_REGION, text))


if __name__ == "__main__":
    sys.exit(main())
