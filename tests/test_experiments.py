"""Research experiments at CI size, end to end through the same code as the full size."""

import re

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from experiments.costs import COSTS, cost_parameters, policy_costs
from experiments.engine.figures import first_crossing
from experiments.engine.spec import SweepError
from experiments.report import build_report
from experiments.research import (
    EXPERIMENTS,
    REPORT_ORDER,
    load_experiment,
    merged,
    run_experiment,
)
from model.parameters import ParameterError
from model.scenarios import scenario_parameters


def test_the_ci_size_is_merged_over_the_full_size():
    full = load_experiment("pilot_effect", "full")
    ci = load_experiment("pilot_effect", "ci")
    assert full.config["runs"]["replicates"] == 20
    assert ci.config["runs"]["replicates"] == 2
    # what the ci table does not name stays as in the full size
    assert ci.config["runs"]["outputs"] == full.config["runs"]["outputs"]
    assert ci.config["scenarios"] == full.config["scenarios"]
    assert "ci" not in full.config and "ci" not in ci.config


def test_merged_leaves_its_inputs_alone():
    base = {"a": {"b": 1, "c": 2}}
    assert merged(base, {"a": {"b": 5}}) == {"a": {"b": 5, "c": 2}}
    assert base == {"a": {"b": 1, "c": 2}}


def test_bad_names_and_sizes_are_one_line_errors(tmp_path):
    with pytest.raises(SweepError, match="size='huge' is not valid: allowed are ci, full"):
        load_experiment("pilot_effect", "huge")
    with pytest.raises(SweepError, match="unknown experiment 'nope': allowed are"):
        run_experiment("nope", "ci", tmp_path)


@pytest.fixture(scope="module")
def ci_results(tmp_path_factory):
    """Where the experiments' CI-size results go, shared by this module's tests."""
    return tmp_path_factory.mktemp("experiments")


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_each_experiment_runs_end_to_end_at_ci_size(name, ci_results):
    tmp_path = ci_results
    finding = run_experiment(name, "ci", tmp_path, workers=2)  # CI has 2 cores
    assert finding.name == name and finding.title and finding.question
    assert len(finding.interpretation) > 100
    assert 40 < len(finding.headline) < 500 and "nan" not in finding.headline
    assert finding.figures
    for figure in finding.figures:
        assert figure.suffix == ".png" and figure.stat().st_size > 10_000, figure
        assert tmp_path in figure.parents  # nothing written into the repository
    for caption, table in finding.tables:
        assert caption and isinstance(table, pd.DataFrame) and len(table) > 0
        assert not table.isna().any().any(), caption
    # the effective sweep files are kept beside the results, to rerun with `deterrence sweep`
    assert list((tmp_path / name / "ci").glob("*.toml"))


def test_pilot_effect_leads_with_the_pilot_as_delivered(ci_results):
    finding = run_experiment("pilot_effect", "ci", ci_results)  # resumes: nothing to run
    tables = dict(finding.tables)
    effect, mechanisms, outcomes, coast, posterior, costs = tables.values()
    # delivered first, then as announced, then the assumed growth, named as an assumption
    assert [row.split(" ")[1] for row in effect["pilot"]] == ["delivered", "announced", "growth"]
    assert effect["pilot"].iloc[2].startswith("ASSUMED")
    assert "announced" not in effect["pilot"].iloc[2]
    assert (effect["replicates"] == 2).all()
    assert (
        effect["deterrence up to the pilot's end"]
        .str.contains(r"% \(seeds-only 95% CI .*% to .*%\)")
        .all()
    )
    # every pilot ran past its (CI-shortened) end, so its rebound is a number
    assert effect["last day"].tolist() == ["2026-01-15"] * 3
    assert not coast["arrivals after its end, more than without"].eq("n/a").any()
    # each pilot's decomposition: returns alone and the route add up to the whole
    for row in mechanisms.to_dict("records"):
        total = int(row["crossings deterred (mean)"].replace(",", ""))
        parts = [int(row[c].split(" ")[0].replace(",", "")) for c in mechanisms.columns[2:]]
        assert abs(sum(parts) - total) <= 1, row
    assert list(outcomes.columns)[:2] == ["pilot", "fall in crossings"]
    assert posterior["accepted draws run"].tolist() == [3]  # the CI size runs 3 draws
    from experiments.calibration.run import FULL_POSTERIOR

    assert f"over 3 of the {len(pd.read_csv(FULL_POSTERIOR))} draws" in finding.interpretation
    assert (
        finding.interpretation.index("As delivered")
        < finding.interpretation.index("As announced")
        < finding.interpretation.index("assumed growth")
    )
    assert list(costs["pilot"]) == list(effect["pilot"])
    assert costs["break-even cost per return (GBP)"].str.match(r"^[\d,]+$|^n/a$").all()


