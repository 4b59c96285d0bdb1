"""A policy run forked from its counterfactual at the policy's first day is the same run as one
simulated from day 0: the days before the policy are simulated once, not once a run."""

import pandas as pd
import pytest

from model.model import ChannelModel
from model.parameters import validate
from model.run import (
    counterfactual_of,
    shared_days,
    simulate,
    simulate_forked,
    simulated_days,
)
from model.scenarios import scenario_parameters


def unforked_and_forked(parameters: dict, seed: int, days: int):
    _, policy = simulate(parameters, seed, days)
    _, counterfactual = simulate(counterfactual_of(parameters), seed, days)
    (_, forked_counterfactual), [(_, forked_policy)] = simulate_forked([parameters], seed, days)
    return (policy, counterfactual), (forked_policy, forked_counterfactual)


@pytest.mark.parametrize(
    "overrides",
    [
        # the crackdown starts months before the pilot: the fork is at the crackdown's start
        {"crackdown_intensity": 0.6, "crackdown_start_date": "2025-05-01"},
        # the run starts after the pilot did: nothing is shared, the fork is at day 0
        {"start_date": "2025-09-01"},
        # returns alone, as the decomposition runs them: no legal route
        {"legal_route_share": 0.0, "crackdown_intensity": 0.0},
    ],
)
def test_a_forked_pair_is_the_unforked_pair_bit_for_bit(overrides):
    parameters = validate({**scenario_parameters("pilot_crackdown"), **overrides})
    (policy, counterfactual), (forked_policy, forked_counterfactual) = unforked_and_forked(
        parameters, seed=5, days=300
    )
    pd.testing.assert_frame_equal(forked_policy, policy, check_exact=True)
    pd.testing.assert_frame_equal(forked_counterfactual, counterfactual, check_exact=True)
    assert not policy["returns"].eq(0).all()  # the policy acted after the fork


def test_the_shared_days_end_where_the_first_lever_acts():
    pilot = validate(scenario_parameters("pilot"))
    assert shared_days(pilot, 400) == 217  # 6 August 2025, from 1 January
    assert shared_days(pilot, 100) == 100
    assert shared_days(counterfactual_of(pilot), 400) == 400  # no policy: all of it
    early = validate(
        {**scenario_parameters("pilot_crackdown"), "crackdown_start_date": "2025-05-01"}
    )
    assert shared_days(early, 400) == 120
    assert simulated_days(pilot, 400, runs=2) == 217 + 2 * 183
    assert simulated_days(pilot, 400, runs=1) == 400


def test_a_fork_changes_only_policy_levers():
    parameters = validate(scenario_parameters("pilot"))
    model = ChannelModel(seed=1, **counterfactual_of(parameters))
    model.step()
    with pytest.raises(ValueError, match=r"only the policy levers, not \['weight_job'\]"):
        model.fork({**parameters, "weight_job": parameters["weight_job"] + 1.0})
    twin = model.fork(parameters)
    assert twin.params["return_cap_per_week"] == 50 and model.params["return_cap_per_week"] == 0
    assert twin.population is not model.population and twin.coast.world is twin
    assert twin.steps == model.steps == 1


def test_the_decomposition_forks_every_mechanism_from_one_counterfactual():
    from model.effects import mechanism_variants
    from model.run import decompose_effect, policy_start_date

    overrides = {"crackdown_start_date": "2025-07-01"}
    parameters = validate({**scenario_parameters("pilot_crackdown"), **overrides})
    forked = decompose_effect("pilot_crackdown", seed=2, days=320, overrides=overrides)
    start = pd.Timestamp(policy_start_date(parameters))

    def arrivals(values):
        _, daily = simulate(values, 2, 320)
        return int(daily.loc[daily["date"] >= start, "arrivals"].sum())

    before = arrivals(counterfactual_of(parameters))
    expected = []
    for values in mechanism_variants(parameters).values():
        after = arrivals(values)
        expected.append(before - after)
        before = after
    assert forked["mechanism"].tolist() == ["returns", "legal route", "crackdown"]
    assert forked["crossings_deterred"].tolist() == expected


