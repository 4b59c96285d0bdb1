"""The catalogue of bad input: each row refused in one line, exit status 2, nothing written.

One row a distinct bad input to ``deterrence run``, ``sweep``, ``experiment`` and ``report``:
the command line, the file it reads (if any), and the text its one error line must show (the
bad value, and where it helps what is allowed). Every row runs the real entry point,
``experiments.cli.main``, in this process; a few rows also run as a real process, to show that
the two agree. A model that starts to simulate fails the row, so no row hides a long run, and
the row's folder (and, for experiments and the report, the experiments' results) must hold
exactly what it held before: a refusal writes nothing, half or whole.

The README's reliability section counts these rows by family, in a table that
``python -m tests.test_bad_input_catalogue`` writes (and a test checks).
"""

from __future__ import annotations

import os
import shlex
import socket
import socketserver
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.engine import runner
from experiments.research import EXPERIMENTS_DIR
from model.markdown import region, replace_region, table_rows
from model.model import ChannelModel
from tests.conftest import PROJECT_ROOT

GOOD_SWEEP = "[sweep]\ndays = 5\n[vary.return_cap_per_week]\nvalues = [1, 2]\n"
"""A sweep that is fine, for the rows whose bad input is an option of ``sweep``."""
VARY = "[vary.return_cap_per_week]\nvalues = [1, 2]\n"
NOT_ROOT = os.geteuid() != 0


@dataclass(frozen=True)
class Bad:
    """One bad input: the command line after ``deterrence`` and what its error must show.

    ``command`` may name ``{file}`` (written with ``file``), ``{sweep}`` (a good sweep file),
    ``{out}`` (an output folder that does not exist yet), ``{tmp}`` (the row's folder) and the
    places that ``SETUPS`` make (a folder, a pipe, a server...) when the command names them.
    """

    family: str
    command: str
    shows: tuple[str, ...]
    file: str | bytes | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """A readable test id: the command line with its files' places."""
        return " ".join(self.command.replace("--out {out}", "").replace("--quiet", "").split())


# ---- what some rows need made first ------------------------------------------------------


def a_file(tmp: Path, _cleanup: ExitStack) -> dict[str, str]:
    """A plain file, where a folder is expected."""
    path = tmp / "a-file"
    path.write_text("not a folder\n")
    return {"a_file": str(path)}


def a_folder_named_toml(tmp: Path, _cleanup: ExitStack) -> dict[str, str]:
    """A folder whose name ends in .toml, where a file is expected."""
    path = tmp / "folder.toml"
    path.mkdir()
    return {"folder": str(path)}


def a_fifo(tmp: Path, _cleanup: ExitStack) -> dict[str, str]:
    """A named pipe: opening it to read would wait for a writer for ever."""
    path = tmp / "pipe.toml"
    os.mkfifo(path)
    return {"fifo": str(path)}


def an_unreadable_file(tmp: Path, _cleanup: ExitStack) -> dict[str, str]:
    """A file that cannot be read: chmod 000, or for root (whom chmod does not stop) a link
    to ``/proc/self/mem``, which no one can read from its start (an I/O error)."""
    path = tmp / "unreadable.toml"
    if NOT_ROOT:
        path.write_text(GOOD_SWEEP)
        path.chmod(0)
    else:
        path.symlink_to("/proc/self/mem")
    return {"unreadable": str(path)}


def a_read_only_folder(tmp: Path, _cleanup: ExitStack) -> dict[str, str]:
    """A folder no one may write into: chmod 555, or for root ``/sys`` (a read-only tree)."""
    if not NOT_ROOT:
        return {"read_only": "/sys"}
    path = tmp / "read-only"
    path.mkdir()
    path.chmod(0o555)
    return {"read_only": str(path)}


def a_closed_port(_tmp: Path, _cleanup: ExitStack) -> dict[str, str]:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {"closed_port": str(port)}


