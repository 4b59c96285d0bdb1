"""The pilot as delivered, as announced and with an assumed growth, each against no pilot.

python -m experiments.pilot_effect.run              # full size (20 replicates, to March 2027)
python -m experiments.pilot_effect.run --size ci    # reduced, as CI runs it

Each scenario runs with and without the legal route, so its effect comes apart into returns and
the route; every run reports what became of the people who would have crossed (model.effects),
the coast's population against the counterfactual's, and the crossings after the pilot's end.
The pilot as delivered also runs over the calibration's posterior: its spread, not the replicate
intervals, is the uncertainty the public data leave in the headline.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt
import pandas as pd

from experiments.calibration.posterior import weighted_quantile
from experiments.calibration.run import pilot_year_start, posterior_overrides
from experiments.costs import policy_costs
from experiments.engine.analysis import load_points, load_results
from experiments.engine.figures import mark_break_even, save_figure
from experiments.engine.labels import BREAK_EVEN_CASES, break_even_case
from experiments.engine.provenance import PROJECT_ROOT
from experiments.research import Experiment, Finding, interval, main_for, weekly_results
from model.markdown import markdown_table, replace_region
from model.pilot_record import documented_coast_range, pilot_record, pilot_timeline
from model.scenarios import scenario_parameters

NAME = "pilot_effect"
LABELS = {
    "delivered": "as delivered (the record; assumed pace and end after 10 June 2026)",
    "announced": "as announced (a flat 50 a week to 11 June 2026)",
    "assumed_growth": "ASSUMED growth (50 a week growing by 2 a week)",
}
"""Each sweep's scenario in words, in the report's order (the config's ``[scenarios]``)."""
WITH_ROUTE, RETURNS_ALONE = 1.0, 0.0
"""The legal-route shares each scenario runs at: as given, and its returns alone."""
POSTERIOR = "posterior"
POSTERIOR_SWEEP_OF = "delivered"
"""The scenario the posterior's draws run in (their values override its behaviour)."""
README = PROJECT_ROOT / "README.md"
README_REGION = "pilot-effect"
"""The README's region that the full-size run writes: the headline and the effect's tables."""
COLOURS = {"delivered": "tab:blue", "announced": "tab:orange", "assumed_growth": "tab:gray"}


def sweeps(experiment: Experiment) -> dict[str, dict]:
    """One sweep a scenario, with and without the legal route, and the posterior's sweep."""
    runs = experiment.config["runs"]
    settings = {
        "days": runs["days"],
        "master_seed": runs["master_seed"],
        "outputs": runs["outputs"],
    }
    built = {
        name: {
            "sweep": {**settings, "scenario": scenario, "replicates": runs["replicates"]},
            "fixed": dict(runs["fixed"]),
            "vary": {"legal_route_share": {"values": runs["legal_route_share"]}},
        }
        for name, scenario in experiment.config["scenarios"].items()
    }
    built[POSTERIOR] = posterior_sweep(experiment, settings)
    return built


def posterior_sweep(experiment: Experiment, settings: dict) -> dict:
    """One point per accepted calibration draw (a paired design), each with its own inflow."""
    config = experiment.config["posterior"]
    scenario = experiment.config["scenarios"][POSTERIOR_SWEEP_OF]
    draws = posterior_overrides(scenario).drop(columns="weight")
    if config["draws"]:
        draws = draws.head(config["draws"])
    return {
        "sweep": {
            **settings,
            "scenario": scenario,
            "replicates": config["replicates"],
            "design": "paired",
        },
        "fixed": {**experiment.config["runs"]["fixed"], **pilot_year_start()},
        "vary": {name: {"values": draws[name].tolist()} for name in draws.columns},
    }


def labelled(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The scenario sweeps' rows (results, points or weeks) in one table, with ``scenario``."""
    return pd.concat(
        [rows.assign(scenario=name) for name, rows in frames.items()], ignore_index=True
    )


def point(points: pd.DataFrame, scenario: str, share: float = WITH_ROUTE) -> pd.Series:
    """A scenario's point at a legal-route share: means and 95% intervals over replicates."""
    (row,) = points[
        (points["scenario"] == scenario) & (points["legal_route_share"] == share)
    ].to_dict("records")
    return pd.Series(row)


def with_interval(row: pd.Series, metric: str, percent: bool = False) -> str:
    """A metric's mean with its 95% interval over replicates, or n/a when it is undefined."""
    if math.isnan(row[f"{metric}_mean"]):
        return "n/a"
    if math.isnan(row[f"{metric}_low"]):  # one replicate: no interval
        return f"{row[f'{metric}_mean']:.1%}" if percent else f"{row[f'{metric}_mean']:,.0f}"
    return interval(row[f"{metric}_mean"], row[f"{metric}_low"], row[f"{metric}_high"], percent)


def end_of(scenario: str, fixed: dict) -> pd.Timestamp:
    """The scenario's last pilot day, as run (a fixed override wins)."""
    declared = scenario_parameters(scenario)["pilot_end_date"]
    return pd.Timestamp(fixed.get("pilot_end_date", declared))


# --- tables --------------------------------------------------------------------------------


def effect_table(points: pd.DataFrame, scenarios: dict[str, str], fixed: dict) -> pd.DataFrame:
    """One row a scenario: returns, admissions and the effect up to its end and to the run's."""
    rows = []
    for name, scenario in scenarios.items():
        row = point(points, name)
        rows.append(
            {
                "pilot": LABELS[name],
                "last day": end_of(scenario, fixed).date().isoformat(),
                "returns": f"{row['returns_mean']:,.0f}",
                "legal admissions": f"{row['legal_admissions_mean']:,.0f}",
                "deterrence up to the pilot's end": with_interval(
                    row, "deterrence_effect_during_pilot", percent=True
                ),
                "deterrence to the run's end": with_interval(row, "deterrence_effect", True),
                "crossings deterred to the run's end": with_interval(row, "crossings_deterred"),
                "replicates": int(row["replicates"]),
            }
        )
    return pd.DataFrame(rows)


def mechanism_table(points: pd.DataFrame, scenarios: dict[str, str]) -> pd.DataFrame:
    """Each scenario's crossings deterred, taken apart into returns and the legal route.

    Returns alone is the run without the legal route; the route's part is what adding it
    changes (a sequential decomposition, in this stated order). No scenario here has a
    crackdown, so its part is nil and not shown.
    """
    rows = []
    for name in scenarios:
        whole, alone = point(points, name), point(points, name, RETURNS_ALONE)
        total = whole["crossings_deterred_mean"]
        returns_part = alone["crossings_deterred_mean"]
        route_part = total - returns_part
        rows.append(
            {
                "pilot": LABELS[name],
                "crossings deterred (mean)": f"{total:,.0f}",
                "through returns": f"{returns_part:,.0f} ({_share(returns_part, total)})",
                "through the legal route": f"{route_part:,.0f} ({_share(route_part, total)})",
            }
        )
    return pd.DataFrame(rows)


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 else "n/a"


OUTCOMES = {
    "postponed_still_waiting": "still waiting on the coast at the run's end",
    "deterred_left_coast": "left the coast",
    "came_by_legal_route": "came by the legal route",
    "died_at_sea_net": "died at sea (net)",
    "recrossings_in_policy_period": "less: crossings again by people returned",
}
"""Where the fall in crossings went (model.effects.crossing_outcomes), as the table says it."""


def outcomes_table(points: pd.DataFrame, scenarios: dict[str, str]) -> pd.DataFrame:
    """Where the crossings that did not happen went, and who only crossed later (means)."""
    rows = []
    for name in scenarios:
        row = point(points, name)
        rows.append(
            {
                "pilot": LABELS[name],
                "fall in crossings": f"{row['crossings_deterred_mean']:,.0f}",
                **{label: f"{row[f'{key}_mean']:,.0f}" for key, label in OUTCOMES.items()},
                "crossed later (net people)": f"{row['crossed_later_net_mean']:,.0f}",
            }
        )
    return pd.DataFrame(rows)


def coast_table(points: pd.DataFrame, scenarios: dict[str, str]) -> pd.DataFrame:
    """The coast's population with and without each pilot, and the rebound after its end."""
    low, high = documented_coast_range()
    rows = []
    for name in scenarios:
        row = point(points, name)
        rows.append(
            {
                "pilot": LABELS[name],
                "mean waiting on the coast": with_interval(
                    row, "mean_waiting_in_france_in_policy_period"
                ),
                "without the pilot": with_interval(
                    row, "counterfactual_mean_waiting_in_france_in_policy_period"
                ),
                "documented counts": f"{low:,} to {high:,}",
                "arrivals after its end, more than without": with_interval(
                    row, "rebound_after_pilot_end"
                ),
            }
        )
    return pd.DataFrame(rows)


def cost_table(points: pd.DataFrame, scenarios: dict[str, str]) -> pd.DataFrame:
    """What each pilot spends and saves, at the declared cost parameters (mean run)."""
    rows = []
    for name in scenarios:
        row = point(points, name)
        costs = policy_costs(
            row["returns_mean"], row["legal_admissions_mean"], row["crossings_deterred_mean"]
        )
        rows.append(
            {
                "pilot": LABELS[name],
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


# --- the posterior -------------------------------------------------------------------------


def posterior_effects(results: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Every run over the accepted calibration draws: one row a draw and seed.

    Each run carries its draw's posterior weight shared among the draw's seeds (renormalised
    over the runs that finished), so that quantiles over the rows are over parameter
    uncertainty and seed noise together: the posterior predictive spread of the effect.
    """
    runs = results[results["status"] == "ok"]
    metrics = ["deterrence_effect_during_pilot", "deterrence_effect", "crossings_deterred"]
    by_run = runs[["point", *metrics]].reset_index(drop=True)
    replicates = by_run.groupby("point")["point"].transform("size")
    by_run["replicates"] = replicates
    draw_weight = weights.reset_index(drop=True).loc[by_run["point"]].to_numpy()
    by_run["weight"] = draw_weight / replicates.to_numpy()
    by_run["weight"] /= by_run["weight"].sum()
    return by_run


def over_draws(by_draw: pd.DataFrame, column: str, q: float) -> float:
    """A weighted quantile of a metric over the posterior draws and their seeds."""
    return weighted_quantile(by_draw[column].to_numpy(), by_draw["weight"].to_numpy(), q)


def chance_of_break_even(by_draw: pd.DataFrame, level: float) -> float:
    """The posterior probability that the pilot reaches break-even ``level`` during its run."""
    reached = by_draw["deterrence_effect_during_pilot"] >= level
    return float(by_draw.loc[reached, "weight"].sum())


def chances_of_break_even(by_draw: pd.DataFrame) -> str:
    """The chance of each break-even case, in words: '2% (high support-cost case): 60%; ...'."""
    return "; ".join(
        f"{break_even_case(level)}: {chance_of_break_even(by_draw, level):.0%}"
        for level in BREAK_EVEN_CASES.values()
    )


POSTERIOR_SPREAD = (0.05, 0.95)
"""The quantiles of the draws' effects that the posterior table and reading give."""


def posterior_table(by_draw: pd.DataFrame) -> pd.DataFrame:
    """The spread of the delivered pilot's effect over the accepted draws, in one row."""
    rows = {
        "accepted draws run": by_draw["point"].nunique(),
        "replicates per draw": int(by_draw["replicates"].min()),
    }
    for column, title in (
        ("deterrence_effect_during_pilot", "up to the pilot's end"),
        ("deterrence_effect", "to the run's end"),
    ):
        low, high = (over_draws(by_draw, column, q) for q in POSTERIOR_SPREAD)
        rows[f"median deterrence {title}"] = f"{over_draws(by_draw, column, 0.5):.1%}"
        rows[f"{POSTERIOR_SPREAD[0]:.0%}-{POSTERIOR_SPREAD[1]:.0%} {title}"] = (
            f"{low:.1%} to {high:.1%}"
        )
    for level in BREAK_EVEN_CASES.values():
        rows[f"chance of {break_even_case(level)} or more"] = (
            f"{chance_of_break_even(by_draw, level):.0%}"
        )
    return pd.DataFrame([rows])


# --- figures -------------------------------------------------------------------------------


def mark_policy_dates(axis, scenarios: dict[str, str], fixed: dict) -> None:
    """Vertical lines at the pilot's start, its first return and each scenario's end."""
    events = pilot_timeline()
    axis.axvline(pd.Timestamp(events["in_force"]), color="tab:red", lw=0.8)
    axis.axvline(pd.Timestamp(events["first_return"]), color="tab:red", lw=0.8, ls=":")
    for name, scenario in scenarios.items():
        axis.axvline(end_of(scenario, fixed), color=COLOURS[name], lw=0.8, ls="--")


def weekly_figure(weekly: pd.DataFrame, scenarios: dict[str, str], fixed: dict, path: Path) -> Path:
    """Mean weekly arrivals with each pilot and without, and their difference (the effect)."""
    weekly = weekly[(weekly["days_in_week"] == 7) & (weekly["legal_route_share"] == WITH_ROUTE)]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True)
    for name in scenarios:
        means = (
            weekly[weekly["scenario"] == name]
            .groupby("week_start")[["arrivals", "counterfactual_arrivals"]]
            .mean()
        )
        if name == next(iter(scenarios)):
            top.plot(means.index, means["counterfactual_arrivals"], "k--", lw=1, label="no pilot")
        top.plot(means.index, means["arrivals"], color=COLOURS[name], lw=1, label=LABELS[name])
        difference = means["arrivals"] - means["counterfactual_arrivals"]
        bottom.plot(means.index, difference, color=COLOURS[name], lw=1)
    for axis in (top, bottom):
        mark_policy_dates(axis, scenarios, fixed)
    bottom.axhline(0, color="black", lw=0.6)
    top.set_ylabel("arrivals a week (people)")
    bottom.set_ylabel("with the pilot less without")
    bottom.set_xlabel("week starting (red: in force, first return; dashed: each pilot's end)")
    replicates = weekly.groupby("scenario")["run_id"].nunique().min()
    top.set_title(f"Means of {replicates} paired runs a pilot (same seeds with and without)")
    top.legend(fontsize=7)
    figure.autofmt_xdate()
    return save_figure(figure, path)


def record_figure(weekly: pd.DataFrame, path: Path) -> Path:
    """Cumulative returns and admissions of the delivered pilot against the reported record."""
    runs = weekly[(weekly["scenario"] == "delivered") & (weekly["legal_route_share"] == WITH_ROUTE)]
    runs = runs.sort_values("week_start")
    figure, axis = plt.subplots(figsize=(8, 4.5))
    record = pilot_record()
    for column, model_column, colour in (
        ("returned", "returns", "tab:blue"),
        ("admitted", "legal_admissions", "tab:green"),
    ):
        cumulative = runs.assign(total=runs.groupby("run_id")[model_column].cumsum())
        mean = cumulative.groupby("week_start")["total"].mean()
        axis.plot(mean.index, mean, color=colour, label=f"model: {model_column.replace('_', ' ')}")
        axis.scatter(
            pd.to_datetime(list(record.dates)),
            getattr(record, column),
            color=colour,
            marker="x",
            label=f"reported: {column}",
        )
    axis.set_xlim(pd.Timestamp(pilot_timeline()["in_force"]), None)
    axis.set_ylabel("cumulative people")
    axis.set_xlabel("week starting")
    axis.set_title("The pilot as delivered: the model's returns and admissions, and the record")
    axis.legend(fontsize=8)
    figure.autofmt_xdate()
    return save_figure(figure, path)


def effect_figure(results: pd.DataFrame, points: pd.DataFrame, path: Path) -> Path:
    """Each replicate's deterrence up to the pilot's end, with and without the legal route."""
    figure, axis = plt.subplots(figsize=(8, 4))
    rows = [(name, share) for name in LABELS for share in (WITH_ROUTE, RETURNS_ALONE)]
    rows = [(n, s) for n, s in rows if n in set(points["scenario"])]
    metric = "deterrence_effect_during_pilot"
    for position, (name, share) in enumerate(rows):
        runs = results[
            (results["scenario"] == name)
            & (results["legal_route_share"] == share)
            & (results["status"] == "ok")
        ]
        axis.scatter(runs[metric], [position] * len(runs), alpha=0.4, color=COLOURS[name], s=18)
        row = point(points, name, share)
        axis.errorbar(
            row[f"{metric}_mean"],
            position,
            xerr=[
                [row[f"{metric}_mean"] - row[f"{metric}_low"]],
                [row[f"{metric}_high"] - row[f"{metric}_mean"]],
            ],
            fmt="D",
            color="black",
            capsize=4,
        )
    mark_break_even(axis, vertical=True)
    axis.axvline(0, color="gray", lw=0.8)
    names = [f"{name.replace('_', ' ')}{'' if s else ', returns alone'}" for name, s in rows]
    axis.set_yticks(range(len(rows)), names)
    axis.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axis.set_xlabel("deterrence effect up to the pilot's end (share of arrivals)")
    axis.set_title("Dots: replicate runs; diamonds: mean, 95% interval over seeds", fontsize=9)
    axis.legend(fontsize=8, loc="lower right")
    return save_figure(figure, path)


def posterior_figure(by_draw: pd.DataFrame, path: Path) -> Path:
    """The delivered pilot's effect in each accepted draw (weighted)."""
    figure, axis = plt.subplots(figsize=(8, 4))
    axis.hist(
        by_draw["deterrence_effect_during_pilot"],
        bins=15,
        weights=by_draw["weight"] * len(by_draw),
        color="tab:blue",
        alpha=0.7,
        label=f"runs over {by_draw['point'].nunique()} accepted draws x seeds (weighted)",
    )
    mark_break_even(axis, vertical=True)
    axis.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axis.set_xlabel("deterrence of the pilot as delivered, up to its end (share of arrivals)")
    axis.set_ylabel("accepted draws (weighted count)")
    axis.set_title("The pilot as delivered over the calibration's posterior", fontsize=9)
    axis.legend(fontsize=7)
    return save_figure(figure, path)


# --- words ---------------------------------------------------------------------------------


def reading(points: pd.DataFrame, by_draw: pd.DataFrame, accepted: int) -> str:
    """The numbers in words: as delivered first, then as announced, then the assumed growth."""
    delivered, announced = point(points, "delivered"), point(points, "announced")
    growth = point(points, "assumed_growth")
    low, high = documented_coast_range()

    def effect(row: pd.Series) -> str:
        return with_interval(row, "deterrence_effect_during_pilot", percent=True)

    spread = [over_draws(by_draw, "deterrence_effect_during_pilot", q) for q in POSTERIOR_SPREAD]
    draws = by_draw["point"].nunique()
    ran = "all" if draws == accepted else f"{draws} of the"
    return (
        f"**As delivered**, with returns and admissions following the record to 10 June 2026 "
        f"and an assumed 42 returns a week to an assumed end on 31 October 2026, the model makes "
        f"{delivered['returns_mean']:,.0f} returns and cuts arrivals up to the pilot's end by "
        f"{effect(delivered)} (interval over seeds only); over {ran} {accepted} draws the "
        f"calibration accepted and their seeds, the central 90% lies between {spread[0]:.1%} and "
        f"{spread[1]:.1%}. {decomposition_reading(delivered, point(points, 'delivered', 0.0))} "
        f"**As announced** (a flat 50 a week to 11 June 2026) the cut is {effect(announced)} "
        f"for {announced['returns_mean']:,.0f} returns. **With an assumed growth** of 2 a week, "
        f"which no announcement states, it is {effect(growth)} for "
        f"{growth['returns_mean']:,.0f} returns. "
        "Under the delivered pilot, against the same people without it, "
        f"{delivered['postponed_still_waiting_mean']:+,.0f} are still waiting on the coast at "
        f"the run's end and {delivered['crossed_later_net_mean']:+,.0f} (net) crossed later: "
        "postponed, not deterred. After the pilot's end the delivered run has "
        f"{delivered['rebound_after_pilot_end_mean']:+,.0f} arrivals against the run without it. "
        "The coast's mean population under the pilot is "
        f"{delivered['mean_waiting_in_france_in_policy_period_mean']:,.0f} "
        f"({delivered['counterfactual_mean_waiting_in_france_in_policy_period_mean']:,.0f} "
        f"without): {coast_against_record(delivered, low, high)} People returned cross again "
        f"{delivered['recrossings_in_policy_period_mean']:,.0f} times to the run's end (of "
        f"{delivered['returns_mean']:,.0f} returns), most once no one is returned any more; "
        "how many cross again while the pilot runs rests on an assumption "
        "(own_return_risk_awareness), which the record bounds only from below (at least two "
        "of the first 94)."
    )


def decomposition_reading(whole: pd.Series, alone: pd.Series) -> str:
    """How much of a pilot's effect comes through returns and through the route, in words."""
    total, returns_part = whole["crossings_deterred_mean"], alone["crossings_deterred_mean"]
    return (
        f"Of its {total:,.0f} crossings deterred (mean, to the run's end), returns alone "
        f"account for {returns_part:,.0f} and the legal route for {total - returns_part:,.0f} "
        "(added in that order)."
    )


def coast_against_record(row: pd.Series, low: int, high: int) -> str:
    """Whether the coast's mean populations fall inside the documented counts, in a sentence."""
    values = [
        row["mean_waiting_in_france_in_policy_period_mean"],
        row["counterfactual_mean_waiting_in_france_in_policy_period_mean"],
    ]
    if all(low <= value <= high for value in values):
        return f"both inside the documented {low:,} to {high:,}."
    return (
        f"the documented counts are {low:,} to {high:,}, so the model holds more people on the "
        "coast than were counted; its inflow to the coast is set to reproduce arrivals, and "
        "the time people wait before crossing is not fitted to the camp counts."
    )


def headline(points: pd.DataFrame, by_draw: pd.DataFrame) -> str:
    """The finding in a sentence: the three pilots and the posterior."""
    delivered = point(points, "delivered")
    low, high = (over_draws(by_draw, "deterrence_effect_during_pilot", q) for q in POSTERIOR_SPREAD)
    return (
        "Up to its end, the pilot as delivered cuts arrivals by "
        f"{delivered['deterrence_effect_during_pilot_mean']:.1%} in the model "
        f"(90% over calibration posterior draws and seeds: {low:.1%} to {high:.1%}; chance of "
        "reaching each break-even case of the 2023 impact assessment: "
        f"{chances_of_break_even(by_draw)}); "
        "as announced, "
        f"{point(points, 'announced')['deterrence_effect_during_pilot_mean']:.1%}; with an "
        "assumed growth of 2 a week, "
        f"{point(points, 'assumed_growth')['deterrence_effect_during_pilot_mean']:.1%}."
    )


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """Figures, tables and the reading from the experiment's sweeps."""
    scenarios = experiment.config["scenarios"]
    fixed = experiment.config["runs"]["fixed"]
    results = labelled({name: load_results(folders[name]) for name in scenarios})
    points = labelled({name: load_points(folders[name]) for name in scenarios})
    weekly = labelled({name: weekly_results(folders[name]) for name in scenarios})
    accepted = posterior_overrides(scenarios[POSTERIOR_SWEEP_OF])
    by_draw = posterior_effects(load_results(folders[POSTERIOR]), accepted["weight"])
    out = experiment.results_dir
    finding = experiment.finding(
        reading(points, by_draw, len(accepted)),
        headline=headline(points, by_draw),
        figures=[
            weekly_figure(weekly, scenarios, fixed, out / "pilot_weekly_arrivals.png"),
            record_figure(weekly, out / "pilot_record.png"),
            effect_figure(results, points, out / "pilot_deterrence_effect.png"),
            posterior_figure(by_draw, out / "pilot_over_posterior.png"),
        ],
        tables=[
            (
                "The pilot's effect, by scenario (95% intervals over seeds)",
                effect_table(points, scenarios, fixed),
            ),
            (
                "Crossings deterred by mechanism: returns alone, then the legal route added",
                mechanism_table(points, scenarios),
            ),
            (
                "Where the fall in crossings went (means over seeds, people; the same people "
                "reach the coast with and without the pilot)",
                outcomes_table(points, scenarios),
            ),
            (
                "The coast under the pilot and without it (mean from the pilot's start), and "
                "after the pilot's end",
                coast_table(points, scenarios),
            ),
            (
                "The pilot as delivered over the calibration's accepted draws (each draw's "
                "behaviour parameters and inflow; mean over its replicates)",
                posterior_table(by_draw),
            ),
            (
                "Costs of each pilot (mean run; cost parameters in experiments/costs.toml)",
                cost_table(points, scenarios),
            ),
        ],
    )
    if experiment.size == "full":
        README.write_text(replace_region(README.read_text(), README_REGION, summary(finding)))
    return finding


def summary(finding: Finding) -> str:
    """The README's account of the pilot: the headline, then the effect's tables."""
    shown = list(finding.tables)[:4]
    return "\n\n".join(
        [
            f"{finding.headline} (`deterrence experiment {NAME}`, full size; written by it.)",
            *(f"*{caption}.*\n\n{markdown_table(table)}" for caption, table in shown),
        ]
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
