"""bench.load's judgement of an answer: a 200 with every expected text, or without errors."""

import itertools

from bench.load import Plan

BODY = b'{"data":{"checkoutSession":{"amount":{"currency":"COP"},"customer":{"email":"e"}}}}'


def plan(*expect: bytes) -> Plan:
    return Plan(itertools.repeat(b""), deadline=0.0, remaining=0, expect=expect)


def test_load_accepts_an_answer_with_every_expected_text() -> None:
    assert plan(b'"currency":"COP"', b'"email":').accepts(200, BODY)


def test_load_refuses_an_answer_missing_one_expected_text() -> None:
    assert not plan(b'"currency":"COP"', b'"vaultedToken":"').accepts(200, BODY)


def test_load_refuses_a_status_other_than_200() -> None:
    assert not plan(b'"currency":"COP"').accepts(500, BODY)


def test_load_without_expectations_refuses_errors() -> None:
    assert plan().accepts(200, BODY)
    assert not plan().accepts(200, b'{"errors":[{"message":"no"}]}')
