"""Tables shipped with the model in ``model/data/``: nationality groups and work sectors."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Nationalities:
    """Nationality groups with their share of arrivals and their asylum grant likelihood."""

    names: tuple[str, ...]
    shares: np.ndarray
    grant_likelihood: np.ndarray

    def __len__(self) -> int:
        return len(self.names)


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def load_nationalities() -> Nationalities:
    """Nationality groups from ``nationalities.csv`` (shares normalised to sum to 1)."""
    rows = _read("nationalities.csv")
    shares = np.array([float(row["share_of_arrivals"]) for row in rows])
    return Nationalities(
        names=tuple(row["group"] for row in rows),
        shares=shares / shares.sum(),
        grant_likelihood=np.array([float(row["asylum_grant_likelihood"]) for row in rows]),
    )


@cache
def load_sectors() -> tuple[dict, ...]:
    """Work sectors from ``sectors.csv``: name, share of vacancies, yearly gain per worker."""
    return tuple(
        {
            "sector": row["sector"],
            "share_of_vacancies": float(row["share_of_vacancies"]),
            "annual_gain_per_worker_gbp": float(row["annual_gain_per_worker_gbp"]),
        }
        for row in _read("sectors.csv")
    )


@cache
def load_observed_arrivals() -> tuple[dict, ...]:
    """Yearly small-boat arrivals and mean people per boat (Home Office, provisional)."""
    return tuple(
        {
            "year": int(row["year"]),
            "arrivals": int(row["small_boat_arrivals"]),
            "people_per_boat": float(row["mean_people_per_boat"]),
        }
        for row in _read("observed_arrivals.csv")
    )


@cache
def load_prevention_shares() -> dict[int, float]:
    """Share of crossing attempts prevented by the French authorities, by year (secondary)."""
    return {
        int(row["year"]): float(row["prevention_share"]) for row in _read("prevention_share.csv")
    }
