"""Helpers for browser tests: serve a solara app, and drive Debian's chromium through Playwright.

    from tests.browser import browser_page, free_port, serve_app

    with serve_app("viz/app.py", free_port()) as url, browser_page() as (page, net):
        page.goto(url)
        page.get_by_text("Step").wait_for(timeout=30_000)
        assert net.offline_problems() == []

``serve_app`` runs ``solara run APP --production`` with telemetry off and, by default, with
solara's CDN pointed at a closed local port: the server can then only answer from its asset
cache (``python -m viz.assets`` fills it), exactly as on a machine with no internet.
``browser_page`` launches /usr/bin/chromium (never ``playwright install``); when chromium or
Playwright is missing the test is skipped, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
UNREACHABLE_CDN = "http://127.0.0.1:9/npm/"  # the discard port: connections are refused
SCREENSHOT_DIR = PROJECT_ROOT / "test-output" / "browser"


def in_ci() -> bool:
    """Whether the tests run in CI, where a missing browser is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip the current test, or fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _solara_executable() -> str:
    candidate = Path(sys.executable).parent / "solara"
    if candidate.exists():
        return str(candidate)
    return str(PROJECT_ROOT / ".venv" / "bin" / "solara")


@contextmanager
def serve_app(
    app_path: str | os.PathLike[str],
    port: int | None = None,
    *,
    offline: bool = True,
    timeout: float = 60.0,
    log: IO[str] | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Run ``solara run APP --production`` on 127.0.0.1:PORT; yields its URL, stops it after.

    With ``offline`` (the default) the server cannot reach the public CDN, so a page asset that
    is not in solara's asset cache fails instead of being fetched from the internet. The
    server's output goes to ``log`` when given (a text file open for writing and reading);
    ``env`` adds to its environment (``PYTHONPATH`` serves another checkout's code).
    """
    port = free_port() if port is None else port
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="False", **(env or {}))
    if offline:
        env["SOLARA_ASSETS_CDN"] = UNREACHABLE_CDN
    command = [
        _solara_executable(),
        "run",
        str(app_path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--production",
    ]
    with (
        contextlib.nullcontext(log)
        if log is not None
        else tempfile.TemporaryFile(mode="w+", prefix="solara-server-")
    ) as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole afterwards
        )

        def server_output() -> str:
            log.flush()
            log.seek(0)
            return log.read()[-4000:]

        try:
            deadline = time.monotonic() + timeout
            while not _port_answers(port):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"solara exited with status {process.returncode} before serving "
                        f"{app_path}:\n{server_output()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"solara did not answer on port {port} within {timeout:.0f} s:\n"
                        f"{server_output()}"
                    )
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}/"
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server started by serve_app and its children (its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


CHART_SETUP_RACE = "Initialize failed: invalid dom."
"""The message of solara's ECharts component when its element went away before set-up."""


@dataclass
class NetworkLog:
    """What a page asked the network for, recorded while a test drives it."""

    failed: list[str] = field(default_factory=list)
    """Requests that failed (no answer), as "METHOD URL: reason"."""
    error_responses: list[str] = field(default_factory=list)
    """Answers with an HTTP status of 400 or more, as "STATUS URL"."""
    external: list[str] = field(default_factory=list)
    """Requests to any host other than this machine (127.0.0.1, localhost, ::1)."""
    page_errors: list[str] = field(default_factory=list)
    """Uncaught JavaScript errors on the page (but the chart set-up race below)."""
    chart_setup_races: list[str] = field(default_factory=list)
    """solara's ECharts component's "invalid dom" errors, kept apart: it throws one when a
    chart's element is taken away before ECharts has set it up (a reload or a page switch while
    the page redraws on a loaded machine); nothing on the page shows it, and the tests wait for
    the charts before leaving a page, which makes it rare, not impossible."""

    def record_page_error(self, error: str) -> None:
        """An uncaught error, kept apart if it is the chart set-up race."""
        races = error == CHART_SETUP_RACE
        (self.chart_setup_races if races else self.page_errors).append(error)

    def offline_problems(self) -> list[str]:
        """Everything that shows the page did not work fully offline (empty if it did)."""
        return (
            [f"request failed: {item}" for item in self.failed]
            + [f"error response: {item}" for item in self.error_responses]
            + [f"left the machine: {item}" for item in self.external]
        )


def _leaves_machine(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https", "ws", "wss"}:
        return False  # data:, blob:, about: and the like stay inside the browser
    return (parts.hostname or "") not in LOCAL_HOSTS


@contextmanager
def browser_page(
    viewport: tuple[int, int] = (1280, 900),
) -> Iterator[tuple[object, NetworkLog]]:
    """A Playwright page in headless Debian chromium, with a log of its network traffic.

    Yields ``(page, net)``. Skips the test when chromium or Playwright is missing, but fails it
    in CI (``CI=true``).
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        unavailable(
            f"{CHROMIUM} not found (apt-get install --no-install-recommends chromium); "
            "never `playwright install`"
        )

    net = NetworkLog()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            page = context.new_page()

            def on_request(request) -> None:
                if _leaves_machine(request.url):
                    net.external.append(f"{request.method} {request.url}")

            def on_request_failed(request) -> None:
                net.failed.append(f"{request.method} {request.url}: {request.failure}")

            def on_response(response) -> None:
                if response.status >= 400:
                    net.error_responses.append(f"{response.status} {response.url}")

            page.on("request", on_request)
            page.on("requestfailed", on_request_failed)
            page.on("response", on_response)
            page.on("pageerror", lambda error: net.record_page_error(str(error)))
            # WebSockets do not go through "request": record the ones leaving the machine too.
            page.on(
                "websocket",
                lambda ws: (
                    net.external.append(f"WEBSOCKET {ws.url}") if _leaves_machine(ws.url) else None
                ),
            )
            yield page, net
        finally:
            browser.close()


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot to test-output/browser/NAME.png; returns its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
