"""Running the model: one run, its no-policy counterfactual, the series and the summary.

This is the one way to run the model that the command line, the sweeps, the research
experiments and the browser app all use. A policy run is paired with the same run without the
policy (:data:`model.model.NO_POLICY`) under the same seed: weather and arrivals draw from
their own random streams, so the difference between the two is the policy's effect alone
(common random numbers).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from agents.returns import returns_on
from model.effects import (
    coast_and_rebound,
    crossing_outcomes,
    mechanism_table,
    mechanism_variants,
)
from model.memory_budget import check_memory
from model.model import (
    FORKABLE,
    FREE_BEFORE_POLICY,
    NO_POLICY,
    ChannelModel,
    arrangements_first_day,
)
from model.parameters import ParameterError, check_seed
from model.reporters import WEEKLY_AGGREGATION
from model.scenarios import scenario_parameters

DEFAULT_DAYS = 365
MAX_DAYS = 20 * 365

POLICY_PERIOD_MEANS = (
    "perceived_return_prob",
    "actual_return_prob",
    "perceived_job_prob",
    "job_availability",
    "taxi_boat_share",
    "smuggler_price_gbp",
    "active_gangs",
    "illegal_employment",
)
"""Daily records whose mean from the policy's start is in the summary, as ``mean_<record>``."""


@dataclass
class RunResult:
    """The outputs of one run (and of its counterfactual, when it was run)."""

    scenario: str
    seed: int
    days: int
    parameters: dict[str, Any]
    daily: pd.DataFrame
    weekly: pd.DataFrame
    summary: dict[str, Any]
    counterfactual_daily: pd.DataFrame | None = None
    counterfactual_weekly: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def check_days(days: Any) -> int:
    """The run length in days, or a one-line error."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ParameterError(
            f"days={days!r} is not valid: allowed is a whole number from 1 to {MAX_DAYS}"
        )
    return days


def has_policy(parameters: Mapping[str, Any]) -> bool:
    """Whether any policy lever is on (else the run is its own counterfactual)."""
    return any(parameters[name] != off for name, off in NO_POLICY.items())


def counterfactual_of(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The same parameters with every policy lever switched off."""
    return {**parameters, **NO_POLICY}


def policy_start_date(parameters: Mapping[str, Any]) -> dt.date:
    """The first day any policy lever acts (the run's start when none is on)."""
    starts = []
    if returns_on(parameters):
        starts.append(parameters["pilot_start_date"])
    if parameters["crackdown_intensity"] > 0:
        starts.append(parameters["crackdown_start_date"])
    return max(min(starts), parameters["start_date"]) if starts else parameters["start_date"]


def shared_days(parameters: Mapping[str, Any], days: int) -> int:
    """Days a policy run shares with its counterfactual: those before the policy's first day.

    Under common random numbers the two are the same run until then, so they are simulated
    once and forked (see :meth:`model.model.ChannelModel.fork`).
    """
    if not has_policy(parameters):
        return days
    return min((policy_start_date(parameters) - parameters["start_date"]).days, days)


def simulated_days(parameters: Mapping[str, Any], days: int, runs: int) -> int:
    """Days simulated for ``runs`` runs forked from one counterfactual (progress bars)."""
    if runs <= 1:
        return days
    shared = shared_days(parameters, days)
    return shared + runs * (days - shared)


