"""Where results come from: the project's root and the version of the code that made them."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def git_output(*arguments: str, root: Path = PROJECT_ROOT) -> str | None:
    """What ``git`` prints for ``arguments`` in the checkout at ``root``, or None if it can't."""
    try:
        return subprocess.run(
            ["git", "-C", str(root), *arguments],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


NOT_CODE = (
    "experiments/*/results/**",
    "experiments/forecast/forecast_log.csv",
    "reports/**",
    "tests/reference/**",
    "**/*.md",
)
"""Tracked files whose changes leave what the code computes as it was: results, the forecast
log, the report, stored reference series and prose. A change to them alone does not mark the
code version ``-dirty`` (an experiment writes its results into the checkout while it runs)."""


def code_version(root: Path = PROJECT_ROOT) -> str:
    """The package version, with the git commit when run from a checkout.

    ``-dirty`` follows the commit when a tracked file other than those of :data:`NOT_CODE`
    differs from it (or when that cannot be told).
    """
    try:
        version = metadata.version("channel-deterrence")
    except metadata.PackageNotFoundError:
        version = "unknown"
    commit = git_output("rev-parse", "--short", "HEAD", root=root)
    if not commit:
        return version
    return f"{version}+{commit}{'-dirty' if code_changed(root) else ''}"


def code_changed(root: Path = PROJECT_ROOT) -> bool:
    """Whether a tracked file outside :data:`NOT_CODE` differs from the last commit."""
    excluded = [f":(exclude,glob){pattern}" for pattern in NOT_CODE]
    changed = git_output("diff", "--name-only", "HEAD", "--", ".", *excluded, root=root)
    return changed is None or bool(changed)  # unknown: keep the mark
