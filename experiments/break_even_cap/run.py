"""The return cap needed for break-even deterrence (2%, 37%, 50%), with and without a crackdown.

python -m experiments.break_even_cap.run              # full size
python -m experiments.break_even_cap.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from experiments.engine.analysis import load_points
from experiments.engine.figures import first_crossing, response_figure
from experiments.engine.labels import BREAK_EVEN_CASES, BREAK_EVEN_DETERRENCE, break_even_case
from experiments.research import Experiment, Finding, main_for

NAME = "break_even_cap"
CRACKDOWN_LABELS = {0.0: "no crackdown", 0.5: "crackdown at intensity 0.5"}


def cap_reaching(group: pd.DataFrame, column: str, level: float) -> str:
    """The cap at which ``column`` first reaches ``level``, in words."""
    caps = group["return_cap_per_week"].to_numpy()
    cap = first_crossing(caps, group[column].to_numpy(), level)
    return f"{cap:,.0f}" if cap is not None else f"not within {caps.max():,.0f}"


def cap_needed(points: pd.DataFrame) -> pd.DataFrame:
    """For each crackdown level and break-even case, the cap at which deterrence reaches it.

    The range comes from the seeds-only 95% band: where its upper edge reaches the level (the
    lowest cap that might do) and where its lower edge does (the cap that does, with
    confidence over seeds).
    """
    rows = []
    for crackdown, group in points.groupby("crackdown_intensity"):
        group = group.sort_values("return_cap_per_week")
        for level in BREAK_EVEN_CASES.values():
            rows.append(
                {
                    "crackdown": CRACKDOWN_LABELS.get(crackdown, f"{crackdown:g}"),
                    "break-even case": break_even_case(level),
                    "cap needed (returns/week, mean)": cap_reaching(
                        group, "deterrence_effect_mean", level
                    ),
                    "lowest cap that might (upper seeds-only 95%)": cap_reaching(
                        group, "deterrence_effect_high", level
                    ),
                    "cap that does (lower seeds-only 95%)": cap_reaching(
                        group, "deterrence_effect_low", level
                    ),
                    "deterrence at the largest cap": (
                        f"{group['deterrence_effect_mean'].iloc[-1]:.1%}"
                    ),
                    "replicates": int(group["replicates"].min()),
                }
            )
    return pd.DataFrame(rows)


def caps_for_break_even(points: pd.DataFrame, level: float) -> dict[float, float | None]:
    """The fixed cap (returns a week) at which the mean effect first reaches ``level``."""
    caps = {}
    for crackdown, group in points.groupby("crackdown_intensity"):
        group = group.sort_values("return_cap_per_week")
        caps[crackdown] = first_crossing(
            group["return_cap_per_week"].to_numpy(),
            group["deterrence_effect_mean"].to_numpy(),
            level,
        )
    return caps


def _cap_in_words(cap: float | None) -> str:
    return f"{cap:,.0f} a week" if cap is not None else "more than the caps swept"


def headline(points: pd.DataFrame) -> str:
    """The finding in a sentence: the cap needed for each case of the band, by crackdown."""
    parts = []
    for crackdown in sorted(points["crackdown_intensity"].unique()):
        needed = ", ".join(
            f"{_cap_in_words(caps_for_break_even(points, level)[crackdown])} for {level:.0%}"
            for level in BREAK_EVEN_CASES.values()
        )
        parts.append(f"{CRACKDOWN_LABELS.get(crackdown, f'crackdown {crackdown:g}')}: {needed}")
    return (
        "Holding a fixed return cap over the pilot's period (not the pilot as delivered), "
        "break-even deterrence (2% high support-cost case, 37% central, 50% with 3-year "
        f"processing; Home Office 2023) needs, with {'; with '.join(parts)}; the pilot "
        "announced about 50 a week."
    )


def interpretation(points: pd.DataFrame, table: pd.DataFrame) -> str:
    """A short reading of the table, in words; its comparisons follow the numbers."""
    central = table[table["break-even case"] == break_even_case(BREAK_EVEN_DETERRENCE)]
    lines = [
        f"with {row['crackdown']}, the mean deterrence effect reaches the central 37% at a cap "
        f"of {row['cap needed (returns/week, mean)']} returns a week "
        f"(at the largest cap it is {row['deterrence at the largest cap']})"
        for row in central.to_dict("records")
    ]
    caps = caps_for_break_even(points, BREAK_EVEN_DETERRENCE)
    text = "Holding the cap fixed over the pilot's period: " + "; ".join(lines) + "."
    found = [cap for cap in caps.values() if cap is not None]
    if found:
        text += (
            f" For the central case, the pilot's announced 50 a week is {min(found) / 50:.1f} to "
            f"{max(found) / 50:.1f} times too small."
        )
    without, with_crackdown = caps.get(0.0), caps.get(0.5)
    if without is not None and with_crackdown is not None:
        change = "lowers" if with_crackdown < without else "does not lower"
        text += (
            f" The crackdown {change} the cap needed ({with_crackdown:,.0f} against "
            f"{without:,.0f} a week): in the model it shrinks the illegal jobs that people on the "
            "coast hear about."
        )
    return text + (
        " The table gives the caps for the 2% and 50% cases too. The intervals are over seeds "
        "only, at the model's default behaviour weights: parameter uncertainty would widen them."
    )


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
        headline=headline(points),
        figures=[figure],
        tables=[("Return cap at which the deterrence effect reaches each break-even case", table)],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
