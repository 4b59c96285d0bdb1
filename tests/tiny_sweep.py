"""A tiny real sweep of the pilot over the return cap, run through the CLI, for tests that
need stored sweep results (the emulator, the optimiser)."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from experiments.cli import main as cli


def run_tiny_cap_sweep(folder: Path, days: int, samples: int, outputs: list[str]) -> Path:
    """Sweep the return cap from 0 to 400 a week (Latin hypercube, one replicate) into
    ``folder``; returns it."""
    sweep = {
        "scenario": "pilot",
        "days": days,
        "replicates": 1,
        "design": "latin_hypercube",
        "samples": samples,
        "outputs": outputs,
    }
    sweep_file = folder.with_suffix(".toml")
    sweep_file.write_text(
        tomli_w.dumps({"sweep": sweep, "vary": {"return_cap_per_week": {"low": 0, "high": 400}}})
    )
    arguments = ["sweep", str(sweep_file), "--out", str(folder), "--workers", "1", "--quiet"]
    assert cli(arguments) == 0
    return folder
