"""The model's parameters, declared once.

Every parameter has a default, bounds, a unit and a source or rationale. The model's keyword
arguments, the scenario files, the command line, sweep files, the app's controls and the
parameter table in ``docs/ODD.md`` are all generated from :data:`PARAMETERS`.

Sources are abbreviated; ``docs/ODD.md`` and ``model/data/`` give them in full. "Assumption"
marks a value that no public figure fixes: these are the behaviour parameters that calibration
(``experiments/calibration_2024``) tunes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ParameterError(ValueError):
    """A parameter name or value that the model refuses; the message is one line."""


@dataclass(frozen=True)
class Parameter:
    """One model parameter: its default, bounds, unit and where its value comes from."""

    name: str
    default: Any
    low: Any
    high: Any
    unit: str
    group: str
    description: str
    source: str

    @property
    def kind(self) -> type:
        """The Python type of the value: float, int, bool or datetime.date."""
        return type(self.default)

    def allowed(self) -> str:
        """Describe the allowed values, for error messages and docs."""
        if self.kind is bool:
            return "true or false"
        if self.kind is dt.date:
            return f"a date from {self.low.isoformat()} to {self.high.isoformat()}"
        return f"a number from {self.low} to {self.high}" + (" (whole)" if self.kind is int else "")

    def coerce(self, value: Any) -> Any:
        """Return ``value`` as this parameter's type, or raise :class:`ParameterError`."""
        try:
            coerced = _coerce(self.kind, value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"{self.name}={value!r} is not valid: allowed is {self.allowed()}"
            ) from None
        if self.kind is not bool and not (self.low <= coerced <= self.high):
            raise ParameterError(
                f"{self.name}={value!r} is out of range: allowed is {self.allowed()}"
            )
        return coerced


def _coerce(kind: type, value: Any) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        raise ValueError(value)
    if kind is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value).strip())
    if isinstance(value, bool):
        raise TypeError(value)
    if kind is int:
        number = float(value)
        if not number.is_integer():
            raise ValueError(value)
        return int(number)
    number = float(value)
    if number != number:  # NaN is never a valid parameter value
        raise ValueError(value)
    return number


def _p(name, default, low, high, unit, group, description, source) -> Parameter:
    return Parameter(name, default, low, high, unit, group, description, source)


