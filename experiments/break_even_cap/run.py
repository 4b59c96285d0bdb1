"""The return cap needed for 37% deterrence, with and without an illegal-working crackdown.

python -m experiments.break_even_cap.run              # full size
python -m experiments.break_even_cap.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from experiments.engine.analysis import load_points
from experiments.engine.figures import first_crossing, response_figure
from experiments.engine.labels import BREAK_EVEN_DETERRENCE
from experiments.research import Experiment, Finding, main_for

NAME = "break_even_cap"
CRACKDOWN_LABELS = {0.0: "no crackdown", 0.5: "crackdown at intensity 0.5"}


def cap_reaching(group: pd.DataFrame, column: str) -> str:
    """The cap at which ``column`` first reaches 37%, in words."""
    caps = group["return_cap_per_week"].to_numpy()
    cap = first_crossing(caps, group[column].to_numpy(), BREAK_EVEN_DETERRENCE)
    return f"{cap:,.0f}" if cap is not None else f"not within {caps.max():,.0f}"


def cap_needed(points: pd.DataFrame) -> pd.DataFrame:
    """For each crackdown level, the cap at which deterrence reaches 37%, with its range.

    The range comes from the 95% interval band: where its upper edge reaches 37% (the lowest
    cap that might do) and where its lower edge does (the cap that does, with confidence).
    """
    rows = []
    for crackdown, group in points.groupby("crackdown_intensity"):
        group = group.sort_values("return_cap_per_week")
        rows.append(
            {
                "crackdown": CRACKDOWN_LABELS.get(crackdown, f"{crackdown:g}"),
                "cap for 37% (returns/week, mean)": cap_reaching(group, "deterrence_effect_mean"),
                "lowest cap that might (upper 95%)": cap_reaching(group, "deterrence_effect_high"),
                "cap that does, with confidence (lower 95%)": cap_reaching(
                    group, "deterrence_effect_low"
                ),
                "deterrence at the largest cap": f"{group['deterrence_effect_mean'].iloc[-1]:.1%}",
                "replicates": int(group["replicates"].min()),
            }
        )
    return pd.DataFrame(rows)


def caps_for_break_even(points: pd.DataFrame) -> dict[float, float | None]:
    """The fixed cap (returns a week) at which the mean effect first reaches 37%, by crackdown."""
    return {
        crackdown: first_crossing(
            group.sort_values("return_cap_per_week")["return_cap_per_week"].to_numpy(),
            group.sort_values("return_cap_per_week")["deterrence_effect_mean"].to_numpy(),
            BREAK_EVEN_DETERRENCE,
        )
        for crackdown, group in points.groupby("crackdown_intensity")
    }


def headline(caps: dict[float, float | None]) -> str:
    """The finding in a sentence."""
    needed = ", or ".join(
        (f"{cap:,.0f} a week" if cap is not None else "more than the caps swept")
        + (" with no crackdown" if crackdown == 0 else f" with a crackdown at {crackdown:g}")
        for crackdown, cap in caps.items()
    )
    return (
        f"The 37% break-even deterrence needs a fixed return cap of {needed}, against the 50 a "
        "week announced."
    )


def interpretation(points: pd.DataFrame, table: pd.DataFrame) -> str:
    """A short reading of the table, in words; its comparisons follow the numbers."""
    lines = [
        f"with {row['crackdown']}, the mean deterrence effect reaches 37% at a cap of "
        f"{row['cap for 37% (returns/week, mean)']} returns a week "
        f"(at the largest cap it is {row['deterrence at the largest cap']})"
        for row in table.to_dict("records")
    ]
    caps = caps_for_break_even(points)
    text = "Holding the cap fixed over the pilot's period: " + "; ".join(lines) + "."
    found = [cap for cap in caps.values() if cap is not None]
    if found:
        text += (
            f" The pilot's announced 50 a week is {min(found) / 50:.1f} to "
            f"{max(found) / 50:.1f} times too small for break-even."
        )
    without, with_crackdown = caps.get(0.0), caps.get(0.5)
    if without is not None and with_crackdown is not None:
        change = "lowers" if with_crackdown < without else "does not lower"
        text += (
            f" The crackdown {change} the cap needed ({with_crackdown:,.0f} against "
            f"{without:,.0f} a week): in the model it shrinks the illegal jobs that people on the "
            "coast hear about."
        )
    return text + " These caps are conditional on the model's assumed behaviour weights."


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """The response figure, the table of caps needed, and their reading."""
    points = load_points(folders["cap"])
    table = cap_needed(points)
    figure = response_figure(
        points,
        "return_cap_per_week",
        "deterrence_effect",
        experiment.results_dir / "deterrence_by_return_cap.png",
        group="crackdown_intensity",
        group_labels=CRACKDOWN_LABELS,
    )
    return experiment.finding(
        interpretation(points, table),
        headline=headline(caps_for_break_even(points)),
        figures=[figure],
        tables=[("Return cap at which the deterrence effect reaches 37%", table)],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
