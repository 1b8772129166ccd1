"""The bench's arithmetic: percentiles of one run, medians and spreads over repeats."""

import pytest

from bench.stats import Figure, percentile, ratios


def test_percentile_is_nearest_rank() -> None:
    ordered = [float(n) for n in range(1, 101)]

    assert percentile(ordered, 0.50) == 50.0
    assert percentile(ordered, 0.99) == 99.0
    assert percentile(ordered, 1.00) == 100.0


def test_percentile_of_nothing_is_zero() -> None:
    assert percentile([], 0.5) == 0.0


def test_figure_is_the_median_with_its_spread() -> None:
    figure = Figure.of([3.0, 1.0, 2.0])

    assert (figure.median, figure.low, figure.high) == (2.0, 1.0, 3.0)
    assert figure.text(1, " ms") == "2.0 ms (1.0..3.0)"


def test_figure_of_one_run_has_no_spread_in_text() -> None:
    assert Figure.of([2.5]).text(2) == "2.50"


def test_figure_needs_a_run() -> None:
    with pytest.raises(ValueError, match="at least one run"):
        Figure.of([])


def test_ratios_pair_runs_of_the_same_repeat() -> None:
    figure = ratios([10.0, 30.0, 20.0], [5.0, 10.0, 10.0])

    assert figure.runs == (2.0, 3.0, 2.0)
    assert figure.median == 2.0