def test_pilot_effect_runs_the_posterior_in_the_delivered_pilot(ci_results):
    from experiments.pilot_effect.run import sweeps

    experiment = load_experiment("pilot_effect", "ci", ci_results)
    built = sweeps(experiment)
    assert list(built) == ["delivered", "announced", "assumed_growth", "posterior"]
    posterior = built["posterior"]
    assert posterior["sweep"]["scenario"] == "pilot_as_delivered"
    assert posterior["fixed"]["pilot_end_date"].isoformat() == "2026-01-15"
    assert posterior["fixed"]["initial_people_per_boat"] > 35  # the 2024 load, not the default
    inflows = posterior["vary"]["arrivals_per_week"]["values"]
    # each draw's own inflow: its multiplier times the scenario's declared one
    from experiments.calibration.run import FULL_POSTERIOR

    multipliers = pd.read_csv(FULL_POSTERIOR)["inflow_multiplier"].head(3)
    declared = scenario_parameters("pilot_as_delivered")["arrivals_per_week"]
    assert inflows == (multipliers * declared).round(1).tolist()


def test_the_report_holds_every_experiment_limits_and_parameters(ci_results, tmp_path):
    report_md, report_html = build_report("ci", tmp_path / "reports", results_root=ci_results)
    text = report_md.read_text()
    for name in EXPERIMENTS:
        assert f"## {load_experiment(name, 'ci').title}" in text
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (report_md.parent / image).stat().st_size > 10_000, image
    assert "## Limits of the model" in text and "## Parameters" in text
    summary = text.split("## Summary\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(summary) == len(EXPERIMENTS)  # one headline an experiment, in the report's order
    assert sorted(REPORT_ORDER) == sorted(EXPERIMENTS)
    assert REPORT_ORDER[0] == "pilot_effect"  # the report leads with the pilot's effect
    for line, name in zip(summary, REPORT_ORDER, strict=True):
        title = load_experiment(name, "ci").title
        assert line.startswith(f"- **{title}.** ") and len(line) > len(title) + 40, line
    pilot = text.index(f"## {load_experiment('pilot_effect', 'ci').title}")
    assert (
        text.index("## Summary")
        < pilot
        < text.index(f"## {load_experiment('calibration', 'ci').title}")
    )
    assert text.index("As delivered") < text.index("As announced")
    # the checks of the report's claims (the validation issue's point 6), on the summary:
    # an interval over seeds alone says so; the break-even is a band of three cases
    headlines = dict(zip(REPORT_ORDER, summary, strict=True))
    for line in summary:
        assert line.count("95% CI") == line.count("seeds-only 95% CI"), line
    assert all(case in headlines["break_even_cap"] for case in ("2%", "37%", "50%"))
    assert "posterior" in headlines["pilot_effect"]  # its interval is over draws and seeds
    # the limits name what is postponed rather than deterred, and what is exogenous
    assert "**Postponed is not deterred.**" in text and "**What is exogenous.**" in text
    assert "| `return_cap_per_week` |" in text  # the declaration's table
    assert "its numbers are not results" in text  # a CI-size report says what it is
    # how long each experiment took, all of them named, in the header
    timing = re.search(
        r"Making it took (\d+) minutes with 1 worker\(s\) .*?\(minutes an "
        r"experiment: ([^)]*)\)",
        text,
    )
    assert timing and [part.split(" ")[0] for part in timing[2].split(", ")] == list(EXPERIMENTS)
    html = report_html.read_text()
    assert html.count("<table>") >= 2 and "<img" in html


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["experiment", "nope", "--size", "ci"], "unknown experiment 'nope': allowed are"),
        (["report", "--size", "huge"], "size='huge' is not valid: allowed are ci, full"),
    ],
)
def test_cli_refuses_bad_experiments_in_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_first_crossing_interpolates_and_says_when_never():
    x = np.array([0.0, 100.0, 200.0])
    assert first_crossing(x, np.array([0.1, 0.3, 0.5]), 0.4) == pytest.approx(150.0)
    assert first_crossing(x, np.array([0.5, 0.6, 0.7]), 0.4) == 0.0
    assert first_crossing(x, np.array([0.1, 0.2, 0.3]), 0.4) is None
    assert first_crossing(x, np.array([0.1, np.nan, 0.5]), 0.3) == pytest.approx(100.0)


