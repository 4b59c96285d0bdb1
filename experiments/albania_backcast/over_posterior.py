"""The Albania backcast over the calibration's posterior: the test with fitted behaviour.

The calibration fits the weight of a return (``weight_return``) and the other behaviour
parameters to the yearly totals of 2019-2024, none of them a figure of the Albanian group, so
the backcast run at the posterior's draws is a test of fitted behaviour, not of hand-set
defaults. Each draw runs with and without the arrangement on the same seeds (a paired design:
the draws twice, once with each), and every run carries its draw's posterior weight shared
among its seeds, so that the quantiles over runs hold parameter uncertainty and seed noise
together.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.posterior import WEIGHT, weighted_quantile
from experiments.calibration.run import posterior_overrides

SCENARIO = "albania_backcast"
ARRANGEMENT = "returns_arrangements"
SPREAD = (0.05, 0.5, 0.95)
"""The quantiles the table and the reading give (a 90% interval and the median)."""


def draws_of(config: dict[str, Any]) -> pd.DataFrame:
    """The posterior's draws as the backcast's parameters, with their ``weight``."""
    draws = posterior_overrides(SCENARIO)
    return draws.head(config["draws"]) if config["draws"] else draws


def posterior_sweep(sweep: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """The paired sweep: every draw with the arrangement, then every draw without it.

    ``sweep`` holds the backcast's own settings (days, master seed, outputs); ``config`` the
    posterior's (``replicates``, ``draws``: how many, 0 for all).
    """
    draws = draws_of(config).drop(columns=WEIGHT)
    vary = {name: {"values": draws[name].tolist() * 2} for name in draws.columns}
    vary[ARRANGEMENT] = {"values": [True] * len(draws) + [False] * len(draws)}
    return {
        "sweep": {
            **sweep,
            "scenario": SCENARIO,
            "replicates": config["replicates"],
            "design": "paired",
        },
        "vary": vary,
    }


def run_weights(runs: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Each run's draw (its point among the draws) and weight, its draw's shared by its seeds.

    ``runs`` has one row a finished run (``run_id``, ``point``, ``seed``); ``weights`` the
    draws' posterior weights, in the sweep's order.
    """
    draws = len(weights)
    table = runs[["run_id", "point", "seed"]].copy()
    table["draw"] = table["point"] % draws
    seeds = table.groupby("draw")["seed"].transform("nunique").to_numpy()
    table[WEIGHT] = weights.to_numpy()[table["draw"]] / seeds
    return table


def weighted_falls(falls: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """The per draw and seed falls with their weights (renormalised over the pairs that ran)."""
    by_pair = weights.groupby(["draw", "seed"])[WEIGHT].first()  # both runs of a pair alike
    table = falls.join(by_pair, how="inner")
    table[WEIGHT] /= table[WEIGHT].sum()
    return table


def spread(table: pd.DataFrame, column: str) -> tuple[float, float, float]:
    """The 5%, 50% and 95% weighted quantiles of ``column`` over draws and seeds."""
    values, weights = table[column].to_numpy(), table[WEIGHT].to_numpy()
    low, median, high = (weighted_quantile(values, weights, q) for q in SPREAD)
    return low, median, high


def chance_within(table: pd.DataFrame, column: str, target: float, tolerance: float) -> float:
    """The posterior probability that ``column`` is within ``tolerance`` of ``target``."""
    near = np.abs(table[column] - target) <= tolerance
    return float(table.loc[near, WEIGHT].sum())


def posterior_table(table: pd.DataFrame, observed: dict[str, Any]) -> pd.DataFrame:
    """The fitted model's backcast over the posterior, beside the record, one row a measure."""
    rows = []
    measures = (
        ("Albanian fall 2022 to 2023", "year_on_year", observed["fall_2023"], _signed),
        ("Albanian 2023 against no arrangement", "against_none", None, _signed),
        ("Albanian share in May-October 2022", "may_october", observed[
            "albanian_share_may_october_2022"], _share),
        ("Albanian arrivals 2022", "albanian_2022", observed["albanian_arrivals_2022"], _count),
        ("other groups' 2023 against no arrangement", "others_against_none", None, _signed),
    )  # fmt: skip
    for title, column, record, shown in measures:
        low, median, high = spread(table, column)
        rows.append(
            {
                "measure": title,
                "posterior median": shown(median),
                "90% interval (draws and seeds)": f"{shown(low)} to {shown(high)}",
                "observed": "-" if record is None else shown(record),
            }
        )
    return pd.DataFrame(rows)


def _signed(value: float) -> str:
    return f"{value:+.0%}"


def _share(value: float) -> str:
    return f"{value:.0%}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def posterior_sentence(table: pd.DataFrame, observed: dict[str, Any], draws: int) -> str:
    """The test with fitted behaviour, in a sentence or two."""
    low, median, high = spread(table, "year_on_year")
    within = chance_within(table, "year_on_year", observed["fall_2023"], observed["tolerance"])
    return (
        f"With the behaviour fitted by the calibration (its posterior: {draws} draws, each "
        f"run with and without the arrangement on the same seeds), the Albanian fall from 2022 "
        f"to 2023 is {-median:.0%} (90% interval over draws and seeds: {-high:.0%} to "
        f"{-low:.0%}); the posterior probability that it is within "
        f"{observed['tolerance'] * 100:.0f} points of the observed 90% is {within:.0%}."
    )


def posterior_headline(
    table: pd.DataFrame, observed: dict[str, Any], draws: int, default_fall: float
) -> str:
    """The finding in one sentence: the fall and the season with fitted behaviour."""
    low, median, high = spread(table, "year_on_year")
    within = chance_within(table, "year_on_year", observed["fall_2023"], observed["tolerance"])
    summer = spread(table, "may_october")[1]
    observed_summer = observed["albanian_share_may_october_2022"]
    tolerance = observed["tolerance"]
    fall_ok = abs(median - observed["fall_2023"]) <= tolerance
    summer_ok = abs(summer - observed_summer) <= tolerance
    return (
        f"With the behaviour fitted by the calibration ({draws} posterior draws), the model "
        f"{'reproduces' if fall_ok else 'does not reproduce'} the roughly 90% fall in Albanian "
        f"crossings: {-median:.0%} from 2022 to 2023 (90% interval {-high:.0%} to {-low:.0%}; "
        f"within {tolerance * 100:.0f} points of the record with probability {within:.0%}), "
        f"and {'reproduces' if summer_ok else 'not'} 2022's seasonality ({summer:.0%} in "
        f"May-October, observed {observed_summer:.0%}); at the hand-set defaults the fall is "
        f"{-default_fall:.0%}."
    )
