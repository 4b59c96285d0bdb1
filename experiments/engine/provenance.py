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


def code_version() -> str:
    """The package version, with the git commit when run from a checkout."""
    try:
        version = metadata.version("channel-deterrence")
    except metadata.PackageNotFoundError:
        version = "unknown"
    commit = git_output("describe", "--always", "--dirty")
    return f"{version}+{commit}" if commit else version
