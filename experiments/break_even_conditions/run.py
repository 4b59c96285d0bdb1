"""Where the pilot breaks even: PRIM boxes over behaviour parameters and the pace of returns.

Each run is a draw of the calibration's posterior, drawn by weight (so the share of runs that
reach a case is its posterior chance, given the uniform inputs), beside a Latin-hypercube point
over the inputs the calibration does not fit (``[conditions.uniform]`` of the config).

python -m experiments.break_even_conditions.run              # full size
python -m experiments.break_even_conditions.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc

from experiments.calibration.run import pilot_year_start, posterior_overrides
from experiments.decision.discovery import Box, discover
from experiments.engine.analysis import load_results
from experiments.engine.labels import BREAK_EVEN_CASES
from experiments.engine.spec import load_sweep
from experiments.research import Experiment, Finding, main_for

NAME = "break_even_conditions"
SWEEP = "over_posterior"
EFFECT = "deterrence_effect_during_pilot"


def sweeps(experiment: Experiment) -> dict[str, dict]:
    """One paired sweep: posterior draws by weight, each beside a Latin-hypercube point."""
    config = experiment.config["conditions"]
    samples = config["samples"]
    rng = np.random.default_rng(config["master_seed"])
    overrides = posterior_overrides(config["scenario"])
    chance = (overrides["weight"] / overrides["weight"].sum()).to_numpy()
    rows = rng.choice(len(overrides), size=samples, p=chance)
    draws = overrides.drop(columns="weight").iloc[rows].reset_index(drop=True)
    uniform = config["uniform"]
    unit = qmc.LatinHypercube(d=len(uniform), rng=rng).random(samples)
    for column, (name, (low, high)) in enumerate(uniform.items()):
        draws[name] = (low + unit[:, column] * (high - low)).round(6)
    return {
        SWEEP: {
            "sweep": {
                "scenario": config["scenario"],
                "days": config["days"],
                "replicates": 1,
                "master_seed": config["master_seed"],
                "design": "paired",
                "outputs": list(config["outputs"]),
            },
            "fixed": pilot_year_start(),  # the gangs start at 2024's load, as in the fit
            "vary": {name: {"values": draws[name].tolist()} for name in draws.columns},
        }
    }


def boxes(runs: pd.DataFrame, inputs: list[str]) -> dict[str, Box | None]:
    """PRIM's box for each break-even case: the runs whose effect reaches it."""
    return {
        name: discover(runs[inputs], (runs[EFFECT] >= level).to_numpy())
        for name, level in BREAK_EVEN_CASES.items()
    }


def box_table(runs: pd.DataFrame, found: dict[str, Box | None]) -> pd.DataFrame:
    """A row a case: how many runs reach it, and PRIM's box with its coverage and density."""
    rows = []
    for name, level in BREAK_EVEN_CASES.items():
        reaching = (runs[EFFECT] >= level).mean()
        box = found[name]
        rows.append(
            {
                "break-even case": f"{level:.0%} ({name})",
                "runs reaching it": f"{reaching:.0%} of {len(runs)}",
                "box (inputs it restricts)": (
                    "every run reaches it" if reaching == 1 else "no run reaches it"
                )
                if box is None
                else box.describe(),
                "coverage": "" if box is None else f"{box.coverage:.0%}",
                "density": "" if box is None else f"{box.density:.0%}",
            }
        )
    return pd.DataFrame(rows)


