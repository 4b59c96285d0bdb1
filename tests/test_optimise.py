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


def behaviour_emulator():
    """An emulator over the return cap and one behaviour input, weight_return in [4, 10]."""
    rng = np.random.default_rng(5)
    cap, weight = rng.uniform([0, 4], [800, 10], size=(30, 2)).T
    runs = pd.DataFrame(
        {
            "return_cap_per_week": cap,
            "weight_return": weight,
            "deterrence_effect": 0.05 + 0.4 * cap / 800 + 0.02 * weight,
            "returns": 20 * cap + 1,
            "legal_admissions": 20 * cap + 1,
        }
    )
    outputs = ["deterrence_effect", "returns", "legal_admissions"]
    return fit_emulator(runs, ("return_cap_per_week", "weight_return"), outputs)


def test_confirmation_runs_take_their_whole_posterior_draw(tmp_path):
    """The emulator sees weight_return (clipped to its range); each run gets the whole draw."""
    from experiments.calibration.settings import INFLOW
    from experiments.decision.confirm import (
        behaviour_draws,
        confirmation_draws,
        confirmation_sweep,
        whole_draws,
    )
    from experiments.engine.spec import parse_sweep
    from model.scenarios import scenario_parameters

    posterior = tmp_path / "posterior.csv"
    pd.DataFrame(
        {
            "weight_return": [2.0, 8.0, 11.0],  # the first and last outside the emulator's range
            "weight_job": [1.2, 2.0, 2.8],
            INFLOW: [1.5, 2.0, 2.5],
            "distance": [0.1, 0.2, 0.3],
            "weight": [1.0, 1.0, 1.0],
        }
    ).to_csv(posterior, index=False)
    emulator = behaviour_emulator()
    draws = behaviour_draws(emulator, 4, seed=3, scenario="pilot_calibrated", posterior=posterior)
    rows = list(draws.posterior_rows)
    table = pd.read_csv(posterior)
    low, high = emulator.ranges["weight_return"]
    assert draws.inputs["weight_return"].tolist() == pytest.approx(
        table["weight_return"].iloc[rows].clip(low, high).tolist()
    )
    # confirmation takes distinct draws, in the order drawn: a repeated point is refused
    confirming = confirmation_draws(draws, 10)
    assert len(set(draws.posterior_rows)) < 4 == len(draws.posterior_rows)  # a draw repeats
    assert list(confirming.posterior_rows) == list(dict.fromkeys(draws.posterior_rows))
    assert confirming.inputs["weight_return"].tolist() == pytest.approx(
        table["weight_return"].iloc[list(confirming.posterior_rows)].clip(low, high).tolist()
    )
    draws, rows = confirming, list(confirming.posterior_rows)
    whole = whole_draws("pilot_calibrated", draws.posterior_rows, posterior)
    # a fitted scenario's draws scale the inflow of the scenario it was fitted from
    declared = scenario_parameters("pilot")["arrivals_per_week"]
    assert whole["arrivals_per_week"].tolist() == pytest.approx(
        (table[INFLOW].iloc[rows] * declared).round(1).tolist()
    )
    problem = Problem(emulator, 0.37, {"return_cap_per_week": 50.0}, draws.inputs, 148.0, {})
    points = pd.DataFrame({"return_cap_per_week": [100.0, 300.0]})
    spec = parse_sweep(
        '[sweep]\nscenario = "pilot_calibrated"\ndays = 30\n[vary.return_cap_per_week]\n'
        "values = [0, 10]\n",
        "training",
    )
    sweep = parse_sweep(confirmation_sweep(problem, points, spec, whole), "frontier")
    vary = {name: list(values) for name, values in sweep.varied.items()}
    count = len(rows)
    assert vary["return_cap_per_week"] == [100.0] * count + [300.0] * count
    # the run's weight_return is the draw's own, unclipped; the rest of the draw comes too
    assert vary["weight_return"] == table["weight_return"].iloc[rows].tolist() * 2
    assert vary["weight_job"] == table["weight_job"].iloc[rows].tolist() * 2
    assert vary["arrivals_per_week"] == whole["arrivals_per_week"].tolist() * 2
    with pytest.raises(ValueError, match=f"{count - 1} whole draws for {count} behaviour draws"):
        confirmation_sweep(problem, points, spec, whole.head(count - 1))
    assert whole_draws("pilot_calibrated", None, posterior) is None
