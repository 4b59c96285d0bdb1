"""The pilot as it ran: the record files, and runs that follow them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from model import pilot_record as record_module
from model.parameters import PARAMETERS
from model.pilot_record import (
    RecordError,
    documented_coast_range,
    pilot_record,
    pilot_timeline,
    read_coast_counts,
    read_pilot_record,
    read_timeline,
)
from model.run import run_scenario

DELIVERED_TO_END_OF_JUNE_2026 = 546
"""1 January 2025 to 30 June 2026."""


def test_shipped_files_load_with_sources():
    record = pilot_record()
    assert record.dates[0].isoformat() == "2025-10-19"
    assert list(record.returned[:6]) == [42, 75, 94, 113, 153, 193]
    assert list(record.admitted[:6]) == [23, 51, 57, 84, 134, 195]
    assert record.returned_qualifier[-1] == "at_least"
    assert np.all(np.diff(record.returned) >= 0) and np.all(np.diff(record.admitted) >= 0)
    assert len(read_coast_counts()) >= 5
    assert documented_coast_range() == (800, 4000)


def test_policy_dates_are_the_timelines():
    """The date parameters' defaults are the timeline's rows, not a second copy."""
    timeline = pilot_timeline()
    assert PARAMETERS["pilot_start_date"].default == timeline["in_force"]
    assert PARAMETERS["first_return_date"].default == timeline["first_return"]
    assert PARAMETERS["pilot_end_date"].default == timeline["first_period_end"]
    assert timeline["treaty_signed"].isoformat() == "2025-07-29"
    assert timeline["extension_letter"].isoformat() == "2026-06-10"


def _broken(tmp_path: Path, edit) -> Path:
    lines = record_module.RECORD_FILE.read_text().splitlines()
    path = tmp_path / "pilot_record.csv"
    path.write_text("\n".join(edit(lines)) + "\n")
    return path


def _swap_rows_3_and_4(lines):
    return [*lines[:3], lines[4], lines[3], *lines[5:]]


BROKEN = {
    "out of order": (
        _swap_rows_3_and_4,
        "line 5: date 2025-11-05 is not after the previous row's 2025-11-14",
    ),
    "not a date": (lambda lines: [lines[0], "2025-13-40" + lines[1][10:], *lines[2:]], "line 2"),
    "not a count": (
        lambda lines: [*lines[:2], lines[2].replace(",75,", ",abc,"), *lines[3:]],
        "line 3: returned_to_france='abc'",
    ),
    "count falls": (
        lambda lines: [*lines[:3], lines[3].replace(",94,", ",60,"), *lines[4:]],
        "line 4: returned_to_france=60 is below",
    ),
    "bad qualifier": (
        lambda lines: [lines[0], lines[1].replace(",reported,", ",guess,", 1), *lines[2:]],
        "line 2: returned_qualifier='guess'",
    ),
    "missing column": (
        lambda lines: [lines[0].replace("admitted_to_uk", "admitted"), *lines[1:]],
        "missing column(s) ['admitted_to_uk']",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_malformed_record_is_refused_in_one_line_naming_the_row(tmp_path, case):
    edit, expected = BROKEN[case]
    with pytest.raises(RecordError) as error:
        read_pilot_record(_broken(tmp_path, edit))
    message = str(error.value)
    assert "\n" not in message
    assert expected in message, message


def test_a_record_in_another_encoding_or_without_source_is_refused(tmp_path):
    latin = tmp_path / "pilot_record.csv"
    latin.write_bytes(record_module.RECORD_FILE.read_bytes() + "2026-07-01,é,1".encode("latin-1"))
    with pytest.raises(RecordError, match="cannot be read"):
        read_pilot_record(latin)
    timeline = tmp_path / "pilot_timeline.csv"
    lines = record_module.TIMELINE_FILE.read_text().splitlines()
    timeline.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n")
    with pytest.raises(RecordError, match="line 3: date 2025-07-29 is not after"):
        read_timeline(timeline)


def test_the_command_line_refuses_a_broken_record_before_running(tmp_path, monkeypatch, capsys):
    broken = _broken(tmp_path, _swap_rows_3_and_4)
    monkeypatch.setattr(record_module, "RECORD_FILE", broken)
    pilot_record.cache_clear()
    out = tmp_path / "run"
    try:
        status = main(
            [
                "run",
                "--scenario",
                "pilot_as_delivered",
                "--days",
                "300",
                "--quiet",
                "--out",
                str(out),
            ]
        )
    finally:
        pilot_record.cache_clear()
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "pilot_record.csv line 5" in err, err
    assert not out.exists()


@pytest.fixture(scope="module")
def delivered_runs():
    return [
        run_scenario("pilot_as_delivered", seed=seed, days=DELIVERED_TO_END_OF_JUNE_2026)
        for seed in (1, 2, 3)
    ]


def test_pilot_as_delivered_follows_the_record_within_10_percent(delivered_runs):
    """Mean over seeds 1-3 of cumulative returns and admissions at every reported date."""
    record = pilot_record()
    for column, reported in (("returns", record.returned), ("legal_admissions", record.admitted)):
        by_date = np.mean(
            [run.daily.set_index("date")[column].cumsum().values for run in delivered_runs], axis=0
        )
        dates = delivered_runs[0].daily["date"]
        for date, value in zip(record.dates, reported, strict=True):
            model = by_date[(dates == pd.Timestamp(date)).to_numpy()][0]
            assert abs(model / value - 1) <= 0.10, (column, date, model, value)


def test_the_pilot_ends_and_the_run_goes_on(tmp_path):
    """No detentions after the end date; those detained are returned; the rebound is measured."""
    result = run_scenario("pilot", seed=2, days=400, overrides={"pilot_end_date": "2025-11-30"})
    daily, summary = result.daily, result.summary
    after = daily["date"] > pd.Timestamp("2025-11-29")
    assert daily.loc[after, "detentions"].sum() == 0
    assert daily.loc[daily["date"] >= pd.Timestamp("2026-01-15"), "awaiting_return"].max() == 0
    assert (daily.loc[after, "return_cap_this_week"] == 0).all()
    assert np.isfinite(summary["rebound_after_pilot_end"])
    assert summary["rebound_after_pilot_end"] == (
        summary["arrivals_after_pilot_end"] - summary["counterfactual_arrivals_after_pilot_end"]
    )
    shorter = run_scenario("pilot", seed=2, days=300)  # stops before 11 June 2026
    assert np.isnan(shorter.summary["rebound_after_pilot_end"])


def test_registrations_only_in_windows_with_a_document(delivered_runs):
    run = delivered_runs[0]
    daily, p = run.daily, run.parameters
    days_in = (daily["date"] - pd.Timestamp(p["pilot_start_date"])).dt.days
    closed = (days_in < 0) | (
        days_in % p["legal_route_window_every_days"] >= p["legal_route_window_days"]
    )
    assert daily.loc[closed, "registrations"].sum() == 0
    assert daily.loc[~closed, "registrations"].sum() > 0
    opening = (days_in > 0) & (days_in % p["legal_route_window_every_days"] == 0)
    assert daily.loc[~opening, "registrations_lapsed"].sum() == 0
    assert daily.loc[opening, "registrations_lapsed"].sum() > 0


def test_nobody_registers_without_an_identity_document():
    result = run_scenario(
        "pilot",
        seed=3,
        days=300,
        overrides={"identity_document_share": 0.0},
        with_counterfactual=False,
    )
    assert result.daily["registrations"].sum() == 0
    assert result.daily["legal_admissions"].sum() == 0


def test_returned_people_who_cross_again_are_recognised_at_the_declared_rate():
    never = run_scenario(
        "pilot",
        seed=4,
        days=400,
        overrides={"returned_recrossing_detection_prob": 0.0, "own_return_risk_awareness": 0.0},
        with_counterfactual=False,
    )
    always = run_scenario(
        "pilot",
        seed=4,
        days=400,
        overrides={"returned_recrossing_detection_prob": 1.0, "own_return_risk_awareness": 0.0},
        with_counterfactual=False,
    )
    assert never.daily["recrossings"].sum() > 0
    assert never.daily["recrossers_detained"].sum() == 0
    assert always.daily["recrossers_detained"].sum() > 0
    assert (always.daily["recrossers_detained"] <= always.daily["recrossings"]).all()


def test_returned_people_weigh_their_own_risk_while_the_pilot_runs():
    def recrossings(awareness: float) -> tuple[int, int]:
        result = run_scenario(
            "pilot",
            seed=4,
            days=420,
            overrides={"own_return_risk_awareness": awareness, "pilot_end_date": "2025-12-15"},
            with_counterfactual=False,
        )
        daily = result.daily
        during = daily["date"] < pd.Timestamp("2025-12-15")
        return int(daily.loc[during, "recrossings"].sum()), int(
            daily.loc[~during, "recrossings"].sum()
        )

    unaware_during, _ = recrossings(0.0)
    aware_during, aware_after = recrossings(1.0)
    assert unaware_during > 0
    # knowing their biometrics are on file, the returned do not cross while returns go on...
    assert aware_during == 0
    # ...and do once the pilot has ended and no one is detained any more
    assert aware_after > 0


def test_without_the_pilot_there_is_no_scheme_to_register_with():
    result = run_scenario("pilot_as_delivered", seed=1, days=330)
    assert result.daily["registrations"].sum() > 0
    assert result.counterfactual_daily["registrations"].sum() == 0
    assert result.counterfactual_daily["legal_admissions"].sum() == 0