def a_server_that_says(place: str, reply: bytes) -> Callable[[Path, ExitStack], dict[str, str]]:
    """A setup: a local server that answers every connection with ``reply`` at once; its port
    is the place ``place``."""

    class Answer(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.sendall(reply)

    def setup(_tmp: Path, cleanup: ExitStack) -> dict[str, str]:
        server = cleanup.enter_context(socketserver.ThreadingTCPServer(("127.0.0.1", 0), Answer))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cleanup.callback(server.shutdown)
        return {place: str(server.server_address[1])}

    return setup


def a_silent_listener(_tmp: Path, cleanup: ExitStack) -> dict[str, str]:
    """A port that takes connections (the system's backlog does) and never says anything."""
    listener = cleanup.enter_context(socket.socket())
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    return {"silent_port": str(listener.getsockname()[1])}


# ---- the rows, family by family -----------------------------------------------------------


def run(command: str, *shows: str, family: str = "run: parameters (--set)", **kw) -> Bad:
    return Bad(family, f"run {command} --out {{out}} --quiet", shows, **kw)


def scenario_file(content: str | bytes, *shows: str, **kw) -> Bad:
    return Bad(
        "scenario files",
        "run --scenario {file} --days 5 --out {out} --quiet",
        ("input.toml", *shows),
        file=content,
        **kw,
    )


def sweep_file(content: str | bytes, *shows: str, family: str = "sweep files", **kw) -> Bad:
    return Bad(
        family,
        "sweep {file} --out {out} --workers 1 --quiet",
        ("input.toml", *shows),
        file=content,
        **kw,
    )


def sweep(options: str, *shows: str, family: str, **kw) -> Bad:
    return Bad(family, f"sweep {{sweep}} --out {{out}} --workers 1 --quiet {options}", shows, **kw)


def vary(table: str, *shows: str, design: str = "", **kw) -> Bad:
    """A sweep file varying ``return_cap_per_week`` as ``table`` says."""
    head = f"[sweep]\n{design}\n" if design else ""
    text = f"{head}[vary.return_cap_per_week]\n{table}\n"
    return sweep_file(text, *shows, family="sweep ranges and designs", **kw)


DEEP_ARRAYS = "a = " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_TABLES = "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n"
LATIN_1 = "[parameters]\nreturn_cap_per_week = 50 # caf\u00e9\n".encode("latin-1")
BINARY = b"\x00\x01\x02binary\xff\xfe\x00"
UTF_16 = "[parameters]\nreturn_cap_per_week = 50\n".encode("utf-16")
OVERSIZE = "# padding\n" * 150_000 + "[parameters]\n"
LONG_NAME = "x" * 300
PARAMETERS = [
    run("--set colour=blue", "'colour'"),
    run("--set return_cap_per_wek=10", "'return_cap_per_wek'", "'return_cap_per_week'"),
    run("--set zzz=1", "'zzz'", "deterrence params"),
    run("--set 'return cap=5'", "'return cap'"),
    run("--set return_cap_per_week", "'return_cap_per_week'", "NAME=VALUE"),
    run("--set =5", "'=5'", "NAME=VALUE"),
    run("--set ''", "''", "NAME=VALUE"),
    run("--set return_cap_per_week=-5", "-5", "from 0 to 5000"),
    run("--set return_cap_per_week=99999", "99999", "from 0 to 5000"),
    run("--set return_cap_per_week=50.5", "50.5", "whole"),
    run("--set return_cap_per_week=abc", "'abc'", "whole"),
    run("--set return_cap_per_week=", "return_cap_per_week", "whole"),
    run("--set return_cap_per_week=1e5", "return_cap_per_week", "from 0 to 5000"),
    run("--set patrol_intensity=1.5", "1.5", "from 0.0 to 1.0"),
    run("--set patrol_intensity=-0.1", "-0.1", "from 0.0 to 1.0"),
    run("--set patrol_intensity=nan", "nan", "from 0.0 to 1.0"),
    run("--set patrol_intensity=inf", "inf", "from 0.0 to 1.0"),
    run("--set patrol_intensity=high", "'high'", "from 0.0 to 1.0"),
    run("--set patrol_intensity=0,5", "0,5", "from 0.0 to 1.0"),
    run("--set death_risk_per_crossing=0.5", "0.5", "from 0.0 to 0.05"),
    run("--set migrant_flow_scale=0", "migrant_flow_scale", "from 0.01 to 50.0"),
    run("--set arrivals_per_week=1e9", "1e9", "from 0.0 to 20000.0"),
    run("--set initial_gangs=0", "initial_gangs", "from 1 to 100"),
    run("--set initial_gangs=true", "'true'", "from 1 to 100"),
    run("--set start_date=2025-02-30", "2025-02-30", "a date from 2018-01-01"),
    run("--set start_date=yesterday", "'yesterday'", "a date from"),
    run("--set start_date=2010-01-01", "2010-01-01", "a date from 2018-01-01 to 2030-12-31"),
    run("--set pilot_end_date=2031-01-01", "2031-01-01", "to 2030-12-31"),
    run("--set start_date=2025/01/01", "2025/01/01", "a date from"),
    run("--set weather_follows_record=maybe", "'maybe'", "true or false"),
    run("--set returns_follow_record=2", "'2'", "true or false"),
    run(
        "--set max_people_per_boat=20 --set initial_people_per_boat=45",
        "max_people_per_boat",
        "initial_people_per_boat",
    ),
    run("--set max_worker_detection_per_week=0.001", "max_worker_detection_per_week", "0.001"),
    run("--set first_return_date=2025-08-01", "first return on or after the pilot's start"),
    run(
        "--set returns_follow_record=true --set first_return_date=2026-01-01",
        "not before the record's first reported returns",
    ),
    run("--set nationality_mix_year=2019", "nationality_mix_year", "2019"),
]
DAYS_AND_SEEDS = [
    run(options, *shows, family="run: --days and --seed")
    for options, *shows in [
        ("--days 0", "days=0", "from 1 to"),
        ("--days -5", "days=-5", "from 1 to"),
        ("--days ten", "'ten'", "--days"),
        ("--days 1.5", "'1.5'", "--days"),
        ("--days ''", "''", "--days"),
        ("--days 100000000", "days=100000000", "from 1 to"),
        ("--seed -1", "seed=-1", ">= 0"),
        ("--seed abc", "'abc'", "--seed"),
        ("--seed 1.5", "'1.5'", "--seed"),
        ("--seed 0x10", "'0x10'", "--seed"),
    ]
]
SCENARIO_NAMES = [
    run(options, *shows, family="run: scenario names")
    for options, *shows in [
        ("--scenario no_such_scenario", "'no_such_scenario'", "baseline", "pilot"),
        ("--scenario PILOT", "'PILOT'", "pilot"),
        ("--scenario ''", "''", "allowed are"),
        ("--scenario missing.toml", "'missing.toml'", "does not exist"),
        (f"--scenario {LONG_NAME}", LONG_NAME[:50], "allowed are"),
        (f"--scenario {LONG_NAME}.toml", LONG_NAME[:50]),
        ("--scenario {folder}", "folder.toml", "not a file"),
        ("--scenario {fifo}", "pipe.toml", "not a file"),
        ("--scenario {unreadable}", "unreadable.toml", "cannot be read"),
    ]
]
# the rows whose place a setup makes
SETUPS = {
    "{folder}": a_folder_named_toml,
    "{fifo}": a_fifo,
    "{unreadable}": an_unreadable_file,
    "{a_file}": a_file,
    "{read_only}": a_read_only_folder,
    "{closed_port}": a_closed_port,
    "{web_port}": a_server_that_says(
        "web_port", b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
    ),
    "{binary_port}": a_server_that_says("binary_port", b"\x01" + bytes(15) + b"hello"),
    "{silent_port}": a_silent_listener,
}
SCENARIO_FILES = [
    scenario_file(BINARY, "not UTF-8"),
    scenario_file(LATIN_1, "not UTF-8", "0xe9"),
    scenario_file(UTF_16, "not UTF-8"),
    scenario_file(b"\xef\xbb\xbf[parameters]\nreturn_cap_per_week = 50\n", "not valid TOML"),
    scenario_file("[parameters]\nreturn_cap_per_week = ", "not valid TOML"),
    scenario_file("[parameters\nreturn_cap_per_week = 50\n", "not valid TOML"),
    scenario_file("[parameters]\nreturn_cap_per_week = = 5\n", "not valid TOML"),
    scenario_file("[parameters]\na = 1\na = 2\n", "not valid TOML"),
    scenario_file('description = "unterminated\n', "not valid TOML"),
    scenario_file(DEEP_ARRAYS, "nested too deeply"),
    scenario_file(DEEP_TABLES, "nested too deeply"),
    scenario_file(OVERSIZE, "1,000,000 bytes"),
    scenario_file('description = "x"\nflavour = 1\n', "'flavour'", "[parameters]"),
    scenario_file("parameters = 5\n", "'parameters'", "table"),
    scenario_file('[parameters]\ncolour = "blue"\n', "'colour'"),
    scenario_file("[parameters]\nreturn_cap_per_week = 99999\n", "99999", "from 0 to 5000"),
    scenario_file('[parameters]\nreturn_cap_per_week = "many"\n', "'many'"),
    scenario_file("[parameters]\nstart_date = 2010-01-01\n", "2010-01-01", "2018-01-01"),
    scenario_file("[parameters.patrol_intensity]\nlow = 0\n", "patrol_intensity"),
    scenario_file("[parameters]\npatrol_intensity = nan\n", "nan", "from 0.0 to 1.0"),
    scenario_file("[parameters]\nstart_date = 10:00:00\n", "start_date", "time(10, 0)"),
]
SWEEP_FILES = [
    sweep_file("", "[vary] is empty"),
    sweep_file("\n   \n\t\n", "[vary] is empty"),
    sweep_file("[sweep]\nreplicates = 2\n", "[vary] is empty"),
    sweep_file(BINARY, "not UTF-8"),
    sweep_file(VARY.encode() + b"# caf\xe9\n", "not UTF-8", "0xe9"),
    sweep_file(VARY.encode("utf-16"), "not UTF-8"),
    sweep_file(VARY[:30], "not valid TOML"),
    sweep_file("[vary.return_cap_per_week\nvalues = [1]\n", "not valid TOML"),
    sweep_file(VARY + "values = [3]\n", "not valid TOML"),
    sweep_file("[sweep]\nscenario = 'pilot\n" + VARY, "not valid TOML"),
    sweep_file(DEEP_ARRAYS, "nested too deeply"),
    sweep_file(DEEP_TABLES, "nested too deeply"),
    sweep_file("# padding\n" * 150_000 + VARY, "1,000,000 bytes"),
    sweep_file("colour = 1\n" + VARY, "'colour'", "allowed are fixed, sweep, vary"),
    sweep_file("[sweep]\nrepliccates = 2\n" + VARY, "'repliccates'", "replicates"),
    sweep_file("sweep = 5\n" + VARY, "[sweep] must be a table"),
    sweep_file("vary = [1, 2]\n", "[vary] must be a table"),
    sweep_file("fixed = 'none'\n" + VARY, "[fixed] must be a table"),
    sweep_file("[vary]\nreturn_cap_per_week = 5\n", "[vary.return_cap_per_week]", "a table"),
    sweep_file("[vary.no_such_lever]\nvalues = [1]\n", "'no_such_lever'"),
    sweep_file("[vary.patrol_intensity]\nvalues = [0.5, 1.5]\n", "1.5", "from 0.0 to 1.0"),
    sweep_file("[fixed]\ncolour = 'blue'\n" + VARY, "'colour'"),
    sweep_file("[fixed]\ncrackdown_intensity = 2.0\n" + VARY, "2.0", "from 0.0 to 1.0"),
    sweep_file("[fixed]\nreturn_cap_per_week = 5\n" + VARY, "both fixed and varied"),
    sweep_file("[sweep]\nscenario = 'nope'\n" + VARY, "'nope'", "allowed are"),
    sweep_file("[sweep]\nscenario = 'missing.toml'\n" + VARY, "'missing.toml'"),
    sweep_file('[sweep]\nscenario = "x\\u0000.toml"\n' + VARY, "x\\x00.toml"),
    sweep_file("[sweep]\nscenario = 5\n" + VARY, "'5'", "allowed are"),
    sweep_file("[sweep]\ndays = 0\n" + VARY, "days=0", "from 1 to"),
    sweep_file("[sweep]\ndays = '30'\n" + VARY, "days='30'", "whole number"),
    sweep_file("[sweep]\ndays = 10000000\n" + VARY, "days=10000000", "from 1 to"),
    sweep_file("[sweep]\nreplicates = 0\n" + VARY, "replicates=0", "from 1 to 10000"),
    sweep_file("[sweep]\nreplicates = 2.5\n" + VARY, "replicates=2.5", "whole number"),
    sweep_file("[sweep]\nreplicates = true\n" + VARY, "replicates=True", "whole number"),
    sweep_file("[sweep]\nmaster_seed = -1\n" + VARY, "master_seed=-1", "whole number from 0"),
    sweep_file("[sweep]\nmaster_seed = 'abc'\n" + VARY, "master_seed='abc'", "whole number"),
    Bad(
        "sweep files",
        "sweep {folder} --out {out} --workers 1 --quiet",
        ("folder.toml", "not a file"),
    ),
    Bad("sweep files", "sweep {fifo} --out {out} --workers 1 --quiet", ("pipe.toml", "not a file")),
    Bad(
        "sweep files",
        "sweep {unreadable} --out {out} --workers 1 --quiet",
        ("unreadable.toml", "cannot be read"),
    ),
    Bad("sweep files", "sweep missing.toml --out {out} --quiet", ("'missing.toml'", "not exist")),
    Bad(
        "sweep files",
        "sweep {file} --out {out} --quiet",
        ("input.toml", "'sweep'", "[parameters]"),
        file="[sweep]\nscenario = '{file}'\n" + VARY,
    ),
]
RANGES_AND_DESIGNS = [
    vary("range = { start = 'abc', stop = 10, steps = 3 }", "start='abc'", "from 0 to 5000"),
    vary("range = { start = 0, stop = 'x', steps = 3 }", "stop='x'", "from 0 to 5000"),
    vary("range = { start = -5, stop = 10, steps = 3 }", "-5", "from 0 to 5000"),
    vary("range = { start = 0, stop = 99999, steps = 3 }", "99999", "from 0 to 5000"),
    vary("range = { start = 100, stop = 0, steps = 3 }", "start=100", "below stop=0"),
    vary("range = { start = 10, stop = 10, steps = 2 }", "start=10", "below stop=10"),
    vary("range = { start = 0, stop = 10, steps = 0 }", "steps=0", "from 2 to 10000"),
    vary("range = { start = 0, stop = 10, steps = 1 }", "steps=1", "from 2 to 10000"),
    vary("range = { start = 0, stop = 10, steps = 2.5 }", "steps=2.5", "whole number"),
    vary("range = { start = 0, stop = 10, steps = '3' }", "steps='3'", "whole number"),
    vary("range = { start = 0, stop = 10, steps = 1000000 }", "steps=1000000", "to 10000"),
    vary("range = { start = 0, stop = 10 }", "steps=0", "from 2 to 10000"),
    vary("range = { start = 0, stop = 10, step = 2 }", "'step'", "start, steps, stop"),
    vary("range = [0, 10]", "range must be", "start, stop, steps"),
    vary("range = { start = 0, stop = 3, steps = 10 }", "more than once", "distinct"),
    vary("values = [10, 10]", "10", "more than once"),
    vary("values = [10, 10.0]", "10", "more than once"),
    vary("values = []", "non-empty list"),
    vary("values = 10", "non-empty list"),
    vary("values = ['ten']", "'ten'", "from 0 to 5000"),
    vary("values = [1]\nrange = { start = 0, stop = 1, steps = 2 }", "exactly one of"),
    vary("steps = 3", "'steps'", "range, values"),
    vary("values = [1, 2]", "design='sobolish'", "grid", design="design = 'sobolish'"),
    vary("values = [1, 2]", "design=5", "grid", design="design = 5"),
    vary(
        "values = [1, 2]\n[vary.patrol_intensity]\nvalues = [0.5]",
        "paired design",
        "return_cap_per_week: 2",
        design="design = 'paired'",
    ),
    vary(
        "values = [1, 1]\n[vary.patrol_intensity]\nvalues = [0.5, 0.5]",
        "paired point 2 repeats point 1",
        "distinct points",
        design="design = 'paired'",
    ),
    vary("low = 0\nhigh = 100", "samples is missing", design="design = 'latin_hypercube'"),
    vary("low = 0", "needs low and high", design="design = 'latin_hypercube'\nsamples = 4"),
    vary(
        "low = 100\nhigh = 0",
        "low=100",
        "below high=0",
        design="design = 'latin_hypercube'\nsamples = 4",
    ),
    vary(
        "low = 0\nhigh = 99999",
        "99999",
        "from 0 to 5000",
        design="design = 'latin_hypercube'\nsamples = 4",
    ),
    vary(
        "values = [1, 2]", "'values'", "high, low", design="design = 'latin_hypercube'\nsamples = 4"
    ),
    vary(
        "low = 0\nhigh = 100",
        "samples=-1",
        "whole number",
        design="design = 'latin_hypercube'\nsamples = -1",
    ),
    vary(
        "low = 0\nhigh = 100",
        "sobol design varies 1 parameter",
        "at least 2",
        design="design = 'sobol'\nsamples = 8",
    ),
    vary(
        "low = 0\nhigh = 100\n[vary.patrol_intensity]\nlow = 0.1\nhigh = 0.9",
        "samples=6",
        "power of 2",
        design="design = 'sobol'\nsamples = 6",
    ),
    sweep_file(
        "".join(
            f"[vary.{name}]\nrange = {{start=0, stop=1, steps=10000}}\n"
            for name in ("patrol_intensity", "crackdown_intensity", "smuggler_misinformation")
        ),
        "1,000,000,000,000 runs",
        "at most 1,000,000",
        family="sweep ranges and designs",
    ),
    sweep_file(
        "[sweep]\ndays = 3650\n[fixed]\nmigrant_flow_scale = 50.0\narrivals_per_week = 20000.0\n"
        + VARY,
        "GiB",
        "migrant_flow_scale=50",
        family="sweep ranges and designs",
    ),
]
OUTPUTS = [
    sweep_file(text, *shows, family="sweep outputs and --metric")
    for text, *shows in [
        ("[sweep]\noutputs = ['no_such_metric']\n" + VARY, "'no_such_metric'", "metrics.toml"),
        ("[sweep]\noutputs = ['arrivals', 'arivals']\n" + VARY, "'arivals'", "metrics.toml"),
        ("[sweep]\noutputs = 'arrivals'\n" + VARY, "outputs", "list of summary names"),
        ("[sweep]\noutputs = [1]\n" + VARY, "outputs", "list of summary names"),
        (
            "[sweep]\ndays = 30\noutputs = ['deterrence_effect']\n" + VARY,
            "'deterrence_effect'",
            "end before the policy's first day",
        ),
        (
            "[sweep]\ndays = 30\noutputs = ['arrivals', 'crossings_deterred']\n" + VARY,
            "'crossings_deterred'",
            "end before the policy's first day",
        ),
    ]
] + [
    sweep("--metric nonsense", "'nonsense'", "metrics.toml", family="sweep outputs and --metric"),
    sweep("--metric ''", "--metric ''", "metrics.toml", family="sweep outputs and --metric"),
    sweep("--metric Arrivals", "'Arrivals'", "metrics.toml", family="sweep outputs and --metric"),
]
OUT_FOLDERS = [
    Bad("--out folders", f"{command} --out {out}", shows)
    for command in ("run --days 5 --quiet", "sweep {sweep} --workers 1 --quiet", "report --size ci")
    for out, *shows in [
        ("{a_file}", "'{a_file}'", "is a file"),
        ("{a_file}/out", "'{a_file}/out'", "cannot be written"),
        ("{read_only}/out", "'{read_only}/out'", "cannot be written"),
        (f"{{tmp}}/{LONG_NAME}", LONG_NAME[:50], "cannot be written"),
    ]
]
WORKERS = [
    Bad("--workers", f"{command} --workers {workers}", shows)
    for command in ("sweep {sweep} --out {out} --quiet", "experiment pilot_effect --size ci")
    for workers, *shows in [
        ("0", "'0'", ">= 1"),
        ("-2", "'-2'", ">= 1"),
        ("abc", "'abc'", "--workers"),
        ("1.5", "'1.5'", "--workers"),
    ]
] + [
    Bad("--workers", "report --size ci --out {out} --workers 0", ("'0'", ">= 1")),
    Bad("--workers", "report --size ci --out {out} --workers two", ("'two'", "--workers")),
]
SCHEDULERS = [
    sweep(f"--scheduler {address}", *shows, family="--scheduler addresses")
    for address, *shows in [
        ("notaurl", "'notaurl'", "tcp://HOST:PORT"),
        ("http://127.0.0.1:8787", "'http://127.0.0.1:8787'", "tcp://HOST:PORT"),
        ("https://example.org:443", "'https://example.org:443'", "tcp://HOST:PORT"),
        ("tls://127.0.0.1:8786", "'tls://127.0.0.1:8786'", "TLS"),
        ("ws://127.0.0.1:8786", "'ws://127.0.0.1:8786'", "tcp://HOST:PORT"),
        ("inproc://x", "'inproc://x'", "tcp://HOST:PORT"),
        ("tcp://127.0.0.1", "'tcp://127.0.0.1'", "tcp://HOST:PORT"),
        ("tcp://:8786", "'tcp://:8786'", "tcp://HOST:PORT"),
        ("tcp://127.0.0.1:port", "'tcp://127.0.0.1:port'", "tcp://HOST:PORT"),
        ("tcp://127.0.0.1:99999", "'tcp://127.0.0.1:99999'", "tcp://HOST:PORT"),
        ("''", "''", "tcp://HOST:PORT"),
        ("tcp://127.0.0.1:{closed_port}", ":{closed_port}'", "no Dask scheduler answers"),
        ("tcp://127.0.0.1:{web_port}", ":{web_port}'", "another protocol than Dask's"),
        ("tcp://127.0.0.1:{binary_port}", ":{binary_port}'", "another protocol than Dask's"),
        ("tcp://127.0.0.1:{silent_port}", ":{silent_port}'", "within 5 s"),
    ]
]
EXPERIMENTS = [
    Bad("experiment and report names and sizes", command, shows)
    for command, *shows in [
        ("experiment no_such_experiment --size ci", "'no_such_experiment'", "pilot_effect"),
        ("experiment Pilot_effect --size ci", "'Pilot_effect'", "pilot_effect"),
        ("experiment '' --size ci", "''", "pilot_effect"),
        ("experiment ../sweeps --size ci", "'../sweeps'", "pilot_effect"),
        ("experiment engine --size ci", "'engine'", "pilot_effect"),
        ("experiment pilot_effect --size huge", "'huge'", "ci, full"),
        ("experiment pilot_effect --size CI", "'CI'", "ci, full"),
        ("experiment pilot_effect --size ''", "''", "ci, full"),
        ("experiment", "name"),
        ("experiment pilot_effect extra --size ci", "extra"),
        ("report --size huge --out {out}", "'huge'", "ci, full"),
        ("report --size '' --out {out}", "''", "ci, full"),
        ("report --size Full --out {out}", "'Full'", "ci, full"),
        ("report extra --out {out}", "extra"),
    ]
]
USAGE = [
    Bad("usage", command, shows)
    for command, *shows in [
        ("", "command"),
        ("fly", "'fly'"),
        ("run --no-such-option", "--no-such-option"),
        ("run --days", "--days"),
        ("run --scenario", "--scenario"),
        ("run --set", "--set"),
        ("sweep", "sweep_file"),
        ("sweep {sweep}", "--out"),
        ("sweep {sweep} --out", "--out"),
        ("report --out", "--out"),
    ]
]
ENVIRONMENT = [
    run(
        "--days 5",
        "DETERRENCE_MEMORY_LIMIT_GIB='abc'",
        "above 0",
        family="environment",
        env={"DETERRENCE_MEMORY_LIMIT_GIB": "abc"},
    ),
    run(
        "--days 5",
        "DETERRENCE_MEMORY_LIMIT_GIB='0'",
        "above 0",
        family="environment",
        env={"DETERRENCE_MEMORY_LIMIT_GIB": "0"},
    ),
    run(
        "--days 365",
        "GiB",
        "allowed is at most 0.01 GiB",
        family="environment",
        env={"DETERRENCE_MEMORY_LIMIT_GIB": "0.01"},
    ),
]
CATALOGUE = (
    PARAMETERS
    + DAYS_AND_SEEDS
    + SCENARIO_NAMES
    + SCENARIO_FILES
    + SWEEP_FILES
    + RANGES_AND_DESIGNS
    + OUTPUTS
    + OUT_FOLDERS
    + WORKERS
    + SCHEDULERS
    + EXPERIMENTS
    + USAGE
    + ENVIRONMENT
)


# ---- running a row -------------------------------------------------------------------------


def prepare(row: Bad, tmp: Path, cleanup: ExitStack) -> tuple[list[str], tuple[str, ...]]:
    """Make the row's files and places; its argument list and the texts its line must show."""
    places = {"tmp": str(tmp), "out": str(tmp / "out"), "sweep": str(tmp / "good.toml")}
    places["file"] = str(tmp / "input.toml")
    (tmp / "good.toml").write_text(GOOD_SWEEP)
    for marker, setup in SETUPS.items():
        if marker in row.command:
            places.update(setup(tmp, cleanup))
    if row.file is not None:
        content = (
            row.file.replace("{file}", places["file"]) if isinstance(row.file, str) else row.file
        )
        (tmp / "input.toml").write_bytes(content.encode() if isinstance(content, str) else content)
    argv = shlex.split(row.command.format(**places))
    return argv, tuple(text.format(**places) for text in row.shows)


def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folders``: its size and modification time.

    Python's bytecode caches are left out: importing a module for the first time writes them.
    """
    seen = {}
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [name for name in dirs if name != "__pycache__"]
            for name in dirs + files:
                path = Path(root, name)
                stat = path.lstat()
                seen[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return seen


def watched(row: Bad, tmp: Path) -> list[Path]:
    """The folders a row must leave as they were: its own, and the experiments' (where their
    sweeps and results go)."""
    if row.command.startswith(("experiment", "report")):
        return [tmp, EXPERIMENTS_DIR]
    return [tmp]


def run_in_process(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    """``main(argv)``'s exit status (returned, or raised by argparse), stdout and stderr."""
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    printed = capsys.readouterr()
    return status, printed.out, printed.err


