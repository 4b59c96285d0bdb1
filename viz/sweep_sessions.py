"""Each browser session's sweep, kept outside the page so that it outlives a tab switch or reload.

A browser session is solara's (its session cookie): every tab and every reload of one browser
shares it, each with its own kernel. The sweep page keeps its form, its running or finished
sweep and the results folders it made in a :class:`SweepSession` of :data:`SESSIONS`, keyed
by the session's id, so leaving the page (another tab of the app, a reload) loses nothing and
a running sweep runs on: the page, drawn again, follows it from where it is.

The keying, bounding and grace are :class:`viz.session_store.SessionStore`'s: a session ends
when its last kernel has been closed for ``grace_seconds`` (a reload closes the old kernel a
moment before it opens the new one). Its sweep is then cancelled and its results folders are
removed, unless the user chose to keep them. At most ``limit`` sessions are held: past that,
the least recently used one without a running sweep is ended to make room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from experiments.engine.runner import PoolFactory, process_pool
from experiments.engine.spec import SweepError, SweepSpec
from viz.session_job import SessionJob
from viz.session_store import CLOSE_GRACE_SECONDS, SessionStore, StoreFull, Values
from viz.sweep_form import SweepForm
from viz.sweep_runner import BackgroundSweep, SweepProgress

MAX_SESSIONS = 32
"""Browser sessions whose sweep page is held at once."""

SWEEP = "sweep"
"""The kind of a session's value in the store: its sweep page."""


@dataclass(eq=False)
class SweepSession(SessionJob):
    """One browser session's sweep page: its form, its sweep, and whether to keep results."""

    form: SweepForm = field(default_factory=SweepForm)
    sweep: BackgroundSweep | None = None
    keep_results: bool = False
    """Whether the results folders outlive the session (the page's 'Keep results')."""
    folders: list[Path] = field(default_factory=list)
    """Every results folder this session's sweeps made."""

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
        self._start_thread(sweep.run, "sweep")
        self._notify()

    def cancel(self) -> None:
        """Stop the running sweep, if any (finished runs are kept)."""
        if self.sweep is not None:
            self.sweep.cancel()

    def wait_for_news(self, seen: SweepProgress | None, timeout: float) -> SweepProgress | None:
        """The latest snapshot once it differs from ``seen``, or after ``timeout`` seconds."""
        self._wait_until(lambda: self.progress is not seen, timeout)
        return self.progress

    def folders_to_remove(self) -> list[Path]:
        """Every results folder of the session, unless the user chose to keep them."""
        return [] if self.keep_results else list(self.folders)

    def _published(self, progress: SweepProgress) -> None:
        self._notify()


def _idle(values: Values) -> bool:
    """Whether a session may be forgotten to make room: not while its sweep runs."""
    return not values[SWEEP].running


def _end(values: Values) -> None:
    values[SWEEP].end()


class SweepSessions(SessionStore):
    """The sweep pages of the browser sessions, by session id; bounded, ended with the session.

    A :class:`viz.session_store.SessionStore` whose sessions with a running sweep are never
    forgotten for room, and whose forgotten sessions are ended (:meth:`SweepSession.end`).
    """

    def __init__(
        self, limit: int = MAX_SESSIONS, grace_seconds: float = CLOSE_GRACE_SECONDS
    ) -> None:
        """Hold at most ``limit`` sessions; end one ``grace_seconds`` after its last kernel."""
        super().__init__(limit, grace_seconds, may_forget=_idle, on_forget=_end)

    def session(self, session_id: str) -> SweepSession:
        """The session's sweep page, made on first use (ending an idle one if full)."""
        try:
            return self.value(session_id, SWEEP, SweepSession)
        except StoreFull:
            raise SweepError(
                f"{len(self)} sweeps are running on this server: allowed are at most "
                f"{self.limit} at once; try again when one has finished"
            ) from None


SESSIONS = SweepSessions()
"""The server's sweep sessions."""
