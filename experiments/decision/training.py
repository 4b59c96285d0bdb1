"""Training an emulator from sweep folders: the runs, its validation, and the saved emulator.

``deterrence emulate FOLDER [FOLDER ...]`` reads the runs the sweeps stored (they must vary the
same parameters), validates an emulator on held-out points, fits the final one on every run
and saves it, with its scores, in the first folder's ``emulator/``.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from experiments.costs import policy_costs
from experiments.decision.emulator import FOLDS, Emulator, Validation, fit_emulator, validate
from experiments.engine.spec import SweepError, load_sweep

DEFAULT_OUTPUTS = (
    "deterrence_effect",
    "arrivals",
    "returns",
    "legal_admissions",
    "waiting_in_france_at_end",
    "deaths",
    "net_cost_gbp",
)
"""What the emulator predicts when not told: the effect, arrivals, returns made, legal-route
admissions, the coast's population at the end, deaths and the policy's net cost (those the
sweep stored)."""
COST_INPUTS = ("returns", "legal_admissions", "crossings_deterred")
"""The outputs the net cost is priced from (:func:`experiments.costs.policy_costs`)."""
EMULATOR_FOLDER = "emulator"
SHIPPED_TRAINING = Path(__file__).parent / "results" / "full" / "training"
"""The committed training sweep (``experiments/sweeps/emulator_training.toml``): its
sweep file and results table, and the emulator trained on them."""


def check_finished_sweep(folder: Path) -> None:
    """Refuse, in one line, a folder that holds no finished sweep."""
    if not (Path(folder) / "sweep.toml").is_file() or not _results_file(folder).is_file():
        raise SweepError(
            f"{str(folder)!r} holds no finished sweep: allowed is a folder written by "
            "`deterrence sweep` (with sweep.toml and results.parquet or results.csv)"
        )


def sweep_runs(
    folders: Sequence[Path], inputs: Sequence[str] | None = None
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The finished runs of ``folders`` and the emulator's inputs.

    The inputs are ``inputs`` when given, which every folder must vary (a folder may vary more:
    what it varies besides them is spread the emulator takes as noise, such as behaviour drawn
    from the calibration's posterior for each point); else the parameters the first folder
    varies, which every folder must vary alike.
    """
    tables, varied = [], tuple(inputs) if inputs else None
    for folder in folders:
        check_finished_sweep(folder)
        names = tuple(load_sweep(Path(folder) / "sweep.toml").varied)
        if inputs and not set(inputs) <= set(names):
            missing = ", ".join(name for name in inputs if name not in names)
            raise SweepError(
                f"{str(folder)!r} does not vary {missing}: allowed inputs are what every folder "
                f"varies ({', '.join(names)})"
            )
        if not inputs and varied is not None and set(names) != set(varied):
            raise SweepError(
                f"{str(folder)!r} varies {', '.join(names)}, the first folder "
                f"{', '.join(varied)}: allowed are sweeps that vary the same parameters"
            )
        varied = varied or names
        results = _read_results(_results_file(folder))
        tables.append(results[results["status"] == "ok"])
    runs = pd.concat(tables, ignore_index=True)
    if set(COST_INPUTS) <= set(runs):
        runs["net_cost_gbp"] = [
            policy_costs(*row)["net_cost_gbp"] for row in runs[list(COST_INPUTS)].itertuples(False)
        ]
    return runs, varied


def _results_file(folder: Path) -> Path:
    """The sweep's results table: parquet as written, else the CSV committed with results."""
    parquet = Path(folder) / "results.parquet"
    return parquet if parquet.is_file() else Path(folder) / "results.csv"