def run_in_a_process(argv: list[str], tmp: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """The same command line as a real ``python -m experiments.cli`` process, from ``tmp``."""
    completed = subprocess.run(
        [sys.executable, "-m", "experiments.cli", *argv],
        capture_output=True,
        text=True,
        cwd=tmp,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env},
        timeout=120,
    )
    return completed.returncode, completed.stdout, completed.stderr


def assert_refused(status: int, out: str, err: str, shows: tuple[str, ...]) -> None:
    """Exit 2, nothing on stdout, and one error line that shows every text of ``shows``."""
    assert status == 2, (status, err)
    assert out == "", out
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("deterrence: error: "), err
    for text in shows:
        assert text in lines[0], (text, lines[0])


@pytest.fixture(autouse=True)
def no_simulation(monkeypatch):
    """A row that gets as far as building a model has not been refused: fail it at once."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a model was built: the bad input was not refused before the run")

    monkeypatch.setattr(ChannelModel, "__init__", refuse)
    monkeypatch.setattr(runner, "execute", refuse)  # a sweep would record the error, not raise


@pytest.fixture
def cleanup() -> Iterator[ExitStack]:
    """What a row's setup started (servers, sockets), stopped after the row."""
    with ExitStack() as stack:
        yield stack


@pytest.fixture
def row_folder(tmp_path: Path) -> Iterator[Path]:
    """The row's folder; made writable again after the row, so that pytest can remove it."""
    yield tmp_path
    for path in tmp_path.iterdir():
        if not path.is_symlink() and not path.is_fifo():
            path.chmod(0o755)