class PrefixCache:
    """Counterfactual runs kept for other runs that share them: at the fork, and finished.

    Runs that differ only in the policy levers (:data:`model.model.FORKABLE`) are the same run
    until the policy's first day, and have the same counterfactual throughout. A state is keyed
    by the seed, the day and every other parameter, so a run finds one only if it would have
    simulated exactly those days. The cache keeps the ``size`` most recently used states at
    the fork and as many finished counterfactuals (about 20 MB each for a pilot year).
    """

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._states: OrderedDict[tuple, ChannelModel] = OrderedDict()
        self._finished: OrderedDict[tuple, tuple[ChannelModel, pd.DataFrame]] = OrderedDict()
        self.hits = self.misses = 0

    def _keep(self, store: OrderedDict, key: tuple, value: Any) -> None:
        if self.size > 0:
            store[key] = value
            while len(store) > self.size:
                store.popitem(last=False)

    def finished(
        self, parameters: Mapping[str, Any], seed: int, days: int
    ) -> tuple[ChannelModel, pd.DataFrame] | None:
        """A finished counterfactual of ``days`` days, if kept (shared: read it, never step it)."""
        key = self.key(parameters, seed, days)
        if key not in self._finished:
            return None
        self._finished.move_to_end(key)
        model, daily = self._finished[key]
        return model, daily.copy()  # the table is the caller's to change; the model is not

    def keep_finished(
        self,
        parameters: Mapping[str, Any],
        seed: int,
        days: int,
        run: tuple[ChannelModel, pd.DataFrame],
    ) -> None:
        """Keep a finished counterfactual for the next run with the same seed and parameters."""
        self._keep(self._finished, self.key(parameters, seed, days), run)

    @staticmethod
    def key(parameters: Mapping[str, Any], seed: int, day: int) -> tuple:
        """What the state at ``day`` of a run with ``parameters`` and ``seed`` depends on.

        Not the policy levers, and not the returns arrangements' parameters up to their first
        day in force (see ``ChannelModel.fork``).
        """
        free = FORKABLE
        if day <= arrangements_first_day(parameters):
            free = FREE_BEFORE_POLICY
        fixed = tuple(sorted((k, v) for k, v in parameters.items() if k not in free))
        return (seed, day, fixed)

    def start(
        self,
        parameters: Mapping[str, Any],
        seed: int,
        day: int,
        on_day: Callable | None = None,
        to_step: bool = True,
        horizon_days: int | None = None,
    ) -> ChannelModel:
        """The counterfactual at ``day``: a copy of a stored state, or simulated and stored.

        With ``to_step=False`` the caller only forks from it, and a stored state is returned
        itself, not a copy (a fork copies it anyway). ``horizon_days`` is the length of the
        runs that will go on from it (see ``ChannelModel``).
        """
        key = self.key(parameters, seed, day)
        stored = self._states.get(key)
        if stored is not None:
            self.hits += 1
            self._states.move_to_end(key)
            return stored.fork(parameters) if to_step else stored
        self.misses += 1
        model = ChannelModel(seed=seed, horizon_days=horizon_days, **parameters)
        _advance(model, day, on_day)
        if self.size > 0:  # a copy: the caller goes on with the model
            self._keep(self._states, key, model.fork(parameters))
        return model


def _advance(model: ChannelModel, days: int, on_day: Callable | None) -> None:
    for _ in range(days):
        model.step()
        if on_day is not None:
            on_day(model)


def simulate_forked(
    variants: Sequence[Mapping[str, Any]],
    seed: int = 0,
    days: int = DEFAULT_DAYS,
    on_day: Callable[[ChannelModel], None] | None = None,
    prefixes: PrefixCache | None = None,
) -> tuple[tuple[ChannelModel, pd.DataFrame], list[tuple[ChannelModel, pd.DataFrame]]]:
    """The counterfactual of ``variants`` and each variant, forked where the first one acts.

    Every variant must differ from the others only in its policy levers. The counterfactual
    (every lever off) is simulated to the earliest policy day of any variant, then each
    variant goes on from a copy of it: the days before are simulated once, not once a run.
    Returns (model, daily series) of the counterfactual, then of each variant, in order.
    ``on_day`` is called after each simulated day of any run. With ``prefixes``, the days
    before the fork, and the whole counterfactual, are taken from (or kept in) that cache; a
    counterfactual from the cache is shared: read it, never step it.
    """
    check_days(days)
    check_seed(seed)
    # The counterfactual and every variant are held at once; each model checks itself too.
    check_memory(variants[0], days, runs_at_once=len(variants) + 1)
    cache = prefixes or PrefixCache(size=0)
    shared = min(shared_days(values, days) for values in variants)
    without = counterfactual_of(variants[0])
    if len({PrefixCache.key(values, seed, days) for values in variants}) > 1:
        raise ValueError("forked variants may differ only in the policy levers (FORKABLE)")
    finished = cache.finished(without, seed, days)
    start = cache.start(without, seed, shared, on_day, to_step=finished is None, horizon_days=days)
    runs = []
    for values in variants:
        model = start.fork(values)
        _advance(model, days - shared, on_day)
        runs.append((model, daily_series(model)))
    if finished is None:
        _advance(start, days - shared, on_day)
        finished = (start, daily_series(start))
        cache.keep_finished(without, seed, days, finished)
    return finished, runs


def simulate(
    parameters: Mapping[str, Any],
    seed: int = 0,
    days: int = DEFAULT_DAYS,
    on_day: Callable[[ChannelModel], None] | None = None,
    prefixes: PrefixCache | None = None,
) -> tuple[ChannelModel, pd.DataFrame]:
    """Run the model for ``days`` days; returns the model and its daily series.

    ``on_day`` is called after each day (progress bars, the app's live charts). With
    ``prefixes``, a run whose returns arrangements come into force during it takes the days
    before from that cache, or keeps them there: runs with and without the arrangements (or
    with other arrangement parameters) simulate those days once.
    """
    check_days(days)
    check_seed(seed)
    fork_day = arrangements_first_day(parameters)
    if prefixes is not None and 0 < fork_day < days:
        model = prefixes.start(parameters, seed, fork_day, on_day, horizon_days=days)
        _advance(model, days - fork_day, on_day)
    else:
        model = ChannelModel(seed=seed, horizon_days=days, **parameters)
        _advance(model, days, on_day)
    return model, daily_series(model)


