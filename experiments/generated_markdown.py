"""Markdown for the report and the README: tables, and regions of a file that are generated.

A generated region sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``; the code
that makes its content replaces it whole, so that the prose around it stays hand-written.
"""

from __future__ import annotations

import pandas as pd


def markdown_table(table: pd.DataFrame) -> str:
    """A table as Markdown (cells with '|' escaped)."""

    def cell(value: object) -> str:
        return str(value).replace("|", r"\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(column) for column in table.columns) + " |",
        "| " + " | ".join("---" for _ in table.columns) + " |",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in table.to_numpy()]
    return "\n".join(lines)


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
