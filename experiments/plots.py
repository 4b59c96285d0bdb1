"""Figures of one run: the weekly series a researcher looks at first, saved as a PNG."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

import matplotlib.pyplot as plt

from model.run import RunResult


def plot_run(result: RunResult, path: Path) -> Path:
    """Save a four-panel figure of a run's weekly series (with its counterfactual) to ``path``."""
    # A last, incomplete week would show as a false dip: plot whole weeks only.
    whole = result.weekly["days_in_week"] == 7
    weekly = result.weekly[whole]
    counterfactual = result.counterfactual_weekly
    if counterfactual is not None:
        counterfactual = counterfactual[whole]
    weeks = weekly["week_start"]
    figure, axes = plt.subplots(2, 2, figsize=(12, 7.5), sharex=True)

    arrivals = axes[0, 0]
    arrivals.plot(weeks, weekly["arrivals"], label="with the policy", color="tab:blue")
    if counterfactual is not None:
        arrivals.plot(
            weeks,
            counterfactual["arrivals"],
            label="without (same seed)",
            color="tab:gray",
            linestyle="--",
        )
    arrivals.set_title("Small-boat arrivals in the UK")
    arrivals.set_ylabel("people per week")

    pilot = axes[0, 1]
    pilot.plot(weeks, weekly["returns"], label="returns to France", color="tab:red")
    pilot.plot(weeks, weekly["legal_admissions"], label="legal-route admissions", color="tab:green")
    capped = weekly["return_cap_this_week"] > 0
    pilot.step(
        weeks[capped],
        weekly.loc[capped, "return_cap_this_week"],
        where="post",
        label="weekly return cap",
        color="black",
        linewidth=0.8,
    )
    pilot.set_title("The 'one in, one out' pilot")
    pilot.set_ylabel("people per week")

    beliefs = axes[1, 0]
    beliefs.plot(
        weeks,
        weekly["perceived_return_prob"],
        label="perceived (mean on the coast)",
        color="tab:purple",
    )
    beliefs.plot(
        weeks,
        weekly["actual_return_prob"],
        label="actual (arrivals held for return)",
        color="tab:orange",
    )
    beliefs.plot(
        weeks,
        weekly["perceived_job_prob"],
        label="perceived chance of a UK job",
        color="tab:brown",
        linestyle=":",
    )
    beliefs.set_title("Return risk and job chances")
    beliefs.set_ylabel("probability")
    beliefs.set_ylim(0, 1)

    smugglers = axes[1, 1]
    smugglers.plot(weeks, weekly["people_per_boat"], label="people per boat", color="tab:blue")
    smugglers.set_ylabel("people per boat")
    price = smugglers.twinx()
    price.plot(
        weeks, weekly["smuggler_price_gbp"], label="price per seat (GBP, right)", color="tab:red"
    )
    price.set_ylabel("GBP per seat")
    smugglers.set_title("Smugglers")
    lines = smugglers.get_legend_handles_labels()
    more = price.get_legend_handles_labels()
    smugglers.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8)

    for axis in (arrivals, pilot, beliefs):
        axis.legend(loc="upper left", fontsize=8)
    for axis in axes[1]:
        axis.set_xlabel("week starting")
    summary = result.summary
    effect = summary.get("deterrence_effect")
    title = f"Scenario '{result.scenario}', seed {result.seed}"
    if effect is not None and effect == effect:  # NaN: no counterfactual arrivals to compare
        title += f": deterrence effect {effect:.1%} from {summary['policy_start_date']}"
    figure.suptitle(title)
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
