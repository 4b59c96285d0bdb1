"""The emulator (experiments/decision): trained on synthetic sweeps whose truth is known."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import experiments.decision.training as training_module
from experiments.cli import main as cli
from experiments.decision.active import proposal_sweep, propose
from experiments.decision.emulator import (
    OutputScale,
    fit_emulator,
    interior_folds,
    validate,
)
from experiments.decision.training import (
    README_REGION,
    SHIPPED_TRAINING,
    load,
    scores_markdown,
    shipped_emulator,
)
from experiments.engine.spec import SweepError, load_sweep, parse_sweep
from tests.tiny_sweep import run_tiny_cap_sweep

LEVERS = ("return_cap_per_week", "crackdown_intensity")


def synthetic_runs(points: int = 40, replicates: int = 3, seed: int = 1) -> pd.DataFrame:
    """Runs of a known response: a smooth effect plus seed noise, and an output of pure noise."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(0, 800, points)
    crackdown = rng.uniform(0, 1, points)
    rows = []
    for index in range(points):
        mean_effect = 0.3 * np.sin(cap[index] / 800 * 3) + 0.1 * crackdown[index] ** 2
        for replicate in range(replicates):
            rows.append(
                {
                    "return_cap_per_week": cap[index],
                    "crackdown_intensity": crackdown[index],
                    "seed": replicate,
                    "status": "ok",
                    "deterrence_effect": mean_effect + rng.normal(0, 0.01),
                    "arrivals": rng.normal(30_000, 500),  # no relation to the levers
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def validation():
    return validate(synthetic_runs(), LEVERS, ["deterrence_effect", "arrivals"], 4, seed=3)


def test_a_smooth_response_is_learned_and_its_intervals_cover(validation):
    effect = validation.scores.set_index("output").loc["deterrence_effect"]
    assert effect["r2"] > 0.95
    assert 0.75 <= effect["coverage_90"] <= 1.0
    assert effect["points"] == 36 and effect["runs"] == 108  # 40 less 4 at the edges


def test_an_output_unrelated_to_the_levers_is_not_predicted(validation):
    noise = validation.scores.set_index("output").loc["arrivals"]
    assert noise["r2"] < 0.5  # nothing to learn: no better than the held-out mean
    assert 0.7 <= noise["coverage_90"] <= 1.0  # but the run interval is as wide as the noise


def test_the_scores_are_computed_from_the_held_out_predictions(validation):
    predicted = validation.predictions
    means = predicted.groupby(list(LEVERS))[["deterrence_effect", "emulated_deterrence_effect"]]
    observed, emulated = means.mean().to_numpy().T
    r2 = 1 - ((observed - emulated) ** 2).sum() / ((observed - observed.mean()) ** 2).sum()
    covered = predicted["deterrence_effect"].between(
        predicted["emulated_deterrence_effect_low"], predicted["emulated_deterrence_effect_high"]
    )
    effect = validation.scores.set_index("output").loc["deterrence_effect"]
    assert effect["r2"] == pytest.approx(r2)
    assert effect["coverage_90"] == pytest.approx(covered.mean())
    assert 0 < covered.mean() < 1 or r2 < 1  # real numbers, not constants


def test_each_interior_point_is_in_one_fold_with_all_its_replicates():
    runs = synthetic_runs()
    fold = interior_folds(runs, LEVERS, 4, seed=3)
    by_point = pd.DataFrame({"fold": fold}).groupby(
        [runs["return_cap_per_week"], runs["crackdown_intensity"]]
    )["fold"]
    assert (by_point.nunique() == 1).all()  # replicates together
    edges = runs[fold == -1]
    at_edge = np.zeros(len(edges), dtype=bool)
    for lever in LEVERS:
        at_edge |= edges[lever].isin([runs[lever].min(), runs[lever].max()]).to_numpy()
    assert len(edges) == 12 and at_edge.all()  # 4 settings at an edge, 3 replicates each
    assert by_point.first().value_counts().drop(-1).tolist() == [9, 9, 9, 9]


def test_outputs_are_fitted_on_the_scale_their_values_allow():
    assert OutputScale.for_values(np.array([0.1, 0.9])).name == "logit"
    assert OutputScale.for_values(np.array([0.1, 12.0])).name == "log"
    assert OutputScale.for_values(np.array([0.0, 12.0])).name == "log1p"
    assert OutputScale.for_values(np.array([-3.0, 2.0])).name == "identity"
    for name in ("logit", "log", "log1p", "identity"):
        values = np.array([0.2, 0.5, 0.7])
        scale_ = OutputScale(name)
        np.testing.assert_allclose(scale_.back(scale_.forward(values)), values)


def test_the_emulator_refuses_settings_it_was_not_trained_on():
    emulator = fit_emulator(synthetic_runs(20, 2), LEVERS, ["deterrence_effect"])
    high = emulator.ranges["return_cap_per_week"][1]
    with pytest.raises(SweepError, match="outside the emulator's range: allowed is a value from"):
        emulator.predict({"return_cap_per_week": high + 1, "crackdown_intensity": 0.5})
    with pytest.raises(SweepError, match="needs crackdown_intensity"):
        emulator.predict({"return_cap_per_week": 100.0})
    inside = emulator.predict({"return_cap_per_week": 100.0, "crackdown_intensity": 0.5})
    row = inside.iloc[0]
    assert row["deterrence_effect_low"] < row["deterrence_effect"] < row["deterrence_effect_high"]
    assert row["deterrence_effect_sd"] > 0


def test_too_few_settings_or_an_unknown_output_are_refused_in_one_line():
    with pytest.raises(SweepError, match="cover 4 lever settings: allowed is at least 6"):
        validate(synthetic_runs(4, 3), LEVERS, ["deterrence_effect"])
    with pytest.raises(SweepError, match="hold no deaths: allowed outputs are"):
        validate(synthetic_runs(), LEVERS, ["deaths"])


SWEEP = """
[sweep]
scenario = "pilot"
days = 365
replicates = 3
design = "latin_hypercube"
samples = 40
outputs = ["deterrence_effect", "arrivals"]

[vary.return_cap_per_week]
low = 0
high = 800

[vary.crackdown_intensity]
low = 0.0
high = 1.0
"""


def test_the_command_trains_from_a_sweep_folder_and_prints_its_scores(tmp_path, capsys):
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "sweep.toml").write_text(SWEEP)
    synthetic_runs().to_parquet(folder / "results.parquet")
    assert cli(["emulate", str(folder), "--folds", "4", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    scores = pd.read_csv(folder / "emulator" / "validation.csv").set_index("output")
    assert f"{scores.loc['deterrence_effect', 'r2']:.3f}" in printed
    assert "90% interval coverage" in printed
    emulator = load(folder / "emulator")
    assert emulator.inputs == LEVERS and emulator.training_runs == 120


def test_inputs_may_leave_what_else_a_sweep_varies_as_spread(tmp_path, capsys):
    """--inputs: the emulator answers for the cap alone; the crackdown's effect is its spread."""
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "sweep.toml").write_text(SWEEP)
    synthetic_runs().to_parquet(folder / "results.parquet")
    arguments = ["emulate", str(folder), "--inputs", "return_cap_per_week", "--folds", "4"]
    assert cli(arguments) == 0
    capsys.readouterr()
    emulator = load(folder / "emulator")
    assert emulator.inputs == ("return_cap_per_week",) and emulator.training_runs == 120
    about = (folder / "emulator" / "emulator.json").read_text()
    assert '"crackdown_intensity"' not in about
    # the shipped emulator, retrained under another scikit-learn, keeps the inputs it was given
    about_file = folder / "emulator" / "emulator.json"
    about_file.write_text(about.replace('"scikit_learn": "', '"scikit_learn": "0.0-'))
    assert shipped_emulator(folder).inputs == ("return_cap_per_week",)
    assert cli(["emulate", str(folder), "--inputs", "weight_return"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "does not vary weight_return: allowed inputs are" in error


def test_the_command_refuses_a_folder_without_a_sweep(tmp_path, capsys):
    assert cli(["emulate", str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "holds no finished sweep" in error
    with pytest.raises(SystemExit) as exited:
        cli(["emulate", str(tmp_path), "--folds", "1"])
    assert exited.value.code == 2
    assert "'1' is not valid: allowed is 2 to 20" in capsys.readouterr().err


def test_proposals_go_where_the_emulator_is_least_sure_and_spread_out():
    runs = synthetic_runs(30, 2)
    crowded = runs[runs["return_cap_per_week"] < 400]  # nothing run above a cap of 400 ...
    top = runs["return_cap_per_week"] == runs["return_cap_per_week"].max()
    edge = runs[top]  # ... but the one setting at the top of the range
    emulator = fit_emulator(pd.concat([crowded, edge]), LEVERS, ["deterrence_effect"])
    proposed = propose(emulator, 6, replicates=2, seed=5)
    assert len(proposed) == 6 and list(proposed.columns) == list(LEVERS)
    assert (proposed["return_cap_per_week"] >= 400).mean() >= 0.5  # into the empty half
    spread = proposed.to_numpy() / np.array([800.0, 1.0])
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(spread) for b in spread[i + 1 :]]
    assert min(gaps) > 0.05  # a batch, not six copies of the one least sure setting
    assert proposed["return_cap_per_week"].dtype.kind == "i"  # the parameter's own type


def test_a_proposal_is_a_paired_sweep_file_the_sweep_engine_accepts(tmp_path):
    emulator = fit_emulator(synthetic_runs(20, 2), LEVERS, ["deterrence_effect"])
    proposed = propose(emulator, 4, replicates=3, seed=1)
    spec = parse_sweep(SWEEP, "training")
    text = proposal_sweep(spec, proposed, "training-proposed-1")
    again = parse_sweep(text, "proposed")
    assert again.design == "paired" and again.replicates == 3 and again.days == spec.days
    points = pd.DataFrame(again.points())
    pd.testing.assert_frame_equal(points[list(LEVERS)], proposed, check_dtype=False)
    with pytest.raises(SweepError, match="--propose 0 is not valid: allowed is 1 to 200"):
        propose(emulator, 0, replicates=3, seed=1)


def test_proposed_runs_go_through_the_sweep_engine_and_join_the_training(tmp_path, capsys):
    folder = run_tiny_cap_sweep(
        tmp_path / "tiny", 240, 6, ["deterrence_effect", "arrivals", "returns"]
    )
    assert cli(["emulate", str(folder), "--propose", "2", "--folds", "3", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    proposed = pd.read_parquet(folder / "emulator" / "proposed-1" / "results.parquet")
    assert len(proposed) == 2 and (proposed["status"] == "ok").all()
    low, high = pd.read_parquet(folder / "results.parquet")["return_cap_per_week"].agg(
        ["min", "max"]
    )
    assert proposed["return_cap_per_week"].between(low, high).all()
    assert "Ran 2 proposed settings" in printed and "over 4 interior points" in printed
    assert load(folder / "emulator").training_runs == 8  # the final fit: every run


def test_the_shipped_emulator_is_trained_once_then_loaded(tmp_path, monkeypatch):
    (tmp_path / "sweep.toml").write_text(SWEEP)
    synthetic_runs(20, 2).to_csv(tmp_path / "results.csv", index=False)  # as committed
    first = shipped_emulator(tmp_path)
    assert (tmp_path / "emulator" / "emulator.pkl").is_file()

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(training_module, "train", no_training)
    again = shipped_emulator(tmp_path)
    setting = {"return_cap_per_week": 300, "crackdown_intensity": 0.4}
    pd.testing.assert_frame_equal(first.predict(setting), again.predict(setting))
    about = tmp_path / "emulator" / "emulator.json"
    about.write_text(about.read_text().replace('"scikit_learn": "', '"scikit_learn": "0.0-'))
    with pytest.raises(AssertionError, match="trained again"):  # another version: retrained
        shipped_emulator(tmp_path)


def test_the_committed_emulator_matches_its_training_sweep_and_scores():
    from experiments.decision.training_sweep import SWEEP_FILE, emulator_inputs, load_design

    folder = SHIPPED_TRAINING / "emulator"
    emulator = load(folder)
    spec = load_sweep(SHIPPED_TRAINING / "sweep.toml")
    assert emulator.inputs == tuple(emulator_inputs(load_design()))
    assert spec.varied == load_sweep(SWEEP_FILE).varied  # the committed sweep file's runs
    runs = pd.read_csv(SHIPPED_TRAINING / "results.csv")
    assert emulator.training_runs == len(runs) == len(spec.runs())
    predictions = pd.read_csv(folder / "held_out_predictions.csv")
    scores = pd.read_csv(folder / "validation.csv").set_index("output")
    for output in emulator.outputs:
        covered = predictions[output].between(
            predictions[f"emulated_{output}_low"], predictions[f"emulated_{output}_high"]
        )
        assert scores.loc[output, "coverage_90"] == pytest.approx(covered.mean())


def test_the_readme_shows_the_shipped_emulators_scores():
    from model.markdown import region

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert region(readme, README_REGION) == scores_markdown(), (
        "run `python -m experiments.decision.training` to rewrite the README's table"
    )
