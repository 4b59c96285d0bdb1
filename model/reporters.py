"""What the model records each day: named reporter functions for Mesa's DataCollector.

Flows are the day's counts kept by the agents that saw them happen; stocks and beliefs are
read from the population. :func:`model.run.weekly_series` turns the daily table into weekly series.
"""

from __future__ import annotations

import math
from typing import Any

from agents.migrants import MigrantState

ChannelModel = Any
"""The model the reporters read (``model.model.ChannelModel``): not imported, since that
module imports this one, and the reporters need only the attributes they name."""


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def _gang_sum(model: ChannelModel, attribute: str) -> int:
    return model.gang_totals[attribute]


def calm_day(model: ChannelModel) -> int:
    """1 on a 'red' (crossing-likely) day, else 0."""
    return int(model.weather.calm_today)


def new_on_coast(model: ChannelModel) -> int:
    """New migrants arriving in northern France today."""
    return model.coast.new_on_coast


def bookings(model: ChannelModel) -> int:
    """Migrants who decided today to cross and booked with a gang."""
    return model.coast.bookings


def attempts(model: ChannelModel) -> int:
    """People on boats launched today (stopped or not): crossing attempts."""
    return _gang_sum(model, "people_launched")


def boats_launched(model: ChannelModel) -> int:
    """Boats launched today."""
    return _gang_sum(model, "boats_launched")


def launches_stopped(model: ChannelModel) -> int:
    """Launches stopped by French police today."""
    return _gang_sum(model, "boats_stopped")


def people_stopped(model: ChannelModel) -> int:
    """People on launches stopped today."""
    return _gang_sum(model, "people_stopped")


def taxi_boats(model: ChannelModel) -> int:
    """Launches today that were taxi-boat pick-ups."""
    return _gang_sum(model, "taxi_boats")


def boats_arrived(model: ChannelModel) -> int:
    """Boats that set off from France and were picked up by UK Border Force today."""
    return model.border_force.boats


def arrivals(model: ChannelModel) -> int:
    """People arriving in the UK by small boat today."""
    return model.border_force.arrivals


def people_per_boat(model: ChannelModel) -> float:
    """Mean people per boat arrived today (NaN on a day without boats)."""
    boats = model.border_force.boats
    return model.border_force.arrivals / boats if boats else math.nan


def deaths(model: ChannelModel) -> int:
    """People who died at sea today."""
    return model.border_force.deaths


def detentions(model: ChannelModel) -> int:
    """Arrivals detained for return today."""
    return model.returns_unit.detentions


def returns(model: ChannelModel) -> int:
    """People returned to France today."""
    return model.returns_unit.returns


def appeals_won(model: ChannelModel) -> int:
    """Detained people released after a successful appeal today."""
    return model.returns_unit.appeals_won


def return_cap_this_week(model: ChannelModel) -> int:
    """The cap on returns in the current pilot week."""
    return model.returns_unit.cap_this_week


def pilot_week(model: ChannelModel) -> int:
    """Weeks since the pilot started (negative before it)."""
    return model.returns_unit.pilot_week


def arrivals_of_arrangement_groups(model: ChannelModel) -> int:
    """Arrivals today of the groups with a returns arrangement (in force yet or not)."""
    return model.arrangements.listed_arrivals


def arrangement_detentions(model: ChannelModel) -> int:
    """Arrivals detained today for removal to their home country (returns arrangements)."""
    return model.arrangements.detentions


def arrangement_removals(model: ChannelModel) -> int:
    """People removed to their home country today under returns arrangements."""
    return model.arrangements.removals


def legal_admissions(model: ChannelModel) -> int:
    """People admitted to the UK by the legal route today."""
    return model.legal_route.admissions


def registrations(model: ChannelModel) -> int:
    """People who registered with the legal route today."""
    return model.legal_route.registrations


def came_back_to_coast(model: ChannelModel) -> int:
    """People who had left the coast and came back to it today."""
    return model.coast.came_back_to_coast


def recrossings(model: ChannelModel) -> int:
    """Arrivals today of people returned to France before (crossing again)."""
    return model.border_force.recrossings


