"""The pilot as it ran, as data: its timeline, returns and admissions, and the coast's camps.

The dated timeline, the returns and admissions reported, and documented counts of the people
waiting on the northern French coast.

Each file in ``model/data/`` has one row a dated fact with its source and how reliable it is
(``official``, ``secondary`` for press reports of official figures, ``secondary-weak``). A file
that is malformed or out of date order is refused with a one-line :class:`RecordError` naming
its line, before anything runs.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from model.parameters import ParameterError

DATA_DIR = Path(__file__).parent / "data"
TIMELINE_FILE = DATA_DIR / "pilot_timeline.csv"
RECORD_FILE = DATA_DIR / "pilot_record.csv"
COAST_FILE = DATA_DIR / "coast_population.csv"

RELIABILITIES = ("official", "secondary", "secondary-weak")
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


class RecordError(ParameterError):
    """A data file that the model refuses; the message is one line and names the line."""


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


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line numbers, or a one-line error."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in columns if name not in (reader.fieldnames or [])]
            if missing:
                raise RecordError(
                    f"{path.name}: missing column(s) {missing}: allowed header is "
                    + ",".join(columns)
                )
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RecordError(f"{path.name} cannot be read: {error}") from None
    if not rows:
        raise RecordError(f"{path.name} has no rows: allowed is at least one dated row")
    return rows


def _field(row: dict[str, str], name: str) -> str:
    value = row.get(name)
    return "" if value is None else value.strip()


def _date(path: Path, line: int, row: dict[str, str]) -> dt.date:
    text = _field(row, "date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RecordError(
            f"{path.name} line {line}: date {text!r} is not valid: allowed is YYYY-MM-DD"
        ) from None


def _count(path: Path, line: int, row: dict[str, str], name: str) -> int:
    text = _field(row, name)
    if not text.isdigit():
        raise RecordError(
            f"{path.name} line {line}: {name}={text!r} is not valid: allowed is a whole number >= 0"
        )
    return int(text)


def _one_of(path: Path, line: int, row: dict[str, str], name: str, allowed: tuple) -> str:
    text = _field(row, name)
    if text not in allowed:
        raise RecordError(
            f"{path.name} line {line}: {name}={text!r} is not valid: allowed are "
            + ", ".join(allowed)
        )
    return text


def _sourced(path: Path, line: int, row: dict[str, str]) -> None:
    if not _field(row, "source"):
        raise RecordError(f"{path.name} line {line}: no source: every row names its source")


def _in_order(path: Path, line: int, date: dt.date, previous: dt.date | None) -> None:
    if previous is not None and date <= previous:
        raise RecordError(
            f"{path.name} line {line}: date {date} is not after the previous row's {previous}: "
            "allowed are rows in increasing date order"
        )


def read_timeline(path: Path = TIMELINE_FILE) -> dict[str, dt.date]:
    """The pilot's dated events (``event`` -> date), checked."""
    events: dict[str, dt.date] = {}
    previous = None
    for line, row in _read_rows(path, TIMELINE_COLUMNS):
        date = _date(path, line, row)
        _in_order(path, line, date, previous)
        _one_of(path, line, row, "reliability", RELIABILITIES)
        _sourced(path, line, row)
        event = _field(row, "event")
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
    for line, row in _read_rows(path, RECORD_COLUMNS):
        date = _date(path, line, row)
        _in_order(path, line, date, dates[-1] if dates else None)
        counts = {}
        for name in ("returned_to_france", "admitted_to_uk"):
            counts[name] = _count(path, line, row, name)
            before = (returned if name == "returned_to_france" else admitted)[-1:] or [0]
            if counts[name] < before[0]:
                raise RecordError(
                    f"{path.name} line {line}: {name}={counts[name]} is below the previous "
                    f"row's {before[0]}: allowed are cumulative counts that never fall"
                )
        returned_q.append(_one_of(path, line, row, "returned_qualifier", QUALIFIERS))
        admitted_q.append(_one_of(path, line, row, "admitted_qualifier", QUALIFIERS))
        _one_of(path, line, row, "reliability", RELIABILITIES)
        _sourced(path, line, row)
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
    for line, row in _read_rows(path, COAST_COLUMNS):
        date = _date(path, line, row)
        if previous is not None and date < previous:
            raise RecordError(
                f"{path.name} line {line}: date {date} is before the previous row's "
                f"{previous}: allowed are rows in date order"
            )
        low, high = _count(path, line, row, "low"), _count(path, line, row, "high")
        if high < low:
            raise RecordError(
                f"{path.name} line {line}: high={high} is below low={low}: allowed is low <= high"
            )
        _one_of(path, line, row, "reliability", RELIABILITIES)
        _sourced(path, line, row)
        counts.append({"date": date, "place": _field(row, "place"), "low": low, "high": high})
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