def daily_series(
    model: ChannelModel, columns: Sequence[str] | None = None, first_day: int = 0
) -> pd.DataFrame:
    """The model's daily records as a table, one row a day, with the calendar date.

    ``columns`` limits the table to those records (all of them by default), which is much
    cheaper when a caller such as the app's live charts needs only a few; ``first_day`` leaves
    out the days before it (the app's live tables read only the days they have not seen).
    """
    if columns is None:
        table = model.datacollector.get_model_vars_dataframe().iloc[first_day:]
        table = table.reset_index(drop=True)
    else:
        records = model.datacollector.model_vars
        table = pd.DataFrame({name: records[name][first_day:] for name in columns})
    table.insert(0, "day", range(first_day, first_day + len(table)))
    start = pd.Timestamp(model.start_date) + pd.Timedelta(days=first_day)
    table.insert(0, "date", pd.date_range(start, periods=len(table), freq="D"))
    return table


def weekly_series(daily: pd.DataFrame) -> pd.DataFrame:
    """Weekly series in 7-day blocks from the run's first day (see ``WEEKLY_AGGREGATION``).

    Every daily record in ``daily`` is aggregated; ``people_per_boat`` needs ``arrivals`` and
    ``boats_arrived``.
    """
    week = daily["day"] // 7
    weekly = daily.groupby(week).agg(
        {
            "date": "first",
            **{name: how for name, how in WEEKLY_AGGREGATION.items() if name in daily},
        }
    )
    weekly.index.name = "week"
    weekly = weekly.rename(columns={"date": "week_start"})
    boats = weekly["boats_arrived"]
    weekly["people_per_boat"] = (weekly["arrivals"] / boats).where(boats > 0)
    weekly["days_in_week"] = daily.groupby(week).size()
    return weekly.reset_index()