def recrossers_detained(model: ChannelModel) -> int:
    """Returned people who crossed again, recognised by biometrics and detained today."""
    return model.returns_unit.recrossers_detained


def registrations_lapsed(model: ChannelModel) -> int:
    """Legal-route registrations that lapsed unselected today (a new window opened)."""
    return model.legal_route.lapsed


def legal_places_released(model: ChannelModel) -> float:
    """Legal-route places released today (at parity with returns, or by the record)."""
    return model.legal_route.released_today


def perceived_place_prob(model: ChannelModel) -> float:
    """Mean perceived chance of a legal-route place, among people on the coast."""
    return model.coast.mean_perceived_place_prob


def published_place_chance(model: ChannelModel) -> float:
    """The chance of a legal place that official figures imply (places ahead per applicant)."""
    return model.legal_route.published_place_chance()


def left_coast(model: ChannelModel) -> int:
    """People who left the coast today (asylum in France, moving on)."""
    return model.coast.left_coast


def _count(model: ChannelModel, state: MigrantState) -> int:
    return int(model.state_counts[state])


def waiting_in_france(model: ChannelModel) -> int:
    """People waiting on the coast at the end of the day."""
    return _count(model, MigrantState.IN_FRANCE)


def awaiting_return(model: ChannelModel) -> int:
    """People detained in the UK awaiting return."""
    return _count(model, MigrantState.AWAITING_RETURN)


def in_uk(model: ChannelModel) -> int:
    """Small-boat arrivals staying in the UK."""
    return _count(model, MigrantState.IN_UK)


def awaiting_removal(model: ChannelModel) -> int:
    """People detained in the UK under returns arrangements, to be removed home."""
    return _count(model, MigrantState.AWAITING_REMOVAL)


def registered_applicants(model: ChannelModel) -> int:
    """Applicants registered with the legal route and still eligible (not yet selected)."""
    return model.legal_route.n_applicants


def perceived_return_prob(model: ChannelModel) -> float:
    """Mean perceived chance of being returned, among people on the coast after learning."""
    return model.coast.mean_perceived_return_prob


def perceived_return_prob_arrangement_groups(model: ChannelModel) -> float:
    """Mean perceived return chance on the coast, among groups with a returns arrangement."""
    return model.coast.mean_perceived_return_prob_arrangement_groups


def perceived_return_prob_other_groups(model: ChannelModel) -> float:
    """Mean perceived return chance on the coast, among groups without a returns arrangement."""
    return model.coast.mean_perceived_return_prob_other_groups


def actual_return_prob(model: ChannelModel) -> float:
    """Chance that an arrival is returned: share of recent arrivals held for return."""
    return model.returns_unit.published_return_rate()


def perceived_job_prob(model: ChannelModel) -> float:
    """Mean perceived chance of finding work in the UK, among people on the coast."""
    return model.coast.mean_perceived_job_prob


def job_availability(model: ChannelModel) -> float:
    """Chance a job seeker in the UK finds illegal work within four weeks."""
    return model.market.job_availability()


def illegal_employment(model: ChannelModel) -> int:
    """Small-boat arrivals working illegally in the UK."""
    return model.market.employed


def job_seekers(model: ChannelModel) -> int:
    """Arrivals without the right to work looking for a job."""
    return model.market.job_seekers


def illegal_vacancies(model: ChannelModel) -> float:
    """Vacancies employers keep for people without the right to work."""
    return float(sum(employer.vacancies for employer in model.employers_list))


def workers_caught(model: ChannelModel) -> int:
    """Illegal workers found by enforcement today."""
    return model.work_enforcement.caught


def workers_removed(model: ChannelModel) -> int:
    """Caught illegal workers removed from the UK today."""
    return model.work_enforcement.removed


def legal_route_selections(model: ChannelModel) -> int:
    """Applicants selected for the legal route's checks today."""
    return model.legal_route.selected


def worker_detection_per_week(model: ChannelModel) -> float:
    """Weekly chance that an illegal worker is found, today."""
    return model.work_enforcement.detection_per_week


