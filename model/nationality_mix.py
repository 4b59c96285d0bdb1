"""The nationality mix of the people reaching the coast in a given year, as dated data rows.

``nationalities.csv`` holds the shares the model uses by default (the 2024 mix).
``nationality_shares_by_year.csv`` holds documented shares of some groups in other years, one
row a group and year with its source. For a backcast of year Y (``nationality_mix_year = Y``)
the groups with a row for Y take their documented share, and the other groups share the rest
in their default proportions (pro rata: an assumption, since only some groups' shares are
documented). The mix holds for the whole run: the flow towards the coast is exogenous, so a
policy that deters a group does not change who sets out.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np

from model.data import Nationalities, load_nationalities
from model.data_rows import RELIABILITIES, RecordError, field, one_of, read_rows, sourced
from model.errors import ParameterError

DATA_DIR = Path(__file__).parent / "data"
SHARES_FILE = DATA_DIR / "nationality_shares_by_year.csv"
COLUMNS = ("year", "group", "share_of_arrivals", "reliability", "source")
DEFAULT_MIX = 0
"""``nationality_mix_year`` for the default shares of ``nationalities.csv``."""


def read_shares_by_year(path: Path, groups: tuple[str, ...]) -> dict[int, dict[str, float]]:
    """Documented shares by year (year -> group -> share), checked."""
    years: dict[int, dict[str, float]] = {}
    for line, row in read_rows(path, COLUMNS):
        text = field(row, "year")
        if not (text.isdigit() and 2018 <= int(text) <= 2030):
            raise RecordError(
                f"{path.name} line {line}: year={text!r} is not valid: allowed is 2018 to 2030"
            )
        group = one_of(path, line, row, "group", groups)
        share = _share(path, line, row)
        one_of(path, line, row, "reliability", RELIABILITIES)
        sourced(path, line, row)
        shares = years.setdefault(int(text), {})
        if group in shares:
            raise RecordError(
                f"{path.name} line {line}: {group} in {text} is repeated: allowed is one row "
                "a group and year"
            )
        shares[group] = share
        if sum(shares.values()) >= 1.0:
            raise RecordError(
                f"{path.name} line {line}: the shares of {text} add up to "
                f"{sum(shares.values()):g}: allowed is less than 1"
            )
    return years


def _share(path: Path, line: int, row: dict[str, str]) -> float:
    text = field(row, "share_of_arrivals")
    try:
        share = float(text)
    except ValueError:
        share = -1.0
    if not 0.0 <= share < 1.0:
        raise RecordError(
            f"{path.name} line {line}: share_of_arrivals={text!r} is not valid: allowed is a "
            "number from 0 to below 1"
        )
    return share


def with_shares(nationalities: Nationalities, documented: dict[str, float]) -> Nationalities:
    """``nationalities`` with the ``documented`` groups' shares; the others scaled pro rata."""
    named = np.array([name in documented for name in nationalities.names])
    shares = nationalities.shares.copy()
    rest = 1.0 - sum(documented.values())
    shares[~named] *= rest / shares[~named].sum()
    for index, name in enumerate(nationalities.names):
        if name in documented:
            shares[index] = documented[name]
    return replace(nationalities, shares=shares)


@cache
def _shipped(groups: tuple[str, ...]) -> dict[int, dict[str, float]]:
    return read_shares_by_year(SHARES_FILE, groups)


def documented_mix_years() -> tuple[int, ...]:
    """The years with documented shares (``nationality_mix_year`` may be one of them, or 0)."""
    return tuple(sorted(_shipped(load_nationalities().names)))


def check_mix_year(year: int) -> None:
    """Refuse a ``nationality_mix_year`` with no documented shares, in one line."""
    if year != DEFAULT_MIX and year not in documented_mix_years():
        allowed = ", ".join(str(known) for known in documented_mix_years())
        raise ParameterError(
            f"nationality_mix_year={year} is not valid: allowed are {DEFAULT_MIX} (the shares "
            f"of nationalities.csv) or a year of {SHARES_FILE.name} ({allowed})"
        )


def mix_of_year(nationalities: Nationalities, year: int) -> Nationalities:
    """The mix for ``nationality_mix_year = year`` (``DEFAULT_MIX``: the default shares).

    Raises:
        ParameterError: for a year with no documented shares (one line).
    """
    if year == DEFAULT_MIX:
        return nationalities
    check_mix_year(year)
    return with_shares(nationalities, _shipped(nationalities.names)[year])
