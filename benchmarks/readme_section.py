"""The README's generated benchmark figures: each benchmark script writes its own region.

``benchmark_core.py --readme`` and ``benchmark_pair.py --readme`` replace the regions
``benchmark-core`` and ``benchmark-pair`` of the README (inside its speed section) with the
figures they just measured and a line saying when, on what and how loaded the machine was; the
prose around the regions stays hand-written.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
sys.path.insert(0, str(ROOT))  # the benchmarks run as scripts: the project's modules by name

from model.markdown import replace_region, table_rows  # noqa: E402  (after the path)

__all__ = ["environment", "measured_on", "table_rows", "write_region"]


def environment() -> dict[str, Any]:
    """Versions and machine facts to keep beside the figures, the load average among them."""
    import mesa
    import numpy

    return {
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def measured_on(facts: dict[str, Any], command: str) -> str:
    """One sentence: the command, when it ran, and the machine it ran on."""
    return (
        f"Made by `{command}` on {facts['date']} ({facts['cpus']} cores, load average "
        f"{facts['load_average_1min']:.2f} at the start; Python {facts['python']}, Mesa "
        f"{facts['mesa']}, numpy {facts['numpy']})."
    )


def write_region(name: str, content: str) -> None:
    """Put ``content`` in the README's generated region ``name``."""
    README.write_text(replace_region(README.read_text(), name, content))
    print(f"\nREADME.md: region {name!r} rewritten")