@pytest.mark.parametrize("row", CATALOGUE, ids=[row.id for row in CATALOGUE])
def test_bad_input_is_refused_in_one_line_writing_nothing(
    row, row_folder, cleanup, capsys, monkeypatch
):
    argv, shows = prepare(row, row_folder, cleanup)
    for name, value in row.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(row_folder)  # a default output folder would land here, and be seen
    before = snapshot(*watched(row, row_folder))
    assert_refused(*run_in_process(argv, capsys), shows)
    assert snapshot(*watched(row, row_folder)) == before


IN_A_PROCESS = list(
    {
        row.id: row
        for row in reversed(CATALOGUE)
        if row.id
        in {
            "run --set return_cap_per_week=99999",
            "run --days ten",
            "run --scenario {file} --days 5",
            "sweep {file} --workers 1",
            "sweep {sweep} --workers 1 --scheduler notaurl",
            "experiment no_such_experiment --size ci",
            "report --size huge",
        }
    }.values()
)


def test_the_catalogue_has_every_family_and_distinct_rows():
    assert len(CATALOGUE) >= 137
    keys = [(row.command, row.file, tuple(row.env.items())) for row in CATALOGUE]
    assert len(set(keys)) == len(keys), [key for key, n in Counter(keys).items() if n > 1]
    assert len(IN_A_PROCESS) >= 7


