"""The app refuses other sites: websockets from a foreign Origin, and framing (HTTP tests).

Against the real server (``solara run viz/app.py``, as ``./start`` runs it): a websocket
handshake from another site's page is refused with 403 while one from the app's own address
is accepted; every page says it may not be framed.
"""

from __future__ import annotations

import asyncio
import urllib.request

import pytest
import websockets

from tests.browser import PROJECT_ROOT, serve_app
from viz.guard import same_origin

APP = PROJECT_ROOT / "viz" / "app.py"
KERNEL_SOCKET = "/jupyter/api/kernels/test-kernel/channels?session_id=test-session"


@pytest.fixture(scope="module")
def server_url():
    with serve_app(APP) as url:
        yield url.rstrip("/")


async def _handshake(url: str, origin: str | None) -> int:
    """The HTTP status of a websocket handshake (101 when accepted)."""
    address = url.replace("http://", "ws://") + KERNEL_SOCKET
    headers = {} if origin is None else {"Origin": origin}
    try:
        async with websockets.connect(address, additional_headers=headers, open_timeout=10):
            return 101
    except websockets.exceptions.InvalidStatus as refused:
        return refused.response.status_code


def test_a_websocket_from_another_sites_page_is_refused(server_url):
    assert asyncio.run(_handshake(server_url, "http://evil.example")) == 403
    assert asyncio.run(_handshake(server_url, "http://127.0.0.1:1")) == 403  # another port
    assert asyncio.run(_handshake(server_url, server_url)) == 101  # the app's own page


def test_every_page_forbids_framing(server_url):
    for path in ("/", "/sweep"):
        with urllib.request.urlopen(server_url + path, timeout=30) as response:
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "127.0.0.1:8765", True),
        ("http://127.0.0.1:8765", "127.0.0.1:8765", True),
        ("http://LOCALHOST:8765", "localhost:8765", True),
        ("http://localhost:8765", "127.0.0.1:8765", False),
        ("null", "127.0.0.1:8765", False),
        ("http://127.0.0.1:8765", None, False),
    ],
)
def test_the_same_origin_rule(origin, host, allowed):
    headers = [(b"origin", origin.encode())] if origin else []
    headers += [(b"host", host.encode())] if host else []
    assert same_origin({"type": "websocket", "headers": headers}) is allowed
