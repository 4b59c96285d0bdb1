"""Names in words for figures and pages: summary metrics, parameters, the break-even line.

One place for what a metric or a parameter is called on an axis, so that the command line's
figures, the research report and the app's sweep page say the same thing.
"""

from __future__ import annotations

from model.parameters import PARAMETERS

BREAK_EVEN_DETERRENCE = 0.37
"""Deterrence at which the Illegal Migration Bill's impact assessment (Home Office, 2023)
breaks even: 37% of those who would otherwise come."""

BREAK_EVEN_LABEL = "37% break-even (Home Office 2023)"

METRIC_LABELS = {
    "deterrence_effect": "deterrence effect (share of crossings prevented)",
    "attempts_deterrence_effect": "deterrence of attempts (share prevented)",
    "deterrence_effect_during_pilot": "deterrence effect up to the pilot's end (share)",
    "crossings_deterred_during_pilot": "crossings deterred up to the pilot's end (people)",
    "rebound_after_pilot_end": "arrivals after the pilot's end, more than without it (people)",
    "crossings_deterred": "crossings deterred (people)",
    "arrivals": "small-boat arrivals (people)",
    "arrivals_in_policy_period": "arrivals under the policy (people)",
    "counterfactual_arrivals_in_policy_period": "arrivals without the policy (people)",
    "returns": "returns to France (people)",
    "legal_admissions": "legal-route admissions (people)",
    "detentions": "detentions (people)",
    "deaths": "deaths at sea (people)",
    "people_stopped": "people stopped in France",
    "prevention_share": "share of attempts stopped in France",
    "mean_perceived_return_prob": "perceived return risk (mean under the policy)",
    "mean_actual_return_prob": "actual return risk (mean under the policy)",
    "mean_perceived_job_prob": "perceived chance of work in the UK (mean under the policy)",
    "mean_job_availability": "chance a job seeker finds illegal work in 4 weeks (mean)",
    "mean_illegal_employment": "working illegally in the UK (mean, people)",
    "mean_taxi_boat_share": "share of launches as taxi-boat pick-ups (mean)",
    "mean_smuggler_price_gbp": "price per seat (mean, GBP)",
    "mean_active_gangs": "smuggling gangs operating (mean)",
    "mean_people_per_boat": "people per boat (mean)",
    "people_per_boat_in_policy_period": "people per boat (under the policy)",
    "smuggler_price_gbp_at_end": "smugglers' price at the end (GBP)",
    "smuggler_revenue_gbp": "smugglers' revenue (GBP)",
    "active_gangs_at_end": "active gangs at the end",
    "waiting_in_france_at_end": "waiting in France at the end (people)",
    "illegal_employment_at_end": "working illegally in the UK at the end (people)",
}
"""The run summary's numbers with their labels (and units)."""

SHARE_METRICS = frozenset(
    {
        "deterrence_effect",
        "attempts_deterrence_effect",
        "deterrence_effect_during_pilot",
        "prevention_share",
        "mean_perceived_job_prob",
        "mean_job_availability",
        "mean_taxi_boat_share",
    }
)
"""Metrics that are shares, drawn as percentages."""


def metric_label(metric: str) -> str:
    """A metric's label, with its unit where it has one."""
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


def parameter_label(parameter: str) -> str:
    """A parameter's axis name, with its unit from the declaration."""
    return f"{parameter.replace('_', ' ')} ({PARAMETERS[parameter].unit})"


def axis_label(name: str) -> str:
    """A parameter's or a metric's label."""
    return parameter_label(name) if name in PARAMETERS else metric_label(name)
