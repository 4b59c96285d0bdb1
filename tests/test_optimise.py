"""The cost-effect frontier (experiments/decision): searched on an emulator, confirmed by runs."""

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main as cli
from experiments.costs import cost_parameters
from experiments.decision.emulator import fit_emulator
from experiments.decision.frontier import FrontierSettings, format_frontier, run_frontier
from experiments.decision.optimise import Problem, cheapest_reaching, frontier, thin
from tests.tiny_sweep import run_tiny_cap_sweep

LEVERS = ("return_cap_per_week", "crackdown_intensity")


def lever_runs(seed: int = 2) -> pd.DataFrame:
    """Runs where returns buy deterrence and the crackdown adds some: a known trade-off."""
    rng = np.random.default_rng(seed)
    rows = []
    for cap, crackdown in rng.uniform([0, 0], [800, 1], size=(40, 2)):
        for replicate in range(2):
            effect = 0.05 + 0.5 * cap / 800 + 0.2 * crackdown + rng.normal(0, 0.01)
            returns = 20 * cap * (1 - 0.5 * effect) + rng.normal(0, 50)
            rows.append(
                {
                    "return_cap_per_week": round(cap),
                    "crackdown_intensity": crackdown,
                    "seed": replicate,
                    "deterrence_effect": effect,
                    "returns": max(returns, 1.0),
                    "legal_admissions": max(returns, 1.0),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def problem():
    outputs = ["deterrence_effect", "returns", "legal_admissions"]
    emulator = fit_emulator(lever_runs(), LEVERS, outputs)
    baseline = {"return_cap_per_week": 0.0, "crackdown_intensity": 0.0}
    return Problem(emulator, 0.37, baseline, pd.DataFrame(), 148.0, cost_parameters())


def test_the_frontier_trades_spend_for_the_chance_of_reaching_the_target(problem):
    points = frontier(problem, trials=300, seed=1)
    assert len(points) >= 5
    # no point is beaten on both: sorted by spend, the chance rises strictly
    assert points["spend_gbp"].is_monotonic_increasing
    assert (np.diff(points["probability"]) > 0).all()
    assert points["probability"].iloc[0] < 0.05 and points["probability"].iloc[-1] > 0.95
    # each point's figures are the problem's own evaluation of its mix
    mix = points.iloc[len(points) // 2]
    again = problem.evaluate(mix)
    assert again["spend_gbp"] == pytest.approx(mix["spend_gbp"])
    assert again["probability"] == pytest.approx(mix["probability"])


def test_a_dearer_crackdown_pushes_the_frontier_towards_returns(problem):
    cheap = frontier(problem, trials=300, seed=1)
    costs = {**problem.costs, "crackdown_cost_gbp_per_year_at_full_intensity": 5e9}
    dear = frontier(Problem(**{**problem.__dict__, "costs": costs}), trials=300, seed=1)
    reaching = [cheapest_reaching(points, 0.8, "probability") for points in (cheap, dear)]
    assert reaching[1]["crackdown_intensity"] < reaching[0]["crackdown_intensity"]


def test_thinning_spreads_points_and_keeps_the_cheapest_reaching_the_chance():
    points = pd.DataFrame(
        {"probability": np.linspace(0, 1, 50) ** 0.2, "spend_gbp": np.linspace(1, 50, 50)}
    )
    kept = thin(points, 5, probability=0.8)
    cheapest = cheapest_reaching(points, 0.8, "probability")
    assert len(kept) == 5 and kept["spend_gbp"].iloc[0] == 1 and kept["spend_gbp"].iloc[-1] == 50
    assert cheapest["spend_gbp"] in set(kept["spend_gbp"])
    assert cheapest_reaching(points, 2.0, "probability") is None


def test_levers_outside_the_counterfactual_are_held_not_optimised():
    runs = lever_runs().assign(patrol_intensity=lambda frame: frame["crackdown_intensity"] / 2)
    outputs = ["deterrence_effect", "returns", "legal_admissions"]
    emulator = fit_emulator(runs, (*LEVERS, "patrol_intensity"), outputs)
    baseline = {"return_cap_per_week": 0.0, "crackdown_intensity": 0.0, "patrol_intensity": 0.3}
    held = Problem(emulator, 0.37, baseline, pd.DataFrame(), 148.0, cost_parameters())
    assert held.levers == LEVERS and held.held == ("patrol_intensity",)
    rows = held.settings({"return_cap_per_week": 100, "crackdown_intensity": 0.5})
    assert rows["patrol_intensity"].tolist() == [0.3]


def test_frontier_points_are_confirmed_by_real_paired_runs(tmp_path):
    training = run_tiny_cap_sweep(
        tmp_path / "training", 300, 7, ["deterrence_effect", "returns", "legal_admissions"]
    )
    settings = FrontierSettings(target=0.15, trials=40, draws=1, confirm_points=2, confirm_draws=1)
    result = run_frontier(settings, cost_parameters(), tmp_path / "out", 1, False, training)
    table = result.confirmed
    assert len(table) == 2 and (table["confirmed_runs"] == 1).all()
    (confirm,) = (tmp_path / "out").glob("confirm-*")
    runs = pd.read_parquet(confirm / "results.parquet")
    assert sorted(runs["return_cap_per_week"]) == sorted(table["return_cap_per_week"])
    by_cap = runs.set_index("return_cap_per_week")
    for row in table.itertuples():
        real = by_cap.loc[row.return_cap_per_week]
        assert row.confirmed_mean_effect == pytest.approx(real["deterrence_effect"])
        spend = real["returns"] * 169_000 + real["legal_admissions"] * 106_000
        assert row.confirmed_spend_gbp == pytest.approx(spend)
    assert "confirmed by real paired runs" in format_frontier(result)
    assert (tmp_path / "out" / "frontier.png").stat().st_size > 10_000


def test_bad_targets_and_costs_are_refused_in_one_line(tmp_path, capsys):
    assert cli(["optimise", "--target", "1.5", "--out", str(tmp_path / "a")]) == 2
    assert "--target 1.5 is not valid: allowed is a number in (0, 1)" in capsys.readouterr().err
    assert cli(["optimise", "--cost", "cost_per_hug=3", "--out", str(tmp_path / "b")]) == 2
    error = capsys.readouterr().err.strip()
    assert "unknown cost parameter 'cost_per_hug'" in error and "\n" not in error
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
