"""The generated parameter table in docs/ODD.md and its renderer."""

import subprocess
import sys
from pathlib import Path

import pytest

from model import parameter_table
from model.parameter_table import END, START, main, render_tables, replace_region
from model.parameters import PARAMETERS, Parameter

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"


def split_row(line: str) -> list[str]:
    """Cells of a Markdown table row, splitting only on unescaped '|'."""
    cells, current, escaped = [], "", False
    for char in line.strip()[1:-1]:
        if char == "|" and not escaped:
            cells.append(current.strip())
            current = ""
        else:
            current += char
        escaped = char == "\\" and not escaped
    cells.append(current.strip())
    return cells


def table_region(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0]


def test_odd_table_is_current(capsys):
    assert main(["--check", str(ODD)]) == 0, capsys.readouterr().err


def test_check_command_line_passes_on_odd():
    completed = subprocess.run(
        [sys.executable, "-m", "model.parameter_table", "--check", "docs/ODD.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_check_fails_with_one_line_on_a_stale_file_and_update_fixes_it(tmp_path, capsys):
    stale = tmp_path / "doc.md"
    stale.write_text(f"# Doc\n\n{START}\n| old | table |\n{END}\n\nAfter.\n")
    assert main(["--check", str(stale)]) == 1
    message = capsys.readouterr().err
    assert len(message.strip().splitlines()) == 1
    assert "out of date" in message
    assert "| old |" in stale.read_text()  # --check never writes

    assert main([str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0
    text = stale.read_text()
    assert text.startswith("# Doc\n\n") and text.endswith(f"{END}\n\nAfter.\n")
    assert "| old |" not in text


def test_missing_markers_are_an_error(tmp_path, capsys):
    document = tmp_path / "doc.md"
    document.write_text("# No markers here\n")
    assert main(["--check", str(document)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    with pytest.raises(ValueError):
        replace_region(f"{END}\n{START}\n", "table")


def test_every_parameter_appears_in_the_rendered_table():
    rendered = render_tables()
    rows = [line for line in rendered.splitlines() if line.startswith("| `")]
    assert len(rows) == len(PARAMETERS)
    names = [split_row(line)[0].strip("`") for line in rows]
    assert sorted(names) == sorted(PARAMETERS)
    for group in {p.group for p in PARAMETERS.values()}:
        assert f"#### Group `{group}`" in rendered


def test_every_parameter_appears_in_odd():
    region = table_region(ODD.read_text())
    for name, parameter in PARAMETERS.items():
        assert f"| `{name}` | {parameter_table.cell(parameter.default)} |" in region


def test_rows_have_one_cell_per_column():
    for line in render_tables().splitlines():
        if line.startswith("|"):
            assert len(split_row(line)) == len(parameter_table.HEADER)


def test_rendering_escapes_pipes():
    parameter = Parameter(
        name="odd|name",
        default=1.0,
        low=0.0,
        high=2.0,
        unit="a|b",
        group="g|h",
        description="either | or",
        source="line one\nline | two",
    )
    rendered = render_tables({"odd|name": parameter})
    row = next(line for line in rendered.splitlines() if line.startswith("| `"))
    cells = split_row(row)
    assert len(cells) == len(parameter_table.HEADER)
    assert cells[0] == r"`odd\|name`"
    assert cells[3] == r"a\|b"
    assert cells[4] == r"either \| or"
    assert cells[5] == r"line one line \| two"
    assert r"#### Group `g\|h`" in rendered