@pytest.mark.parametrize("row", IN_A_PROCESS[:7], ids=[row.id for row in IN_A_PROCESS[:7]])
def test_a_real_process_gives_what_main_gives(row, row_folder, cleanup, capsys, monkeypatch):
    argv, shows = prepare(row, row_folder, cleanup)
    monkeypatch.chdir(row_folder)
    in_process = run_in_process(argv, capsys)
    assert run_in_a_process(argv, row_folder, row.env) == in_process
    assert_refused(*in_process, shows)


FAMILIES = {
    "run: parameters (--set)": "`--set`: unknown or misspelt names, malformed, mistyped, out of "
    "range, NaN and infinity, impossible dates, inconsistent pairs",
    "run: --days and --seed": "`--days` and `--seed`: zero, negative, past the limit, not whole",
    "run: scenario names": "scenario names and paths: unknown, empty, too long, missing, a folder, "
    "a pipe, unreadable",
    "scenario files": "scenario files: binary, Latin-1, UTF-16, a byte-order mark, truncated, "
    "malformed, nested thousands deep, over 1 MB, unknown keys, bad values",
    "sweep files": "sweep files: the same, and bad `[sweep]` settings, unknown, fixed-and-varied "
    "or out-of-range parameters, bad scenarios",
    "sweep ranges and designs": 'ranges and designs: `start = "abc"`, decreasing, zero or one '
    "step, repeated points, one-parameter Sobol, grids past the run limit, a point past the memory "
    "budget",
    "sweep outputs and --metric": "unknown outputs and `--metric`s, effects asked of a horizon "
    "that ends before the policy",
    "--out folders": "`--out` of `run`, `sweep` and `report`: a file, below a file, read-only, "
    "a name too long",
    "--workers": "`--workers` of `sweep`, `experiment` and `report`: zero, negative, not whole",
    "--scheduler addresses": "`--scheduler`: not a URL, http, https, tls, ws, no or a bad port, a "
    "closed port, a web server, another protocol, a port that never answers",
    "experiment and report names and sizes": "experiment names and sizes, report sizes, stray "
    "arguments",
    "usage": "usage: unknown commands and options, missing arguments",
    "environment": "the memory limit's variable (not a number, zero) and a run past it",
}
"""Each family of the catalogue, as the README's table describes it."""
README = PROJECT_ROOT / "README.md"
README_REGION = "bad-input-catalogue"


def catalogue_table() -> str:
    """The README's table of the catalogue: its rows counted by family."""
    counts = Counter(row.family for row in CATALOGUE)
    rows = [(description, counts[family]) for family, description in FAMILIES.items()]
    total = ("**all: one line each, exit status 2, nothing written**", len(CATALOGUE))
    return table_rows(["bad input to `deterrence`", "inputs"], [*rows, total])


def test_the_readme_counts_the_catalogue():
    assert {row.family for row in CATALOGUE} == set(FAMILIES)
    assert region(README.read_text(), README_REGION) == catalogue_table(), (
        "run `python -m tests.test_bad_input_catalogue` to rewrite the README's table"
    )


if __name__ == "__main__":
    README.write_text(replace_region(README.read_text(), README_REGION, catalogue_table()))
    print(f"{README}: {len(CATALOGUE)} bad inputs in {len(FAMILIES)} families")
