"""The Albania natural experiment: the returns arrangement, the 2022 mix and the backcast.

The UK-Albania returns arrangement is a dated data row; from its date, adult Albanian
small-boat arrivals are removed home at the declared rate, and nobody else is; the removed
never come back; the books balance; the group's perceived return risk rises; and the backcast
experiment runs at CI size with its figure and finding.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from agents.migrants import ALLOWED_MOVES, MigrantPopulation, MigrantState, MigrantStateError
from experiments.research import REPORT_ORDER, run_experiment
from model.data import load_nationalities
from model.data_rows import RecordError
from model.model import NO_POLICY, ChannelModel
from model.nationality_mix import mix_of_year
from model.parameters import ParameterError
from model.returns_arrangements import ARRANGEMENTS_FILE, read_arrangements
from model.scenarios import scenario_parameters

GROUPS = load_nationalities().names
ALBANIAN = GROUPS.index("Albanian")
IN_FORCE = dt.date(2022, 12, 13)
START = dt.date(2022, 10, 1)
DAYS = 150
REMOVAL_PROB = 0.5
"""Not the default (0.7), so that the test sees the declared rate followed, not a constant."""


@pytest.fixture(scope="module")
def albania_run() -> tuple[ChannelModel, list[dict]]:
    """The 2022 mix from 1 October 2022 for 150 days, stepped and read every day.

    Illegal workers are never removed here, so every removal is the arrangement's.
    """
    parameters = scenario_parameters(
        "albania_backcast",
        start_date=START,
        arrangement_removal_prob=REMOVAL_PROB,
        arrangement_processing_days=7,
        caught_worker_removal_prob=0.0,
    )
    model = ChannelModel(seed=5, **parameters)
    days = []
    for _ in range(DAYS):
        model.step()
        counts = model.population.state_counts()
        days.append(
            {
                "population": len(model.population),
                "counted": int(counts.sum()),
                "removed": int(counts[MigrantState.REMOVED]),
                "awaiting_removal": int(counts[MigrantState.AWAITING_REMOVAL]),
            }
        )
    return model, days


# --- the data rows -----------------------------------------------------------------------------
def test_the_arrangement_is_a_dated_sourced_row():
    assert read_arrangements(ARRANGEMENTS_FILE, GROUPS) == {"Albanian": IN_FORCE}
    assert "gov.uk" in ARRANGEMENTS_FILE.read_text()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Albanian,13/12/2022,agreed,official,GOV.UK,u",
            r"^returns_arrangements\.csv line 2: in_force_date='13/12/2022' is not valid: "
            r"allowed is YYYY-MM-DD$",
        ),
        (
            "Albania,2022-12-13,agreed,official,GOV.UK,u",
            r"^returns_arrangements\.csv line 2: group='Albania' is not valid: allowed are Afghan,",
        ),
        (
            "Albanian,2022-12-13,agreed,official,,u",
            r"^returns_arrangements\.csv line 2: no source: every row names its source$",
        ),
    ],
)
def test_a_malformed_arrangement_is_refused_in_one_line(tmp_path, row, message):
    path = tmp_path / "returns_arrangements.csv"
    path.write_text(ARRANGEMENTS_FILE.read_text().splitlines()[0] + "\n" + row + "\n")
    with pytest.raises(RecordError, match=message) as error:
        read_arrangements(path, GROUPS)
    assert "\n" not in str(error.value)


def test_the_2022_mix_has_28_percent_albanians_and_the_others_pro_rata():
    default = load_nationalities()
    mix = mix_of_year(default, 2022)
    assert mix.shares[ALBANIAN] == pytest.approx(0.28)
    assert mix.shares.sum() == pytest.approx(1.0)
    others = np.arange(len(GROUPS)) != ALBANIAN
    ratio = mix.shares[others] / default.shares[others]
    assert np.allclose(ratio, ratio[0])  # pro rata
    assert mix_of_year(default, 0) is default
    with pytest.raises(ParameterError, match=r"^nationality_mix_year=2019 is not valid: allowed"):
        mix_of_year(default, 2019)


def test_people_reach_the_coast_in_the_2022_mix(albania_run):
    model, _ = albania_run
    albanian = model.population.nationality == ALBANIAN
    assert albanian.mean() == pytest.approx(0.28, abs=0.02)


# --- the mechanism -----------------------------------------------------------------------------
def _arrived(model: ChannelModel, after: bool) -> np.ndarray:
    """Adults who first reached the UK on or after the arrangement's day (or before it)."""
    population = model.population
    day = (IN_FORCE - START).days
    first = population.first_uk_arrival_day
    when = first >= day if after else (first >= 0) & (first < day)
    return when & ~population.is_minor


def test_albanian_arrivals_after_the_date_are_removed_at_the_declared_rate(albania_run):
    model, _ = albania_run
    population = model.population
    held = np.isin(population.state, [MigrantState.REMOVED, MigrantState.AWAITING_REMOVAL])
    albanian_after = _arrived(model, after=True) & (population.nationality == ALBANIAN)
    assert albanian_after.sum() > 200
    assert held[albanian_after].mean() == pytest.approx(REMOVAL_PROB, abs=0.07)
    assert not held[population.is_minor].any()  # adults only
    assert not held[population.nationality != ALBANIAN].any()  # no other group