def test_catch_up_weeks_counts_from_the_first_detention():
    from experiments.information.run import catch_up_weeks

    run = pd.DataFrame(
        {
            "actual_return_prob": [0.0, 0.0, 0.2, 0.2, 0.2, 0.2],
            "perceived_return_prob": [0.0, 0.0, 0.01, 0.05, 0.1, 0.2],
        }
    )
    assert catch_up_weeks(run) == 2.0  # 0.1 >= half of the mean 0.2, two weeks after the start
    run["perceived_return_prob"] = 0.01
    assert np.isnan(catch_up_weeks(run))
    assert np.isnan(catch_up_weeks(run.assign(actual_return_prob=0.0)))


def test_policy_costs_by_hand():
    costs = policy_costs(
        returns=10,
        legal_admissions=10,
        crossings_deterred=40,
        overrides={
            "cost_per_return_gbp": 20_000,
            "cost_per_legal_admission_gbp": 50_000,
            "support_cost_per_person_gbp": 100_000,
        },
    )
    assert costs["spent_gbp"] == 10 * 20_000 + 10 * 50_000
    assert costs["saved_gbp"] == (40 + 10) * 100_000
    assert costs["cost_per_deterred_crossing_gbp"] == 700_000 / 40
    # at the break-even cost per return, spending equals saving
    assert costs["break_even_cost_per_return_gbp"] == (5_000_000 - 500_000) / 10
    assert np.isnan(policy_costs(0, 0, 0)["cost_per_deterred_crossing_gbp"])


def test_cost_parameters_are_checked_against_their_declaration():
    with pytest.raises(ParameterError, match="unknown cost parameter 'cost_per_flight'"):
        cost_parameters({"cost_per_flight": 1})
    with pytest.raises(ParameterError, match="cost_per_return_gbp=-5 is out of range"):
        cost_parameters({"cost_per_return_gbp": -5})
    assert all(parameter.source for parameter in COSTS.values())


def test_calibration_errors_share_one_scale():
    from experiments.calibration.targets import scaled_error, statistic

    assert scaled_error("arrivals", 110.0, 100.0) == pytest.approx(np.log(1.1))
    assert scaled_error("january_april_arrivals", 50.0, 100.0) == pytest.approx(np.log(0.5))
    assert scaled_error("prevention_share", 0.55, 0.45) == pytest.approx(1.0)
    # the ABC compares counts as logs, so a difference is a log ratio there too
    assert statistic("arrivals", 110.0) - statistic("arrivals", 100.0) == pytest.approx(
        scaled_error("arrivals", 110.0, 100.0)
    )


def test_calibrated_year_inputs_carry_the_inflow_multiplier():
    from experiments.calibration.targets import year_inputs

    plain, fitted = year_inputs(2023), year_inputs(2023, 0.8)
    assert fitted["arrivals_per_week"] == pytest.approx(0.8 * plain["arrivals_per_week"], abs=0.1)
    assert {k: v for k, v in fitted.items() if k != "arrivals_per_week"} == {
        k: v for k, v in plain.items() if k != "arrivals_per_week"
    }


