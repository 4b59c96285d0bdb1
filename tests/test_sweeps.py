import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import experiments.engine.runner as sweep_module
from experiments.cli import main as cli
from experiments.engine.runner import (
    LOCK_FILE,
    PARTIAL_SUFFIX,
    ResultsStore,
    RunStreams,
    check_scheduler,
    prefix_group,
    run_sweep,
    summarise_points,
)
from experiments.engine.spec import Run, SweepError, load_sweep, parse_sweep

SWEEPS = Path(__file__).resolve().parents[1] / "experiments" / "sweeps"

TINY = """
[sweep]
scenario = "pilot"
days = 30
replicates = 2
master_seed = 11

[fixed]
start_date = 2025-07-20
pilot_start_date = 2025-07-21
first_return_date = 2025-07-25

[vary.return_cap_per_week]
values = [0, 300]
"""


def write(tmp_path: Path, text: str, name: str = "sweep.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def comparable(results: pd.DataFrame) -> pd.DataFrame:
    return results.drop(columns=["wall_seconds"]).sort_values("run_id").reset_index(drop=True)


@pytest.mark.parametrize("name", ["return_cap_x_crackdown.toml", "return_cap_quick.toml"])
def test_shipped_sweep_files_load(name):
    spec = load_sweep(SWEEPS / name)
    runs = spec.runs()
    assert len(runs) == len(spec.points()) * spec.replicates
    assert len({run.run_id for run in runs}) == len(runs)


def test_the_cap_by_crackdown_sweep_covers_both_ranges():
    spec = load_sweep(SWEEPS / "return_cap_x_crackdown.toml")
    caps = {point["return_cap_per_week"] for point in spec.points()}
    crackdowns = {point["crackdown_intensity"] for point in spec.points()}
    assert min(caps) == 0 and max(caps) == 800 and len(caps) > 2
    assert min(crackdowns) == 0.0 and max(crackdowns) == 1.0 and len(crackdowns) > 2
    assert spec.replicates > 1


def test_seeds_derive_from_the_master_seed(tmp_path):
    spec = load_sweep(write(tmp_path, TINY))
    again = load_sweep(write(tmp_path, TINY, "again.toml"))
    assert [run.seed for run in spec.runs()] == [run.seed for run in again.runs()]
    by_replicate = {}
    for run in spec.runs():  # the same seed for a replicate at every point
        by_replicate.setdefault(run.replicate, set()).add(run.seed)
    assert all(len(seeds) == 1 for seeds in by_replicate.values())
    assert len({seeds.pop() for seeds in by_replicate.values()}) == spec.replicates
    other_text = TINY.replace("master_seed = 11", "master_seed = 12")
    other = load_sweep(write(tmp_path, other_text, "o.toml"))
    assert [run.seed for run in other.runs()] != [run.seed for run in spec.runs()]


def test_latin_hypercube_design(tmp_path):
    text = """
[sweep]
design = "latin_hypercube"
samples = 8
replicates = 1
[vary.return_cap_per_week]
low = 0
high = 800
[vary.patrol_intensity]
low = 0.2
high = 0.9
"""
    spec = load_sweep(write(tmp_path, text))
    points = spec.points()
    assert len(points) == 8
    caps = [point["return_cap_per_week"] for point in points]
    assert all(isinstance(cap, int) and 0 <= cap <= 800 for cap in caps)
    assert all(0.2 <= point["patrol_intensity"] <= 0.9 for point in points)
    # one point in each eighth of each range: a latin hypercube
    assert sorted(int(cap // 100.0001) for cap in caps) == list(range(8))
    assert points == load_sweep(write(tmp_path, text, "b.toml")).points()


def test_paired_design_takes_the_ith_value_of_each_parameter(tmp_path):
    text = """
[sweep]
design = "paired"
[vary.return_cap_per_week]
values = [10, 20, 30]
[vary.patrol_intensity]
values = [0.3, 0.5, 0.7]
"""
    points = load_sweep(write(tmp_path, text)).points()
    assert points == [
        {"return_cap_per_week": 10, "patrol_intensity": 0.3},
        {"return_cap_per_week": 20, "patrol_intensity": 0.5},
        {"return_cap_per_week": 30, "patrol_intensity": 0.7},
    ]


def test_a_paired_design_may_repeat_a_value_but_not_a_point(tmp_path):
    text = """
[sweep]
design = "paired"
[vary.return_cap_per_week]
values = [10, 10, 30]
[vary.patrol_intensity]
values = [0.3, 0.5, 0.3]
"""
    points = load_sweep(write(tmp_path, text)).points()
    assert [point["return_cap_per_week"] for point in points] == [10, 10, 30]
    repeated = text.replace("[0.3, 0.5, 0.3]", "[0.3, 0.3, 0.7]")
    with pytest.raises(SweepError, match=r"paired point 2 repeats point 1 .*allowed are distinct"):
        load_sweep(write(tmp_path, repeated, "b.toml"))


BAD_FILES = {
    "unknown parameter": "[vary.no_such_lever]\nvalues = [1]\n",
    "out of bounds": "[vary.patrol_intensity]\nvalues = [0.5, 1.5]\n",
    "bad fixed value": "[fixed]\ncrackdown_intensity = 2.0\n"
    "[vary.return_cap_per_week]\nvalues = [1]\n",
    "malformed": "[vary.return_cap_per_week\nvalues = [1]\n",
    "unknown key": "[sweep]\nrepliccates = 2\n[vary.return_cap_per_week]\nvalues = [1]\n",
    "values and range": "[vary.return_cap_per_week]\nvalues = [1]\n"
    "range = {start=0, stop=1, steps=2}\n",
    "nothing varied": "[sweep]\nreplicates = 2\n",
    "bad design": "[sweep]\ndesign = 'sobolish'\n[vary.return_cap_per_week]\nvalues = [1]\n",
    "paired lengths differ": "[sweep]\ndesign = 'paired'\n[vary.return_cap_per_week]\n"
    "values = [1, 2]\n[vary.patrol_intensity]\nvalues = [0.5]\n",
    "unknown scenario": "[sweep]\nscenario = 'nope'\n[vary.return_cap_per_week]\nvalues = [1]\n",
    "unknown output": "[sweep]\noutputs = ['arrivals', 'arivals']\n"
    "[vary.return_cap_per_week]\nvalues = [1]\n",
    "nested thousands deep": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "range of text": "[vary.return_cap_per_week]\nrange = {start='abc', stop=10, steps=3}\n",
    "range rounding to repeats": "[vary.return_cap_per_week]\n"
    "range = {start=0, stop=3, steps=10}\n",
    "repeated values": "[vary.patrol_intensity]\nvalues = [0.5, 0.5]\n",
    "one-parameter sobol": "[sweep]\ndesign = 'sobol'\nsamples = 8\n"
    "[vary.return_cap_per_week]\nlow = 0\nhigh = 100\n",
    "grid past the run limit": "".join(
        f"[vary.{name}]\nrange = {{start={low}, stop={high}, steps=10000}}\n"
        for name, low, high in (
            ("patrol_intensity", 0, 1),
            ("crackdown_intensity", 0, 1),
            ("smuggler_misinformation", 0, 1),
        )
    ),
    "effect asked of a horizon before the policy": "[sweep]\ndays = 30\n"
    "outputs = ['deterrence_effect']\n[vary.return_cap_per_week]\nvalues = [10, 50]\n",
}
BAD_BYTES = {
    "binary": b"\x00\x01binary\xff\xfe",
    "latin-1": "[vary.return_cap_per_week]\nvalues = [1] # caf\u00e9\n".encode("latin-1"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_sweep_files_are_refused_in_one_line_and_write_nothing(tmp_path, capsys, case):
    path = write(tmp_path, BAD_FILES[case])
    with pytest.raises(SweepError) as refused:
        load_sweep(path)
    assert "\n" not in str(refused.value)
    out = tmp_path / "results"
    assert cli(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("deterrence: error:")
    assert not out.exists()


def test_serial_and_parallel_sweeps_give_identical_rows(tmp_path):
    spec = load_sweep(write(tmp_path, TINY))
    serial = run_sweep(spec, tmp_path / "serial", workers=1, progress=False)
    parallel = run_sweep(spec, tmp_path / "parallel", workers=2, progress=False)
    assert len(serial) == 4 and (serial["status"] == "ok").all()
    pd.testing.assert_frame_equal(comparable(serial), comparable(parallel))
    assert serial["deterrence_effect"].notna().all()
    for name in ("results.parquet", "results.csv", "points.csv", "sweep.toml", "code_version.txt"):
        assert (tmp_path / "serial" / name).exists()
    weekly = pd.read_parquet(tmp_path / "serial" / "weekly" / "p00001-r000.parquet")
    assert {"arrivals", "counterfactual_arrivals", "run_id"} <= set(weekly.columns)


def test_an_interrupted_sweep_resumes_to_exactly_the_full_set(tmp_path, monkeypatch):
    spec = load_sweep(write(tmp_path, TINY))
    full = run_sweep(spec, tmp_path / "full", workers=1, progress=False)
    folder = tmp_path / "resumed"
    calls = []
    real_execute = sweep_module.execute

    def execute_then_die(spec, run):
        if len(calls) == 2:
            raise KeyboardInterrupt  # as Ctrl-C would, after two finished runs
        calls.append(run.run_id)
        return real_execute(spec, run)

    monkeypatch.setattr(sweep_module, "execute", execute_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, folder, workers=1, progress=False)
    assert len(list((folder / "runs").glob("*.parquet"))) == 2

    monkeypatch.setattr(sweep_module, "execute", real_execute)
    resumed = run_sweep(spec, folder, workers=1, progress=False)
    assert len(resumed) == 4 and resumed["run_id"].is_unique
    pd.testing.assert_frame_equal(comparable(resumed), comparable(full))

    ran_again = []
    monkeypatch.setattr(
        sweep_module, "execute", lambda spec, run: ran_again.append(run) or real_execute(spec, run)
    )
    run_sweep(spec, folder, workers=1, progress=False)
    assert ran_again == []  # nothing missing, nothing run


def test_a_killed_sweep_process_loses_no_finished_run(tmp_path):
    path = write(tmp_path, TINY)
    folder = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "experiments.cli",
        "sweep",
        str(path),
        "--out",
        str(folder),
        "--workers",
        "1",
        "--quiet",
    ]
    process = subprocess.Popen(command)
    runs = folder / "runs"
    for _ in range(600):  # wait (at most a minute) for the first finished run, then kill
        if runs.exists() and any(runs.glob("*.parquet")):
            break
        if process.poll() is not None:
            break
        subprocess.run(["sleep", "0.1"], check=True)
    process.kill()
    process.wait()
    kept = sorted(runs.glob("*.parquet"))
    assert kept  # each finished run whole under its own name (a kill mid-write leaves a
    for run_file in kept:  # temporary file beside them, which the next open removes)
        assert pd.read_parquet(run_file)["status"].iloc[0] == "ok"
    assert subprocess.run(command, check=False).returncode == 0
    results = pd.read_parquet(folder / "results.parquet")
    assert sorted(results["run_id"]) == sorted(run.run_id for run in load_sweep(path).runs())
    assert not list(folder.rglob("*.partial"))


def test_a_write_cut_short_by_a_kill_is_cleared_and_its_run_redone(tmp_path):
    spec = load_sweep(write(tmp_path, TINY))
    folder = tmp_path / "out"
    run_sweep(spec, folder, workers=1, progress=False)
    first = spec.runs()[0].run_id
    for sub in ("runs", "weekly"):  # what a kill between writing and renaming leaves
        (folder / sub / f"{first}.parquet").replace(
            folder / sub / f".{first}.parquet.4242.1{PARTIAL_SUFFIX}"
        )
    results = run_sweep(spec, folder, workers=1, progress=False)
    assert sorted(results["run_id"]) == sorted(run.run_id for run in spec.runs())
    assert (results["status"] == "ok").all()
    assert not list(folder.rglob(f"*{PARTIAL_SUFFIX}"))


def test_a_run_that_raises_is_recorded_as_failed_and_the_sweep_goes_on(tmp_path, monkeypatch):
    spec = load_sweep(write(tmp_path, TINY))
    real = sweep_module.run_scenario

    def fails_at_high_cap(scenario, seed, days, overrides, **options):
        if overrides["return_cap_per_week"] == 300:
            raise RuntimeError("boom\nsecond line")
        return real(scenario, seed, days, overrides, **options)

    monkeypatch.setattr(sweep_module, "run_scenario", fails_at_high_cap)
    results = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    failed = results[results["status"] == "failed"]
    assert len(results) == 4 and len(failed) == 2
    assert (failed["error"] == "RuntimeError: boom").all()
    assert (results.loc[results["status"] == "ok", "return_cap_per_week"] == 0).all()

    monkeypatch.setattr(sweep_module, "run_scenario", real)  # a rerun retries the failures
    results = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert (results["status"] == "ok").all() and len(results) == 4


def test_a_folder_holding_another_sweep_is_refused(tmp_path):
    spec = load_sweep(write(tmp_path, TINY))
    run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    other = load_sweep(
        write(tmp_path, TINY.replace("values = [0, 300]", "values = [0, 100]"), "other.toml")
    )
    with pytest.raises(SweepError, match="different sweep"):
        run_sweep(other, tmp_path / "out", workers=1, progress=False)


def test_point_summaries_have_a_mean_and_interval():
    results = pd.DataFrame(
        {
            "run_id": ["a", "b", "c"],
            "point": [0, 0, 1],
            "replicate": [0, 1, 0],
            "seed": [1, 2, 1],
            "status": ["ok"] * 3,
            "error": [""] * 3,
            "wall_seconds": [1.0] * 3,
            "return_cap_per_week": [0, 0, 50],
            "arrivals": [100.0, 120.0, 80.0],
        }
    )
    points = summarise_points(results, ["return_cap_per_week"])
    first = points.iloc[0]
    assert first["arrivals_mean"] == 110.0
    # t(0.975, 1) = 12.706, sd = 14.142, n = 2
    assert first["arrivals_high"] - first["arrivals_mean"] == pytest.approx(12.706 * 10.0, rel=1e-3)
    assert np.isnan(points.iloc[1]["arrivals_high"])  # one replicate: no interval


def test_dask_cluster_gives_the_same_rows_as_local_runs(tmp_path):
    from distributed import LocalCluster

    spec = load_sweep(write(tmp_path, TINY))
    serial = run_sweep(spec, tmp_path / "serial", workers=1, progress=False)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=":0", processes=True
    ) as cluster:
        check_scheduler(cluster.scheduler_address)  # a scheduler says so
        on_dask = run_sweep(
            spec, tmp_path / "dask", progress=False, scheduler=cluster.scheduler_address
        )
        # the dashboard's port answers HTTP, not Dask: refused within seconds, not minutes
        dashboard_port = cluster.dashboard_link.split(":")[-1].split("/")[0]
        with pytest.raises(SweepError, match="no Dask scheduler answers there within 5 s"):
            check_scheduler(f"tcp://127.0.0.1:{dashboard_port}")
    pd.testing.assert_frame_equal(comparable(serial), comparable(on_dask))


@pytest.mark.parametrize(
    "address", ["notaurl", "http://127.0.0.1:8786", "tls://127.0.0.1:8786", "tcp://host:port"]
)
def test_a_scheduler_address_of_another_form_is_refused_at_once(address):
    with pytest.raises(SweepError, match="allowed is a Dask scheduler's address, tcp://HOST:PORT"):
        check_scheduler(address)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_module, "DASK_CONNECT_TIMEOUT", "2s")
    spec = load_sweep(write(tmp_path, TINY))
    with pytest.raises(SweepError, match="no Dask scheduler answers"):
        run_sweep(spec, tmp_path / "out", progress=False, scheduler="tcp://127.0.0.1:9")


SOBOL = """
[sweep]
scenario = "pilot"
design = "sobol"
samples = 4
days = 40
master_seed = 3
[fixed]
start_date = 2025-07-20
pilot_start_date = 2025-07-21
first_return_date = 2025-07-25
[vary.return_cap_per_week]
low = 0
high = 800
[vary.initial_gangs]
low = 2
high = 20
"""


@pytest.mark.parametrize("case", sorted(BAD_BYTES))
def test_sweep_files_that_are_not_utf8_text_are_refused_in_one_line(tmp_path, capsys, case):
    path = tmp_path / "bad.toml"
    path.write_bytes(BAD_BYTES[case])
    out = tmp_path / "results"
    assert cli(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not UTF-8 text" in err[0]
    assert not out.exists()


def test_an_unknown_metric_or_an_unwritable_folder_is_refused_before_any_run(tmp_path, capsys):
    path = write(tmp_path, "[sweep]\ndays = 5\n[vary.return_cap_per_week]\nvalues = [1, 2]\n")
    out = tmp_path / "results"
    assert cli(["sweep", str(path), "--out", str(out), "--metric", "nonsense", "--quiet"]) == 2
    assert "--metric 'nonsense' is not a summary metric" in capsys.readouterr().err
    assert not out.exists()
    below_a_file = tmp_path / "a-file"
    below_a_file.write_text("")
    assert cli(["sweep", str(path), "--out", str(below_a_file / "out"), "--quiet"]) == 2
    assert "cannot be written" in capsys.readouterr().err
    assert cli(["run", "--days", "5", "--out", str(below_a_file / "out"), "--quiet"]) == 2
    assert "cannot be written" in capsys.readouterr().err


def test_sobol_design_and_indices(tmp_path):
    from experiments.engine.analysis import figures_for, sobol_indices

    spec = load_sweep(write(tmp_path, SOBOL))
    assert len(spec.points()) == 4 * (2 + 2)  # Saltelli: N * (parameters + 2)
    results = run_sweep(spec, tmp_path / "out", workers=2, progress=False)
    indices = sobol_indices(spec, results, "arrivals")
    assert list(indices["parameter"]) == ["return_cap_per_week", "initial_gangs"]
    assert np.isfinite(indices[["first_order", "total"]].to_numpy()).all()
    written = figures_for(tmp_path / "out", "arrivals")
    assert [path.name for path in written] == ["sobol_arrivals.csv"]


def test_figures_suit_the_design(tmp_path):
    from experiments.engine.analysis import figures_for

    one = load_sweep(write(tmp_path, TINY))
    run_sweep(one, tmp_path / "one", workers=2, progress=False)
    assert [p.name for p in figures_for(tmp_path / "one")] == ["deterrence_effect.png"]
    two_text = TINY + "\n[vary.crackdown_intensity]\nvalues = [0.0, 1.0]\n"
    two = load_sweep(write(tmp_path, two_text, "two.toml"))
    run_sweep(two, tmp_path / "two", workers=2, progress=False)
    (figure,) = figures_for(tmp_path / "two")
    assert figure.read_bytes().startswith(b"\x89PNG")


def _worker_pids(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def test_a_dead_worker_is_a_clear_error_and_loses_nothing(tmp_path):
    path = write(
        tmp_path,
        TINY.replace("days = 30", "days = 120").replace(
            "values = [0, 300]", "values = [0, 100, 200, 300]"
        ),
    )
    folder = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "experiments.cli",
        "sweep",
        str(path),
        "--out",
        str(folder),
        "--workers",
        "2",
        "--quiet",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    runs = folder / "runs"
    for _ in range(900):  # wait for a finished run and for the workers to be busy again
        if runs.exists() and any(runs.glob("*.parquet")) and _worker_pids(process.pid):
            break
        subprocess.run(["sleep", "0.1"], check=True)
    victims = _worker_pids(process.pid)
    assert victims, "no worker process found"
    subprocess.run(["kill", "-9", str(victims[0])], check=True)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "worker process died" in lines[0] and "Traceback" not in err
    kept = len(list(runs.glob("*.parquet")))
    assert kept >= 1
    assert subprocess.run(command, check=False).returncode == 0
    results = pd.read_parquet(folder / "results.parquet")
    assert len(results) == 8 and results["run_id"].is_unique and (results["status"] == "ok").all()


def test_sweep_file_round_trip_through_the_results_store(tmp_path):
    spec = load_sweep(write(tmp_path, TINY))
    run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    saved = load_sweep(tmp_path / "out" / "sweep.toml")
    assert saved.runs() == spec.runs()
    assert (saved.scenario, saved.days, saved.replicates, saved.master_seed) == (
        spec.scenario,
        spec.days,
        spec.replicates,
        spec.master_seed,
    )
    assert saved.fixed == spec.fixed and saved.varied == spec.varied


def test_parse_sweep_checks_text_as_load_sweep_checks_files(tmp_path):
    spec = parse_sweep(TINY, "tiny")
    assert spec.name == "tiny" and spec.text == TINY
    assert spec.runs() == load_sweep(write(tmp_path, TINY)).runs()
    with pytest.raises(SweepError) as refused:
        parse_sweep(BAD_FILES["out of bounds"], "page")
    assert str(refused.value).startswith("patrol_intensity=1.5 is out of range")
    with pytest.raises(SweepError, match=r"^sweep file bad\.toml: not valid TOML"):
        load_sweep(write(tmp_path, BAD_FILES["malformed"], "bad.toml"))


def test_on_result_gets_each_saved_row(tmp_path):
    spec = load_sweep(write(tmp_path, TINY))
    seen = []

    def on_result(row):
        assert (tmp_path / "out" / "runs" / f"{row['run_id']}.parquet").exists()  # saved first
        seen.append(row)

    results = run_sweep(spec, tmp_path / "out", workers=1, progress=False, on_result=on_result)
    assert sorted(row["run_id"] for row in seen) == sorted(results["run_id"])
    by_id = results.set_index("run_id")
    for row in seen:
        assert row["deterrence_effect"] == by_id.loc[row["run_id"], "deterrence_effect"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stopped_sweep_keeps_what_finished_and_a_rerun_completes_it(tmp_path, workers):
    spec = load_sweep(write(tmp_path, TINY))
    folder = tmp_path / "stopped"
    stop = threading.Event()
    seen = []

    def stop_after_first(row):
        seen.append(row["run_id"])
        stop.set()

    kept = run_sweep(
        spec, folder, workers=workers, progress=False, on_result=stop_after_first, stop=stop
    )
    assert list(kept["run_id"]) == seen and len(seen) == 1 < len(spec.runs())
    assert {path.stem for path in (folder / "runs").glob("*.parquet")} == set(seen)
    assert pd.read_csv(folder / "results.csv")["run_id"].tolist() == seen  # consolidated

    finished = run_sweep(spec, folder, workers=workers, progress=False)
    assert sorted(finished["run_id"]) == sorted(run.run_id for run in spec.runs())
    assert (finished["status"] == "ok").all()


def test_a_resumed_store_keeps_the_code_version_that_started_it(tmp_path, monkeypatch):
    store = ResultsStore(tmp_path / "out", load_sweep(SWEEPS / "return_cap_quick.toml"))
    store.record_code_version()
    monkeypatch.setattr(sweep_module, "code_version", lambda: "0.1.0+later")
    store.record_code_version()
    store.record_code_version()
    versions = (tmp_path / "out" / "code_version.txt").read_text().split()
    assert len(versions) == 2 and versions[-1] == "0.1.0+later"
    assert versions[0] != "0.1.0+later"  # the first run's version is not overwritten
    store.close()


def _sweep_command(path: Path, out: Path, workers: int) -> list[str]:
    """``deterrence sweep`` as a separate process runs it."""
    return [
        sys.executable,
        "-m",
        "experiments.cli",
        "sweep",
        str(path),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--quiet",
    ]


def test_a_second_sweep_into_a_folder_in_use_is_refused_naming_the_holder(tmp_path, capsys):
    path = write(tmp_path, TINY)
    spec = load_sweep(path)
    first = ResultsStore(tmp_path / "out", spec)
    try:
        with pytest.raises(SweepError, match=r"is being written by another sweep \(pid \d+"):
            run_sweep(spec, tmp_path / "out", progress=False)
        # another process, through the command line: one line, exit 2
        completed = subprocess.run(
            _sweep_command(path, tmp_path / "out", workers=1),
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 2, completed.stderr
        assert completed.stderr.strip().count("\n") == 0
        assert "is being written by another sweep" in completed.stderr
    finally:
        first.close()
    results = run_sweep(spec, tmp_path / "out", progress=False)  # free again once closed
    assert (results["status"] == "ok").all()


def test_two_running_sweeps_into_one_folder_the_second_is_refused(tmp_path):
    """Two real sweeps, each its own process: the second is refused while the first runs."""
    import time

    slow = "[sweep]\ndays = 2000\nreplicates = 2\n[vary.return_cap_per_week]\nvalues = [1, 2]\n"
    path = write(tmp_path, slow)
    out = tmp_path / "out"
    first = subprocess.Popen(
        _sweep_command(path, out, workers=1),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        lock = out / LOCK_FILE
        while time.monotonic() < deadline and not (
            lock.is_file() and lock.read_text().startswith("pid")
        ):
            time.sleep(0.2)
        assert first.poll() is None, "the first sweep ended before the second started"
        second = subprocess.run(
            _sweep_command(path, out, workers=1), capture_output=True, text=True, check=False
        )
        assert second.returncode == 2, second.stderr
        assert second.stderr.strip().count("\n") == 0
        assert f"is being written by another sweep (pid {first.pid}" in second.stderr
        assert first.poll() is None, "the refused sweep stopped the running one"
    finally:
        first.kill()
        first.wait()


def test_a_corrupt_run_file_is_quarantined_and_its_run_redone(tmp_path, capsys):
    spec = load_sweep(write(tmp_path, TINY))
    folder = tmp_path / "out"
    first = run_sweep(spec, folder, progress=False)
    damaged = sorted((folder / "runs").glob("*.parquet"))[0]
    damaged.write_bytes(b"PAR1 not really")
    again = run_sweep(spec, folder, progress=False)
    assert "could not be read" in capsys.readouterr().err
    assert (folder / "quarantine" / damaged.name).exists()
    assert sorted(again["run_id"]) == sorted(first["run_id"])
    pd.testing.assert_frame_equal(comparable(first), comparable(again))
    assert not list(folder.glob("runs/*.partial")) and not list(folder.glob("runs/.*partial"))


def test_resuming_after_the_base_scenario_changed_is_refused(tmp_path):
    scenario = tmp_path / "my_pilot.toml"
    scenario.write_text("[parameters]\nreturn_cap_growth_per_week = 2.0\n")
    text = TINY.replace('scenario = "pilot"', f"scenario = {str(scenario)!r}")
    text = text.replace("replicates = 2", "replicates = 1")
    spec = load_sweep(write(tmp_path, text))
    out = tmp_path / "results"
    run_sweep(spec, out, workers=1, progress=False)
    run_sweep(spec, out, workers=1, progress=False)  # unchanged: resumes, nothing to run

    scenario.write_text("[parameters]\nreturn_cap_growth_per_week = 5.0\n")
    with pytest.raises(SweepError, match=r"changed since: return_cap_growth_per_week\)") as refused:
        run_sweep(load_sweep(write(tmp_path, text)), out, workers=1, progress=False)
    assert "\n" not in str(refused.value)
    assert len(list((out / "runs").glob("*.parquet"))) == 2  # the old runs are kept


def _ended(process) -> bool:
    """Whether a process has ended: gone, or a zombie (ended, waiting for init to reap it).

    The workers outlive the sweep's process only as orphans, which init reaps when it gets to
    them; on a loaded machine that can take longer than the test waits.
    """
    import psutil

    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_sigterm_to_a_sweep_stops_its_workers_within_seconds(tmp_path):
    import signal
    import time

    import psutil

    slow = "[sweep]\ndays = 2000\nreplicates = 2\n[vary.return_cap_per_week]\nvalues = [1, 2]\n"
    path = write(tmp_path, slow)
    sweep = subprocess.Popen(
        _sweep_command(path, tmp_path / "out", workers=2),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        parent = psutil.Process(sweep.pid)
        deadline = time.monotonic() + 60
        workers = []
        while len(workers) < 2 and time.monotonic() < deadline:  # spawned workers under way
            workers = [child for child in parent.children(recursive=True) if child.is_running()]
            time.sleep(0.5)
        assert len(workers) >= 2, "the sweep's workers did not start"
        time.sleep(2)  # let them start their runs (each takes far longer than this test)
        sweep.send_signal(signal.SIGTERM)
        sweep.wait(timeout=10)
        _, alive = psutil.wait_procs(workers, timeout=5)
        running = [worker for worker in alive if not _ended(worker)]
        assert not running, f"{len(running)} worker(s) still running 5 s after SIGTERM"
    finally:
        sweep.kill()


def test_a_full_disk_stops_the_sweep_in_one_line_keeping_what_was_written(tmp_path, monkeypatch):
    import errno

    spec = load_sweep(write(tmp_path, TINY))
    real_write = sweep_module._write_atomically
    written = []

    def fills_up(table, path):
        if len(written) >= 2:  # the disk fills after the first run's two files
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        real_write(table, path)

    monkeypatch.setattr(sweep_module, "_write_atomically", fills_up)
    with pytest.raises(SweepError) as stopped:
        run_sweep(spec, tmp_path / "out", progress=False)
    message = str(stopped.value)
    assert "\n" not in message and "No space left on device" in message
    assert "run the same command again" in message
    monkeypatch.setattr(sweep_module, "_write_atomically", real_write)
    kept = {path.stem for path in (tmp_path / "out" / "runs").glob("*.parquet")}
    assert len(kept) == 1  # the first run, whole
    finished = run_sweep(spec, tmp_path / "out", progress=False)  # space freed: it completes
    assert sorted(finished["run_id"]) == sorted(run.run_id for run in spec.runs())


def test_runs_sharing_a_prefix_go_to_one_lane_and_a_free_lane_helps_the_longest_stream():
    """A lane goes on with its seed's lever variants (one prefix); another takes the next seed."""
    caps = (0, 100, 200)
    runs = [
        Run(point, replicate, seed, {"arrivals_per_week": 700, "return_cap_per_week": cap})
        for replicate, seed in enumerate((11, 22))
        for point, cap in enumerate(caps)
    ]
    streams = RunStreams(runs)
    order = [(0, streams.next_for(0)), (1, streams.next_for(1))]
    order += [(0, streams.next_for(0)), (0, streams.next_for(0))]
    order += [(0, streams.next_for(0)), (1, streams.next_for(1))]  # lane 0 helps seed 22
    assert [(lane, run.seed, run.point) for lane, run in order] == [
        (0, 11, 0), (1, 22, 0), (0, 11, 1), (0, 11, 2), (0, 22, 1), (1, 22, 2)
    ]  # fmt: skip
    assert streams.next_for(0) is None and streams.next_for(1) is None


def test_runs_differing_in_more_than_the_levers_share_no_prefix():
    lever = Run(1, 0, 11, {"arrivals_per_week": 700, "return_cap_per_week": 100})
    other_inflow = Run(2, 0, 11, {"arrivals_per_week": 900, "return_cap_per_week": 0})
    base = Run(0, 0, 11, {"arrivals_per_week": 700, "return_cap_per_week": 0})
    assert prefix_group(base) == prefix_group(lever) != prefix_group(other_inflow)
    assert prefix_group(base) != prefix_group(Run(0, 1, 12, base.overrides))  # another seed
    streams = RunStreams([base, lever, other_inflow])
    assert [streams.next_for(0), streams.next_for(1)] == [base, other_inflow]
