"""The logit choice rule (agents.decisions) on tiny hand-made inputs."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from agents.decisions import (
    Choice,
    Perceptions,
    UtilityWeights,
    logit_probabilities,
    nested_choice_probabilities,
    option_utilities,
    sample_choices,
)
from model.parameters import PARAMETERS

WEIGHTS = replace(
    UtilityWeights.from_parameters({name: p.default for name, p in PARAMETERS.items()}),
    utility_wait_constant=1.0,
    utility_uk_constant=2.0,
    weight_job=3.0,
    weight_ties=1.0,
    weight_asylum=1.0,
    weight_return=4.0,
    weight_price=2.0,
    weight_danger=100.0,
    weight_legal_route=5.0,
    utility_register_hassle=0.5,
    utility_leave_constant=0.2,
    weight_waiting_fatigue=0.3,
)


def _perceptions(**changes) -> Perceptions:
    """Two migrants: one who may do anything, one registered who can neither pay nor register."""
    values = {
        "return_prob": np.array([0.1, 0.1]),
        "job_prob": np.array([0.5, 0.5]),
        "legal_place_prob": np.array([0.2, 0.2]),
        "death_risk": np.array([0.01, 0.01]),
        "price_share_of_savings": np.array([0.5, 0.5]),
        "can_afford": np.array([True, False]),
        "can_register": np.array([True, False]),
        "is_registered": np.array([False, True]),
        "uk_ties": np.array([1.0, 0.0]),
        "asylum_grant_likelihood": np.array([0.6, 0.6]),
        "risk_aversion": np.array([2.0, 1.0]),
        "days_waiting": np.array([60.0, 0.0]),
    }
    values.update(changes)
    return Perceptions(**values)


def test_choice_order_is_the_row_order():
    assert [c.name for c in Choice] == ["WAIT", "CROSS", "REGISTER", "LEAVE"]
    assert [int(c) for c in Choice] == [0, 1, 2, 3]


def test_weights_come_from_the_parameters():
    values = {name: p.default for name, p in PARAMETERS.items()}
    weights = UtilityWeights.from_parameters(values)
    for name in UtilityWeights.__dataclass_fields__:
        assert getattr(weights, name) == PARAMETERS[name].default


def test_option_utilities_by_hand():
    utilities = option_utilities(_perceptions(), WEIGHTS)
    assert utilities.shape == (4, 2)
    # migrant 0: value in the UK = 2 + 3*0.5 + 1*1 + 1*0.6 = 5.1
    assert utilities[Choice.WAIT, 0] == pytest.approx(1.0)
    assert utilities[Choice.CROSS, 0] == pytest.approx(
        0.9 * 5.1 - 4 * 0.1 - 2 * 0.5 - 100 * 0.01 * 2
    )
    assert utilities[Choice.REGISTER, 0] == pytest.approx(1.0 + 5 * 0.2 - 0.5)
    assert utilities[Choice.LEAVE, 0] == pytest.approx(0.2 + 0.3 * 60 / 30)
    # migrant 1: registered, so waiting carries the legal prospect; cannot pay nor register
    assert utilities[Choice.WAIT, 1] == pytest.approx(1.0 + 5 * 0.2)
    assert utilities[Choice.CROSS, 1] == -np.inf
    assert utilities[Choice.REGISTER, 1] == -np.inf
    assert utilities[Choice.LEAVE, 1] == pytest.approx(0.2)


def test_crossing_is_worth_less_the_higher_the_return_risk():
    base = _perceptions()
    three = {
        name: np.repeat(getattr(base, name)[:1], 3) for name in Perceptions.__dataclass_fields__
    }
    three["return_prob"] = np.array([0.0, 0.3, 0.9])
    perceptions = Perceptions(**three)
    cross = option_utilities(perceptions, WEIGHTS)[Choice.CROSS]
    assert np.all(np.diff(cross) < 0)


def test_logit_probabilities_by_hand():
    utilities = np.array([[0.0, 5.0], [math.log(3.0), 5.0], [-np.inf, 5.0], [math.log(6.0), 5.0]])
    before = utilities.copy()
    probabilities = logit_probabilities(utilities)
    np.testing.assert_allclose(probabilities[:, 0], [0.1, 0.3, 0.0, 0.6])
    np.testing.assert_allclose(probabilities[:, 1], [0.25] * 4)
    np.testing.assert_array_equal(utilities, before)  # the input is left alone


def test_logit_probabilities_are_stable_and_sum_to_one():
    rng = np.random.default_rng(0)
    utilities = rng.normal(0.0, 50.0, size=(4, 200)) + 800.0
    utilities[1, ::3] = -np.inf
    utilities[2, ::5] = -np.inf
    probabilities = logit_probabilities(utilities)
    assert np.all(np.isfinite(probabilities))
    assert np.all(probabilities >= 0)
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0)
    assert np.all(probabilities[1, ::3] == 0)
    assert np.all(probabilities[2, ::5] == 0)


def test_unavailable_options_have_zero_probability():
    probabilities = logit_probabilities(option_utilities(_perceptions(), WEIGHTS))
    assert probabilities[Choice.CROSS, 1] == 0
    assert probabilities[Choice.REGISTER, 1] == 0
    assert np.all(probabilities[:, 0] > 0)


def test_sample_choices_with_chosen_uniforms():
    probabilities = np.array([[0.1], [0.3], [0.0], [0.6]]).repeat(6, axis=1)
    uniforms = np.array([0.0, 0.099, 0.1, 0.399, 0.4, 0.999])
    choices = sample_choices(probabilities, uniforms)
    expected = [Choice.WAIT, Choice.WAIT, Choice.CROSS, Choice.CROSS, Choice.LEAVE, Choice.LEAVE]
    assert choices.tolist() == [int(c) for c in expected]


def test_sample_choices_match_probabilities_on_a_grid_of_uniforms():
    probabilities = np.array([0.25, 0.0, 0.15, 0.6])
    n = 10_000
    uniforms = (np.arange(n) + 0.5) / n
    choices = sample_choices(np.repeat(probabilities[:, None], n, axis=1), uniforms)
    shares = np.bincount(choices, minlength=4) / n
    np.testing.assert_allclose(shares, probabilities, atol=1.0 / n)
    assert Choice.CROSS not in set(choices.tolist())


def test_nested_logit_with_scale_one_is_the_plain_logit():
    utilities = option_utilities(_perceptions(), WEIGHTS)
    np.testing.assert_allclose(
        nested_choice_probabilities(utilities, 1.0), logit_probabilities(utilities)
    )


def test_nested_logit_by_hand():
    # All four options worth 0, nest scale 1/2: the nest's inclusive value is ln(2) / 2,
    # so P(stay) = sqrt(2) / (sqrt(2) + 2), shared equally by waiting and registering.
    probabilities = nested_choice_probabilities(np.zeros((4, 1)), 0.5)[:, 0]
    stay = math.sqrt(2) / (math.sqrt(2) + 2)
    np.testing.assert_allclose(
        probabilities, [stay / 2, 1 / (math.sqrt(2) + 2), stay / 2, 1 / (math.sqrt(2) + 2)]
    )


def test_nested_logit_without_registration_is_the_plain_logit():
    """With registering unavailable, the nest is waiting alone, whatever its scale."""
    utilities = option_utilities(_perceptions(can_register=np.array([False, False])), WEIGHTS)
    for scale in (0.05, 0.3, 1.0):
        nested = nested_choice_probabilities(utilities, scale)
        np.testing.assert_allclose(nested, logit_probabilities(utilities))
        assert np.all(nested[Choice.REGISTER] == 0)


def test_nested_logit_probabilities_sum_to_one():
    rng = np.random.default_rng(2)
    utilities = rng.normal(0.0, 3.0, size=(4, 300))
    utilities[Choice.CROSS, ::4] = -np.inf
    utilities[Choice.REGISTER, ::3] = -np.inf
    for scale in (0.05, 0.3, 0.7, 1.0):
        probabilities = nested_choice_probabilities(utilities, scale)
        assert np.all(np.isfinite(probabilities)) and np.all(probabilities >= 0)
        np.testing.assert_allclose(probabilities.sum(axis=0), 1.0)
        assert np.all(probabilities[Choice.CROSS, ::4] == 0)
        assert np.all(probabilities[Choice.REGISTER, ::3] == 0)


def test_a_worthless_registration_draws_from_waiting_not_from_crossing():
    """The point of the nest: registering is a close substitute of waiting only."""
    base = np.array([[1.0], [1.0], [-50.0], [0.0]])
    better = base.copy()
    better[Choice.REGISTER] = 1.0  # registering now as good as waiting
    for scale in (0.05, 0.3):
        before = nested_choice_probabilities(base, scale)[:, 0]
        after = nested_choice_probabilities(better, scale)[:, 0]
        plain = logit_probabilities(better)[:, 0]
        assert after[Choice.CROSS] > plain[Choice.CROSS]  # crossing keeps more than in a logit
        assert after[Choice.WAIT] < before[Choice.WAIT]


def test_nest_scale_outside_its_range_is_refused():
    for scale in (0.0, -0.5, 1.5):
        with pytest.raises(ValueError, match="stay_nest_scale"):
            nested_choice_probabilities(np.zeros((4, 1)), scale)
