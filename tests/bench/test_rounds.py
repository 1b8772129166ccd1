"""Interleaved rounds: the order rotates, and every round's ratio is reported in order."""

from bench.rounds import by_round, rotation
from bench.stats import Figure

CONTENDERS = ["gateway", "hive_cached", "hive", "ceiling"]


def test_rotation_starts_each_round_one_contender_later() -> None:
    orders = [rotation(CONTENDERS, r) for r in range(4)]

    assert orders[0] == CONTENDERS
    assert orders[1] == ["hive_cached", "hive", "ceiling", "gateway"]
    assert [order[0] for order in orders] == CONTENDERS


def test_rotation_keeps_every_contender_once_per_round() -> None:
    for r in range(7):
        assert sorted(rotation(CONTENDERS, r)) == sorted(CONTENDERS)


def test_rotation_wraps_after_as_many_rounds_as_contenders() -> None:
    assert rotation(CONTENDERS, 5) == rotation(CONTENDERS, 1)


def test_rotation_of_nothing_is_empty() -> None:
    assert rotation([], 3) == []


def test_by_round_lists_every_round_in_the_order_it_ran() -> None:
    ratios = Figure.of([3.9, 3.7, 3.8])

    assert by_round(ratios) == "3.80x (3.70..3.90); rounds 3.90 3.70 3.80"


def test_by_round_scales_a_share_to_percent() -> None:
    shares = Figure.of([0.5, 0.6, 0.55])

    assert by_round(shares, 0, "%", 100) == "55% (50..60); rounds 50 60 55"


def test_by_round_of_one_round_is_its_value() -> None:
    assert by_round(Figure.of([1.5])) == "1.50x"
