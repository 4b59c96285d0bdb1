"""`./start` announces the address it really serves: the port given on its command line.

The script is run from a copy of the project's top folder whose set-up step does nothing, first
with a stand-in for solara that prints the arguments it was given (the port variants, quickly),
then once with the real solara serving the app, until the announced port answers.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser import free_port
from tests.conftest import PROJECT_ROOT

ANNOUNCED = re.compile(r"^start: the app is at http://127\.0\.0\.1:(\d+) ")

# Stands in for solara: prints each argument on its own line.
ECHO_SOLARA = '#!/usr/bin/env bash\nfor arg in "$@"; do echo "solara-arg: $arg"; done\n'


def copy_of_start(root: Path, solara: str | None = None) -> Path:
    """A project folder holding `start`, a set-up that does nothing and `solara` (or a stand-in)."""
    shutil.copy2(PROJECT_ROOT / "start", root / "start")
    (root / "scripts").mkdir()
    bootstrap = root / "scripts" / "bootstrap"
    bootstrap.write_text("#!/usr/bin/env bash\nexit 0\n")
    bootstrap.chmod(0o755)
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    if solara is None:
        (bin_dir / "solara").write_text(ECHO_SOLARA)
        (bin_dir / "solara").chmod(0o755)
    else:
        (bin_dir / "solara").symlink_to(solara)
    return root / "start"


def run_start(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(copy_of_start(root)), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def announced_and_served(output: str) -> tuple[int, list[str]]:
    """The port announced, and every port value handed to solara."""
    lines = output.splitlines()
    announced = [int(m.group(1)) for line in lines if (m := ANNOUNCED.match(line))]
    solara_args = [line.removeprefix("solara-arg: ") for line in lines if "solara-arg: " in line]
    ports = [solara_args[i + 1] for i, arg in enumerate(solara_args) if arg == "--port"]
    assert len(announced) == 1, output
    return announced[0], ports


@pytest.mark.parametrize(
    ("args", "port"),
    [([], 8765), (["--port", "8800"], 8800), (["--port=8801"], 8801), (["--port", "08802"], 8802)],
    ids=["default", "port-space", "port-equals", "leading-zero"],
)
def test_start_announces_the_port_it_hands_to_solara(tmp_path, args, port):
    completed = run_start(tmp_path, *args)
    assert completed.returncode == 0, completed.stderr
    assert announced_and_served(completed.stdout) == (port, [str(port)])


def test_other_arguments_go_to_solara_unchanged(tmp_path):
    completed = run_start(tmp_path, "--port", "8800", "--log-level", "debug")
    assert completed.returncode == 0, completed.stderr
    assert "solara-arg: --log-level\nsolara-arg: debug" in completed.stdout


@pytest.mark.parametrize("port", ["0", "65536", "eighty", ""])
def test_a_bad_port_is_refused_in_one_line(tmp_path, port):
    completed = run_start(tmp_path, "--port", port)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [
        f"start: --port {port} is not valid: allowed is a port from 1 to 65535"
    ]
    assert "solara-arg" not in completed.stdout


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_start_serves_the_app_on_the_announced_port(tmp_path):
    solara = Path(sys.executable).parent / "solara"
    start = copy_of_start(tmp_path, str(solara))
    for folder in ("viz", "model", "agents", "experiments", "templates"):
        (tmp_path / folder).symlink_to(PROJECT_ROOT / folder)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    process = subprocess.Popen(
        ["bash", str(start), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, stopped as a whole below
    )
    try:
        first_line = process.stdout.readline()
        match = ANNOUNCED.match(first_line)
        assert match, first_line
        assert int(match.group(1)) == port
        deadline = time.monotonic() + 60
        while not port_answers(port):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, f"nothing answered on port {port}"
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        process.stdout.close()
