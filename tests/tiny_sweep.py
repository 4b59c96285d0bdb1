"""A tiny real sweep of the pilot over the return cap, run through the CLI, for tests that
need stored sweep results (the emulator, the optimiser)."""

from __future__ import annotations

from pathlib import Path

from experiments.cli import main as cli


def run_tiny_cap_sweep(folder: Path, days: int, samples: int, outputs: list[str]) -> Path:
    """Sweep the return cap from 0 to 400 a week (Latin hypercube, one replicate) into
    ``folder``; returns it."""
    sweep_file = folder.with_suffix(".toml")
    sweep_file.write_text(
        "[sweep]\n"
        'scenario = "pilot"\n'
        f"days = {days}\n"
        "replicates = 1\n"
        'design = "latin_hypercube"\n'
        f"samples = {samples}\n"
        f"outputs = {outputs!r}\n".replace("'", '"')
        + "\n[vary.return_cap_per_week]\nlow = 0\nhigh = 400\n"
    )
    arguments = ["sweep", str(sweep_file), "--out", str(folder), "--workers", "1", "--quiet"]
    assert cli(arguments) == 0
    return folder
