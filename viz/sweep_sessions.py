"""Each browser session's sweep, kept outside the page so that it outlives a tab switch or reload.

A browser session is solara's (its session cookie): every tab and every reload of one browser
shares it, each with its own kernel. The sweep page keeps its form, its running or finished
sweep and the results folders it made in a :class:`SweepSession` of :data:`SESSIONS`, keyed
by the session's id, so leaving the page (another tab of the app, a reload) loses nothing and
a running sweep runs on: the page, drawn again, follows it from where it is.

A session ends when its last kernel has been closed for ``end_grace_seconds`` (a reload closes
the old kernel a moment before it opens the new one). Its sweep is then cancelled and its
results folders are removed, unless the user chose to keep them. At most ``limit`` sessions
are held: past that, the least recently used one without a running sweep is ended to make room.
"""

from __future__ import annotations

import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from experiments.engine.spec import SweepError, SweepSpec
from viz.sweep_form import SweepForm
from viz.sweep_runner import BackgroundSweep, PoolFactory, SweepProgress, process_pool

MAX_SESSIONS = 32
"""Browser sessions whose sweep page is held at once."""

END_GRACE_SECONDS = 60.0
"""How long a session outlives its last kernel: time for a reload to open its new one."""

STOP_WAIT_SECONDS = 10.0
"""How long an ending session waits for its cancelled sweep before removing its folders."""


@dataclass(eq=False)
class SweepSession:
    """One browser session's sweep page: its form, its sweep, and whether to keep results."""

    form: SweepForm = field(default_factory=SweepForm)
    sweep: BackgroundSweep | None = None
    keep_results: bool = False
    """Whether the results folders outlive the session (the page's 'Keep results')."""
    folders: list[Path] = field(default_factory=list)
    """Every results folder this session's sweeps made."""
    _thread: threading.Thread | None = None
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def progress(self) -> SweepProgress | None:
        """The latest snapshot of the session's sweep (None before the first)."""
        return self.sweep.progress if self.sweep is not None else None

    @property
    def running(self) -> bool:
        """Whether the session's sweep is under way."""
        return self.progress is not None and self.progress.running

    def start(self, spec: SweepSpec, workers: int, pool: PoolFactory = process_pool) -> None:
        """Run ``spec`` on ``workers`` in a thread of its own, which no page owns."""
        if self.running:
            raise SweepError("a sweep is running already: cancel it or wait for its end")
        sweep = BackgroundSweep(spec, workers, self._published, pool)
        self.folders.append(sweep.folder)
        self.sweep = sweep
        self._thread = threading.Thread(target=sweep.run, name="sweep", daemon=True)
        self._thread.start()
        self._published(sweep.progress)

    def cancel(self) -> None:
        """Stop the running sweep, if any (finished runs are kept)."""
        if self.sweep is not None:
            self.sweep.cancel()

    def wait_for_news(self, seen: SweepProgress | None, timeout: float) -> SweepProgress | None:
        """The latest snapshot once it differs from ``seen``, or after ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.progress is not seen, timeout)
            return self.progress

    def join(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the sweep's thread to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def end(self) -> None:
        """Cancel the sweep and, unless kept, remove every results folder of the session."""
        self.cancel()
        self.join(STOP_WAIT_SECONDS)  # so that nothing writes into a removed folder
        if not self.keep_results:
            for folder in self.folders:
                shutil.rmtree(folder, ignore_errors=True)

    def _published(self, progress: SweepProgress) -> None:
        with self._changed:
            self._changed.notify_all()


class SweepSessions:
    """The sweep pages of the browser sessions, by session id; bounded, ended with the session."""

    def __init__(
        self, limit: int = MAX_SESSIONS, end_grace_seconds: float = END_GRACE_SECONDS
    ) -> None:
        """Hold at most ``limit`` sessions; end one ``end_grace_seconds`` after its last kernel."""
        self.limit = limit
        self.end_grace_seconds = end_grace_seconds
        self._sessions: OrderedDict[str, SweepSession] = OrderedDict()
        self._kernels: dict[str, set[str]] = {}
        self._ending: dict[str, threading.Timer] = {}
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._sessions

    def session(self, session_id: str) -> SweepSession:
        """The session's sweep page, made on first use (ending an idle one if full)."""
        ended = None
        with self._lock:
            if session_id not in self._sessions:
                if len(self._sessions) >= self.limit:
                    ended = self._pop(self._least_needed())
                self._sessions[session_id] = SweepSession()
            self._sessions.move_to_end(session_id)
            session = self._sessions[session_id]
        if ended is not None:
            ended.end()
        return session

    def kernel_opened(self, session_id: str, kernel_id: str) -> None:
        """A kernel (a tab, a reload) of the session has opened: the session goes on."""
        with self._lock:
            self._kernels.setdefault(session_id, set()).add(kernel_id)
            timer = self._ending.pop(session_id, None)
        if timer is not None:
            timer.cancel()

    def kernel_closed(self, session_id: str, kernel_id: str) -> threading.Timer | None:
        """A kernel of the session has closed; returns the timer ending it, if it was the last."""
        with self._lock:
            kernels = self._kernels.get(session_id, set())
            kernels.discard(kernel_id)
            if kernels:
                return None
            self._kernels.pop(session_id, None)
            timer = threading.Timer(self.end_grace_seconds, self.end_session, [session_id])
            timer.daemon = True
            self._ending[session_id] = timer
        timer.start()
        return timer

    def end_session(self, session_id: str) -> None:
        """End the session now, unless one of its kernels has opened again."""
        with self._lock:
            self._ending.pop(session_id, None)
            if self._kernels.get(session_id):
                return
            session = self._pop(session_id)
        if session is not None:
            session.end()

    def end_all(self) -> None:
        """End every session (the server is stopping)."""
        with self._lock:
            sessions = [self._pop(session_id) for session_id in list(self._sessions)]
            timers = list(self._ending.values())
            self._ending.clear()
        for timer in timers:
            timer.cancel()
        for session in sessions:
            if session is not None:
                session.end()

    def _pop(self, session_id: str) -> SweepSession | None:
        return self._sessions.pop(session_id, None)

    def _least_needed(self) -> str:
        """The session to end for room: the least recently used idle one, closed ones first."""
        idle = [key for key, session in self._sessions.items() if not session.running]
        if not idle:
            raise SweepError(
                f"{len(self._sessions)} sweeps are running on this server: allowed are at most "
                f"{self.limit} at once; try again when one has finished"
            )
        closed = [key for key in idle if not self._kernels.get(key)]
        return (closed or idle)[0]


SESSIONS = SweepSessions()
"""The server's sweep sessions."""
