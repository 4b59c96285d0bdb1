"""Values kept for each browser session, outside the page components.

A page component's state lives only while the component is shown: switching to another tab
of the app, or reloading the page, builds the page anew and would lose a live run or a sweep.
A value kept here instead belongs to the browser session (solara's session cookie), so a page
finds it again on its next render::

    from viz.session_store import session_value

    state = solara.use_memo(lambda: session_value("live", LiveSession.fresh), [])

``kind`` names the value (one page's state each: "live", "sweep", ...); ``make`` builds it the
first time the session asks. All tabs of one browser session share its values.

The store is bounded: it keeps the :data:`MAX_SESSIONS` most recently used sessions, and
forgets a session :data:`CLOSE_GRACE_SECONDS` after its last page closed (a reload closes the
page and opens a new one at once, so the grace keeps its values across the reload). Outside a
solara server (a test rendering a page with ``solara.render``) there is no session: ``make()``
is returned each time and nothing is kept.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MAX_SESSIONS = 16
"""Sessions kept at most; the least recently used is forgotten first (a live run of a few
simulated years holds tens of MB)."""

CLOSE_GRACE_SECONDS = 60.0
"""How long a session's values outlive its last open page (a reload opens the next one)."""

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_sessions: OrderedDict[str, dict[str, Any]] = OrderedDict()
_watched_kernels: set[str] = set()


def current_session_id() -> str | None:
    """The browser session of the page being served, or None outside a solara server."""
    from solara.server import kernel_context

    if not kernel_context.has_current_context():
        return None
    return kernel_context.get_current_context().session_id


def session_value[T](kind: str, make: Callable[[], T], session_id: str | None = None) -> T:
    """The session's value of this ``kind``, built by ``make()`` the first time it is asked.

    ``session_id`` defaults to the current browser session; without one (no solara server),
    ``make()`` is returned and not kept.
    """
    session_id = session_id if session_id is not None else current_session_id()
    if session_id is None:
        return make()
    with _lock:
        values = _sessions.get(session_id)
        if values is not None and kind in values:
            _sessions.move_to_end(session_id)
            return values[kind]
    made = make()  # outside the lock: building a value may take a while
    with _lock:
        values = _sessions.setdefault(session_id, {})
        _sessions.move_to_end(session_id)
        value = values.setdefault(kind, made)  # a value made meanwhile by another page wins
        while len(_sessions) > MAX_SESSIONS:
            forgotten, _ = _sessions.popitem(last=False)
            logger.info("session store full: forgot session %s", forgotten)
    _watch_current_kernel(session_id)
    return value


def forget_session(session_id: str) -> None:
    """Drop every value of a session (it starts afresh if it comes back)."""
    with _lock:
        _sessions.pop(session_id, None)


def kept_sessions() -> list[str]:
    """The sessions with values kept, least recently used first."""
    with _lock:
        return list(_sessions)


def session_open(session_id: str) -> bool:
    """Whether any page of the session is still open on the server."""
    from solara.server import kernel_context

    return any(
        context.session_id == session_id and not context.closed_event.is_set()
        for context in list(kernel_context.contexts.values())
    )


def forget_if_closed(session_id: str) -> bool:
    """Forget the session's values unless one of its pages is open; whether it forgot them."""
    if session_open(session_id):
        return False
    forget_session(session_id)
    return True


def _watch_current_kernel(session_id: str) -> None:
    """When this page's kernel closes, forget the session after the grace, if no page is open."""
    from solara.server import kernel_context

    if not kernel_context.has_current_context():
        return
    context = kernel_context.get_current_context()
    with _lock:
        if context.id in _watched_kernels:
            return
        _watched_kernels.add(context.id)

    def on_close() -> None:
        with _lock:
            _watched_kernels.discard(context.id)
        timer = threading.Timer(CLOSE_GRACE_SECONDS, forget_if_closed, args=(session_id,))
        timer.daemon = True  # never holds the server open at shutdown
        timer.start()

    context.on_close(on_close)
