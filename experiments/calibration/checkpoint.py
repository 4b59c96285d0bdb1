"""Whole copies of a running calibration's history, one per stored generation.

pyabc keeps its history in one SQLite file that it rewrites as a run goes on; the file is
git-ignored. A full fit takes longer than a working session, and a fresh clone has no history,
so after pyabc stores each generation the history is copied to a checkpoint file beside it,
which is committed. A run that finds no history but a checkpoint resumes from the checkpoint.

The copy goes through SQLite's backup interface (a consistent snapshot, even of a database
another connection holds open) into a temporary file that is then renamed over the
checkpoint, so a checkpoint is always a whole history of whole generations.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

CHECKPOINT = "abc_checkpoint.db"


def restore(database: Path, checkpoint: Path) -> bool:
    """Start ``database`` from ``checkpoint`` if there is no history yet; whether it did."""
    if database.exists() or not checkpoint.is_file():
        return False
    shutil.copyfile(checkpoint, database)
    return True


def copy_history(database: Path, checkpoint: Path) -> None:
    """Copy the history at ``database`` to ``checkpoint``, whole or not at all."""
    partial = checkpoint.with_name(f".{checkpoint.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    os.replace(partial, checkpoint)


def copy_after_each_generation(history, database: Path, checkpoint: Path) -> None:
    """Make pyabc's ``history`` copy itself to ``checkpoint`` each time it stores a generation.

    Wraps this one history object's ``append_population`` (the call that stores a finished
    generation), not pyabc's class.
    """
    store = history.append_population

    def store_and_copy(*args, **kwargs):
        stored = store(*args, **kwargs)
        copy_history(database, checkpoint)
        return stored

    history.append_population = store_and_copy
