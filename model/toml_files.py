"""Reading a TOML file a user names (a scenario, a sweep): one line for every way it is wrong.

A user's file can be missing, a folder or a pipe, unreadable, huge, binary, in another encoding,
malformed, or nested thousands deep; each is refused here with a one-line
:class:`~model.parameters.ParameterError` (the caller puts the file's name in front), never a
traceback and never a hang.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from model.parameters import ParameterError

MAX_FILE_BYTES = 1_000_000
"""Largest file read (a scenario or sweep file is a few hundred bytes to a few kilobytes)."""


def read_text(path: Path) -> str:
    """The UTF-8 text of the file at ``path``, or a one-line error saying why not."""
    try:
        if not path.exists():
            raise ParameterError("does not exist")
        if not path.is_file():  # a folder, or a pipe that would wait for a writer for ever
            raise ParameterError("is not a file: allowed is a TOML file")
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)  # /proc files say they are empty
    except (OSError, ValueError) as error:  # ValueError: a name with a NUL character
        reason = getattr(error, "strerror", None) or error
        raise ParameterError(f"cannot be read: {reason}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ParameterError(
            f"is over {MAX_FILE_BYTES:,} bytes: allowed is a TOML file of at most "
            f"{MAX_FILE_BYTES:,} bytes"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParameterError(
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}): "
            "allowed is a UTF-8 TOML file"
        ) from None


def parse_toml(text: str) -> dict[str, Any]:
    """The document of TOML ``text``, or a one-line error saying where it is malformed."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParameterError(f"not valid TOML: {error}") from None
    except RecursionError:
        raise ParameterError(
            "not valid TOML: nested too deeply: allowed are the few levels of a scenario or "
            "sweep file"
        ) from None
