"""Running a sweep: every run paired with its counterfactual, saved as it finishes, resumable.

The results store is a folder:

- ``sweep.toml``: the sweep file as given, and ``code_version.txt``: every code version that
  has run part of the sweep, one a line, the first being the one that started it;
- ``scenario.toml``: the base scenario's values the runs were made with (a sweep names its
  scenario, so resuming after the scenario's file has changed is refused);
- ``runs/<run id>.parquet``: one row a run (its parameters, seed, status, error, wall time and
  summary metrics, the deterrence effect among them), written atomically as the run finishes;
- ``weekly/<run id>.parquet``: the run's weekly series, with its counterfactual's arrivals;
- ``results.parquet`` / ``results.csv``: all runs, and ``points.parquet`` / ``points.csv``: the
  mean and 95% interval of each metric over the replicates of each parameter point, both
  rewritten at the end of every invocation.

Running the same sweep again into the same folder runs only what is missing (and retries runs
that failed), so an interrupted sweep loses no finished run and never duplicates one.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import socket
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w
from tqdm import tqdm

from experiments.engine.provenance import code_version
from experiments.engine.spec import Run, SweepError, SweepSpec
from model.model import FREE_BEFORE_POLICY
from model.run import PrefixCache, run_scenario
from model.scenarios import load_scenario

BASE_SCENARIO_FILE = "scenario.toml"
"""The base scenario's values when the store's runs were made (checked when resuming)."""
DASK_CONNECT_TIMEOUT = "20s"
"""How long to wait for a Dask scheduler to answer before giving up."""

RUN_COLUMNS = ("run_id", "point", "replicate", "seed", "status", "error", "wall_seconds")

PREFIXES = PrefixCache(size=2)
"""Each worker process's states at the policy's first day: runs of one seed that differ only
in the policy levers go on from one simulated prefix (such runs go to one worker in turn:
:class:`RunStreams`)."""


def execute(spec: SweepSpec, run: Run) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Run one sweep run with its counterfactual; a run that raises becomes a failed row."""
    started = time.perf_counter()
    row: dict[str, Any] = {
        "run_id": run.run_id,
        "point": run.point,
        "replicate": run.replicate,
        "seed": run.seed,
        **{name: run.overrides[name] for name in spec.varied},
    }
    try:
        result = run_scenario(spec.scenario, run.seed, spec.days, run.overrides, prefixes=PREFIXES)
    except Exception as error:  # any failure of a run is recorded as such, not raised
        message = f"{type(error).__name__}: {error}".splitlines()[0]
        row.update(status="failed", error=message, wall_seconds=time.perf_counter() - started)
        return row, None
    summary = {
        key: value
        for key, value in result.summary.items()
        if isinstance(value, int | float) and (spec.outputs is None or key in spec.outputs)
    }
    row.update(status="ok", error="", wall_seconds=time.perf_counter() - started, **summary)
    weekly = result.weekly.copy()
    weekly.insert(0, "run_id", run.run_id)
    weekly["counterfactual_arrivals"] = result.counterfactual_weekly["arrivals"].to_numpy()
    return row, weekly


