"""The app closed to other sites: same-origin websockets only, and no framing by other pages.

The app serves 127.0.0.1 only, but a page from any other site open in the same browser could
still open a websocket to it (browsers send no cookie-free protection for websockets) or frame
it. :class:`SameOriginOnly` wraps the server's ASGI app:

- a websocket handshake whose ``Origin`` is not the address the browser used for the app
  (its ``Host``) is refused with HTTP 403 before solara sees it;
- every HTTP response says ``X-Frame-Options: DENY`` and
  ``Content-Security-Policy: frame-ancestors 'none'``.

:func:`guard_solara_server` installs it on solara's Starlette app, from the app module, which
solara imports in the server process.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FRAMING_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def same_origin(scope: Scope) -> bool:
    """Whether a websocket handshake comes from a page of this server (or from no page)."""
    origin = _header(scope, b"origin")
    if origin is None:  # not from a browser page (a script, a test client)
        return True
    host = _header(scope, b"host")
    return host is not None and urlsplit(origin).netloc.lower() == host.lower()


class SameOriginOnly:
    """ASGI middleware: refuse foreign websockets, forbid framing (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or refuse it."""
        if scope["type"] == "websocket" and not same_origin(scope):
            # Closing before the handshake is accepted: the server answers HTTP 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {key.lower() for key, _ in message.get("headers", ())}
                extra = [(key, value) for key, value in FRAMING_HEADERS if key not in names]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_guarded)


def guard_solara_server() -> None:
    """Put :class:`SameOriginOnly` in front of solara's Starlette app, once, in its server.

    Before the server's first request, as ordinary middleware; after it (solara imports the
    app module when the server starts, once Starlette has built its middleware stack), around
    the built stack, which Starlette calls for every later request. Outside a solara server
    (tests rendering the pages) there is nothing to guard.
    """
    solara_starlette = sys.modules.get("solara.server.starlette")
    if solara_starlette is None:
        return
    app = solara_starlette.app
    if getattr(app, "_guarded_same_origin", False):
        return
    if app.middleware_stack is None:
        app.add_middleware(SameOriginOnly)
    else:
        app.middleware_stack = SameOriginOnly(app.middleware_stack)
    app._guarded_same_origin = True