_D = dt.date
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # --- run ---------------------------------------------------------------------
        _p(
            "start_date",
            _D(2024, 1, 1),
            _D(2018, 1, 1),
            _D(2030, 12, 31),
            "date",
            "run",
            "Calendar date of day 0 of the run.",
            "Baseline calibrates to 2024.",
        ),
        _p(
            "migrant_flow_scale",
            1.0,
            0.01,
            50.0,
            "multiplier",
            "run",
            "Scales the arrival flow into northern France and the initial camp population "
            "(benchmarks use 5x and 25x); gangs and employers scale with it.",
            "Design choice (1 = the observed scale).",
        ),
        # --- arrivals and the camps ---------------------------------------------------
        _p(
            "arrivals_per_week",
            830.0,
            0.0,
            20000.0,
            "people/week",
            "arrivals",
            "Mean arrivals of new migrants into northern France per week (annual mean).",
            "Assumption, calibrated: with the share leaving it yields 2024's 36,816 UK arrivals.",
        ),
        _p(
            "arrival_seasonality",
            0.35,
            0.0,
            0.95,
            "relative amplitude",
            "arrivals",
            "Relative amplitude of the seasonal cycle in arrivals into France (peak in summer).",
            "Assumption; Home Office: ~65% of crossings in the latter part of the year.",
        ),
        _p(
            "initial_waiting_in_france",
            1500,
            0,
            100000,
            "people",
            "arrivals",
            "Migrants already waiting on the coast at day 0.",
            "Assumption (NGO counts around Calais and Dunkirk: one to three thousand).",
        ),
        _p(
            "minor_share",
            0.12,
            0.0,
            0.5,
            "share",
            "arrivals",
            "Share of arrivals who are unaccompanied minors.",
            "Assumption (Home Office: roughly one in ten small-boat arrivals is a minor).",
        ),
        _p(
            "uk_ties_share",
            0.35,
            0.0,
            1.0,
            "share",
            "arrivals",
            "Share of arrivals with family or friends already in the UK.",
            "Assumption (Home Office 2025 review: networks shape destination choice).",
        ),
        _p(
            "savings_median_gbp",
            4000.0,
            100.0,
            50000.0,
            "GBP",
            "arrivals",
            "Median savings on arrival at the coast (lognormal).",
            "Assumption, of the order of the crossing price (NCA: EUR 3,000-4,500).",
        ),
        _p(
            "family_support_gbp_per_day",
            25.0,
            0.0,
            500.0,
            "GBP/day",
            "arrivals",
            "Mean money received from family and work while waiting, per day.",
            "Assumption.",
        ),
        # --- weather ---------------------------------------------------------------------
        _p(
            "calm_day_share_winter",
            0.20,
            0.0,
            1.0,
            "share of days",
            "weather",
            "Share of 'red' (crossing-likely) days in midwinter.",
            "Home Office crossing conditions 2025: 23-27 red days in Jan-Apr 2022-24.",
        ),
        _p(
            "calm_day_share_summer",
            0.55,
            0.0,
            1.0,
            "share of days",
            "weather",
            "Share of 'red' days at the late-summer peak.",
            "Assumption; Home Office: arrivals peak in late summer.",
        ),
        _p(
            "weather_persistence",
            0.5,
            0.0,
            0.95,
            "autocorrelation",
            "weather",
            "Day-to-day persistence of crossing conditions (0 = independent days).",
            "Assumption (weather comes in spells; e.g. 31 May 2025 after a calm run).",
        ),
        _p(
            "poor_day_launch_share",
            0.15,
            0.0,
            1.0,
            "share",
            "weather",
            "Share of a gang's launch capacity used on a day that is not 'red'.",
            "Press analysis, early 2025: ~190 arrivals on fair days against ~60 on others.",
        ),
        # --- migrant decisions --------------------------------------------------------
        _p(
            "utility_wait_constant",
            6.5,
            -10.0,
            20.0,
            "utils",
            "behaviour",
            "Utility of waiting one more day; sets the daily pace of decisions.",
            "Assumption, calibrated.",
        ),
        _p(
            "utility_uk_constant",
            2.0,
            -10.0,
            10.0,
            "utils",
            "behaviour",
            "Value of reaching the UK before jobs, ties and asylum prospects.",
            "Assumption.",
        ),
        _p(
            "weight_job",
            2.0,
            0.0,
            10.0,
            "utils per unit probability",
            "behaviour",
            "Weight of the perceived chance of finding work in the UK.",
            "Assumption.",
        ),
        _p(
            "weight_ties",
            1.0,
            0.0,
            10.0,
            "utils",
            "behaviour",
            "Value of having family or friends in the UK.",
            "Assumption.",
        ),
        _p(
            "weight_asylum",
            1.0,
            0.0,
            10.0,
            "utils per unit probability",
            "behaviour",
            "Weight of the asylum grant likelihood of one's nationality.",
            "Assumption.",
        ),
        _p(
            "weight_return",
            6.0,
            0.0,
            30.0,
            "utils per unit probability",
            "behaviour",
            "Cost of being returned to France, times the perceived return probability.",
            "Assumption; Albania 2022-23: near-certain return cut crossings ~90%.",
        ),
        _p(
            "weight_price",
            1.5,
            0.0,
            10.0,
            "utils per unit price/savings",
            "behaviour",
            "Weight of the price as a share of the migrant's savings.",
            "Assumption.",
        ),
        _p(
            "weight_danger",
            200.0,
            0.0,
            2000.0,
            "utils per unit death risk",
            "behaviour",
            "Weight of the perceived risk of dying at sea (scaled by risk aversion).",
            "Assumption.",
        ),
        _p(
            "weight_legal_route",
            8.0,
            0.0,
            50.0,
            "utils per unit probability",
            "behaviour",
            "Weight of the perceived chance of a legal-route place when registering.",
            "Assumption.",
        ),
        _p(
            "utility_register_hassle",
            1.0,
            0.0,
            10.0,
            "utils",
            "behaviour",
            "Cost of registering with the legal route (online platform, papers, exposure).",
            "Assumption.",
        ),
        _p(
            "utility_leave_constant",
            1.5,
            -10.0,
            20.0,
            "utils",
            "behaviour",
            "Utility of leaving the coast (asylum in France, moving on).",
            "Assumption.",
        ),
        _p(
            "weight_waiting_fatigue",
            0.3,
            0.0,
            5.0,
            "utils per 30 days",
            "behaviour",
            "Growth of the utility of leaving with time spent waiting.",
            "Assumption.",
        ),
        # --- beliefs and the network --------------------------------------------------
        _p(
            "contacts_per_newcomer",
            4,
            1,
            30,
            "ties",
            "beliefs",
            "Ties each newcomer forms with people already on the coast.",
            "Assumption (mean degree ~8).",
        ),
        _p(
            "network_homophily",
            0.8,
            0.0,
            1.0,
            "share",
            "beliefs",
            "Share of a newcomer's ties formed within its nationality group.",
            "Assumption (Home Office 2025 review).",
        ),
        _p(
            "belief_weight_network",
            0.10,
            0.0,
            1.0,
            "per day",
            "beliefs",
            "Daily weight of contacts' experiences in updating a belief.",
            "Assumption.",
        ),
        _p(
            "belief_weight_official",
            0.01,
            0.0,
            1.0,
            "per day",
            "beliefs",
            "Daily weight of official announcements (published rates).",
            "Assumption; Home Office 2025 review: migrants' policy information is inaccurate.",
        ),
        _p(
            "belief_weight_smugglers",
            0.03,
            0.0,
            1.0,
            "per day",
            "beliefs",
            "Daily weight of smugglers' claims.",
            "Assumption.",
        ),
        _p(
            "smuggler_misinformation",
            0.7,
            0.0,
            1.0,
            "share",
            "beliefs",
            "How far smugglers understate return risk and overstate job chances "
            "(0 = truthful, 1 = 'no one is returned, everyone works').",
            "Assumption.",
        ),
        _p(
            "news_memory_days",
            30.0,
            1.0,
            365.0,
            "days",
            "beliefs",
            "Half-life of news heard from contacts.",
            "Assumption.",
        ),
        _p(
            "initial_perceived_job_prob",
            0.7,
            0.0,
            1.0,
            "probability",
            "beliefs",
            "Perceived chance of finding work in the UK held on arrival at the coast.",
            "Assumption (smugglers advertise easy jobs).",
        ),
        # --- smuggling gangs ------------------------------------------------------------
        _p(
            "initial_gangs",
            12,
            1,
            100,
            "gangs",
            "smugglers",
            "Smuggling gangs active at day 0 (scaled by the flow).",
            "Assumption (NCA: a handful of networks dominate).",
        ),
        _p(
            "launch_points_per_gang",
            2,
            1,
            10,
            "launch points",
            "smugglers",
            "Launch points (beaches) a gang works.",
            "Assumption.",
        ),
        _p(
            "boats_per_launch_point_per_day",
            1,
            1,
            10,
            "boats/day",
            "smugglers",
            "Most boats a gang can launch from one point on one day.",
            "Assumption.",
        ),
        _p(
            "initial_price_gbp",
            2500.0,
            100.0,
            20000.0,
            "GBP per seat",
            "smugglers",
            "Price per seat at day 0.",
            "NCA: EUR 3,000-4,500, lows of EUR 500; 2023: GBP 1,500-3,500.",
        ),
        _p(
            "initial_people_per_boat",
            45.0,
            5.0,
            120.0,
            "people",
            "smugglers",
            "Gangs' target load per boat at day 0.",
            "Home Office: 49 per boat in 2023, 53 in 2024.",
        ),
        _p(
            "max_people_per_boat",
            85.0,
            10.0,
            150.0,
            "people",
            "smugglers",
            "Most people a boat is loaded with.",
            "Home Office: 33 boats over 80 in April 2025.",
        ),
        _p(
            "min_people_per_launch",
            15.0,
            1.0,
            100.0,
            "people",
            "smugglers",
            "Fewest customers for which a gang launches a boat.",
            "Assumption.",
        ),
        _p(
            "load_adaptation_rate",
            0.10,
            0.0,
            1.0,
            "per week",
            "smugglers",
            "Weekly rate at which gangs move loads and taxi-boat use towards their targets "
            "as beach interceptions change.",
            "Assumption, calibrated.",
        ),
        _p(
            "price_adaptation_rate",
            0.05,
            0.0,
            1.0,
            "per week",
            "smugglers",
            "Weekly rate at which gangs move prices with demand and risk.",
            "Assumption.",
        ),
        _p(
            "boat_cost_gbp",
            15000.0,
            0.0,
            200000.0,
            "GBP",
            "smugglers",
            "Cost of a boat and engine, lost when a launch is stopped.",
            "Assumption.",
        ),
        _p(
            "gang_dismantle_prob_per_week",
            0.01,
            0.0,
            1.0,
            "per week",
            "smugglers",
            "Weekly chance that enforcement dismantles a gang, at patrol intensity 1.",
            "Assumption (NCA reports dozens of networks disrupted a year).",
        ),
        _p(
            "gang_entry_profit_gbp_per_week",
            40000.0,
            0.0,
            1e7,
            "GBP/week",
            "smugglers",
            "Mean weekly profit per gang above which a new gang enters.",
            "Assumption.",
        ),
        # --- enforcement ------------------------------------------------------------------
        _p(
            "patrol_intensity",
            0.55,
            0.0,
            1.0,
            "probability",
            "enforcement",
            "Chance that French patrols stop a beach launch.",
            "French interior ministry: ~45% of attempts prevented in 2024.",
        ),
        _p(
            "taxi_boat_evasion",
            0.7,
            0.0,
            1.0,
            "share",
            "enforcement",
            "Share of the beach interception risk that a taxi-boat pick-up avoids.",
            "French officers act within ~300 m of shore; taxi boats pick up beyond it.",
        ),
        _p(
            "death_risk_per_crossing",
            0.002,
            0.0,
            0.05,
            "probability",
            "enforcement",
            "Chance of dying in one departed crossing.",
            "Assumption (IOM: 78 deaths in 2024 against ~37,000 arrivals).",
        ),
        _p(
            "pilot_start_date",
            _D(2025, 8, 6),
            _D(2018, 1, 1),
            _D(2030, 12, 31),
            "date",
            "policy",
            "Date the returns pilot starts detaining arrivals.",
            "UK-France treaty in force 6 August 2025.",
        ),
        _p(
            "first_return_date",
            _D(2025, 9, 18),
            _D(2018, 1, 1),
            _D(2030, 12, 31),
            "date",
            "policy",
            "Earliest date of a return under the pilot.",
            "First returns in mid-September 2025.",
        ),
        _p(
            "return_cap_per_week",
            0,
            0,
            5000,
            "returns/week",
            "policy",
            "Weekly cap on returns at the pilot's start (0 = no pilot).",
            "About 50 a week announced, July 2025.",
        ),
        _p(
            "return_cap_growth_per_week",
            0.0,
            0.0,
            500.0,
            "returns/week per week",
            "policy",
            "Weekly increase of the return cap after the pilot starts.",
            "Assumption: 'numbers to grow over the pilot'.",
        ),
        _p(
            "return_processing_days",
            14,
            0,
            180,
            "days",
            "policy",
            "Days from detention to return.",
            "Assumption.",
        ),
        _p(
            "appeal_success_prob",
            0.05,
            0.0,
            1.0,
            "probability",
            "policy",
            "Chance that a detained person's appeal succeeds (released into the UK).",
            "Assumption: challenges only on exceptional circumstances.",
        ),
        _p(
            "legal_route_share",
            1.0,
            0.0,
            1.0,
            "admissions per return",
            "policy",
            "Legal-route admissions granted per return ('one in, one out' = 1).",
            "UK-France agreement, July 2025.",
        ),
        _p(
            "legal_route_check_days",
            28,
            0,
            365,
            "days",
            "policy",
            "Days of visa and security checks before an admission.",
            "Assumption.",
        ),
        _p(
            "legal_route_check_pass_prob",
            0.9,
            0.0,
            1.0,
            "probability",
            "policy",
            "Chance that a selected applicant passes the visa and security checks.",
            "Assumption.",
        ),
        _p(
            "crackdown_intensity",
            0.0,
            0.0,
            1.0,
            "0-1",
            "policy",
            "Illegal-working crackdown above 2024 enforcement (0 = 2024 level, 1 = strongest).",
            "Home Office: 10,031 visits and 7,130 arrests in the year to mid-2025 (+50%).",
        ),
        _p(
            "crackdown_start_date",
            _D(2025, 8, 6),
            _D(2018, 1, 1),
            _D(2030, 12, 31),
            "date",
            "policy",
            "Date the illegal-working crackdown starts.",
            "Announced with the pilot, July 2025.",
        ),
        _p(
            "base_worker_detection_per_week",
            0.002,
            0.0,
            0.2,
            "probability/week",
            "policy",
            "Weekly chance an illegal worker is found at 2024 enforcement.",
            "Home Office: ~7,000 arrests a year against an illegal workforce of hundreds of "
            "thousands (assumption).",
        ),
        _p(
            "max_worker_detection_per_week",
            0.03,
            0.0,
            0.5,
            "probability/week",
            "policy",
            "Weekly chance an illegal worker is found at crackdown intensity 1.",
            "Assumption.",
        ),
        _p(
            "civil_penalty_gbp",
            45000.0,
            0.0,
            60000.0,
            "GBP per illegal worker",
            "policy",
            "Penalty an employer expects per illegal worker found.",
            "Home Office: up to GBP 60,000 per illegal worker from 2024.",
        ),
        _p(
            "caught_worker_removal_prob",
            0.13,
            0.0,
            1.0,
            "probability",
            "policy",
            "Chance that an illegal worker who is caught is removed from the UK.",
            "Home Office, year to Sept 2025: 8,232 arrests, over 1,050 removed.",
        ),
        # --- illegal-work market -----------------------------------------------------
        _p(
            "illegal_vacancies",
            16000,
            0,
            1000000,
            "jobs",
            "market",
            "Vacancies open to people without the right to work at 2024 enforcement, "
            "over all sectors (scaled by the flow).",
            "Assumption, calibrated.",
        ),
        _p(
            "employer_penalty_sensitivity",
            0.5,
            0.0,
            50.0,
            "per unit penalty/margin",
            "market",
            "How fast employers cut illegal vacancies as the expected penalty grows "
            "relative to their yearly gain per worker.",
            "Assumption.",
        ),
        _p(
            "job_search_success_per_week",
            0.5,
            0.0,
            1.0,
            "probability/week",
            "market",
            "Weekly chance a job seeker finds one of the open vacancies.",
            "Assumption.",
        ),
        _p(
            "job_separation_per_week",
            0.02,
            0.0,
            1.0,
            "probability/week",
            "market",
            "Weekly chance an illegal job ends for other reasons.",
            "Assumption.",
        ),
        _p(
            "asylum_decision_days",
            240,
            7,
            2000,
            "days",
            "market",
            "Days from arrival to an initial asylum decision; a grant gives the right to work.",
            "Assumption (Home Office backlog 2024-25).",
        ),
    ]
}