def test_nobody_arriving_before_the_date_is_removed(albania_run):
    model, _ = albania_run
    population = model.population
    held = np.isin(population.state, [MigrantState.REMOVED, MigrantState.AWAITING_REMOVAL])
    before = _arrived(model, after=False) & (population.nationality == ALBANIAN)
    assert before.sum() > 500
    assert not held[before].any()
    daily = model.datacollector.get_model_vars_dataframe()
    day = (IN_FORCE - START).days
    assert daily["arrangement_detentions"].iloc[:day].sum() == 0
    assert daily["arrangement_detentions"].iloc[day:].sum() > 0


def test_without_the_arrangement_nobody_is_removed_home():
    parameters = scenario_parameters("albania_backcast_no_arrangement", start_date=START)
    model = ChannelModel(seed=5, **parameters)
    for _ in range(100):
        model.step()
    assert model.population.state_counts()[MigrantState.AWAITING_REMOVAL] == 0
    assert model.arrangements.total_removals == 0


def test_the_arrangement_is_not_a_pilot_lever():
    """The pilot's counterfactual keeps the arrangement: it is part of the world, not the pilot."""
    assert "returns_arrangements" not in NO_POLICY


# --- the removed never come back -----------------------------------------------------------------
def test_the_life_cycle_has_no_way_out_of_removed():
    assert not any(MigrantState.REMOVED in sources for sources in ALLOWED_MOVES.values())
    assert ALLOWED_MOVES[MigrantState.AWAITING_REMOVAL] == {MigrantState.IN_UK}
    population = MigrantPopulation()
    rows = population.add(2, state=MigrantState.IN_FRANCE)
    population.arrive_in_uk(rows, day=1)
    population.detain_for_removal(rows)
    population.remove_to_home_country(rows[:1])
    with pytest.raises(MigrantStateError, match="migrant 0 cannot move from REMOVED to IN_FRANCE"):
        population.return_to_france(rows[:1], day=3)
    with pytest.raises(
        MigrantStateError, match="cannot move from AWAITING_REMOVAL to AWAITING_RET"
    ):
        population.detain(rows[1:])


def test_the_removed_stay_removed(albania_run):
    _, days = albania_run
    removed = np.array([day["removed"] for day in days])
    assert removed[-1] > 100
    assert (np.diff(removed) >= 0).all()  # never fewer: nobody leaves REMOVED


# --- the books ---------------------------------------------------------------------------------
def test_the_books_balance_every_day(albania_run):
    model, days = albania_run
    daily = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    counted = np.array([day["counted"] for day in days])
    people = np.array([day["population"] for day in days])
    assert (counted == people).all()
    initial = model.params["initial_waiting_in_france"]
    assert (people == initial + daily["new_on_coast"].cumsum()).all()
    removed = np.array([day["removed"] for day in days])
    assert (removed == daily["arrangement_removals"].cumsum()).all()
    held = (daily["arrangement_detentions"] - daily["arrangement_removals"]).cumsum()
    assert (np.array([day["awaiting_removal"] for day in days]) == held).all()
    assert (daily["awaiting_removal"] == held).all()
    assert (daily["arrivals_of_arrangement_groups"] <= daily["arrivals"]).all()


# --- beliefs -----------------------------------------------------------------------------------
def test_the_groups_perceived_return_risk_rises_after_the_date(albania_run):
    model, _ = albania_run
    daily = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    day = (IN_FORCE - START).days
    albanian = daily["perceived_return_prob_arrangement_groups"]
    others = daily["perceived_return_prob_other_groups"]
    assert albanian.iloc[:day].max() == 0.0 and others.iloc[:day].max() == 0.0  # no pilot
    late = slice(DAYS - 30, DAYS)
    assert albanian.iloc[late].mean() > 0.1
    assert albanian.iloc[late].mean() > 5 * others.iloc[late].mean()


# --- the experiment ----------------------------------------------------------------------------
def test_the_backcast_runs_at_ci_size_with_its_figure_and_finding(tmp_path):
    finding = run_experiment("albania_backcast", "ci", tmp_path)
    assert finding.figures and all(path.stat().st_size > 10_000 for path in finding.figures)
    assert "90% fall in Albanian crossings" in finding.headline
    assert "May-October" in finding.headline and "nan" not in finding.headline
    assert "With the behaviour fitted by the calibration (3 posterior draws)" in (finding.headline)
    assert 40 < len(finding.headline) < 500
    fitted, yearly, assumptions, monthly = (table for _, table in finding.tables)
    assert fitted["measure"].iloc[0] == "Albanian fall 2022 to 2023"
    assert fitted["observed"].iloc[0] == "-90%" and "nan" not in fitted.to_string()
    assert list(assumptions["removal chance"]) == ["0.7", "0.5", "0.9", "0.7"]
    assert list(assumptions["publicised"]) == ["yes", "yes", "yes", "no"]
    assert list(yearly["year"]) == ["2022", "2023"]
    assert len(monthly) == 24 and monthly["month"].iloc[0] == "2022-01"
    assert REPORT_ORDER.index("albania_backcast") == REPORT_ORDER.index("pilot_effect") + 1
