"""Returns arrangements with home countries, as dated data rows (``returns_arrangements.csv``).

One row a nationality group with an arrangement under which its small-boat arrivals are
removed to their home country: the group (a name in ``nationalities.csv``), the date it came
into force, its source and how reliable that is. A malformed row is refused with a one-line
:class:`model.data_rows.RecordError` naming its line, before anything runs.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np

from model.data_rows import RELIABILITIES, RecordError, date_of, field, one_of, read_rows, sourced

DATA_DIR = Path(__file__).parent / "data"
ARRANGEMENTS_FILE = DATA_DIR / "returns_arrangements.csv"
COLUMNS = ("group", "in_force_date", "description", "reliability", "source", "url")

NEVER_IN_FORCE = np.iinfo(np.int32).max
"""The day of the run from which a group with no arrangement would be removed: never."""


def read_arrangements(path: Path, groups: tuple[str, ...]) -> dict[str, dt.date]:
    """Each group's date of coming into force (group -> date), checked against ``groups``."""
    in_force: dict[str, dt.date] = {}
    for line, row in read_rows(path, COLUMNS):
        group = one_of(path, line, row, "group", groups)
        if group in in_force:
            raise RecordError(
                f"{path.name} line {line}: group {group!r} is repeated: allowed is one row a group"
            )
        date = date_of(path, line, row, "in_force_date")
        one_of(path, line, row, "reliability", RELIABILITIES)
        sourced(path, line, row)
        if not field(row, "description"):
            raise RecordError(
                f"{path.name} line {line}: no description: every row says what was agreed"
            )
        in_force[group] = date
    return in_force


@cache
def shipped_arrangements(groups: tuple[str, ...]) -> dict[str, dt.date]:
    """The shipped arrangements (read once)."""
    return read_arrangements(ARRANGEMENTS_FILE, groups)


def in_force_days(
    in_force: dict[str, dt.date], groups: tuple[str, ...], start_date: dt.date
) -> np.ndarray:
    """The day of the run from which each group's arrangement is in force.

    One entry per group, in the order of ``groups``; :data:`NEVER_IN_FORCE` for a group with
    no arrangement. Negative when the arrangement came into force before the run's start.
    """
    days = np.full(len(groups), NEVER_IN_FORCE, dtype=np.int64)
    for index, group in enumerate(groups):
        if group in in_force:
            days[index] = (in_force[group] - start_date).days
    return days
