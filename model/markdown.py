"""Generated Markdown, in one place: tables, and the regions of a file that code writes.

A generated region sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``; the code
that makes its content replaces it whole, so that the prose around it stays hand-written. The
ODD's parameter table, the README's fit, pilot and calibration tables and the research report
are all written with these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd


def cell(value: Any) -> str:
    """One table cell: dates in ISO form, '|' escaped, line breaks as spaces."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return " ".join(text.split()).replace("|", r"\|")


def table_rows(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table of ``header`` and ``rows`` (any values; each made a cell)."""
    lines = [
        "| " + " | ".join(cell(column) for column in header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown_table(table: pd.DataFrame) -> str:
    """A data frame as a Markdown table."""
    return table_rows(list(table.columns), table.to_numpy().tolist())


def markers(name: str) -> tuple[str, str]:
    """The comments that open and close the generated region ``name``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def region(text: str, name: str) -> str:
    """The content of the generated region ``name`` (without its markers or outer blank lines).

    Raises:
        ValueError: if the markers are missing, repeated or out of order (one line).
    """
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise ValueError(f"expected one {start!r} followed by one {end!r}")
    return text.split(start)[1].split(end)[0].strip("\n")


def replace_region(text: str, name: str, content: str) -> str:
    """``text`` with the generated region ``name`` holding ``content``."""
    region(text, name)  # the markers are checked
    start, end = markers(name)
    head, rest = text.split(start)
    tail = rest.split(end)[1]
    return f"{head}{start}\n{content.strip(chr(10))}\n{end}{tail}"
