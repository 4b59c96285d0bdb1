"""The parameter declaration as Markdown tables, kept current in ``docs/ODD.md``.

The tables are generated from :data:`model.parameters.PARAMETERS` (one table per group, in
the order of ``parameters.toml``) and written between two markers in a Markdown file::

    python -m model.parameter_table docs/ODD.md          # rewrite the table in place
    python -m model.parameter_table --check docs/ODD.md  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from model import markdown
from model.parameters import PARAMETERS, Parameter

REGION = "parameter-table"
START, END = markdown.markers(REGION)
HEADER = ("Parameter", "Default", "Allowed", "Unit", "Description", "Source")
cell = markdown.cell


def render_tables(parameters: Mapping[str, Parameter] = PARAMETERS) -> str:
    """Markdown tables of ``parameters``, one per group, groups in order of first appearance."""
    groups: dict[str, list[Parameter]] = {}
    for parameter in parameters.values():
        groups.setdefault(parameter.group, []).append(parameter)
    blocks = []
    for group, members in groups.items():
        rows = [
            [f"`{p.name}`", p.default, p.allowed(), p.unit, p.description, p.source]
            for p in members
        ]
        blocks.append(f"#### Group `{cell(group)}`\n\n" + markdown.table_rows(HEADER, rows))
    return "\n\n".join(blocks) + "\n"


def replace_region(text: str, tables: str) -> str:
    """``text`` with the parameter-table region holding ``tables`` (see :mod:`model.markdown`).

    Raises:
        ValueError: if the markers are missing, repeated or out of order (one line).
    """
    return markdown.replace_region(text, REGION, tables)


def update_file(path: Path, check: bool = False) -> bool:
    """Bring the table in ``path`` up to date (or only compare, if ``check``).

    Returns whether the file's table was already current.
    """
    text = path.read_text(encoding="utf-8")
    updated = replace_region(text, render_tables())
    if updated == text:
        return True
    if not check:
        path.write_text(updated, encoding="utf-8")
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: update the file's table, or with ``--check`` report if it is stale."""
    parser = argparse.ArgumentParser(
        prog="python -m model.parameter_table", description=__doc__.splitlines()[0]
    )
    parser.add_argument("file", type=Path, help="Markdown file with the table markers")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    try:
        current = update_file(args.file, check=args.check)
    except (OSError, ValueError) as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    if args.check and not current:
        print(
            f"{args.file}: the parameter table is out of date; "
            f"run `python -m model.parameter_table {args.file}`",
            file=sys.stderr,
        )
        return 1
    if not args.check:
        print(f"{args.file}: parameter table {'unchanged' if current else 'updated'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
