"""The pilot as announced against no pilot: its deterrence effect, with intervals.

python -m experiments.pilot_effect.run              # full size (20 replicates, to June 2026)
python -m experiments.pilot_effect.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import pandas as pd

from experiments.calibration.abc import weighted_quantile
from experiments.calibration.run import posterior_overrides
from experiments.costs import policy_costs
from experiments.figures import save_figure
from experiments.labels import BREAK_EVEN_DETERRENCE
from experiments.research import Experiment, Finding, interval, main_for, weekly_results
from experiments.sweep_analysis import load_points, load_results

NAME = "pilot_effect"
POSTERIOR_SCENARIO = "pilot_calibrated"
"""The scenario the posterior draws are run in (their values override its fitted ones)."""
ANNOUNCED = "as announced (with the legal route)"
RETURNS_ALONE = "returns alone (no legal route)"
CALIBRATED = "as announced, behaviour fitted to 2019-2024"
VARIANTS = {
    ANNOUNCED: ("pilot", 1.0),
    RETURNS_ALONE: ("pilot", 0.0),
    CALIBRATED: ("pilot_calibrated", 1.0),
}
"""Each variant's label: its sweep (scenario) and legal-route share."""


def sweeps(experiment: Experiment) -> dict[str, dict]:
    """The config's sweeps, and the pilot as announced over the calibration's posterior."""
    return {**experiment.config["sweeps"], "posterior": posterior_sweep(experiment)}


def posterior_sweep(experiment: Experiment) -> dict:
    """One point per accepted calibration draw (a paired design), with its own inflow."""
    config = experiment.config["posterior"]
    draws = posterior_overrides(POSTERIOR_SCENARIO).drop(columns="weight")
    if config["draws"]:
        draws = draws.head(config["draws"])
    outputs = experiment.config["sweeps"]["pilot"]["sweep"]["outputs"]
    return {
        "sweep": {
            "scenario": POSTERIOR_SCENARIO,
            "days": config["days"],
            "replicates": config["replicates"],
            "master_seed": config["master_seed"],
            "design": "paired",
            "outputs": outputs,
        },
        "vary": {name: {"values": draws[name].tolist()} for name in draws.columns},
    }


