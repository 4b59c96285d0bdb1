"""Work a browser session runs in a thread that no page owns: a sweep, a check with the model.

Pages follow the work by waiting for news of it, and the session's end stops it and removes
the folders it wrote. :class:`SessionJob` holds what those have in common; each kind of work
says how it is cancelled and which folders are its own.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(eq=False)
class SessionJob:
    """A session's work in a thread of its own; subclasses define :meth:`cancel`."""

    stop_wait_seconds = 10.0
    """How long an ending session waits for its cancelled work before removing its folders."""

    _thread: threading.Thread | None = None
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def cancel(self) -> None:
        """Stop the work under way, if any."""
        raise NotImplementedError

    def folders_to_remove(self) -> list[Path]:
        """The folders the session's end removes."""
        raise NotImplementedError

    def join(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the work's thread to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def end(self) -> None:
        """Cancel the work, wait for it, then remove the session's folders (it has ended)."""
        self.cancel()
        self.join(self.stop_wait_seconds)  # so that nothing writes into a removed folder
        for folder in self.folders_to_remove():
            shutil.rmtree(folder, ignore_errors=True)

    def _start_thread(self, target: Callable[..., Any], name: str, *args: Any) -> None:
        self._thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._thread.start()

    def _wait_until(self, changed: Callable[[], bool], timeout: float) -> None:
        """Wait until ``changed()`` holds (checked at each news), or ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(changed, timeout)

    def _notify(self) -> None:
        """Wake every page waiting for news."""
        with self._changed:
            self._changed.notify_all()
