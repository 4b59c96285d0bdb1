"""The cost-effect frontier of the pilot's levers, on the emulator, confirmed by real runs.

python -m experiments.cost_frontier.run              # full size
python -m experiments.cost_frontier.run --size ci    # reduced, as CI runs it
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from experiments.costs import cost_parameters
from experiments.decision.frontier import FrontierSettings, run_frontier
from experiments.decision.optimise import cheapest_reaching
from experiments.research import Experiment, Finding, main_for

NAME = "cost_frontier"
FOLDER = "frontier"


def compute(experiment: Experiment, workers: int) -> dict[str, Path]:
    """Search and confirm the frontier (the confirmation's runs resume)."""
    settings = FrontierSettings(**experiment.config["frontier"])
    out = experiment.results_dir / FOLDER
    result = run_frontier(settings, cost_parameters(), out, workers)
    about = {"note": result.note, "policy_days": result.problem.policy_days}
    (out / "frontier.json").write_text(json.dumps(about, indent=1))
    return {FOLDER: out}


def headline(table: pd.DataFrame, settings: FrontierSettings, policy_days: float) -> str:
    """The finding in a sentence: the cheapest confirmed mix, or that none reached it."""
    best = cheapest_reaching(table, settings.probability, "probability")
    if best is None:
        return (
            f"No lever mix inside the emulator's ranges reaches {settings.target:.0%} deterrence "
            f"with a {settings.probability:.0%} chance."
        )
    levers = ", ".join(f"{name} {best[name]:.3g}" for name in _levers(table))
    return (
        f"On the emulator, the cheapest mix reaching {settings.target:.0%} deterrence with a "
        f"{settings.probability:.0%} chance spends GBP {best['spend_gbp'] / 1e6:,.0f}m over "
        f"{policy_days:.0f} policy days ({levers}); in {int(best['confirmed_runs'])} real "
        f"paired runs at that mix, {best['confirmed_share_reaching']:.0%} reached it "
        f"(spend GBP {best['confirmed_spend_gbp'] / 1e6:,.0f}m)."
    )


def _levers(table: pd.DataFrame) -> list[str]:
    from model.parameters import PARAMETERS

    return [name for name in table.columns if name in PARAMETERS]


def analyse(experiment: Experiment, folders: dict[str, Path]) -> Finding:
    """The frontier's figure and table, and the reading."""
    out = folders[FOLDER]
    settings = FrontierSettings(**experiment.config["frontier"])
    table = pd.read_csv(out / "frontier.csv")
    searched = pd.read_csv(out / "frontier_emulated.csv")
    about = json.loads((out / "frontier.json").read_text())
    shown = table[_levers(table)].copy()
    shown["spend, emulator (GBP m)"] = (table["spend_gbp"] / 1e6).round(1)
    shown["chance of reaching, emulator"] = table["probability"].map("{:.0%}".format)
    shown["real runs"] = table["confirmed_runs"]
    shown["share of runs reaching"] = table["confirmed_share_reaching"].map("{:.0%}".format)
    shown["spend, runs (GBP m)"] = (table["confirmed_spend_gbp"] / 1e6).round(1)
    interpretation = (
        f"The search tried {settings.trials:,} mixes on the emulator and kept the "
        f"{len(searched)} that no other beats on both spend and chance; {len(table)} of them, "
        "spread along the frontier, were run for real at the first "
        f"{settings.confirm_draws} behaviour draws (one paired run each). Behaviour: "
        f"{about['note']}. Spend covers returns and legal-route admissions at their declared "
        "costs and the change of patrols, crackdown and information campaign from the "
        "pilot scenario's settings; the crackdown's and the campaign's prices are assumptions "
        "(experiments/costs.toml), so the frontier moves with them "
        "(`deterrence optimise --cost NAME=VALUE`). Where the share of real runs reaching the "
        "target falls short of the emulator's chance, the emulator is optimistic there."
    )
    return experiment.finding(
        interpretation,
        headline=headline(table, settings, about["policy_days"]),
        figures=[out / "frontier.png"],
        tables=[("The frontier's confirmed mixes: the emulator's answer and real runs", shown)],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