def test_posterior_draws_become_overrides_with_their_own_inflow(tmp_path):
    from experiments.calibration.run import posterior_overrides
    from experiments.calibration.settings import INFLOW
    from model.scenarios import load_scenario

    draws = pd.DataFrame(
        {
            "weight_job": [1.5, 2.5],
            INFLOW: [0.8, 1.1],
            "distance": [0.1, 0.2],
            "model_seed": [7, 8],
            "weight": [0.3, 0.7],
        }
    )
    draws.to_csv(tmp_path / "posterior.csv", index=False)
    overrides = posterior_overrides("pilot", tmp_path / "posterior.csv")
    inflow = load_scenario("pilot").get("arrivals_per_week", 1010.0)
    assert overrides.columns.tolist() == ["weight_job", "arrivals_per_week", "weight"]
    assert overrides["weight"].tolist() == [0.3, 0.7]
    assert overrides["weight_job"].tolist() == [1.5, 2.5]
    assert overrides["arrivals_per_week"].tolist() == pytest.approx([0.8 * inflow, 1.1 * inflow])
    with pytest.raises(SweepError, match="missing: run `deterrence experiment calibration`"):
        posterior_overrides("pilot", tmp_path / "nope.csv")
    # a fitted scenario's inflow already holds one multiplier: a second would shrink it again
    with pytest.raises(SweepError, match="'pilot_calibrated' already has the fitted inflow"):
        posterior_overrides("pilot_calibrated", tmp_path / "posterior.csv")


def test_calibration_runs_abc_smc_and_checks_the_posterior(ci_results):
    from experiments.calibration.settings import load_settings

    run_experiment("calibration", "ci", ci_results)  # reads the finished fit: no ABC run
    out = ci_results / "calibration" / "ci"
    settings = load_settings("ci")
    assert (out / "abc_history.db").is_file()
    posterior = pd.read_csv(out / "posterior_draws.csv")
    assert len(posterior) == settings.budget.population_size
    assert posterior["weight"].sum() == pytest.approx(1.0)
    assert (posterior["weight"] > 0).all()
    assert list(posterior.columns) == [*sorted(settings.prior), "distance", "model_seed", "weight"]
    checks = pd.read_csv(out / "predictive_checks.csv")
    # every observed (year, target), January-April included
    assert len(checks) == 10 and "January-April arrivals" in set(checks["target"])
    assert set(checks["data inside"]) <= {"yes", "NO"}
    runs = pd.read_csv(out / "predictive_runs.csv")
    assert len(runs) == settings.predictive_draws * len(settings.years)


def test_break_even_headline_gives_the_cap_for_each_case_of_the_band():
    from experiments.break_even_cap.run import cap_needed, headline

    points = pd.DataFrame(
        {
            "crackdown_intensity": [0.0] * 3 + [0.5] * 3,
            "return_cap_per_week": [0, 100, 200] * 2,
            "deterrence_effect_mean": [0.0, 0.3, 0.6, 0.0, 0.2, 0.3],
            "deterrence_effect_low": [0.0, 0.2, 0.5, 0.0, 0.1, 0.2],
            "deterrence_effect_high": [0.0, 0.4, 0.7, 0.0, 0.3, 0.4],
            "replicates": [2] * 6,
        }
    )
    text = headline(points)
    # no crackdown: 2% at 6.7, 37% at 123.3, 50% at 166.7 (linear between swept caps)
    assert "no crackdown: 7 a week for 2%, 123 a week for 37%, 167 a week for 50%" in text
    assert "more than the caps swept for 50%" in text  # the crackdown's effect stops at 30%
    assert "not the pilot as delivered" in text
    table = cap_needed(points)
    assert len(table) == 6 and table["break-even case"].str.contains("central case").sum() == 2