class ResultsStore:
    """The folder a sweep writes to (see the module docstring)."""

    def __init__(self, folder: Path, spec: SweepSpec) -> None:
        """Open ``folder`` for ``spec``, refusing a folder that holds another sweep.

        The folder is locked while the store is open: a second sweep into it (another
        process, or another store in this one) is refused, naming who holds it.
        """
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise SweepError(f"--out {str(folder)!r} is a file: allowed is a folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = _lock_folder(self.folder)
        try:
            self._open(spec)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the folder's lock (also released when the process ends)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _open(self, spec: SweepSpec) -> None:
        folder = self.folder
        saved = self.folder / "sweep.toml"
        if saved.exists() and saved.read_text() != spec.text:
            raise SweepError(
                f"{str(folder)!r} holds a different sweep: allowed is the same sweep file "
                "(to resume it) or a new folder"
            )
        self._check_base_scenario(spec)
        for sub in ("runs", "weekly"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self._remove_unfinished_writes()
        saved.write_text(spec.text)
        (self.folder / BASE_SCENARIO_FILE).write_text(tomli_w.dumps(load_scenario(spec.scenario)))

    def _remove_unfinished_writes(self) -> None:
        """Delete temporary files a killed writer left (see :func:`_write_atomically`).

        The folder is locked, so no process writes into it now: a temporary file here is one
        whose rename never came, and its run is redone.
        """
        for sub in ("runs", "weekly"):
            for partial in (self.folder / sub).glob(f".*{PARTIAL_SUFFIX}"):
                partial.unlink(missing_ok=True)

    def _check_base_scenario(self, spec: SweepSpec) -> None:
        """Refuse to resume runs made when the base scenario's file said something else.

        A sweep names its scenario, so the same sweep file can meet an edited scenario file
        (a new calibration, say); runs of the old values must not be mixed with new ones.
        """
        stored = self.folder / BASE_SCENARIO_FILE
        if not stored.exists():
            return
        before, now = tomllib.loads(stored.read_text()), load_scenario(spec.scenario)
        changed = sorted(name for name in {*before, *now} if before.get(name) != now.get(name))
        if changed:
            raise SweepError(
                f"{str(self.folder)!r} was run with scenario {spec.scenario!r} as it was before "
                f"(changed since: {', '.join(changed)}): allowed is a new folder, or remove "
                "this one to rerun"
            )

    def record_code_version(self) -> None:
        """Add this code's version to those that have run into the store (one a line)."""
        path = self.folder / "code_version.txt"
        versions = path.read_text().split() if path.exists() else []
        if code_version() not in versions:
            path.write_text("".join(f"{version}\n" for version in [*versions, code_version()]))

    def finished(self) -> set[str]:
        """Run ids already stored with status ok (an unreadable run file is quarantined)."""
        done = set()
        for path in sorted((self.folder / "runs").glob("*.parquet")):
            row = self._read_run(path, columns=["status"])
            if row is not None and row["status"].iloc[0] == "ok":
                done.add(path.stem)
        return done

    def _read_run(self, path: Path, columns: list[str] | None = None) -> pd.DataFrame | None:
        """A stored run's row, or None after moving an unreadable file aside (it is rerun)."""
        try:
            return pd.read_parquet(path, columns=columns)
        except Exception as error:  # any way a half-written or damaged file fails to read
            quarantine = self.folder / "quarantine"
            quarantine.mkdir(exist_ok=True)
            os.replace(path, quarantine / path.name)
            weekly = self.folder / "weekly" / path.name
            if weekly.exists():
                os.replace(weekly, quarantine / f"weekly-{path.name}")
            print(
                f"deterrence: warning: run file {path.name} could not be read "
                f"({type(error).__name__}); moved to {quarantine.name}/ and the run is redone",
                file=sys.stderr,
            )
            return None

    def save(self, row: dict[str, Any], weekly: pd.DataFrame | None) -> None:
        """Store one run's row (and weekly series), each written whole or not at all.

        A write that fails (a full disk, a folder removed under the sweep) is a one-line
        :class:`SweepError`; the runs stored before it are kept.
        """
        try:
            if weekly is not None:
                _write_atomically(weekly, self.folder / "weekly" / f"{row['run_id']}.parquet")
            _write_atomically(
                pd.DataFrame([row]), self.folder / "runs" / f"{row['run_id']}.parquet"
            )
        except OSError as error:
            raise SweepError(
                f"run {row['run_id']} could not be written to {str(self.folder)!r}: "
                f"{error.strerror or error}; the runs written before it are kept: free "
                "the space and run the same command again to finish the rest"
            ) from None

    def results(self) -> pd.DataFrame:
        """Every stored run, one row each, in run order."""
        paths = sorted((self.folder / "runs").glob("*.parquet"))
        rows = [row for row in map(self._read_run, paths) if row is not None]
        if not rows:
            return pd.DataFrame(columns=list(RUN_COLUMNS))
        return pd.concat(rows, ignore_index=True)

    def consolidate(self, spec: SweepSpec) -> pd.DataFrame:
        """Write the results table and the per-point summary; returns the results."""
        results = self.results()
        results.to_parquet(self.folder / "results.parquet", index=False)
        results.to_csv(self.folder / "results.csv", index=False)
        points = summarise_points(results, list(spec.varied))
        points.to_parquet(self.folder / "points.parquet", index=False)
        points.to_csv(self.folder / "points.csv", index=False)
        return results


PARTIAL_SUFFIX = ".partial"


def _write_atomically(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` to ``path`` whole or not at all, and durably.

    Into a temporary file of this process's own name, synced to disk, then renamed over the
    target, and the folder synced, so that neither a crash nor a second writer leaves a
    half-written file under the target's name.
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}{PARTIAL_SUFFIX}")
    table.to_parquet(partial, index=False)
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


LOCK_FILE = ".sweep.lock"


def _lock_folder(folder: Path):
    """An exclusive lock on ``folder`` held by the returned open file, or a one-line refusal."""
    import fcntl
    import socket

    handle = (folder / LOCK_FILE).open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise SweepError(
            f"{str(folder)!r} is being written by another sweep ({holder}): allowed is one "
            "sweep a folder at a time; wait for it to finish, or choose another folder"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(
        f"pid {os.getpid()} on {socket.gethostname()} since {time.strftime('%Y-%m-%d %H:%M:%S')}"
    )
    handle.flush()
    return handle


def summarise_points(results: pd.DataFrame, varied: list[str]) -> pd.DataFrame:
    """Mean and 95% interval (t-based) of each metric over the replicates of each point."""
    ok = results[results["status"] == "ok"]
    metrics = [
        column
        for column in ok.columns
        if column not in (*RUN_COLUMNS, *varied) and pd.api.types.is_numeric_dtype(ok[column])
    ]
    rows = []
    for point, group in ok.groupby("point"):
        row = {"point": point, **group.iloc[0][varied].to_dict(), "replicates": len(group)}
        for metric in metrics:
            mean, half_width = _mean_interval(group[metric].to_numpy(dtype=float))
            row[f"{metric}_mean"] = mean
            row[f"{metric}_low"] = mean - half_width
            row[f"{metric}_high"] = mean + half_width
        rows.append(row)
    return pd.DataFrame(rows)


def _mean_interval(values: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    values = values[np.isfinite(values)]
    if len(values) == 0:
        return math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan
    half_width = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return mean, float(half_width)


def run_sweep(
    spec: SweepSpec,
    folder: Path,
    workers: int = 1,
    progress: bool = True,
    scheduler: str | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    stop: threading.Event | None = None,
    pool: PoolFactory | None = None,
) -> pd.DataFrame:
    """Run what is missing of ``spec`` into ``folder``; returns all results.

    ``workers`` = 1 runs in this process; more run on that many local processes
    (:func:`process_pool`), or on the pool that ``pool`` makes, with any number of workers.
    With ``scheduler`` (a Dask scheduler's address) the runs go to that Dask cluster instead.
    Whichever engine runs them, the rows are the same.

    ``on_result`` is called with each run's row once it is saved. ``stop`` is checked after
    each finished run, and on a pool every ``POLL_SECONDS`` while runs are under way: once it
    is set, no run is handed out, the runs under way on a pool are ended at once (their results
    would not be kept), and the runs stored so far are consolidated and returned; running the
    same sweep again finishes the rest.
    """
    if workers < 1:
        raise SweepError(f"--workers={workers} is not valid: allowed is a whole number >= 1")
    store = ResultsStore(folder, spec)
    with closing(store):
        return _run_into(store, spec, workers, progress, scheduler, on_result, stop, pool)


def _run_into(store, spec, workers, progress, scheduler, on_result, stop, pool) -> pd.DataFrame:
    """:func:`run_sweep`'s work, in an open (locked) store."""
    done = store.finished()
    # A fixed order (replicate, then point); RunStreams groups the runs that share a prefix.
    pending = sorted(
        (run for run in spec.runs() if run.run_id not in done),
        key=lambda run: (run.replicate, run.point),
    )
    if pending:
        store.record_code_version()
    if scheduler:
        outcomes = _outcomes_on_dask(spec, pending, scheduler)
    elif not pending or (pool is None and (workers == 1 or len(pending) <= 1)):
        outcomes = (execute(spec, run) for run in pending)
    else:
        outcomes = _outcomes_on_pool(spec, pending, pool or process_pool, workers, stop)
    failed = 0
    # closing(): on an early stop the engine cancels its pending runs before consolidation.
    with (
        closing(outcomes),
        tqdm(
            total=len(spec.runs()),
            initial=len(done),
            unit="run",
            disable=not progress,
            desc=spec.name,
        ) as bar,
    ):
        for row, weekly in outcomes:
            store.save(row, weekly)
            failed += row["status"] == "failed"
            bar.set_postfix(failed=failed)
            bar.update()
            if on_result is not None:
                on_result(row)
            if stop is not None and stop.is_set():
                break
    return store.consolidate(spec)


POLL_SECONDS = 0.2
"""How often a sweep on a pool looks for a stop while runs are under way."""

WORKER_CHECK_SECONDS = 0.2
"""How often a worker process checks whether its sweep was stopped or has gone."""

PoolFactory = Callable[[int], tuple[Executor, Callable[[], None]]]
"""Makes a pool of N workers; returns it with a function that ends the runs under way."""


def _end_with_sweep(stopped: Any, parent_pid: int) -> None:
    """In a worker process: end at once when the sweep is stopped or has gone.

    A run has no point at which to stop politely, and its result would have no one to go to:
    a sweep stopped by SIGTERM (or killed) ends at once, and its workers would otherwise finish
    their runs minutes later for nothing. ``stopped`` is a shared flag read without a lock: a
    worker killed while waiting on a lock (an Event's) would leave the sweep waiting on it.
    """

    def watch() -> None:
        while not stopped.value and os.getppid() == parent_pid:
            time.sleep(WORKER_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-sweep", daemon=True).start()


def process_pool(workers: int) -> tuple[Executor, Callable[[], None]]:
    """``workers`` fresh processes, and the function that ends their runs under way."""
    context = multiprocessing.get_context("spawn")  # a clean process, not a copy of this one
    stopped = context.RawValue("b", 0)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_end_with_sweep,
        initargs=(stopped, os.getpid()),
    )

    def end_runs() -> None:
        stopped.value = 1

    return pool, end_runs


def _outcomes_on_pool(
    spec: SweepSpec,
    runs: list[Run],
    make_pool: PoolFactory,
    workers: int,
    stop: threading.Event | None,
) -> Iterator[tuple[dict[str, Any], pd.DataFrame | None]]:
    """The runs' outcomes as they finish, on ``workers`` lanes of one process each.

    Each lane is a pool of one worker that never holds more than one run, so a stop leaves no
    queue of runs to cancel: it is seen within ``POLL_SECONDS``, and the runs under way are
    ended rather than waited for (as they are when the consumer stops early or raises, say on
    Ctrl-C). Runs that share their days before the policy go to one lane one after the other
    (:class:`RunStreams`), so that the lane's prefix cache (``PREFIXES``) serves them all.
    """
    streams = RunStreams(runs)
    lanes = [make_pool(1) for _ in range(workers)]
    under_way: dict[Future, tuple[int, Run]] = {}

    def hand_out(lane: int) -> None:
        run = streams.next_for(lane) if stop is None or not stop.is_set() else None
        if run is not None:
            under_way[lanes[lane][0].submit(execute, spec, run)] = (lane, run)

    try:
        for lane in range(workers):
            hand_out(lane)
        while under_way and (stop is None or not stop.is_set()):
            finished, _ = wait(under_way, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in finished:
                lane, run = under_way.pop(future)
                yield _outcome(future, run)
                hand_out(lane)
    finally:
        stopped_early = bool(under_way)
        for pool, end_runs in lanes:
            if stopped_early:  # end the runs under way, wait for nothing
                end_runs()
            pool.shutdown(wait=not stopped_early, cancel_futures=True)


def prefix_group(run: Run) -> tuple:
    """What a run's days before the policy depend on: its seed and every non-lever override.

    Runs of one group differ only in the policy levers or the returns arrangements'
    parameters (``model.model.FREE_BEFORE_POLICY``), so they can go on from
    one simulated prefix, and share their counterfactual (see ``PrefixCache``).
    """
    fixed = sorted((name, repr(value)) for name, value in run.overrides.items())
    return (run.seed, tuple(item for item in fixed if item[0] not in FREE_BEFORE_POLICY))


class RunStreams:
    """The runs to hand out, as streams of runs that share a prefix, and who works on which.

    A free lane goes on with its own stream; when that is done it starts the next stream no
    lane has touched, and only when there is none does it help with the stream that has most
    runs left (paying for that prefix once more, rather than standing idle).
    """

    def __init__(self, runs: list[Run]) -> None:
        streams: dict[tuple, list[Run]] = {}
        for run in runs:
            streams.setdefault(prefix_group(run), []).append(run)
        self._untouched = [stream[::-1] for stream in streams.values()]  # pop() from the end
        self._untouched.reverse()
        self._started: list[list[Run]] = []
        self._lane_stream: dict[int, list[Run]] = {}

    def next_for(self, lane: int) -> Run | None:
        """The next run for ``lane``, or None when every run has been handed out."""
        stream = self._lane_stream.get(lane)
        if not stream:
            stream = self._stream_for_a_free_lane()
            if stream is None:
                return None
            self._lane_stream[lane] = stream
        return stream.pop()

    def _stream_for_a_free_lane(self) -> list[Run] | None:
        self._started = [stream for stream in self._started if stream]
        if self._untouched:
            stream = self._untouched.pop()
            self._started.append(stream)
            return stream
        return max(self._started, key=len, default=None)


def _outcome(future: Future, run: Run) -> tuple[dict[str, Any], pd.DataFrame | None]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise SweepError(
            f"a worker process died during run {run.run_id}; finished runs are kept: run the "
            "same command again to finish the rest"
        ) from None


SCHEDULER_ANSWER_SECONDS = 5.0
"""How long a Dask scheduler has to say who it is when a sweep starts."""


def check_scheduler(address: str) -> None:
    """Refuse, in one line and within seconds, an address that is not a Dask scheduler's.

    Only ``tcp://HOST:PORT`` (or ``HOST:PORT``, a port from 1 to 65535) is allowed. Whatever
    listens there must answer Dask's identity request as a scheduler within
    ``SCHEDULER_ANSWER_SECONDS``: a wrong port (the dashboard's, another service) otherwise
    hangs the client for minutes.
    """
    import asyncio

    scheme, _, rest = address.rpartition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("", "tcp") or not host or not (port.isdigit() and 0 < int(port) < 2**16):
        raise SweepError(
            f"--scheduler {address!r} is not valid: allowed is a Dask scheduler's address, "
            "tcp://HOST:PORT (TLS and other protocols are not supported)"
        )
    try:
        # a closed port is refused at once here, where Dask's connect retries until its timeout
        socket.create_connection(
            (host.strip("[]"), int(port)), timeout=SCHEDULER_ANSWER_SECONDS
        ).close()
        identity = asyncio.run(
            asyncio.wait_for(_identity(f"tcp://{rest}"), SCHEDULER_ANSWER_SECONDS)
        )
    except (OSError, TimeoutError, EOFError) as error:
        raise SweepError(
            f"--scheduler {address!r}: no Dask scheduler answers there within "
            f"{SCHEDULER_ANSWER_SECONDS:g} s ({type(error).__name__})"
        ) from None
    except Exception as error:  # a reply Dask cannot decode: another protocol on that port
        raise SweepError(
            f"--scheduler {address!r} answers in another protocol than Dask's "
            f"({type(error).__name__}): allowed is a Dask scheduler's address"
        ) from None
    kind = identity.get("type") if isinstance(identity, dict) else None
    if kind != "Scheduler":
        raise SweepError(
            f"--scheduler {address!r} answers as {kind or 'something else'}, not a Dask "
            "scheduler: allowed is a scheduler's address (not a worker's or the dashboard's)"
        )


async def _identity(address: str) -> Any:
    from distributed.comm import connect

    comm = await connect(address, timeout=SCHEDULER_ANSWER_SECONDS)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def _outcomes_on_dask(
    spec: SweepSpec, runs: list[Run], scheduler: str
) -> Iterator[tuple[dict[str, Any], pd.DataFrame | None]]:
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise SweepError(
            f"--scheduler {scheduler!r}: no Dask scheduler answers there ({error})"
        ) from None
    with client:
        futures = {
            client.submit(execute, spec, run, pure=False, key=f"{spec.name}-{run.run_id}"): run
            for run in runs
        }
        try:
            for future in as_completed(futures, loop=client.loop):
                try:
                    yield future.result()
                except Exception as error:  # a worker died or the cluster failed the task
                    raise SweepError(
                        f"the Dask cluster lost run {futures[future].run_id} "
                        f"({type(error).__name__}); finished runs are kept: run the same "
                        "command again to finish the rest"
                    ) from None
        finally:
            client.cancel([future for future in futures if not future.done()])
