"""Information: how beliefs follow the return rate; misinformation; an information campaign.

python -m experiments.information.run              # full size
python -m experiments.information.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.engine.analysis import load_points
from experiments.engine.figures import draw_response, save_figure
from experiments.engine.labels import levers_in_words
from experiments.engine.spec import load_sweep
from experiments.research import Experiment, Finding, main_for, points_table, weekly_results

NAME = "information"
CATCH_UP_SHARE = 0.5
"""Perceived risk has caught up when it reaches this share of the actual return rate."""
TAIL_WEEKS = 8
"""Weeks at the end of a run over which perceived and actual risk are compared."""


def catch_up_weeks(run: pd.DataFrame) -> float:
    """Weeks until perceived return risk reaches half the mean actual rate (NaN: never).

    Counted from the first week anyone is detained for return; ``run`` is one run's weekly
    series, in week order. The mean actual rate since then is the yardstick because the weekly
    rate swings (detentions pause while the returns unit is full, before returns begin).
    """
    actual = run["actual_return_prob"].to_numpy()
    started = np.flatnonzero(actual > 0)
    if len(started) == 0:
        return math.nan
    first = started[0]
    target = CATCH_UP_SHARE * actual[first:].mean()
    perceived = run["perceived_return_prob"].to_numpy()[first:]
    caught_up = np.flatnonzero(perceived >= target)
    return float(caught_up[0]) if len(caught_up) else math.nan


def learning_table(weekly: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Per network weight: catch-up time and the perceived/actual ratio at the end."""
    rows = []
    for weight, runs in weekly.groupby("belief_weight_network"):
        per_run = runs.sort_values("week").groupby("run_id")
        catch_up = per_run.apply(catch_up_weeks, include_groups=False)
        tail = per_run.tail(TAIL_WEEKS)
        ratio = tail["perceived_return_prob"].sum() / max(tail["actual_return_prob"].sum(), 1e-12)
        (point,) = points[points["belief_weight_network"] == weight].to_dict("records")
        never = int(catch_up.isna().sum())
        rows.append(
            {
                "belief weight network (per day)": weight,
                "weeks to reach half the actual risk (mean)": (
                    f"{catch_up.mean():.1f}" if never < len(catch_up) else "never"
                )
                + (f" ({never} runs never)" if 0 < never < len(catch_up) else ""),
                f"perceived / actual risk, last {TAIL_WEEKS} weeks": f"{ratio:.2f}",
                "deterrence effect (mean)": f"{point['deterrence_effect_mean']:.1%}",
                "replicates": int(point["replicates"]),
            }
        )
    return pd.DataFrame(rows)


def learning_figure(weekly: pd.DataFrame, path: Path) -> Path:
    """Mean weekly perceived and actual return risk from the pilot's start, by network weight."""
    figure, axis = plt.subplots(figsize=(8, 4.5))
    whole = weekly[(weekly["days_in_week"] == 7) & (weekly["week_start"] >= "2025-08-01")]
    for weight, runs in whole.groupby("belief_weight_network"):
        means = runs.groupby("week_start")[["perceived_return_prob", "actual_return_prob"]].mean()
        line = axis.plot(
            means.index,
            means["perceived_return_prob"],
            label=f"perceived, network weight {weight:g}",
        )
        axis.plot(
            means.index,
            means["actual_return_prob"],
            ls=":",
            color=line[0].get_color(),
            label=f"actual, network weight {weight:g}",
        )
    axis.set_xlabel("week starting")
    axis.set_ylabel("return probability after crossing")
    axis.set_title("Mean over replicate runs; return cap 200 a week from 6 August 2025", fontsize=9)
    axis.legend(fontsize=7)
    figure.autofmt_xdate()
    return save_figure(figure, path)