def summarise(
    daily: pd.DataFrame,
    parameters: Mapping[str, Any],
    counterfactual: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Totals and key figures of a run, with the deterrence effect when a counterfactual ran."""
    arrivals = int(daily["arrivals"].sum())
    boats = int(daily["boats_arrived"].sum())
    attempts = int(daily["attempts"].sum())
    second_half = int(daily.loc[daily["date"].dt.month >= 7, "arrivals"].sum())
    last = daily.iloc[-1]
    summary: dict[str, Any] = {
        "start_date": daily["date"].iloc[0].date().isoformat(),
        "end_date": daily["date"].iloc[-1].date().isoformat(),
        "days": len(daily),
        "arrivals": arrivals,
        "attempts": attempts,
        "boats_arrived": boats,
        "boats_launched": int(daily["boats_launched"].sum()),
        "launches_stopped": int(daily["launches_stopped"].sum()),
        "people_stopped": int(daily["people_stopped"].sum()),
        "deaths": int(daily["deaths"].sum()),
        "detentions": int(daily["detentions"].sum()),
        "returns": int(daily["returns"].sum()),
        "legal_admissions": int(daily["legal_admissions"].sum()),
        "left_coast": int(daily["left_coast"].sum()),
        "new_on_coast": int(daily["new_on_coast"].sum()),
        "mean_people_per_boat": arrivals / boats if boats else math.nan,
        "prevention_share": int(daily["people_stopped"].sum()) / attempts if attempts else 0.0,
        "second_half_share": second_half / arrivals if arrivals else math.nan,
        "peak_day_arrivals": int(daily["arrivals"].max()),
        "waiting_in_france_at_end": int(last["waiting_in_france"]),
        "illegal_employment_at_end": int(last["illegal_employment"]),
        "active_gangs_at_end": int(last["active_gangs"]),
        "smuggler_price_gbp_at_end": float(last["smuggler_price_gbp"]),
        "smuggler_revenue_gbp": float(daily["smuggler_revenue_gbp"].sum()),
    }
    start = pd.Timestamp(policy_start_date(parameters))
    in_policy = daily["date"] >= start
    summary["policy_start_date"] = start.date().isoformat()
    for record in POLICY_PERIOD_MEANS:
        summary[f"mean_{record}"] = float(daily.loc[in_policy, record].mean())
    policy_arrivals = int(daily.loc[in_policy, "arrivals"].sum())
    policy_boats = int(daily.loc[in_policy, "boats_arrived"].sum())
    summary["people_per_boat_in_policy_period"] = (
        policy_arrivals / policy_boats if policy_boats else math.nan
    )
    if counterfactual is not None:
        summary.update(deterrence(daily, counterfactual, start))
        summary.update(
            coast_and_rebound(daily, counterfactual, start.date(), parameters["pilot_end_date"])
        )
    return summary


def deterrence(
    policy: pd.DataFrame, counterfactual: pd.DataFrame, from_date: pd.Timestamp
) -> dict[str, Any]:
    """The fall in crossings that the policy caused, from its start to the end of the run.

    ``deterrence_effect`` is the share of the counterfactual's arrivals that did not happen
    (1 - arrivals with policy / arrivals without); positive means fewer crossings. It is NaN
    (undefined) when the counterfactual has no arrivals in that period, e.g. when the policy
    starts after the run ends.
    """

    def from_start(run: pd.DataFrame, record: str) -> int:
        return int(run.loc[run["date"] >= from_date, record].sum())

    return deterrence_figures(
        (from_start(policy, "arrivals"), from_start(counterfactual, "arrivals")),
        (from_start(policy, "attempts"), from_start(counterfactual, "attempts")),
        int(counterfactual["arrivals"].sum()),
    )


def deterrence_figures(
    arrivals: tuple[int, int], attempts: tuple[int, int], counterfactual_arrivals: int
) -> dict[str, Any]:
    """:func:`deterrence`'s figures from the totals it adds up.

    ``arrivals`` and ``attempts`` are (with the policy, without it) from the policy's start;
    ``counterfactual_arrivals`` is the counterfactual's arrivals over the whole run. The app's
    live run keeps these totals as it goes rather than adding up its whole history each week.
    """
    with_policy, without = arrivals
    attempts_with, attempts_without = attempts
    return {
        "arrivals_in_policy_period": with_policy,
        "counterfactual_arrivals_in_policy_period": without,
        "crossings_deterred": without - with_policy,
        "deterrence_effect": 1.0 - with_policy / without if without else math.nan,
        "attempts_deterrence_effect": (
            1.0 - attempts_with / attempts_without if attempts_without else math.nan
        ),
        "counterfactual_arrivals": counterfactual_arrivals,
    }


def run_scenario(
    scenario: str = "pilot",
    seed: int = 0,
    days: int = DEFAULT_DAYS,
    overrides: Mapping[str, Any] | None = None,
    with_counterfactual: bool = True,
    on_day: Callable[[ChannelModel], None] | None = None,
    prefixes: PrefixCache | None = None,
) -> RunResult:
    """Run a named scenario (with overrides), paired with its no-policy counterfactual.

    When no policy lever is on, the run is its own counterfactual and the effect is zero.
    ``on_day`` is called after each simulated day of both runs; ``prefixes`` keeps the
    days before the policy for other runs with the same seed (see :class:`PrefixCache`).
    """
    check_days(days)
    check_seed(seed)
    parameters = scenario_parameters(scenario, **(overrides or {}))
    counterfactual = None
    summary_extra: dict[str, Any] = {}
    if with_counterfactual and has_policy(parameters):
        (without, counterfactual), [(model, daily)] = simulate_forked(
            [parameters], seed, days, on_day, prefixes
        )
        start_day = (policy_start_date(parameters) - parameters["start_date"]).days
        summary_extra = crossing_outcomes(model, without, start_day)
    else:
        model, daily = simulate(parameters, seed, days, on_day, prefixes)
        if with_counterfactual:
            counterfactual = daily
    return RunResult(
        scenario=str(scenario),
        seed=seed,
        days=days,
        parameters=parameters,
        daily=daily,
        weekly=weekly_series(daily),
        summary={**summarise(daily, parameters, counterfactual), **summary_extra},
        counterfactual_daily=counterfactual,
        counterfactual_weekly=None if counterfactual is None else weekly_series(counterfactual),
    )


def decompose_effect(
    scenario: str = "pilot",
    seed: int = 0,
    days: int = DEFAULT_DAYS,
    overrides: Mapping[str, Any] | None = None,
    on_day: Callable[[ChannelModel], None] | None = None,
) -> pd.DataFrame:
    """Crossings deterred by each of the policy's mechanisms, added one at a time.

    Runs the counterfactual and one run a mechanism the policy uses (see
    :func:`model.effects.mechanism_variants`), all with the same seed, and measures each over
    the policy's period (from its first day to the end of the run).
    """
    check_days(days)
    check_seed(seed)
    parameters = scenario_parameters(scenario, **(overrides or {}))
    start = pd.Timestamp(policy_start_date(parameters))
    variants = mechanism_variants(parameters)
    if not variants:
        return mechanism_table(0, {})
    (_, without), runs = simulate_forked(list(variants.values()), seed, days, on_day)
    variant_arrivals = {
        mechanism: int(daily.loc[daily["date"] >= start, "arrivals"].sum())
        for mechanism, (_, daily) in zip(variants, runs, strict=True)
    }
    return mechanism_table(
        int(without.loc[without["date"] >= start, "arrivals"].sum()), variant_arrivals
    )
