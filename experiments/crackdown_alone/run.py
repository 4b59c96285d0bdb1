"""An illegal-working crackdown alone, by intensity: deterrence and the job channel.

python -m experiments.crackdown_alone.run              # full size
python -m experiments.crackdown_alone.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import sys
from pathlib import Path

from experiments.engine.analysis import load_points
from experiments.engine.figures import response_figure
from experiments.research import Experiment, Finding, interval, main_for, points_table

NAME = "crackdown_alone"
METRICS = {
    "deterrence_effect": ("deterrence effect", True),
    "mean_job_availability": ("illegal job availability (mean)", True),
    "mean_perceived_job_prob": ("perceived job chance on the coast (mean)", True),
    "mean_illegal_employment": ("people working illegally (mean)", False),
}


def interpretation(points) -> str:
    """A short reading of the numbers; its comparisons follow them."""
    ordered = points.sort_values("crackdown_intensity")
    weakest, strongest = ordered.iloc[0], ordered.iloc[-1]
    effect = strongest["deterrence_effect_mean"]
    low, high = strongest["deterrence_effect_low"], strongest["deterrence_effect_high"]
    sure = "" if low > 0 else " (its interval includes zero)"
    return (
        f"At the strongest crackdown (intensity {strongest['crackdown_intensity']:g}) with no "
        f"returns, crossings fall by {effect:.1%}{sure}, 95% interval {low:.1%} to {high:.1%}. "
        f"Illegal job availability falls from {weakest['mean_job_availability_mean']:.1%} to "
        f"{strongest['mean_job_availability_mean']:.1%} and the job chance people on the coast "
        f"perceive from {weakest['mean_perceived_job_prob_mean']:.1%} to "
        f"{strongest['mean_perceived_job_prob_mean']:.1%}. In the model the crackdown deters "
        "only through the job chances that people on the coast hear about from contacts. "
        "How strongly that perception weighs in the decision (weight_job) is an assumption."
    )


def headline(points) -> str:
    """The finding in a sentence."""
    strongest = points.sort_values("crackdown_intensity").iloc[-1]
    effect = interval(
        strongest["deterrence_effect_mean"],
        strongest["deterrence_effect_low"],
        strongest["deterrence_effect_high"],
        percent=True,
    )
    return (
        f"An illegal-working crackdown alone at intensity {strongest['crackdown_intensity']:g} "
        f"(no returns) deters {effect}, through fewer illegal jobs heard of on the coast."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Deterrence and job-channel figures, the table, and the reading."""
    points = load_points(folders["crackdown"])
    out = experiment.results_dir
    figures = [
        response_figure(
            points, "crackdown_intensity", "deterrence_effect", out / "deterrence_by_crackdown.png"
        ),
        response_figure(
            points,
            "crackdown_intensity",
            "mean_job_availability",
            out / "job_availability_by_crackdown.png",
        ),
    ]
    table = points_table(points, ["crackdown_intensity"], METRICS)
    return experiment.finding(
        interpretation(points),
        headline=headline(points),
        figures=figures,
        tables=[("The crackdown alone, by intensity (no returns)", table)],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
