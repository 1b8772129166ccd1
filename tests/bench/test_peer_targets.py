"""The peers section's judgement: issue 15's targets, and when a peer's answer is the same."""

import pytest

from bench.contenders import same_answer
from bench.report import Target
from bench.scenarios.peers import ceiling_target, hive_target
from bench.stats import Figure, ratios

GATEWAY_ANSWER = {
    "checkoutSession": {
        "id": "s-1",
        "amount": {"value": "26.90", "currency": "COP"},
        "customer": {"email": "bench-1@example.com"},
        "paymentMethods": [{"name": "VISA ****0002", "type": "CARD", "vaultedToken": "t-1"}],
    }
}


def test_hive_target_is_met_at_one_and_a_half_times_hive() -> None:
    per_round = ratios([3000.0, 3100.0, 2900.0], [2000.0, 2000.0, 2000.0])

    target = hive_target(16, per_round)

    assert target.value == 1.5
    assert target.met
    assert target.goal() == "≥ 1.5x"


def test_hive_target_is_missed_below_one_and_a_half_times_hive() -> None:
    target = hive_target(64, ratios([2900.0], [2000.0]))

    assert not target.met
    assert "64 connections" in target.name


def test_ceiling_target_judges_the_share_in_percent() -> None:
    share = ratios([6000.0, 5800.0, 6400.0], [15000.0, 15000.0, 15000.0])

    target = ceiling_target(16, share)

    assert target.value == pytest.approx(40.0)
    assert target.met
    assert target.goal() == "≥ 40%"


def test_ceiling_target_is_missed_under_forty_percent() -> None:
    assert not ceiling_target(64, Figure.of([0.39])).met


def test_a_stale_answer_misses_the_zero_target() -> None:
    assert Target("stale", 0, 0).met
    assert not Target("stale", 1, 0).met


def test_same_answer_compares_the_amount_as_a_number() -> None:
    hive = {
        "checkoutSession": {
            **GATEWAY_ANSWER["checkoutSession"],
            "amount": {"value": 26.9, "currency": "COP"},
        }
    }

    assert same_answer(GATEWAY_ANSWER, hive)


def test_same_answer_sees_a_different_field() -> None:
    other = {
        "checkoutSession": {
            **GATEWAY_ANSWER["checkoutSession"],
            "customer": {"email": "someone@example.com"},
        }
    }

    assert not same_answer(GATEWAY_ANSWER, other)


def test_same_answer_sees_a_missing_session() -> None:
    assert not same_answer(GATEWAY_ANSWER, {"checkoutSession": None})
