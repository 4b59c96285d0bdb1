"""One live run's weekly tables, chart points and running totals, kept up to date as it runs.

After each step the live page shows every week so far. Aggregating the whole daily history
again each step costs more every week (at day 1,000 it took longer than the step's simulation);
here a week is aggregated once, when it is finished, and appended, and only the week under way
is aggregated anew. Weeks are aggregated by ``model.run.weekly_series`` itself, week by week
(a week's row depends on its own days alone), so the tables are exactly those of the whole
history; ``tests/test_live_weekly.py`` checks that they stay so.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

import pandas as pd

from model.model import ChannelModel
from model.run import daily_series, weekly_series
from viz.charts import WeeklyPoints, table_points

DAYS_PER_WEEK = 7


class WeeklyRecords:
    """The weekly series of some of a model's daily records, and running totals of others.

    It reads the model's records as it goes on; a model that is replaced (a fork, a lever
    change) needs a new ``WeeklyRecords``.
    """

    def __init__(self, model: ChannelModel, columns: Sequence[str], totals: Sequence[str]) -> None:
        """Weekly series of the daily records ``columns``, running totals of ``totals``."""
        self.model = model
        self._columns = tuple(columns)
        self._day = 0  # days read so far
        self._finished_days = 0  # days of the finished weeks (a multiple of 7)
        self._finished = pd.DataFrame()
        self._finished_points: WeeklyPoints = {}
        self._under_way = pd.DataFrame()  # the week under way, one row (or none)
        self._under_way_points: WeeklyPoints = {}
        # the total of each record before each day: sums over any span are then two look-ups
        self._totals_before = {name: [0] for name in totals}

    def _update(self) -> None:
        """Read the days simulated since the last update."""
        day = self.model.steps
        if day == self._day:
            return
        for name, before in self._totals_before.items():
            new_days = self.model.datacollector.model_vars[name][self._day : day]
            before.extend(accumulate(new_days, initial=before.pop()))
        # the weeks not finished at the last update: some may be now, one may still be under way
        weeks = weekly_series(daily_series(self.model, self._columns, self._finished_days))
        finished = weeks["days_in_week"] == DAYS_PER_WEEK
        self._append_finished(weeks[finished])
        self._under_way = weeks[~finished].reset_index(drop=True)
        self._under_way_points = table_points(self._under_way)
        self._day = day

    def _append_finished(self, weeks: pd.DataFrame) -> None:
        if weeks.empty:
            return
        if self._finished.empty:
            self._finished = weeks.reset_index(drop=True)
        else:
            self._finished = pd.concat([self._finished, weeks], ignore_index=True)
        points = table_points(weeks)
        self._finished_points = {
            column: self._finished_points.get(column, []) + points[column] for column in points
        }
        self._finished_days += DAYS_PER_WEEK * len(weeks)

    def table(self) -> pd.DataFrame:
        """Every week so far, as ``weekly_series(daily_series(model, columns))`` makes it."""
        self._update()
        if self._under_way.empty:
            return self._finished
        if self._finished.empty:
            return self._under_way
        return pd.concat([self._finished, self._under_way], ignore_index=True)

    def points(self) -> WeeklyPoints:
        """Every week so far as chart points (new lists, so a chart's old option is untouched)."""
        self._update()
        finished, under_way = self._finished_points, self._under_way_points
        return {
            column: finished.get(column, []) + under_way.get(column, [])
            for column in finished or under_way
        }

    def total(self, name: str, from_day: int = 0) -> int:
        """The sum of the daily record ``name`` from ``from_day`` to the last day run."""
        self._update()
        before = self._totals_before[name]
        from_day = min(max(from_day, 0), self._day)
        return int(before[self._day] - before[from_day])
