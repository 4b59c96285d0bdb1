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
from experiments.decision.training import SHIPPED_TRAINING, check_finished_sweep
from experiments.engine.spec import SweepError
from experiments.research import Experiment, Finding, main_for

NAME = "cost_frontier"
FOLDER = "frontier"
"""The name of the experiment's results (its own folder) among ``folders``."""


def check_inputs(experiment: Experiment) -> None:
    """The emulator's training sweep, committed with the project: read here, made elsewhere."""
    try:
        check_finished_sweep(SHIPPED_TRAINING)
    except SweepError as error:
        raise SweepError(
            f"{NAME} reads the emulator's committed training sweep, and {error} (restore it "
            "with `git checkout -- experiments/decision/results`)"
        ) from None


def compute(experiment: Experiment, workers: int) -> dict[str, Path]:
    """Search and confirm the frontier (the confirmation's runs resume)."""
    settings = FrontierSettings(**experiment.config["frontier"])
    out = experiment.results_dir  # the confirmation's sweep file beside the results, as others
    result = run_frontier(settings, cost_parameters(), out, workers)
    about = {"note": result.note, "policy_days": result.problem.policy_days}
    (out / "frontier.json").write_text(json.dumps(about, indent=1))
    return {FOLDER: out}


def headline(table: pd.DataFrame, settings: FrontierSettings, policy_days: float) -> str:
    """The finding in a sentence: the cheapest mix by the emulator, and what runs gave."""
    best = cheapest_reaching(table, settings.probability, "probability")
    if best is None:
        return (
            f"No mix of the pilot's levers inside the emulator's ranges reaches "
            f"{settings.target:.0%} deterrence with a {settings.probability:.0%} chance."
        )
    levers = ", ".join(f"{name} {best[name]:.3g}" for name in _levers(table))
    confirmed = cheapest_reaching(
        table, settings.probability, "confirmed_share_reaching", "confirmed_spend_gbp"
    )
    by_runs = (
        "no confirmed mix reached it in that share of its real runs"
        if confirmed is None
        else f"the cheapest confirmed by real runs spends GBP "
        f"{confirmed['confirmed_spend_gbp'] / 1e6:,.0f}m"
    )
    return (
        f"On the emulator, the cheapest mix of the pilot's levers reaching {settings.target:.0%} "
        f"deterrence with a {settings.probability:.0%} chance spends GBP "
        f"{best['spend_gbp'] / 1e6:,.0f}m over {policy_days:.0f} policy days ({levers}); its "
        f"{int(best['confirmed_runs'])} real paired runs reached it in "
        f"{best['confirmed_share_reaching']:.0%} and spent GBP "
        f"{best['confirmed_spend_gbp'] / 1e6:,.0f}m; {by_runs}."
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
        f"{settings.confirm_draws} distinct behaviour draws (one paired run each). Behaviour: "
        f"{about['note']}. Spend covers returns and legal-route admissions at their declared "
        "costs and the crackdown at an assumed yearly price (experiments/costs.toml), so the "
        "frontier moves with it "
        "(`deterrence optimise --cost NAME=VALUE`). French patrols and the information "
        "campaign act on the counterfactual too, so the deterrence effect leaves their own "
        "effect out: they are held at the pilot scenario's settings. Where the share of real "
        "runs reaching the target falls short of the emulator's chance, or their spend exceeds "
        "its estimate, the emulator is optimistic there (it predicts returns and admissions "
        "only roughly: see the README's scores)."
    )
    return experiment.finding(
        interpretation,
        headline=headline(table, settings, about["policy_days"]),
        figures=[out / "frontier.png"],
        tables=[("The frontier's confirmed mixes: the emulator's answer and real runs", shown)],
    )


if __name__ == "__main__":
    sys.exit(main_for(NAME))