def _read_results(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def chosen_outputs(runs: pd.DataFrame, asked: Sequence[str] | None) -> tuple[str, ...]:
    """The outputs asked for, or the defaults the runs hold."""
    if asked:
        return tuple(asked)
    available = tuple(name for name in DEFAULT_OUTPUTS if name in runs)
    if not available:
        raise SweepError(
            f"the runs hold none of {', '.join(DEFAULT_OUTPUTS)}: allowed is a sweep whose "
            "outputs include one, or --outputs naming what it stored"
        )
    return available


def train(
    folders: Sequence[Path],
    outputs: Sequence[str] | None = None,
    folds: int = FOLDS,
    seed: int = 0,
    inputs: Sequence[str] | None = None,
) -> tuple[Emulator, Validation]:
    """Cross-validate, then fit on every run; both from ``folders``' runs.

    ``inputs``: the parameters the emulator answers for (default: all the sweeps vary).
    """
    runs, inputs = sweep_runs(folders, inputs)
    chosen = chosen_outputs(runs, outputs)
    validation = validate(runs, inputs, chosen, folds, seed)
    return fit_emulator(runs, inputs, chosen, seed), validation


def run_proposals(
    folders: Sequence[Path], emulator: Emulator, count: int, seed: int, workers: int
) -> Path:
    """Propose ``count`` settings (:mod:`experiments.decision.active`), run them as a sweep.

    The sweep file and its results go to the first folder's ``emulator/proposed-<k>``; the
    runs are made as the first folder's sweep made its own (scenario, days, replicates,
    seeds). Returns the results folder, to train on with the others.
    """
    from experiments.decision.active import proposal_sweep, propose
    from experiments.engine.runner import run_sweep

    spec = load_sweep(Path(folders[0]) / "sweep.toml")
    settings = propose(emulator, count, spec.replicates, seed)
    home = Path(folders[0]) / EMULATOR_FOLDER
    home.mkdir(parents=True, exist_ok=True)
    number = 1 + len(list(home.glob("proposed-*.toml")))
    sweep_file = home / f"proposed-{number}.toml"
    sweep_file.write_text(proposal_sweep(spec, settings, f"{spec.name}-proposed-{number}"))
    out = home / f"proposed-{number}"
    run_sweep(load_sweep(sweep_file), out, workers=workers, progress=True)
    return out


def save(emulator: Emulator, validation: Validation, folder: Path) -> Path:
    """Write the emulator (pickle), its scores and held-out predictions into ``folder``."""
    import sklearn

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "emulator.pkl").open("wb") as handle:
        pickle.dump(emulator, handle)
    validation.scores.to_csv(folder / "validation.csv", index=False)
    validation.predictions.to_csv(folder / "held_out_predictions.csv", index=False)
    about = {
        "inputs": list(emulator.inputs),
        "outputs": list(emulator.outputs),
        "ranges": emulator.ranges,
        "training_runs": emulator.training_runs,
        "scikit_learn": sklearn.__version__,
    }
    (folder / "emulator.json").write_text(json.dumps(about, indent=1))
    return folder


def shipped_emulator(training: Path = SHIPPED_TRAINING) -> Emulator:
    """The emulator trained on the committed training sweep, as the app and optimiser use it.

    Loaded from ``training/emulator/`` when it was saved by this scikit-learn version;
    otherwise (a pickle does not carry across versions) trained again there, which takes
    seconds.
    """
    import sklearn

    folder = Path(training) / EMULATOR_FOLDER
    about = folder / "emulator.json"
    saved = json.loads(about.read_text()) if about.is_file() else {}
    if saved.get("scikit_learn") == sklearn.__version__:
        return load(folder)
    emulator, validation = train([training], saved.get("outputs"), inputs=saved.get("inputs"))
    save(emulator, validation, folder)
    return emulator


def load(folder: Path) -> Emulator:
    """An emulator saved by :func:`save` (only load files you made: it is a pickle)."""
    path = Path(folder) / "emulator.pkl"
    if not path.is_file():
        raise SweepError(f"{str(folder)!r} holds no emulator: allowed is a folder `emulate` wrote")
    with path.open("rb") as handle:
        return pickle.load(handle)


def format_scores(validation: Validation) -> str:
    """The validation table as text: an output a line."""
    scores = validation.scores
    first = scores.iloc[0]
    lines = [
        f"{int(first['folds'])}-fold cross-validation over {int(first['points'])} interior "
        f"points ({int(first['runs'])} runs), each predicted by an emulator fitted without it:",
        f"{'output':<28} {'R2 (point means)':>16} {'90% interval coverage (runs)':>29}",
    ]
    for row in scores.itertuples():
        lines.append(f"{row.output:<28} {row.r2:>16.3f} {row.coverage_90:>29.1%}")
    return "\n".join(lines)


README_REGION = "emulator-scores"
OUTPUT_LABELS = {"net_cost_gbp": "net cost (spent less support saved)"}


def scores_markdown(folder: Path = SHIPPED_TRAINING / EMULATOR_FOLDER) -> str:
    """The saved emulator's cross-validation scores as a Markdown table (the README's)."""
    from model.markdown import table_rows
    from model.metrics import METRICS

    scores = pd.read_csv(Path(folder) / "validation.csv")
    rows = [
        (
            OUTPUT_LABELS.get(row.output) or _short_label(METRICS[row.output].label),
            f"{row.r2:.3f}",
            f"{row.coverage_90:.0%}",
        )
        for row in scores.itertuples()
    ]
    return table_rows(["output", "R² (point means)", "90% interval coverage (runs)"], rows)


def _short_label(label: str) -> str:
    """A metric's label without its unit in brackets."""
    return label.split(" (")[0]


def write_readme(readme: Path) -> None:
    """Rewrite the README's table of the shipped emulator's scores."""
    from model.markdown import replace_region

    readme.write_text(replace_region(readme.read_text(), README_REGION, scores_markdown()))


if __name__ == "__main__":  # python -m experiments.decision.training: the README's table
    write_readme(Path(__file__).parents[2] / "README.md")
