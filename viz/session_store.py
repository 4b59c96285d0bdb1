"""Values kept for each browser session, outside the page components.

A page component's state lives only while the component is shown: switching to another tab
of the app, or reloading the page, builds the page anew and would lose a live run or a sweep.
A value kept here instead belongs to the browser session (solara's session cookie), so a page
finds it again on its next render::

    from viz.session_store import session_value

    state = solara.use_memo(lambda: session_value("live", LiveSession.fresh), [])

``kind`` names the value (one page's state each: "live", "sweep", ...); ``make`` builds it the
first time the session asks. All tabs of one browser session share its values.

A :class:`SessionStore` is bounded: when full, it forgets the least recently used session it
may forget (one with no open page first) to make room for a new one. It counts each session's
kernels (its open tabs; a reload closes one and opens the next), and forgets a session
``grace_seconds`` after its last kernel closed, so a reload keeps its values. A store may be
told which sessions must not be forgotten for room (a running sweep) and what to do with a
forgotten session's values (end its sweep). Outside a solara server (a test rendering a page
with ``solara.render``) there is no session: ``session_value`` returns ``make()`` each time.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import solara
import solara.lab

MAX_SESSIONS = 16
"""Sessions kept at most by :data:`STORE`; a live run of a few simulated years holds tens of MB."""

CLOSE_GRACE_SECONDS = 60.0
"""How long a session's values outlive its last open page (a reload opens the next one)."""

Values = dict[str, Any]
"""One session's values, by kind."""

logger = logging.getLogger(__name__)


class StoreFull(RuntimeError):
    """The store is full of sessions it may not forget: a new session has no room."""


class SessionStore:
    """Values by browser session and kind; bounded, and forgotten a grace after the session ends."""

    def __init__(
        self,
        limit: int = MAX_SESSIONS,
        grace_seconds: float = CLOSE_GRACE_SECONDS,
        may_forget: Callable[[Values], bool] = lambda values: True,
        on_forget: Callable[[Values], None] = lambda values: None,
    ) -> None:
        """Hold ``limit`` sessions; forget one ``grace_seconds`` after its last kernel closed.

        ``may_forget(values)`` says whether a session may be forgotten to make room for another;
        ``on_forget(values)`` is called once a session is forgotten, outside the store's lock.
        """
        self.limit = limit
        self.grace_seconds = grace_seconds
        self.may_forget = may_forget
        self.on_forget = on_forget
        self._values: OrderedDict[str, Values] = OrderedDict()
        self._kernels: dict[str, set[str]] = {}
        self._closing: dict[str, threading.Timer] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._values

    def sessions(self) -> list[str]:
        """The sessions with values kept, least recently used first."""
        with self._lock:
            return list(self._values)

    def value[T](self, session_id: str, kind: str, make: Callable[[], T]) -> T:
        """The session's value of this ``kind``, built by ``make()`` the first time it is asked.

        Raises :class:`StoreFull` for a new session when no kept one may be forgotten.
        """
        with self._lock:
            values = self._values.get(session_id)
            if values is not None and kind in values:
                self._values.move_to_end(session_id)
                return values[kind]
        made = make()  # outside the lock: building a value may take a while
        evicted = None
        with self._lock:
            if session_id not in self._values and len(self._values) >= self.limit:
                evicted = self._values.pop(self._least_needed())
            values = self._values.setdefault(session_id, {})
            self._values.move_to_end(session_id)
            value = values.setdefault(kind, made)  # a value made meanwhile by another page wins
        if evicted is not None:
            self.on_forget(evicted)
        return value

    def kernel_opened(self, session_id: str, kernel_id: str) -> None:
        """A kernel (a tab, a reload) of the session has opened: the session goes on."""
        with self._lock:
            self._kernels.setdefault(session_id, set()).add(kernel_id)
            timer = self._closing.pop(session_id, None)
        if timer is not None:
            timer.cancel()

    def kernel_closed(self, session_id: str, kernel_id: str) -> threading.Timer | None:
        """A kernel of the session closed; returns the timer forgetting it if it was the last."""
        with self._lock:
            kernels = self._kernels.get(session_id, set())
            kernels.discard(kernel_id)
            if kernels:
                return None
            self._kernels.pop(session_id, None)
            timer = threading.Timer(self.grace_seconds, self.forget_if_closed, [session_id])
            timer.daemon = True  # never holds the server open at shutdown
            self._closing[session_id] = timer
        timer.start()
        return timer

    def follow_kernel(self) -> Callable[[], object]:
        """Count the current kernel (for ``solara.lab.on_kernel_start``); returns its close."""
        session_id, kernel_id = solara.get_session_id(), solara.get_kernel_id()
        self.kernel_opened(session_id, kernel_id)
        return lambda: self.kernel_closed(session_id, kernel_id)

    def forget_if_closed(self, session_id: str) -> bool:
        """Forget the session unless one of its kernels is open; whether it was forgotten."""
        with self._lock:
            self._closing.pop(session_id, None)
            if self._kernels.get(session_id):
                return False
            values = self._values.pop(session_id, None)
        if values is not None:
            self.on_forget(values)
        return True

    def forget_all(self) -> None:
        """Forget every session (the server is stopping)."""
        with self._lock:
            forgotten = list(self._values.values())
            self._values.clear()
            timers = list(self._closing.values())
            self._closing.clear()
        for timer in timers:
            timer.cancel()
        for values in forgotten:
            self.on_forget(values)

    def _least_needed(self) -> str:
        """The session to forget for room: the least recently used one that may go, closed first."""
        candidates = [key for key, values in self._values.items() if self.may_forget(values)]
        if not candidates:
            raise StoreFull(f"all {len(self._values)} sessions held are in use")
        closed = [key for key in candidates if not self._kernels.get(key)]
        forgotten = (closed or candidates)[0]
        logger.info("session store full: forgot session %s", forgotten)
        return forgotten


STORE = SessionStore()
"""The server's store of the pages' session values."""

solara.lab.on_kernel_start(STORE.follow_kernel)  # every tab of the app counts, whatever its page


def current_session_id() -> str | None:
    """The browser session of the page being served, or None outside a solara server."""
    from solara.server import kernel_context

    if not kernel_context.has_current_context():
        return None
    return kernel_context.get_current_context().session_id


def session_value[T](kind: str, make: Callable[[], T], session_id: str | None = None) -> T:
    """The session's value of this ``kind`` in :data:`STORE`, built by ``make()`` at first.

    ``session_id`` defaults to the current browser session; without one (no solara server),
    ``make()`` is returned and not kept.
    """
    session_id = session_id if session_id is not None else current_session_id()
    if session_id is None:
        return make()
    return STORE.value(session_id, kind, make)