def levers_figure(misinformation: pd.DataFrame, campaign: pd.DataFrame, path: Path) -> Path:
    """Deterrence by smugglers' misinformation, and by the weight of official announcements."""
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    draw_response(axes[0], misinformation, "smuggler_misinformation", "deterrence_effect")
    draw_response(axes[1], campaign, "belief_weight_official", "deterrence_effect")
    axes[0].set_title("Smugglers' misinformation", fontsize=10)
    axes[1].set_title("Information campaign (weight of official announcements)", fontsize=10)
    axes[0].legend(fontsize=8)
    return save_figure(figure, path)


def interpretation(learning: pd.DataFrame, misinformation, campaign) -> str:
    """A short reading of the three sweeps; directions come from the numbers."""

    def span(points: pd.DataFrame, x: str) -> str:
        rows = points.sort_values(x)
        return (
            f"from {rows['deterrence_effect_mean'].iloc[0]:.1%} at {rows[x].iloc[0]:g} to "
            f"{rows['deterrence_effect_mean'].iloc[-1]:.1%} at {rows[x].iloc[-1]:g}"
        )

    speeds = "; ".join(
        f"network weight {row['belief weight network (per day)']:g}: "
        f"{row['weeks to reach half the actual risk (mean)']} weeks"
        for row in learning.to_dict("records")
    )
    return (
        "Weeks from the first detention for return until the perceived return risk on the "
        f"coast reaches half the mean actual rate: {speeds}. The deterrence effect moves "
        f"{span(misinformation, 'smuggler_misinformation')} as smugglers' misinformation "
        "rises, and "
        f"{span(campaign, 'belief_weight_official')} as official announcements weigh more "
        "(an information campaign). Perceived, not actual, risk drives the decision, so what "
        "people hear sets how much of the pilot's return rate deters; the belief weights are "
        "assumptions that calibration can only partly fix."
    )


def headline(learning: pd.DataFrame, misinformation, campaign, levers: str) -> str:
    """The finding in a sentence, naming the levers its runs hold."""
    weeks = learning["weeks to reach half the actual risk (mean)"]
    numeric = weeks.str.extract(r"^([\d.]+)")[0].astype(float).dropna()  # "never": no number
    lag = (
        f"{numeric.min():.0f} to {numeric.max():.0f} weeks"
        if len(numeric)
        else "longer than the runs"
    )

    def ends(points: pd.DataFrame, x: str) -> str:
        rows = points.sort_values(x)["deterrence_effect_mean"]
        return f"from {rows.iloc[0]:.0%} to {rows.iloc[-1]:.0%}"

    return (
        f"In {levers}: perceived return risk takes {lag} from the first detention to reach "
        "half the actual "
        f"rate; deterrence goes {ends(misinformation, 'smuggler_misinformation')} as smugglers' "
        f"misinformation rises, and {ends(campaign, 'belief_weight_official')} with an "
        "information campaign."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Figures and tables of the three sweeps, and the reading."""
    out = experiment.results_dir
    learning_points = load_points(folders["learning"])
    weekly = weekly_results(folders["learning"])
    misinformation = load_points(folders["misinformation"])
    campaign = load_points(folders["campaign"])
    learning = learning_table(weekly, learning_points)
    spec = load_sweep(folders["learning"] / "sweep.toml")  # the three sweeps hold the same levers
    levers = levers_in_words(spec.scenario, spec.fixed)
    share = {
        "deterrence_effect": ("deterrence effect", True),
        "mean_perceived_return_prob": ("perceived return risk (mean)", False),
    }
    return experiment.finding(
        interpretation(learning, misinformation, campaign),
        headline=headline(learning, misinformation, campaign, levers),
        figures=[
            learning_figure(weekly, out / "perceived_and_actual_return_risk.png"),
            levers_figure(misinformation, campaign, out / "deterrence_by_information.png"),
        ],
        tables=[
            ("How fast perceived return risk follows the actual rate", learning),
            (
                "Smugglers' misinformation",
                points_table(misinformation, ["smuggler_misinformation"], share),
            ),
            (
                "Information campaign (weight of official announcements)",
                points_table(campaign, ["belief_weight_official"], share),
            ),
        ],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