def with_variants(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One table of the sweeps' rows (results, points or weeks), labelled by variant."""
    labelled = []
    for label, (sweep, share) in VARIANTS.items():
        rows = frames[sweep]
        labelled.append(rows[rows["legal_route_share"] == share].assign(variant=label))
    return pd.concat(labelled, ignore_index=True)


def variant_row(points: pd.DataFrame, label: str) -> pd.Series:
    """A variant's point: means and 95% intervals over its replicates."""
    (row,) = points[points["variant"] == label].to_dict("records")
    return pd.Series(row)


def weekly_figure(weekly: pd.DataFrame, path: Path) -> Path:
    """Mean weekly arrivals over the replicates, with and without the pilot as announced.

    Both with the hand-set behaviour and with the behaviour fitted to 2019-2024.
    """
    whole_weeks = weekly["days_in_week"] == 7  # a last, partial week would look like a fall
    figure, axis = plt.subplots(figsize=(8, 4.5))
    for label, colour, behaviour in (
        (ANNOUNCED, "tab:blue", "hand-set behaviour"),
        (CALIBRATED, "tab:orange", "fitted behaviour"),
    ):
        runs = weekly[(weekly["variant"] == label) & whole_weeks]
        means = runs.groupby("week_start")[["arrivals", "counterfactual_arrivals"]].mean()
        axis.plot(
            means.index,
            means["counterfactual_arrivals"],
            color=colour,
            ls="--",
            lw=1,
            label=f"no pilot ({behaviour})",
        )
        axis.plot(means.index, means["arrivals"], color=colour, label=f"pilot ({behaviour})")
    announced = weekly[weekly["variant"] == ANNOUNCED]
    axis.axvline(pd.Timestamp("2025-08-06"), color="tab:red", lw=0.8)
    axis.text(pd.Timestamp("2025-08-06"), axis.get_ylim()[1] * 0.95, " pilot starts", fontsize=8)
    axis.set_xlabel("week starting")
    axis.set_ylabel("small-boat arrivals a week (people)")
    replicates = announced["run_id"].nunique()
    axis.set_title(f"Mean of {replicates} replicate runs, each paired with its no-pilot twin")
    axis.legend(fontsize=8)
    figure.autofmt_xdate()
    return save_figure(figure, path)


def effect_figure(results: pd.DataFrame, points: pd.DataFrame, path: Path) -> Path:
    """The deterrence effect of each replicate, and the mean with its 95% interval."""
    figure, axis = plt.subplots(figsize=(8, 4))
    for position, label in enumerate(VARIANTS):
        runs = results[(results["variant"] == label) & (results["status"] == "ok")]
        axis.scatter(
            runs["deterrence_effect"], [position] * len(runs), alpha=0.4, color="tab:blue", s=18
        )
        row = variant_row(points, label)
        axis.errorbar(
            row["deterrence_effect_mean"],
            position,
            xerr=[
                [row["deterrence_effect_mean"] - row["deterrence_effect_low"]],
                [row["deterrence_effect_high"] - row["deterrence_effect_mean"]],
            ],
            fmt="D",
            color="black",
            capsize=4,
        )
    axis.axvline(BREAK_EVEN_DETERRENCE, color="tab:red", ls="--", label="37% break-even (2023)")
    axis.axvline(0, color="gray", lw=0.8)
    axis.set_yticks(range(len(VARIANTS)), list(VARIANTS))
    axis.set_ylim(-0.6, len(VARIANTS) - 0.4)
    axis.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axis.set_xlabel("deterrence effect: fall in arrivals from the pilot's start (share)")
    axis.set_title("Dots: replicate runs; diamonds: mean with 95% interval", fontsize=9)
    axis.legend(fontsize=8, loc="lower right")
    return save_figure(figure, path)


def effect_table(points: pd.DataFrame) -> pd.DataFrame:
    """One row per variant: deterrence with its interval, crossings deterred, returns."""
    rows = []
    for label in VARIANTS:
        row = variant_row(points, label)
        rows.append(
            {
                "variant": label,
                "deterrence effect": interval(
                    row["deterrence_effect_mean"],
                    row["deterrence_effect_low"],
                    row["deterrence_effect_high"],
                    percent=True,
                ),
                "crossings deterred": interval(
                    row["crossings_deterred_mean"],
                    row["crossings_deterred_low"],
                    row["crossings_deterred_high"],
                ),
                "returns": f"{row['returns_mean']:,.0f}",
                "legal admissions": f"{row['legal_admissions_mean']:,.0f}",
                "perceived return risk (mean)": f"{row['mean_perceived_return_prob_mean']:.3f}",
                "actual return risk (mean)": f"{row['mean_actual_return_prob_mean']:.3f}",
                "replicates": int(row["replicates"]),
            }
        )
    return pd.DataFrame(rows)


def cost_table(points: pd.DataFrame) -> pd.DataFrame:
    """What each variant spends and saves, at the declared cost parameters (mean run)."""
    rows = []
    for label in VARIANTS:
        row = variant_row(points, label)
        costs = policy_costs(
            row["returns_mean"], row["legal_admissions_mean"], row["crossings_deterred_mean"]
        )
        rows.append(
            {
                "variant": label,
                "returns per deterred crossing": (
                    f"{row['returns_mean'] / row['crossings_deterred_mean']:.2f}"
                    if row["crossings_deterred_mean"] > 0
                    else "none deterred"
                ),
                "cost per return (GBP)": f"{costs['cost_per_return_gbp']:,.0f}",
                "cost per deterred crossing (GBP)": _gbp(costs["cost_per_deterred_crossing_gbp"]),
                "net cost (GBP million)": f"{costs['net_cost_gbp'] / 1e6:,.1f}",
                "break-even cost per return (GBP)": _gbp(costs["break_even_cost_per_return_gbp"]),
            }
        )
    return pd.DataFrame(rows)


def _gbp(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.0f}"


def interpretation(points: pd.DataFrame, days: int) -> str:
    """A short reading of the numbers, in words."""
    announced = variant_row(points, ANNOUNCED)
    alone = variant_row(points, RETURNS_ALONE)
    fitted = variant_row(points, CALIBRATED)
    effect, low, high = (announced[f"deterrence_effect_{k}"] for k in ("mean", "low", "high"))
    certain = "" if low > 0 else " The interval includes zero: no effect cannot be ruled out."
    gap = effect - alone["deterrence_effect_mean"]
    return (
        f"Over the pilot's period in these {days}-day runs, the pilot as announced cut "
        f"small-boat arrivals by {interval(effect, low, high, percent=True)} against the same "
        f"runs without it, about {announced['crossings_deterred_mean']:,.0f} crossings for "
        f"{announced['returns_mean']:,.0f} returns.{certain} With the legal route switched "
        f"off the effect is {alone['deterrence_effect_mean']:.1%}, {gap * 100:.1f} percentage "
        "points less: in the model, people waiting for a place on the route do not cross. "
        f"Against the {BREAK_EVEN_DETERRENCE:.0%} deterrence at which the Home Office's 2023 "
        f"impact assessment breaks even, the pilot as announced is "
        f"{against_break_even(announced)} and returns alone are {against_break_even(alone)}. "
        + cost_reading(announced)
        + " "
        + calibrated_reading(announced, fitted)
    )


def calibrated_reading(announced: pd.Series, fitted: pd.Series) -> str:
    """How the headline changes with the behaviour fitted to 2019-2024, in a sentence."""
    effect = fitted["deterrence_effect_mean"]
    low, high = fitted["deterrence_effect_low"], fitted["deterrence_effect_high"]
    difference = effect - announced["deterrence_effect_mean"]
    return (
        "These numbers rest on the hand-set behaviour weights of the `pilot` scenario. With the "
        "behaviour fitted to 2019-2024 instead (`pilot_calibrated`, see the calibration), the "
        f"pilot as announced deters {interval(effect, low, high, percent=True)}, "
        f"{abs(difference) * 100:.1f} percentage points {'more' if difference > 0 else 'less'}"
        f", and is {against_break_even(fitted, 'the break-even')}. The calibration leaves "
        "most weights uncertain, so the sensitivity experiment shows which of them the effect "
        "hinges on."
    )


def against_break_even(point: pd.Series, it: str = "it") -> str:
    """Whether a variant's effect is above, below or about the break-even (``it``)."""
    if point["deterrence_effect_low"] > BREAK_EVEN_DETERRENCE:
        return f"above {it}"
    if point["deterrence_effect_high"] < BREAK_EVEN_DETERRENCE:
        return f"below {it}"
    return f"about at {it} (the interval includes 37%)"


def cost_reading(announced: pd.Series) -> str:
    """The pilot's costs in a sentence, at the declared cost parameters."""
    costs = policy_costs(
        announced["returns_mean"],
        announced["legal_admissions_mean"],
        announced["crossings_deterred_mean"],
    )
    return (
        f"At GBP {costs['cost_per_return_gbp']:,.0f} a return (an upper reference, see the "
        f"parameters), each deterred crossing costs GBP "
        f"{_gbp(costs['cost_per_deterred_crossing_gbp'])}; counting the support saved for "
        "those deterred and those returned, the pilot pays for itself if a return costs less "
        f"than GBP {_gbp(costs['break_even_cost_per_return_gbp'])}."
    )


def posterior_effects(results: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Each accepted calibration draw's mean over its replicates (one row per draw).

    With the draw's posterior weight, renormalised over the draws that ran.
    """
    runs = results[results["status"] == "ok"]
    metrics = ["deterrence_effect", "crossings_deterred", "returns"]
    by_draw = runs.groupby("point")[metrics].mean()
    by_draw["replicates"] = runs.groupby("point").size()
    by_draw["weight"] = weights.reset_index(drop=True).loc[by_draw.index].to_numpy()
    by_draw["weight"] /= by_draw["weight"].sum()
    return by_draw


def over_draws(by_draw: pd.DataFrame, column: str, q: float) -> float:
    """A weighted quantile of a metric over the posterior draws."""
    return weighted_quantile(by_draw[column].to_numpy(), by_draw["weight"].to_numpy(), q)


def chance_of_break_even(by_draw: pd.DataFrame) -> float:
    """The posterior probability that the pilot reaches the 37% break-even deterrence."""
    return float(by_draw.loc[by_draw["deterrence_effect"] >= BREAK_EVEN_DETERRENCE, "weight"].sum())


POSTERIOR_SPREAD = (0.05, 0.95)
"""The quantiles of the draws' effects that the posterior table and reading give."""


def posterior_table(by_draw: pd.DataFrame) -> pd.DataFrame:
    """The spread of the pilot's effect over the calibration's accepted draws, in one row."""
    low, high = (over_draws(by_draw, "deterrence_effect", q) for q in POSTERIOR_SPREAD)
    return pd.DataFrame(
        [
            {
                "accepted draws": len(by_draw),
                "replicates per draw": int(by_draw["replicates"].min()),
                "posterior median deterrence effect": (
                    f"{over_draws(by_draw, 'deterrence_effect', 0.5):.1%}"
                ),
                f"posterior {POSTERIOR_SPREAD[0]:.0%}-{POSTERIOR_SPREAD[1]:.0%}": (
                    f"{low:.1%} to {high:.1%}"
                ),
                "posterior chance of 37% or more": f"{chance_of_break_even(by_draw):.0%}",
                "posterior median crossings deterred": (
                    f"{over_draws(by_draw, 'crossings_deterred', 0.5):,.0f}"
                ),
            }
        ]
    )


def posterior_figure(by_draw: pd.DataFrame, points: pd.DataFrame, path: Path) -> Path:
    """The effect of each accepted draw, against the hand-set and the fitted point runs."""
    figure, axis = plt.subplots(figsize=(8, 4))
    axis.hist(
        by_draw["deterrence_effect"],
        bins=15,
        weights=by_draw["weight"] * len(by_draw),
        color="tab:orange",
        alpha=0.7,
        label=f"accepted calibration draws ({len(by_draw)}, weighted)",
    )
    for label, style, behaviour in (
        (ANNOUNCED, "-", "hand-set behaviour"),
        (CALIBRATED, ":", "the fit (closest draw)"),
    ):
        axis.axvline(
            variant_row(points, label)["deterrence_effect_mean"],
            color="black",
            ls=style,
            label=f"{behaviour} (mean of its replicates)",
        )
    axis.axvline(BREAK_EVEN_DETERRENCE, color="tab:red", ls="--", label="37% break-even (2023)")
    axis.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axis.set_xlabel("deterrence effect of the pilot as announced (share of arrivals)")
    axis.set_ylabel("accepted draws (weighted count)")
    axis.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axis.set_title(
        "The pilot over the calibration's posterior (each draw: mean of its runs)", fontsize=9
    )
    axis.legend(fontsize=7)
    return save_figure(figure, path)


def posterior_reading(by_draw: pd.DataFrame, accepted: int, fitted_effect: float) -> str:
    """The spread over the posterior, and where the fit's own effect falls in it.

    ``accepted`` draws were kept, of which ``by_draw`` ran; ``fitted_effect`` is the mean
    effect of the fitted scenario's replicates.
    """
    low, high = (over_draws(by_draw, "deterrence_effect", q) for q in POSTERIOR_SPREAD)
    median = over_draws(by_draw, "deterrence_effect", 0.5)
    ran = "all" if len(by_draw) == accepted else f"{len(by_draw)} of the"
    central = POSTERIOR_SPREAD[1] - POSTERIOR_SPREAD[0]
    return (
        f"Run over {ran} {accepted} draws the calibration kept, with their posterior weights, "
        f"the pilot as announced deters a median {median:.1%}; the central {central:.0%} of "
        "the posterior lies "
        f"between {low:.1%} and {high:.1%}, and the chance that it reaches the 37% break-even "
        f"is {chance_of_break_even(by_draw):.0%}. The fit's own {fitted_effect:.1%} has "
        f"{posterior_share_below(by_draw, fitted_effect):.0%} of the posterior below it: the "
        "single closest draw need not be a typical one. This spread, not the intervals over "
        "replicates above, is the uncertainty the public data leave in the headline."
    )


def posterior_share_below(by_draw: pd.DataFrame, effect: float) -> float:
    """The posterior probability of a deterrence effect below ``effect``."""
    return float(by_draw.loc[by_draw["deterrence_effect"] < effect, "weight"].sum())


def headline(points: pd.DataFrame, by_draw: pd.DataFrame) -> str:
    """The finding in a sentence: the three variants and the posterior."""

    def effect(label: str) -> str:
        row = variant_row(points, label)
        return interval(
            row["deterrence_effect_mean"],
            row["deterrence_effect_low"],
            row["deterrence_effect_high"],
            percent=True,
        )

    low, high = (over_draws(by_draw, "deterrence_effect", q) for q in POSTERIOR_SPREAD)
    return (
        f"The pilot as announced deters {effect(ANNOUNCED)} of crossings with the hand-set "
        f"behaviour ({variant_row(points, RETURNS_ALONE)['deterrence_effect_mean']:.1%} without "
        f"the legal route) and {variant_row(points, CALIBRATED)['deterrence_effect_mean']:.1%} "
        "with the behaviour fitted to 2019-2024; over the calibration's posterior the median is "
        f"{over_draws(by_draw, 'deterrence_effect', 0.5):.1%} (90%: {low:.1%} to {high:.1%}), "
        f"a {chance_of_break_even(by_draw):.0%} chance of reaching the 37% break-even."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Figures, table and interpretation from the experiment's sweep."""
    variants = {name: folder for name, folder in folders.items() if name != "posterior"}
    results = with_variants({name: load_results(folder) for name, folder in variants.items()})
    points = with_variants({name: load_points(folder) for name, folder in variants.items()})
    weekly = with_variants({name: weekly_results(folder) for name, folder in variants.items()})
    weights = posterior_overrides(POSTERIOR_SCENARIO)["weight"]
    over_posterior = posterior_effects(load_results(folders["posterior"]), weights)
    out = experiment.results_dir
    days = int(experiment.config["sweeps"]["pilot"]["sweep"]["days"])
    return experiment.finding(
        interpretation(points, days)
        + " "
        + posterior_reading(
            over_posterior,
            len(posterior_overrides(POSTERIOR_SCENARIO)),
            variant_row(points, CALIBRATED)["deterrence_effect_mean"],
        ),
        headline=headline(points, over_posterior),
        figures=[
            weekly_figure(weekly, out / "pilot_weekly_arrivals.png"),
            effect_figure(results, points, out / "pilot_deterrence_effect.png"),
            posterior_figure(over_posterior, points, out / "pilot_over_posterior.png"),
        ],
        tables=[
            ("Deterrence effect of the pilot, by variant", effect_table(points)),
            (
                "The pilot as announced over the calibration's accepted draws (each draw's "
                "behaviour parameters and inflow; mean over its replicates)",
                posterior_table(over_posterior),
            ),
            (
                "Costs of the pilot (mean run; cost parameters in experiments/costs.toml: "
                "support saved per person not arriving or returned, cost per return and per "
                "legal admission)",
                cost_table(points),
            ),
        ],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