def box_figure(runs: pd.DataFrame, found: dict[str, Box | None], path: Path) -> Path:
    """The runs over two inputs, marked by whether they reach the central case, with its box.

    The inputs are the box's first two (or the pace of returns and the weight of a return,
    when the box restricts fewer, or when no run or every run reaches the case).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from experiments.engine.figures import save_figure
    from experiments.engine.labels import axis_label

    box, level = found["central case"], BREAK_EVEN_CASES["central case"]
    restricted = list(box.limits) if box is not None else []
    x, y = [*dict.fromkeys([*restricted, "returns_after_record_per_week", "weight_return"])][:2]
    reaching = runs[EFFECT] >= level
    figure, axis = plt.subplots(figsize=(6.5, 4.8))
    for mask, colour, label in ((~reaching, "tab:grey", "below"), (reaching, "tab:red", "reaches")):
        axis.scatter(
            runs.loc[mask, x],
            runs.loc[mask, y],
            s=14,
            c=colour,
            label=f"{label} {level:.0%} ({int(mask.sum())} runs)",
        )
    if box is not None:
        low_x, high_x = box.limits.get(x, (runs[x].min(), runs[x].max()))
        low_y, high_y = box.limits.get(y, (runs[y].min(), runs[y].max()))
        axis.add_patch(
            Rectangle(
                (low_x, low_y),
                high_x - low_x,
                high_y - low_y,
                fill=False,
                lw=1.5,
                ls="--",
                label="PRIM box (these two inputs)",
            )
        )
    axis.set_xlabel(axis_label(x))
    axis.set_ylabel(axis_label(y))
    axis.legend(fontsize=8)
    axis.set_title(f"Runs reaching the {level:.0%} break-even (central case)")
    return save_figure(figure, path)


def headline(runs: pd.DataFrame, found: dict[str, Box | None]) -> str:
    """The finding in a sentence: the central case's box, or that no or every run reaches it."""
    name, level = "central case", BREAK_EVEN_CASES["central case"]
    share = (runs[EFFECT] >= level).mean()
    box = found[name]
    if box is None:
        return (
            f"In {len(runs)} runs of the pilot as delivered over the calibration's posterior and "
            f"the pace of returns after the record, {share:.0%} reach the {level:.0%} break-even."
        )
    pace = runs["returns_after_record_per_week"]
    return (
        f"Over the calibration's posterior and a pace of returns after the record of "
        f"{pace.min():.0f}-{pace.max():.0f} a week (uniform, an assumption), the pilot "
        f"as delivered reaches the {level:.0%} break-even in {share:.0%} of {len(runs)} runs; "
        f"PRIM's box ({box.describe()}) holds {box.coverage:.0%} of them at a density of "
        f"{box.density:.0%}."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """The boxes for each case, and the reading."""
    folder = folders[SWEEP]
    runs = load_results(folder)
    runs = runs[runs["status"] == "ok"].reset_index(drop=True)
    inputs = list(load_sweep(experiment.results_dir / f"{SWEEP}.toml").varied)
    found = boxes(runs, inputs)
    uniform = experiment.config["conditions"]["uniform"]
    ranges = ", ".join(f"{name} {low:g} to {high:g}" for name, (low, high) in uniform.items())
    interpretation = (
        f"{len(runs)} runs of the pilot as delivered (returns and admissions follow the record, "
        "then an assumed pace, to an assumed end on 31 October 2026), each a draw of the "
        "calibration's posterior taken by its weight (every fitted behaviour value and the "
        "draw's own inflow) beside a point of a Latin hypercube over the inputs the calibration "
        f"does not fit ({ranges}, uniform: assumptions). The share of runs reaching a case is "
        "therefore its chance over the posterior, given those uniform ranges. The effect is the "
        "fall in arrivals up to the pilot's end against the same runs without it. For each case "
        "PRIM (EMA Workbench) peels the ranges of the varied inputs "
        f"({len(inputs)}: the posterior's parameters, the inflow and the two above) to the box "
        "with the largest coverage (share of the runs reaching the case that lie inside it) at "
        "a density (share of the box's runs reaching it) of at least 80%; where no box is that "
        "dense, the densest one, whose density then says how loosely it holds."
    )
    figure = box_figure(runs, found, experiment.results_dir / "break_even_box.png")
    return experiment.finding(
        interpretation,
        headline=headline(runs, found),
        figures=[figure],
        tables=[("Where each break-even case is reached (PRIM boxes)", box_table(runs, found))],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
