"""The forecast log: one CSV row a forecast, checked when read, only ever appended to.

A forecast is never rewritten: :func:`append_forecasts` checks the whole log first, then adds
complete lines at its end in one write, so the rows already there stay byte for byte as they
were, and a log that cannot be read is refused (one line naming its line) before anything is
added. The columns are :data:`COLUMNS`; what each holds is in :class:`Forecast`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from model.data_rows import RecordError, count_of, date_of, field, one_of

LOG_FILE = Path(__file__).parent / "forecast_log.csv"
"""The committed log."""

POSTERIOR_TIMES_SEEDS = "posterior draws x seeds"
SEEDS_ONLY = "seeds only"
INTERVAL_SOURCES = (POSTERIOR_TIMES_SEEDS, SEEDS_ONLY)
"""How a forecast's interval was made: over the calibration's posterior draws, each run with
several seeds (parameter and run-to-run uncertainty), or over seeds of one parameter set only
(run-to-run uncertainty only, so narrower than the model's real uncertainty)."""

NOT_FITTED = "none"
"""``fitted_data_through`` of a run whose parameters no calibration fitted (hand-set defaults)."""


@dataclass(frozen=True)
class Forecast:
    """One logged forecast of small-boat arrivals (people) over a period."""

    made_on: dt.date
    """The day the forecast was made."""
    code_version: str
    """The package version and git commit that made it (``-dirty``: uncommitted changes)."""
    period_start: dt.date
    period_end: dt.date
    """The period forecast, both days included."""
    scenario: str
    pilot_end_date: dt.date
    """The pilot's last day in that scenario (an assumption where the record has no end)."""
    arrivals_median: int
    arrivals_low_90: int
    arrivals_high_90: int
    """Median and 90% interval (5th and 95th percentiles) of the arrivals over the runs."""
    interval_from: str
    """One of :data:`INTERVAL_SOURCES`."""
    draws: int
    """Posterior draws run (0 for seeds only)."""
    seeds: int
    """Most seeds any one parameter set ran with."""
    runs: int
    master_seed: int
    """Every run's seed derives from this (see :func:`experiments.forecast.make.run_seed`)."""
    run_start: dt.date
    """The runs' first day: the days before the period are the model's spin-up."""
    fitted_data_through: str
    """Last day of the data the parameters were fitted to, or :data:`NOT_FITTED`."""
    observed_data_through: dt.date
    """Last day of any observed arrivals row when the forecast was made."""


COLUMNS = tuple(item.name for item in fields(Forecast))
DATE_COLUMNS = (
    "made_on",
    "period_start",
    "period_end",
    "pilot_end_date",
    "run_start",
    "observed_data_through",
)
COUNT_COLUMNS = (
    "arrivals_median",
    "arrivals_low_90",
    "arrivals_high_90",
    "draws",
    "seeds",
    "runs",
    "master_seed",
)
TEXT_COLUMNS = ("code_version", "scenario")


def read_log(path: Path = LOG_FILE) -> list[Forecast]:
    """Every forecast in the log, in order, or a one-line :class:`RecordError` naming the line.

    A log with its header and no rows is empty, not malformed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{path.name} cannot be read: {error}") from None
    reader = csv.reader(io.StringIO(text))
    if tuple(next(reader, ())) != COLUMNS:
        raise RecordError(
            f"{path.name} line 1: the header is not the log's: allowed is " + ",".join(COLUMNS)
        )
    if not text.endswith("\n"):
        # an append would glue its first row to this unfinished line
        raise RecordError(
            f"{path.name} line {len(text.splitlines())}: the line has no end: allowed are "
            "complete lines, each ending in a newline"
        )
    forecasts = []
    for cells in reader:
        if len(cells) != len(COLUMNS):
            raise RecordError(
                f"{path.name} line {reader.line_num}: {len(cells)} fields: allowed are "
                f"{len(COLUMNS)}, one a column"
            )
        forecasts.append(parse_row(path, reader.line_num, dict(zip(COLUMNS, cells, strict=True))))
    return forecasts


def parse_row(path: Path, line: int, row: dict[str, str]) -> Forecast:
    """One row of the log as a :class:`Forecast`, checked, or a one-line error naming the line."""
    values: dict[str, object] = {name: date_of(path, line, row, name) for name in DATE_COLUMNS}
    values |= {name: count_of(path, line, row, name) for name in COUNT_COLUMNS}
    for name in TEXT_COLUMNS:
        if not field(row, name):
            raise RecordError(f"{path.name} line {line}: {name} is empty: allowed is any text")
        values[name] = field(row, name)
    values["interval_from"] = one_of(path, line, row, "interval_from", INTERVAL_SOURCES)
    values["fitted_data_through"] = fitted_through_of(path, line, row)
    forecast = Forecast(**values)  # type: ignore[arg-type]
    problem = inconsistency(forecast)
    if problem:
        raise RecordError(f"{path.name} line {line}: {problem}")
    return forecast


def fitted_through_of(path: Path, line: int, row: dict[str, str]) -> str:
    """The ``fitted_data_through`` cell: a date, or :data:`NOT_FITTED`."""
    text = field(row, "fitted_data_through")
    if text != NOT_FITTED:
        date_of(path, line, row, "fitted_data_through")  # refuses anything else, naming it
    return text


def inconsistency(forecast: Forecast) -> str:
    """What makes a row's values contradict each other, in words ('' when nothing does)."""
    if forecast.period_end < forecast.period_start:
        return (
            f"period_end {forecast.period_end} is before period_start {forecast.period_start}: "
            "allowed is a period that ends on or after its start"
        )
    if forecast.run_start > forecast.period_start:
        return (
            f"run_start {forecast.run_start} is after period_start {forecast.period_start}: "
            "allowed is a run that starts on or before the period"
        )
    if not forecast.arrivals_low_90 <= forecast.arrivals_median <= forecast.arrivals_high_90:
        return (
            f"arrivals_low_90={forecast.arrivals_low_90}, arrivals_median="
            f"{forecast.arrivals_median}, arrivals_high_90={forecast.arrivals_high_90}: allowed "
            "is low <= median <= high"
        )
    if forecast.runs < 1 or forecast.seeds < 1:
        return f"runs={forecast.runs}, seeds={forecast.seeds}: allowed is at least one of each"
    with_draws = forecast.interval_from == POSTERIOR_TIMES_SEEDS
    if with_draws != (forecast.draws > 0):
        return (
            f"draws={forecast.draws} with interval_from={forecast.interval_from!r}: allowed is "
            f"at least one draw for {POSTERIOR_TIMES_SEEDS!r}, none for {SEEDS_ONLY!r}"
        )
    if forecast.runs > max(forecast.draws, 1) * forecast.seeds:
        return (
            f"runs={forecast.runs} is more than draws x seeds: allowed is at most "
            f"{max(forecast.draws, 1) * forecast.seeds}"
        )
    return ""


def as_row(forecast: Forecast) -> list[str]:
    """A forecast's cells, in the log's column order (dates as YYYY-MM-DD)."""
    return [
        value.isoformat() if isinstance(value, dt.date) else str(value)
        for value in asdict(forecast).values()
    ]


def as_lines(rows: list[list[str]]) -> str:
    """Rows as CSV text, each a complete line ending in a newline."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def append_forecasts(forecasts: list[Forecast], path: Path = LOG_FILE) -> None:
    """Add ``forecasts`` at the end of the log; a log that does not exist yet is created.

    The log is read and checked first (a malformed one is refused, and nothing is written);
    each new row is checked as the log would check it; then the new lines are added in one
    write. A new log is written whole to a temporary file and moved into place.
    """
    for forecast in forecasts:
        problem = inconsistency(forecast)
        if problem:
            raise RecordError(f"a new forecast of {forecast.period_start}: {problem}")
    text = as_lines([as_row(forecast) for forecast in forecasts])
    if not path.exists():
        create_log(path, text)
        return
    read_log(path)
    try:
        with path.open("a", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise RecordError(f"{path.name} cannot be written: {error}") from None


def create_log(path: Path, rows_text: str = "") -> None:
    """A new log with its header (and ``rows_text``), made whole before it appears at ``path``."""
    if not path.parent.is_dir():
        raise RecordError(f"{path.parent} is not a folder: allowed is a log in an existing folder")
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(as_lines([list(COLUMNS)]) + rows_text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        raise RecordError(f"{path.name} cannot be written: {error}") from None