def validate(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return all parameters with ``overrides`` applied, each coerced and range-checked.

    Raises:
        ParameterError: for an unknown name or a value outside its bounds (one line).
    """
    values = {name: p.default for name, p in PARAMETERS.items()}
    for name, value in overrides.items():
        if name not in PARAMETERS:
            raise ParameterError(f"unknown parameter {name!r}: {_suggest(name)}")
        values[name] = PARAMETERS[name].coerce(value)
    _check_consistency(values)
    return values


def _check_consistency(values: Mapping[str, Any]) -> None:
    if values["max_people_per_boat"] < values["initial_people_per_boat"]:
        raise ParameterError(
            f"max_people_per_boat={values['max_people_per_boat']} is below "
            f"initial_people_per_boat={values['initial_people_per_boat']}: allowed is a "
            "maximum at least the initial load"
        )
    if values["max_worker_detection_per_week"] < values["base_worker_detection_per_week"]:
        raise ParameterError(
            f"max_worker_detection_per_week={values['max_worker_detection_per_week']} is below "
            f"base_worker_detection_per_week={values['base_worker_detection_per_week']}: "
            "allowed is a maximum at least the base"
        )


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, PARAMETERS, n=3)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "see `deterrence params` for the list"


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``NAME=VALUE`` from the command line into a checked (name, value) pair."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ParameterError(f"--set {text!r} is malformed: allowed is NAME=VALUE")
    if name not in PARAMETERS:
        raise ParameterError(f"unknown parameter {name!r}: {_suggest(name)}")
    return name, PARAMETERS[name].coerce(value)
