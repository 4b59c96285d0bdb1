"""A refactor changes no output: every shipped scenario's daily series, policy run and
counterfactual, are bit-identical to the reference stored before it (tests/reference_series)."""

import pandas as pd
import pytest

from model.scenarios import scenario_names
from tests.reference_series import paired_series, path_of


@pytest.mark.parametrize("scenario", scenario_names())
def test_daily_series_are_bit_identical_to_the_reference(scenario):
    assert path_of(scenario).is_file(), (
        f"no reference series for {scenario!r}: write them with `python -m tests.reference_series`"
    )
    reference = pd.read_parquet(path_of(scenario))
    today = paired_series(scenario)
    assert list(today.columns) == list(reference.columns)
    for column in reference.columns:
        differs = today[column].ne(reference[column]) & ~(
            today[column].isna() & reference[column].isna()
        )
        first = differs.idxmax() if differs.any() else None
        assert not differs.any(), (
            f"{scenario}: {column} first differs at row {first} "
            f"({today.loc[first, 'run']}, day {today.loc[first, 'day']}): "
            f"{today.loc[first, column]!r} against {reference.loc[first, column]!r}"
        )
