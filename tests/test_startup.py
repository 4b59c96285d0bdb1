"""The command line starts without the heavy libraries: its parser, help and listings.

Importing Mesa, pandas, SciPy, Matplotlib, SALib or Dask takes seconds; `deterrence --help`,
`params` and `scenarios` need none of them. Each check runs in a fresh Python process, since
this one has long imported them all. No timings here: `benchmarks/benchmark_startup.py`
measures them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

HEAVY = ("mesa", "scipy", "pandas", "numpy", "matplotlib", "SALib", "dask")

# Builds the parser, runs `main(argv)` with its output set aside, and prints which heavy
# libraries were imported, with the exit status.
CHILD = """
import contextlib, io, json, sys
from experiments.cli import build_parser, main

build_parser()
with contextlib.redirect_stdout(io.StringIO()):
    try:
        status = main(sys.argv[1:])
    except SystemExit as exit_:
        status = exit_.code
heavy = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps({{"status": status, "heavy": heavy}}))
"""


def heavy_imports(argv: list[str]) -> tuple[int, list[str]]:
    """The exit status of `deterrence argv` in a fresh process, and the heavy libraries loaded."""
    completed = subprocess.run(
        [sys.executable, "-c", CHILD.format(heavy=HEAVY), *argv],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=True,
    )
    found = json.loads(completed.stdout.splitlines()[-1])
    return found["status"], found["heavy"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["params"],
        ["params", "--group", "policy"],
        ["scenarios"],
        ["forecast", "--help"],
        ["forecast", "score", "--help"],
    ],
    ids=" ".join,
)
def test_light_commands_import_no_heavy_library(argv):
    assert heavy_imports(argv) == (0, [])


def test_a_bad_command_line_is_refused_without_them():
    assert heavy_imports(["params", "--group", "no_such_group"]) == (2, [])


def test_the_check_sees_a_command_that_needs_the_model():
    status, heavy = heavy_imports(["run", "--help"])
    assert status == 0
    assert {"mesa", "pandas"} <= set(heavy)