def smuggler_price_gbp(model: ChannelModel) -> float:
    """Mean price per seat over active gangs (GBP)."""
    return model.market_price_gbp()


def smuggler_revenue_gbp(model: ChannelModel) -> float:
    """Gangs' revenue today from seats on boats that set off (GBP)."""
    return float(model.gang_totals["revenue_gbp"])


def active_gangs(model: ChannelModel) -> int:
    """Smuggling gangs operating."""
    return len(model.gangs)


def taxi_boat_share(model: ChannelModel) -> float:
    """Mean share of launches that gangs make as taxi-boat pick-ups."""
    gangs = model.gangs
    return _mean(gangs.get("taxi_boat_share"))


def target_people_per_boat(model: ChannelModel) -> float:
    """Mean load per boat that gangs aim for."""
    gangs = model.gangs
    return _mean(gangs.get("target_load"))


DAILY_REPORTERS = {
    function.__name__: function
    for function in (
        calm_day,
        new_on_coast,
        bookings,
        attempts,
        boats_launched,
        launches_stopped,
        people_stopped,
        taxi_boats,
        boats_arrived,
        arrivals,
        people_per_boat,
        deaths,
        detentions,
        returns,
        appeals_won,
        return_cap_this_week,
        pilot_week,
        legal_admissions,
        registrations,
        registrations_lapsed,
        legal_places_released,
        came_back_to_coast,
        recrossings,
        recrossers_detained,
        left_coast,
        waiting_in_france,
        awaiting_return,
        in_uk,
        registered_applicants,
        perceived_return_prob,
        actual_return_prob,
        perceived_job_prob,
        perceived_place_prob,
        published_place_chance,
        job_availability,
        illegal_employment,
        job_seekers,
        illegal_vacancies,
        workers_caught,
        workers_removed,
        legal_route_selections,
        worker_detection_per_week,
        smuggler_price_gbp,
        smuggler_revenue_gbp,
        active_gangs,
        taxi_boat_share,
        target_people_per_boat,
        arrivals_of_arrangement_groups,
        arrangement_detentions,
        arrangement_removals,
        awaiting_removal,
        perceived_return_prob_arrangement_groups,
        perceived_return_prob_other_groups,
    )
}
"""Every daily series, by name: the DataCollector's model reporters."""


WEEKLY_AGGREGATION = (
    {
        name: "sum"
        for name in (
            "calm_day",
            "new_on_coast",
            "bookings",
            "attempts",
            "boats_launched",
            "launches_stopped",
            "people_stopped",
            "taxi_boats",
            "boats_arrived",
            "arrivals",
            "deaths",
            "detentions",
            "returns",
            "appeals_won",
            "legal_admissions",
            "registrations",
            "registrations_lapsed",
            "legal_places_released",
            "came_back_to_coast",
            "recrossings",
            "recrossers_detained",
            "left_coast",
            "workers_caught",
            "workers_removed",
            "legal_route_selections",
            "smuggler_revenue_gbp",
            "arrivals_of_arrangement_groups",
            "arrangement_detentions",
            "arrangement_removals",
        )
    }
    | {
        name: "last"
        for name in (
            "return_cap_this_week",
            "pilot_week",
            "waiting_in_france",
            "awaiting_return",
            "in_uk",
            "registered_applicants",
            "illegal_employment",
            "job_seekers",
            "illegal_vacancies",
            "active_gangs",
            "awaiting_removal",
        )
    }
    | {
        name: "mean"
        for name in (
            "perceived_return_prob",
            "actual_return_prob",
            "perceived_job_prob",
            "perceived_place_prob",
            "published_place_chance",
            "job_availability",
            "worker_detection_per_week",
            "smuggler_price_gbp",
            "taxi_boat_share",
            "target_people_per_boat",
            "perceived_return_prob_arrangement_groups",
            "perceived_return_prob_other_groups",
        )
    }
)
"""How each daily series becomes weekly: flows add up, stocks take the week's last day, rates
and beliefs the week's mean. ``people_per_boat`` is recomputed from the weekly sums."""
