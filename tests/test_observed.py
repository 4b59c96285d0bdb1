"""Observed counts by period: the shipped rows, and malformed files refused in one line."""

from __future__ import annotations

import datetime as dt

import pytest

from model.data_rows import RecordError
from model.observed import arrivals_in, observed_arrivals, read_period_counts, red_days

HEADER = "period_start,period_end,red_days,reliability,source\n"


def test_shipped_rows_hold_the_briefs_figures():
    first_half = arrivals_in(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert first_half is not None and first_half.count == 19_982
    assert arrivals_in(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).label == "2024"
    assert [period.count for period in red_days()] == [27, 23, 27, 60]
    assert all(period.source for period in observed_arrivals())


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2024-01-01,2024-04-30,200,official,x", "red_days=200 is more than the period's 121"),
        ("2024-05-01,2024-04-30,2,official,x", "period_end 2024-04-30 is before period_start"),
        ("2024-01-01,2024-04-30,-2,official,x", "red_days='-2' is not valid"),
        ("2024-01-01,2024-04-30,2,rumour,x", "reliability='rumour' is not valid"),
        ("2024-01-01,2024-04-30,2,official,", "no source"),
        ("2024-13-01,2024-04-30,2,official,x", "period_start='2024-13-01' is not valid"),
    ],
)
def test_a_malformed_row_is_refused_naming_its_line(tmp_path, row, message):
    path = tmp_path / "red_days.csv"
    path.write_text(HEADER + "2023-01-01,2023-04-30,23,official,x\n" + row + "\n")
    with pytest.raises(RecordError, match=message) as error:
        read_period_counts(path, "red_days", at_most_one_a_day=True)
    assert "line 3" in str(error.value) and "\n" not in str(error.value)


def test_repeated_and_unordered_periods_are_refused(tmp_path):
    path = tmp_path / "arrivals.csv"
    row = "2024-01-01,2024-04-30,2,official,x\n"
    path.write_text(HEADER + row + row)
    with pytest.raises(RecordError, match="is repeated"):
        read_period_counts(path, "red_days")
    path.write_text(HEADER + row + "2023-01-01,2023-04-30,2,official,x\n")
    with pytest.raises(RecordError, match="allowed are rows in order of their start"):
        read_period_counts(path, "red_days")