def test_runs_sharing_a_prefix_take_it_from_the_cache_and_match_uncached_runs():
    from model.run import PrefixCache, run_scenario

    cache = PrefixCache(size=2)
    for cap in (50, 200):
        cached = run_scenario("pilot", 3, 260, {"return_cap_per_week": cap}, prefixes=cache)
        fresh = run_scenario("pilot", 3, 260, {"return_cap_per_week": cap})
        pd.testing.assert_frame_equal(cached.daily, fresh.daily, check_exact=True)
        pd.testing.assert_frame_equal(
            cached.counterfactual_daily, fresh.counterfactual_daily, check_exact=True
        )
    assert (cache.hits, cache.misses) == (1, 1)  # the second cap went on from the first's prefix
    assert len(cache._finished) == 1  # and took the first's finished counterfactual
    # another seed, or a parameter that acts before the policy, needs its own prefix
    run_scenario("pilot", 4, 260, {"return_cap_per_week": 50}, prefixes=cache)
    run_scenario("pilot", 3, 260, {"return_cap_per_week": 50, "weight_job": 2.5}, prefixes=cache)
    assert (cache.hits, cache.misses) == (1, 3)
    assert len(cache._states) == 2  # the oldest state made room


ALBANIA_LATE_START = {"start_date": "2022-09-01"}
"""The backcast from 1 September 2022: the UK-Albania arrangement is in force from day 103."""


def test_runs_with_and_without_an_arrangement_share_the_days_before_it_bit_for_bit():
    from model.model import arrangements_first_day
    from model.run import PrefixCache, run_scenario

    parameters = validate({**scenario_parameters("albania_backcast"), **ALBANIA_LATE_START})
    assert arrangements_first_day(parameters) == 103  # 13 December 2022
    cache = PrefixCache(size=2)
    variants = (
        {"returns_arrangements": True},
        {"returns_arrangements": False},
        {"returns_arrangements": True, "arrangement_removal_prob": 0.5},
    )
    daily = []
    for overrides in variants:
        overrides = {**ALBANIA_LATE_START, **overrides}
        cached = run_scenario("albania_backcast", 6, 150, overrides, prefixes=cache)
        fresh = run_scenario("albania_backcast", 6, 150, overrides)
        pd.testing.assert_frame_equal(cached.daily, fresh.daily, check_exact=True)
        daily.append(cached.daily)
    assert (cache.hits, cache.misses) == (2, 1)  # the second and third went on from the first
    removals = [int(table["arrangement_removals"].sum()) for table in daily]
    assert removals[0] > removals[2] > 0 == removals[1]  # each variant acted after the fork
    # the days before the arrangement are the same run, the days after are not
    pd.testing.assert_frame_equal(daily[0].iloc[:103], daily[1].iloc[:103], check_exact=True)


def test_a_fork_may_change_an_arrangement_only_up_to_its_first_day_in_force():
    parameters = validate({**scenario_parameters("albania_backcast"), **ALBANIA_LATE_START})
    model = ChannelModel(seed=1, **parameters)
    for _ in range(103):
        model.step()
    without = {**parameters, "returns_arrangements": False}
    assert model.fork(without).params["returns_arrangements"] is False
    model.step()
    refused = r"after 104 days may not change \['returns_arrangements'\]"
    with pytest.raises(ValueError, match=refused):
        model.fork(without)
    with_policy = {**parameters, "return_cap_per_week": 50}  # levers are the caller's to time
    assert model.fork(with_policy).params["return_cap_per_week"] == 50


def test_variants_with_other_arrangements_are_not_forked_from_one_counterfactual():
    """Their counterfactuals differ once an arrangement acts: one would be wrong for some."""
    parameters = validate({**scenario_parameters("pilot"), "start_date": "2022-09-01"})
    other = {**parameters, "returns_arrangements": not parameters["returns_arrangements"]}
    with pytest.raises(ValueError, match="differ only in the policy levers"):
        simulate_forked([parameters, other], seed=1, days=150)  # in force from day 103
    # over days before the arrangement acts, the two are the same run
    _, [(_, first), (_, second)] = simulate_forked([parameters, other], seed=1, days=30)
    pd.testing.assert_frame_equal(first, second, check_exact=True)
