"""Dated data rows in ``model/data/``, read and checked one row at a time.

Each file has one row a dated fact with its source and how reliable it is (``official``,
``secondary`` for press reports of official figures, ``secondary-weak``). A malformed file is
refused with a one-line :class:`RecordError` naming its line, before anything runs.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from model.errors import ParameterError

RELIABILITIES = ("official", "secondary", "secondary-weak")


class RecordError(ParameterError):
    """A data file that the model refuses; the message is one line and names the line."""


def read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
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


def field(row: dict[str, str], name: str) -> str:
    """The stripped text of column ``name`` (empty when absent)."""
    value = row.get(name)
    return "" if value is None else value.strip()


def date_of(path: Path, line: int, row: dict[str, str], name: str = "date") -> dt.date:
    """The ISO date in column ``name``."""
    text = field(row, name)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RecordError(
            f"{path.name} line {line}: {name}={text!r} is not valid: allowed is YYYY-MM-DD"
        ) from None


def count_of(path: Path, line: int, row: dict[str, str], name: str) -> int:
    """The whole number >= 0 in column ``name``."""
    text = field(row, name)
    if not text.isdigit():
        raise RecordError(
            f"{path.name} line {line}: {name}={text!r} is not valid: allowed is a whole number >= 0"
        )
    return int(text)


def one_of(path: Path, line: int, row: dict[str, str], name: str, allowed: tuple) -> str:
    """The text of column ``name``, one of ``allowed``."""
    text = field(row, name)
    if text not in allowed:
        raise RecordError(
            f"{path.name} line {line}: {name}={text!r} is not valid: allowed are "
            + ", ".join(allowed)
        )
    return text


def sourced(path: Path, line: int, row: dict[str, str]) -> None:
    """Refuse a row with no source."""
    if not field(row, "source"):
        raise RecordError(f"{path.name} line {line}: no source: every row names its source")


def in_order(path: Path, line: int, date: dt.date, previous: dt.date | None) -> None:
    """Refuse a row not dated after the previous one."""
    if previous is not None and date <= previous:
        raise RecordError(
            f"{path.name} line {line}: date {date} is not after the previous row's {previous}: "
            "allowed are rows in increasing date order"
        )
