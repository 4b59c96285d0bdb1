"""The way to the coast: calm weather brings people sooner, and with diversion, more of them.

Also the issue's check that runs starting in different years differ for reasons that are
data rows: the documented red days of each year's January-April.
"""

from __future__ import annotations

import datetime as dt

import pytest

from model.model import ChannelModel
from model.run import simulate
from model.scenarios import scenario_parameters


def _days_to_may(year: int) -> int:
    return (dt.date(year, 5, 1) - dt.date(year, 1, 1)).days


def _baseline(year: int, **changes) -> dict:
    values = dict(scenario_parameters("baseline"))
    values.update(start_date=dt.date(year, 1, 1), **changes)
    return values


def _jan_apr(values: dict, seed: int) -> tuple[int, int]:
    """Red days and arrivals in the UK over January-April."""
    _, daily = simulate(values, seed=seed, days=_days_to_may(values["start_date"].year))
    return int(daily["calm_day"].sum()), int(daily["arrivals"].sum())


def _books_of_the_way(diversion: float, seed: int, days: int = 60) -> dict[str, int]:
    """Over ``days``: people on the way at the start, set out, reached, stayed away, left on it."""
    model = ChannelModel(seed=seed, **_baseline(2024, transit_diversion_per_week=diversion))
    books = {"at_start": model.coast.in_transit, "set_out": 0, "reached": 0, "stayed": 0}
    for _ in range(days):
        model.step()
        books["set_out"] += model.coast.set_out
        books["stayed"] += model.coast.stayed_elsewhere
        books["reached"] += model.coast.new_on_coast
    return books | {"still_on_the_way": model.coast.in_transit}


def _balance(books: dict[str, int]) -> bool:
    arrived_or_gone = books["reached"] + books["stayed"] + books["still_on_the_way"]
    return books["at_start"] + books["set_out"] == arrived_or_gone


def test_no_one_is_lost_on_the_way_without_diversion():
    books = _books_of_the_way(diversion=0.0, seed=3)
    assert books["stayed"] == 0 and books["set_out"] > 0
    assert _balance(books)


def test_with_diversion_the_books_of_the_way_balance():
    books = _books_of_the_way(diversion=0.5, seed=4)
    assert books["stayed"] > 0
    assert _balance(books)


@pytest.mark.parametrize("seed", [1, 2])
def test_calm_weather_brings_more_people_only_with_diversion(seed):
    """2025's 60 red days against 2024's 27: more arrivals, by far more with diversion."""
    gain = {}
    for diversion in (0.0, 0.5):
        red_2024, arrivals_2024 = _jan_apr(
            _baseline(2024, transit_diversion_per_week=diversion), seed
        )
        red_2025, arrivals_2025 = _jan_apr(
            _baseline(2025, transit_diversion_per_week=diversion), seed
        )
        assert (red_2024, red_2025) == (27, 60)
        gain[diversion] = arrivals_2025 / arrivals_2024 - 1.0
    assert gain[0.5] > gain[0.0] + 0.08


def test_start_years_differ_by_their_documented_weather_alone():
    """Two start years: different red-day rows, different arrivals; without the rows, equal."""
    with_record = [_jan_apr(_baseline(year), seed=1) for year in (2024, 2025)]
    assert with_record[0][0] != with_record[1][0]
    assert with_record[0][1] != with_record[1][1]
    without = [
        _jan_apr(_baseline(year, weather_follows_record=False), seed=1) for year in (2024, 2025)
    ]
    assert without[0] == without[1]
