"""The pilot as it ran, as data: its timeline, returns and admissions, and the coast's camps.

The dated timeline, the returns and admissions reported, and documented counts of the people
waiting on the northern French coast.

Each file in ``model/data/`` has one row a dated fact with its source and how reliable it is
(``official``, ``secondary`` for press reports of official figures, ``secondary-weak``). A file
that is malformed or out of date order is refused with a one-line :class:`RecordError` naming
its line, before anything runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from model.data_rows import (
    RELIABILITIES,
    RecordError,
    count_of,
    date_of,
    field,
    in_order,
    one_of,
    read_rows,
    sourced,
)

DATA_DIR = Path(__file__).parent / "data"
TIMELINE_FILE = DATA_DIR / "pilot_timeline.csv"
RECORD_FILE = DATA_DIR / "pilot_record.csv"
COAST_FILE = DATA_DIR / "coast_population.csv"

QUALIFIERS = ("reported", "about", "at_least")
"""How a reported figure reads: as given, 'about', or 'more than'."""

TIMELINE_COLUMNS = ("date", "event", "description", "reliability", "source", "url")
RECORD_COLUMNS = (
    "date",
    "date_note",
    "returned_to_france",
    "returned_qualifier",
    "admitted_to_uk",
    "admitted_qualifier",
    "reliability",
    "source",
    "url",
)
COAST_COLUMNS = ("date", "place", "low", "high", "kind", "reliability", "source", "url")
WHOLE_COAST_PLACES = ("Calais and Dunkirk", "whole northern coast")
"""Counts that cover the coast the model's camp stands for (not one site alone)."""


@dataclass(frozen=True)
class PilotRecord:
    """Cumulative returns to France and legal admissions to the UK as reported, by date."""

    dates: tuple[dt.date, ...]
    returned: np.ndarray
    admitted: np.ndarray
    returned_qualifier: tuple[str, ...]
    admitted_qualifier: tuple[str, ...]

    def cumulative(self, column: str, origin: dt.date, pace_after_per_day: float) -> Callable:
        """A function of a date: the cumulative count of ``column`` the record implies by then.

        Zero up to ``origin`` (the day before the first return), linear between reported
        points, and after the last point growing at ``pace_after_per_day`` (an assumption the
        caller states).
        """
        values = getattr(self, column).astype(float)
        days = np.array([(date - origin).days for date in self.dates], dtype=float)
        if days[0] <= 0:
            raise RecordError(
                f"{RECORD_FILE.name}: first reported date {self.dates[0]} is not after "
                f"{origin}: allowed are dates after the pilot's first return"
            )
        knots = np.concatenate([[0.0], days])
        counts = np.concatenate([[0.0], values])

        def by(date: dt.date) -> float:
            day = float((date - origin).days)
            if day <= 0.0:
                return 0.0
            if day >= knots[-1]:
                return float(counts[-1] + pace_after_per_day * (day - knots[-1]))
            return float(np.interp(day, knots, counts))

        return by


def read_timeline(path: Path = TIMELINE_FILE) -> dict[str, dt.date]:
    """The pilot's dated events (``event`` -> date), checked."""
    events: dict[str, dt.date] = {}
    previous = None
    for line, row in read_rows(path, TIMELINE_COLUMNS):
        date = date_of(path, line, row)
        in_order(path, line, date, previous)
        one_of(path, line, row, "reliability", RELIABILITIES)
        sourced(path, line, row)
        event = field(row, "event")
        if not event or event in events:
            raise RecordError(
                f"{path.name} line {line}: event {event!r} is empty or repeated: allowed is "
                "one row an event"
            )
        events[event] = previous = date
    return events


def read_pilot_record(path: Path = RECORD_FILE) -> PilotRecord:
    """Cumulative returns and admissions as reported, checked.

    Dates in order, counts that never fall, a known qualifier and reliability, and a source
    on every row.
    """
    dates, returned, admitted, returned_q, admitted_q = [], [], [], [], []
    for line, row in read_rows(path, RECORD_COLUMNS):
        date = date_of(path, line, row)
        in_order(path, line, date, dates[-1] if dates else None)
        counts = {}
        for name in ("returned_to_france", "admitted_to_uk"):
            counts[name] = count_of(path, line, row, name)
            before = (returned if name == "returned_to_france" else admitted)[-1:] or [0]
            if counts[name] < before[0]:
                raise RecordError(
                    f"{path.name} line {line}: {name}={counts[name]} is below the previous "
                    f"row's {before[0]}: allowed are cumulative counts that never fall"
                )
        returned_q.append(one_of(path, line, row, "returned_qualifier", QUALIFIERS))
        admitted_q.append(one_of(path, line, row, "admitted_qualifier", QUALIFIERS))
        one_of(path, line, row, "reliability", RELIABILITIES)
        sourced(path, line, row)
        dates.append(date)
        returned.append(counts["returned_to_france"])
        admitted.append(counts["admitted_to_uk"])
    return PilotRecord(
        dates=tuple(dates),
        returned=np.array(returned),
        admitted=np.array(admitted),
        returned_qualifier=tuple(returned_q),
        admitted_qualifier=tuple(admitted_q),
    )


def read_coast_counts(path: Path = COAST_FILE) -> list[dict]:
    """Documented counts of people in the camps around Calais and Dunkirk, checked."""
    counts = []
    previous = None
    for line, row in read_rows(path, COAST_COLUMNS):
        date = date_of(path, line, row)
        if previous is not None and date < previous:
            raise RecordError(
                f"{path.name} line {line}: date {date} is before the previous row's "
                f"{previous}: allowed are rows in date order"
            )
        low, high = count_of(path, line, row, "low"), count_of(path, line, row, "high")
        if high < low:
            raise RecordError(
                f"{path.name} line {line}: high={high} is below low={low}: allowed is low <= high"
            )
        one_of(path, line, row, "reliability", RELIABILITIES)
        sourced(path, line, row)
        counts.append({"date": date, "place": field(row, "place"), "low": low, "high": high})
        previous = date
    return counts


@cache
def pilot_timeline() -> dict[str, dt.date]:
    """The shipped timeline (read once)."""
    return read_timeline(TIMELINE_FILE)


@cache
def pilot_record() -> PilotRecord:
    """The shipped record of returns and admissions (read once)."""
    return read_pilot_record(RECORD_FILE)


@cache
def documented_coast_range() -> tuple[int, int]:
    """The range of documented counts that cover the whole coast (people).

    Counts of one site alone (Calais, or Loon-Plage) are kept in the file for reference but do
    not bound the whole coast, which the model's camp stands for.
    """
    whole = [row for row in read_coast_counts(COAST_FILE) if row["place"] in WHOLE_COAST_PLACES]
    return min(row["low"] for row in whole), max(row["high"] for row in whole)
