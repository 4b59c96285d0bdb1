"""The sweep page's sessions: one a browser session, kept across its kernels (tabs, reloads),
bounded in number, and ended with the session: its sweep cancelled and its results folders
removed, unless the user kept them."""

import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import experiments.engine.runner as engine
import viz.sweep_page as sweep_page
from experiments.engine.spec import SweepError
from viz.sweep_form import Axis, SweepChoice, build_spec
from viz.sweep_runner import CANCELLED, FINISHED
from viz.sweep_sessions import SweepSessions

SPEC = build_spec(SweepChoice(axes=(Axis("return_cap_per_week", 0, 300, 4),), replicates=1))


def instant_row(spec, run):
    """A run's row as the engine makes it, made at once (no model run)."""
    row = {"run_id": run.run_id, "point": run.point, "replicate": run.replicate, "seed": run.seed}
    row.update({name: run.overrides[name] for name in spec.varied})
    row.update(status="ok", error="", wall_seconds=0.0, arrivals=float(run.point))
    return row, None


def thread_pool(workers: int):
    return ThreadPoolExecutor(workers), lambda: None


@pytest.fixture(autouse=True)
def instant_runs(tmp_path, monkeypatch):
    """Runs made at once in this process, into this test's folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(engine, "execute", instant_row)


def finished_session(sessions: SweepSessions, session_id: str):
    session = sessions.session(session_id)
    session.start(SPEC, 1, pool=thread_pool)
    session.join(30)
    assert session.progress.state == FINISHED and session.folders[0].exists()
    return session


def test_a_session_is_kept_by_its_id_across_its_kernels():
    sessions = SweepSessions(grace_seconds=60.0)
    sessions.kernel_opened("browser-1", "tab-1")
    session = finished_session(sessions, "browser-1")
    assert sessions.kernel_closed("browser-1", "tab-1") is not None  # a reload: old kernel gone
    sessions.kernel_opened("browser-1", "tab-2")  # ... and the new one opened in time
    sessions.forget_if_closed("browser-1")  # the timer, had it not been cancelled
    assert sessions.session("browser-1") is session and session.folders[0].exists()
    assert sessions.session("browser-2") is not session


def test_a_second_tab_keeps_the_session_when_the_first_closes():
    sessions = SweepSessions(grace_seconds=0.0)
    for tab in ("tab-1", "tab-2"):
        sessions.kernel_opened("browser-1", tab)
    session = finished_session(sessions, "browser-1")
    assert sessions.kernel_closed("browser-1", "tab-1") is None
    assert "browser-1" in sessions and session.folders[0].exists()


def test_the_session_end_removes_its_results_folders():
    sessions = SweepSessions(grace_seconds=0.0)
    sessions.kernel_opened("browser-1", "tab-1")
    session = finished_session(sessions, "browser-1")
    sessions.kernel_closed("browser-1", "tab-1").join(30)
    assert "browser-1" not in sessions
    assert not session.folders[0].exists()


def test_kept_results_outlive_the_session():
    sessions = SweepSessions(grace_seconds=0.0)
    sessions.kernel_opened("browser-1", "tab-1")
    session = finished_session(sessions, "browser-1")
    session.keep_results = True
    sessions.kernel_closed("browser-1", "tab-1").join(30)
    assert "browser-1" not in sessions
    assert (session.folders[0] / "results.csv").exists()


def test_the_session_end_cancels_its_running_sweep(monkeypatch):
    release = threading.Event()

    def slow_row(spec, run):
        release.wait(60)
        return instant_row(spec, run)

    monkeypatch.setattr(engine, "execute", slow_row)
    sessions = SweepSessions(grace_seconds=0.0)
    sessions.kernel_opened("browser-1", "tab-1")
    session = sessions.session("browser-1")
    session.start(SPEC, 1, pool=thread_pool)
    try:
        sessions.kernel_closed("browser-1", "tab-1").join(30)
        assert session.progress.state == CANCELLED and session.progress.done == 0
        assert not session.folders[0].exists()
    finally:
        release.set()


def test_the_page_counts_its_kernels_through_solara(monkeypatch):
    """The hook run at each kernel's start opens it; the clean-up it returns closes it."""
    sessions = SweepSessions(grace_seconds=0.0)
    monkeypatch.setattr(sweep_page, "SESSIONS", sessions)
    monkeypatch.setattr(sweep_page.solara, "get_session_id", lambda: "browser-1")
    monkeypatch.setattr(sweep_page.solara, "get_kernel_id", lambda: "tab-1")
    closed = sweep_page._follow_kernel()
    session = finished_session(sessions, "browser-1")
    closed().join(30)
    assert "browser-1" not in sessions and not session.folders[0].exists()


def test_sessions_are_bounded_and_the_least_needed_ends_first():
    sessions = SweepSessions(limit=2, grace_seconds=60.0)
    sessions.kernel_opened("open", "tab")
    open_one = finished_session(sessions, "open")
    closed_one = finished_session(sessions, "closed")  # no kernel: its browser has gone
    sessions.session("open")  # used most recently, too
    sessions.session("third")
    assert len(sessions) == 2 and "closed" not in sessions and "open" in sessions
    assert not closed_one.folders[0].exists() and open_one.folders[0].exists()


def test_a_full_server_of_running_sweeps_refuses_a_new_session_in_one_line(monkeypatch):
    release = threading.Event()

    def slow_row(spec, run):
        release.wait(60)
        return instant_row(spec, run)

    monkeypatch.setattr(engine, "execute", slow_row)
    sessions = SweepSessions(limit=1, grace_seconds=60.0)
    try:
        sessions.session("busy").start(SPEC, 1, pool=thread_pool)
        with pytest.raises(SweepError, match="allowed are at most 1 at once"):
            sessions.session("new")
    finally:
        release.set()
        sessions.forget_all()


def test_a_second_sweep_waits_for_the_first(monkeypatch):
    release = threading.Event()

    def slow_row(spec, run):
        release.wait(60)
        return instant_row(spec, run)

    monkeypatch.setattr(engine, "execute", slow_row)
    session = SweepSessions().session("browser-1")
    try:
        session.start(SPEC, 1, pool=thread_pool)
        with pytest.raises(SweepError, match="a sweep is running already"):
            session.start(SPEC, 1, pool=thread_pool)
    finally:
        release.set()
        session.end()
