"""``deterrence optimise``: the cost-effect frontier on the emulator, confirmed by real runs.

Writes into its folder: ``frontier_emulated.csv`` (every frontier mix the search found, as
the emulator answers), ``frontier.toml`` (the confirmation sweep), ``confirm-<hash>/`` (its runs,
resumable), ``frontier.csv`` (the confirmed mixes: emulated and real side by side) and
``frontier.png``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from experiments.decision.confirm import (
    BehaviourDraws,
    confirmation_draws,
    confirmation_sweep,
    confirmed,
    problem_for,
    whole_draws,
)
from experiments.decision.optimise import (
    Problem,
    cheapest_reaching,
    check_target,
    frontier,
    thin,
)
from experiments.decision.training import SHIPPED_TRAINING, shipped_emulator
from experiments.engine.spec import load_sweep, parse_sweep


@dataclass(frozen=True)
class FrontierSettings:
    """How to search and confirm (the command's options)."""

    target: float = 0.37
    probability: float = 0.8
    trials: int = 1500
    draws: int = 40
    confirm_points: int = 6
    confirm_draws: int = 8
    seed: int = 0


@dataclass(frozen=True)
class FrontierResult:
    """The searched frontier, its confirmed points and what the draws were."""

    emulated: pd.DataFrame
    confirmed: pd.DataFrame
    note: str
    settings: FrontierSettings
    problem: Problem


def run_frontier(
    settings: FrontierSettings,
    costs: dict[str, float],
    out: Path,
    workers: int,
    progress: bool = True,
    training: Path = SHIPPED_TRAINING,
) -> FrontierResult:
    """Search the frontier on the emulator, then run its thinned points for real."""
    from experiments.engine.runner import run_sweep

    check_target(settings.target, settings.probability)
    emulator = shipped_emulator(training)
    problem, draws = problem_for(
        emulator, training, settings.target, settings.draws, settings.seed, costs
    )
    emulated = frontier(problem, settings.trials, settings.seed)
    out.mkdir(parents=True, exist_ok=True)
    emulated.to_csv(out / "frontier_emulated.csv", index=False)
    chosen = thin(emulated, settings.confirm_points, settings.probability)
    confirming = confirmation_draws(draws, settings.confirm_draws)
    checking = replace(problem, behaviour=confirming.inputs)
    spec = load_sweep(Path(training) / "sweep.toml")
    whole = whole_draws(spec.scenario, confirming.posterior_rows)
    text = confirmation_sweep(checking, chosen, spec, whole)
    (out / "frontier.toml").write_text(text)
    # a folder per confirmation sweep: the same frontier resumes, another one starts afresh
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    runs = run_sweep(
        parse_sweep(text, "frontier"), out / f"confirm-{digest}", workers, progress=progress
    )
    table = confirmed(checking, chosen, runs[runs["status"] == "ok"])
    table.to_csv(out / "frontier.csv", index=False)
    result = FrontierResult(emulated, table, confirmation_note(draws), settings, problem)
    plot_frontier(result, out / "frontier.png")
    return result


def confirmation_note(draws: BehaviourDraws) -> str:
    """Whence the behaviour draws came, and what the confirmation runs took of them."""
    if draws.posterior_rows is None:
        return draws.note
    return (
        f"{draws.note}; each confirmation run takes its whole draw (every fitted behaviour "
        "value and its own inflow), the emulator only the inputs it was trained on"
    )


def plot_frontier(result: FrontierResult, path: Path) -> Path:
    """Spend against the chance of reaching the target: the emulator's frontier and the runs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from experiments.engine.figures import save_figure

    settings, emulated, table = result.settings, result.emulated, result.confirmed
    figure, axis = plt.subplots(figsize=(7.5, 4.8))
    axis.step(
        emulated["spend_gbp"] / 1e6,
        emulated["probability"],
        where="post",
        color="tab:blue",
        label="frontier on the emulator (chance over behaviour draws)",
    )
    runs = table["confirmed_runs"].to_numpy()
    share = table["confirmed_share_reaching"].to_numpy()
    error = 1.96 * (share * (1 - share) / runs) ** 0.5  # normal approximation, for scale only
    axis.errorbar(
        table["confirmed_spend_gbp"] / 1e6,
        share,
        yerr=error,
        fmt="o",
        color="tab:orange",
        capsize=3,
        label=f"confirmed: share of real runs reaching it ({int(runs.max())} a mix)",
    )
    axis.axhline(settings.probability, color="grey", ls=":", label="required chance")
    axis.set_xlabel("expected spend over the policy days (GBP million)")
    axis.set_ylabel(f"chance that deterrence reaches {settings.target:.0%}")
    axis.yaxis.set_major_formatter(PercentFormatter(1.0))
    axis.set_ylim(-0.05, 1.05)
    axis.legend(fontsize=8, loc="lower right")
    axis.set_title("Cheapest lever mixes for a deterrence target")
    return save_figure(figure, path)


def format_frontier(result: FrontierResult) -> str:
    """The confirmed frontier as text, with the cheapest mix reaching the required chance."""
    settings, table = result.settings, result.confirmed
    levers = list(result.problem.levers)
    shown = table[levers].copy()
    shown["spend (GBP m)"] = (table["spend_gbp"] / 1e6).round(1)
    shown["P(reach), emulator"] = table["probability"].map("{:.0%}".format)
    shown["runs"] = table["confirmed_runs"]
    shown["share reaching, runs"] = table["confirmed_share_reaching"].map("{:.0%}".format)
    shown["spend (GBP m), runs"] = (table["confirmed_spend_gbp"] / 1e6).round(1)
    lines = [
        f"Target: deterrence of at least {settings.target:.0%} with probability "
        f"{settings.probability:.0%}; behaviour: {result.note}.",
        f"Frontier: {len(result.emulated)} mixes on the emulator; {len(table)} confirmed by "
        "real paired runs:",
        shown.to_string(index=False, float_format=lambda value: f"{value:.3g}"),
    ]
    for column, spend, by in (
        ("probability", "spend_gbp", "the emulator"),
        ("confirmed_share_reaching", "confirmed_spend_gbp", "the real runs"),
    ):
        best = cheapest_reaching(table, settings.probability, column, spend)
        lines.append(
            f"Cheapest confirmed mix reaching it by {by}: "
            + ("none" if best is None else f"GBP {best[spend] / 1e6:,.1f}m")
        )
    return "\n".join(lines)
