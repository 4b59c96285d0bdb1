"""A browser session's live run: its applied settings, the pending changes, and what happened.

The live page keeps one :class:`LiveSession` per browser session in :mod:`viz.session_store`,
so a tab switch or a reload finds the run where it was. Moving a control only changes the
pending settings; :meth:`LiveSession.apply` makes them the run's, going on from the policy's
first day when only policy levers changed, else starting again at day 0, and
:attr:`LiveSession.note` says which happened.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from model.model import FORKABLE
from model.parameters import ParameterError
from viz.live import LiveRun
from viz.live_settings import LiveSettings, changes, from_query


@dataclass
class LiveSession:
    """The run, the settings it uses (applied) and the settings the controls show (pending)."""

    applied: LiveSettings
    pending: LiveSettings
    run: LiveRun | None = None
    error: str = ""
    """A one-line message: a bad value, a bad link or a failed run."""
    note: str = ""
    """What the last Apply, Reset, jump or link did to the run."""
    link_seen: str | None = None
    """The last URL query the page acted on (so that it acts on each link once)."""
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def fresh(cls, settings: LiveSettings | None = None) -> LiveSession:
        """A session with a run at day 0 (the pilot, seed 1, unless ``settings`` say otherwise)."""
        settings = settings or LiveSettings()
        session = cls(settings, settings)
        session.restart(settings, note="")
        return session

    def pending_changes(self) -> list[str]:
        """The changes waiting for Apply, one phrase each (empty when none)."""
        return changes(self.applied, self.pending)

    def edit(self, settings: LiveSettings) -> None:
        """Set the controls' values; the run is untouched until Apply."""
        with self.lock:
            self.pending = settings

    def choose_scenario(self, scenario: str) -> None:
        """Set the controls to a scenario's own values; a name not shipped is a one-line message.

        The page offers only shipped names, but a client can send any value over its websocket.
        """
        try:
            settings = LiveSettings.of_scenario(scenario, self.pending.seed)
        except ParameterError as problem:
            with self.lock:
                self.error = str(problem)
            return
        self.edit(settings)

    def discard(self) -> None:
        """Put the controls back to the run's settings."""
        with self.lock:
            self.pending = self.applied

    def restart(self, settings: LiveSettings, note: str) -> bool:
        """A new run at day 0 with ``settings``; on a bad value the old run stays, with a note."""
        with self.lock:
            try:
                run = LiveRun(settings.scenario, settings.seed, dict(settings.levers))
            except ParameterError as problem:
                self.error = str(problem)
                return False
            self.run, self.applied, self.pending = run, settings, settings
            self.error, self.note = "", note
            return True

    def apply(self) -> None:
        """Make the pending settings the run's: go on from the policy's start, or start again."""
        with self.lock:
            target, run = self.pending, self.run
            said = "; ".join(changes(self.applied, target)) or "no change"
            same_run = target.scenario == self.applied.scenario and target.seed == self.applied.seed
            if run is not None and same_run:
                try:
                    kept = run.change_levers(target.levers)
                except ParameterError as problem:
                    self.error = str(problem)
                    return
                if kept:
                    self.applied, self.error = target, ""
                    self.note = f"Applied ({said}) at day {run.day}: " + (
                        f"re-ran from the saved state at the policy's start (day {run.fork_day}) "
                        f"to day {run.day}, not from day 0."
                        if run.forked
                        else "the policy has not started yet: the run goes on with the new values."
                    )
                    return
            self.restart(
                target, f"Applied ({said}): restarted at day 0, {_why_restart(self, target)}."
            )

    def reset(self) -> None:
        """Start again at day 0 with the controls' values (the pending ones, if any)."""
        with self.lock:
            said = "; ".join(self.pending_changes())
            self.restart(
                self.pending, "Reset: started again at day 0" + (f" ({said})." if said else ".")
            )

    def open_link(self, query: str) -> None:
        """Act once on a URL query naming settings (a shared link, or the browser's back button).

        A run still at day 0 takes the link's settings at once; a run under way keeps going, with
        the link's settings pending, so that following a link never throws away a run unasked.
        """
        with self.lock:
            if query == self.link_seen:
                return
            self.link_seen = query
            if not query:
                return  # the bare page: this session's run as it is
            try:
                settings = from_query(query)
            except ParameterError as problem:
                self.error = f"The link's settings were not used: {problem}"
                return
            if settings == self.applied:
                return
            if self.run is None or self.run.day == 0:
                self.restart(settings, "Opened the link's settings.")
            else:
                self.pending = settings
                self.note = (
                    f"The link's settings are pending: Apply to use them (the run at day "
                    f"{self.run.day} goes on until then)."
                )

    def jump_to_policy_start(self) -> None:
        """Simulate to the policy's first day at once (see :meth:`LiveRun.jump_to_policy_start`)."""
        with self.lock:
            run = self.run
        if run is not None:
            self.note = run.jump_to_policy_start()

    def advance(self, days: int) -> bool:
        """Advance the run; a failure becomes the message. Whether it went on."""
        run = self.run
        if run is None:
            return False
        try:
            run.advance(days)
        except Exception as failure:  # any failure of the model is shown, never raised
            self.error = f"The run failed after day {run.day}: {type(failure).__name__}: {failure}"
            return False
        return True


def _why_restart(session: LiveSession, target: LiveSettings) -> str:
    """Why an Apply could not go on from the policy's start."""
    if target.scenario != session.applied.scenario:
        return "since the scenario changed"
    if target.seed != session.applied.seed:
        return "since the seed changed"
    moved = [name for name in target.levers if target.levers[name] != session.applied.levers[name]]
    acting_early = [name.replace("_", " ") for name in moved if name not in FORKABLE]
    if acting_early:
        return f"since {', '.join(acting_early)} acts before the policy's start"
    return "since the new policy starts before the day the run forked"