def test_sobol_leaders_are_named_together_when_their_intervals_overlap():
    from experiments.sensitivity.run import headline, indistinct_from_zero, leading_group

    indices = pd.DataFrame(
        {
            "parameter": ["a_rate", "b_weight", "c_share", "d_days"],
            "total": [0.50, 0.30, 0.10, 0.02],
            "total_conf": [0.15, 0.10, 0.05, 0.03],
            "first_order": [0.4, 0.2, 0.1, 0.0],
            "first_order_conf": [0.1, 0.1, 0.1, 0.1],
        }
    )
    # 0.30 + 0.10 reaches 0.50 - 0.15: a and b cannot be ordered; c (up to 0.15) can
    assert leading_group(indices)["parameter"].tolist() == ["a_rate", "b_weight"]
    assert indistinct_from_zero(indices) == 1
    text = headline(indices, "scenario pilot with return cap per week = 200 returns/week")
    assert text.startswith("In scenario pilot with return cap per week = 200 returns/week")
    assert "overlap and are not ranked" in text and "c share" not in text
    clear = indices.assign(total_conf=[0.05, 0.05, 0.05, 0.03])
    assert "clearly above the rest" in headline(clear, "scenario pilot")


def test_levers_are_named_from_the_sweeps_fixed_values():
    from experiments.engine.labels import levers_in_words

    text = levers_in_words("pilot", {"return_cap_per_week": 200, "returns_follow_record": False})
    assert text == (
        "scenario pilot with return cap per week = 200 returns/week, returns follow record = False"
    )
    assert levers_in_words("baseline", {}) == "scenario baseline"


def test_the_information_sweeps_hold_the_same_levers():
    """Its headline names the learning sweep's levers for all three sweeps."""
    import tomllib

    from experiments.engine.provenance import PROJECT_ROOT

    path = PROJECT_ROOT / "experiments" / "information" / "config.toml"
    config = tomllib.loads(path.read_text())
    fixed = [sweep["fixed"] for sweep in config["sweeps"].values()]
    assert all(table == fixed[0] for table in fixed) and fixed[0]


def test_the_pilots_posterior_spread_covers_draws_and_seeds_together():
    from experiments.pilot_effect.run import over_draws, posterior_effects

    results = pd.DataFrame(
        {
            "status": ["ok"] * 4 + ["failed"],
            "point": [0, 0, 1, 1, 1],
            "deterrence_effect_during_pilot": [0.05, 0.15, 0.30, 0.30, 9.0],
            "deterrence_effect": [0.0] * 5,
            "crossings_deterred": [0.0] * 5,
        }
    )
    runs = posterior_effects(results, pd.Series([0.75, 0.25]))
    assert len(runs) == 4  # one row a run that finished, not one a draw
    assert runs["weight"].tolist() == pytest.approx([0.375, 0.375, 0.125, 0.125])
    # draw 0's seeds differ: its 5% quantile is its low seed, not the draw's mean of 0.10
    assert over_draws(runs, "deterrence_effect_during_pilot", 0.05) == pytest.approx(0.05)


def test_a_missing_input_is_refused_before_any_experiment_runs(tmp_path, monkeypatch):
    """The report checks what experiments read but do not make before the first run."""
    import experiments.cost_frontier.run as cost_frontier

    monkeypatch.setattr(cost_frontier, "SHIPPED_TRAINING", tmp_path / "no_training")
    message = (
        r"^cost_frontier reads the emulator's committed training sweep, and '.*no_training' "
        r"holds no finished sweep: .*restore it with `git checkout -- experiments/decision"
    )
    results = tmp_path / "results"
    with pytest.raises(SweepError, match=message):
        build_report("ci", tmp_path / "reports", results_root=results)
    # the calibration runs first: had the check waited for the cost frontier, it would have run
    assert not [path for path in results.rglob("*") if path.is_file()]
    assert not (tmp_path / "reports").exists()
    with pytest.raises(SweepError, match=message):
        run_experiment("cost_frontier", "ci", results)
