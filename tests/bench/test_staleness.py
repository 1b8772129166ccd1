"""The stale-read probe's judgement: what a fresh answer shows after each change."""

from decimal import Decimal

from bench.staleness import CHANGES, Expected, changes

ANSWER = {
    "id": "s-1",
    "amount": {"value": "101.25", "currency": "COP"},
    "customer": {"email": "probe-1@example.com"},
}


def test_expected_amount_is_fresh_as_a_decimal_string_or_a_number() -> None:
    expected = Expected(("amount", "value"), Decimal("101.25"))

    assert expected.fresh(ANSWER)
    assert expected.fresh({**ANSWER, "amount": {"value": 101.25, "currency": "COP"}})


def test_expected_amount_sees_the_old_value_as_stale() -> None:
    expected = Expected(("amount", "value"), Decimal("102.25"))

    assert not expected.fresh(ANSWER)


def test_expected_email_compares_the_text() -> None:
    assert Expected(("customer", "email"), "probe-1@example.com").fresh(ANSWER)
    assert not Expected(("customer", "email"), "probe-2@example.com").fresh(ANSWER)


def test_probe_changes_the_amount_then_the_email_with_new_values_each_turn() -> None:
    first, second = changes("s-1", "c-1", 1), changes("s-1", "c-1", 2)

    assert len(first) == CHANGES
    assert first[0].variables == {
        "input": {"id": "s-1", "amount": {"value": "101.25", "currency": "COP"}}
    }
    assert first[1].variables == {"input": {"id": "c-1", "email": "probe-1-c-1@example.com"}}
    assert [c.expected.value for c in first] != [c.expected.value for c in second]
