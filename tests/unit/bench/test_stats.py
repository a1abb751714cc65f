import pytest

from bench.stats import linear_fit, meets_goal, ratio_summary, ratios, summarize


def test_summarize_gives_median_min_max_and_count():
    s = summarize([3.0, 1.0, 2.0, 10.0])
    assert (s.median, s.min, s.max, s.n) == (2.5, 1.0, 10.0, 4)


def test_summarize_refuses_empty_and_non_finite():
    with pytest.raises(ValueError, match="empty"):
        summarize([])
    with pytest.raises(ValueError, match="finite"):
        summarize([1.0, float("nan")])


def test_ratios_pair_each_repetition_with_its_own_baseline():
    assert ratios([10.0, 30.0], [5.0, 10.0]) == [2.0, 3.0]
    s = ratio_summary([10.0, 30.0, 8.0], [5.0, 10.0, 8.0])
    assert (s.median, s.min, s.max) == (2.0, 1.0, 3.0)


def test_ratios_refuse_unpaired_or_zero_baselines():
    with pytest.raises(ValueError, match="pair up"):
        ratios([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="> 0"):
        ratios([1.0], [0.0])


@pytest.mark.parametrize(("value", "op", "threshold", "expected"), [
    (3.0, "<=", 3.0, True), (3.1, "<=", 3.0, False), (50.0, ">=", 50.0, True),
    (49.9, ">=", 50.0, False), (59.9, "<", 60.0, True), (60.0, "<", 60.0, False),
])
def test_meets_goal(value, op, threshold, expected):
    assert meets_goal(value, op, threshold) is expected


def test_meets_goal_names_a_bad_operator():
    with pytest.raises(ValueError, match="operator"):
        meets_goal(1.0, "==", 1.0)


def test_linear_fit_recovers_intercept_and_slope():
    intercept, slope = linear_fit([10, 20, 40], [7.0, 12.0, 22.0])
    assert intercept == pytest.approx(2.0)
    assert slope == pytest.approx(0.5)
    with pytest.raises(ValueError, match="distinct"):
        linear_fit([1, 1], [2.0, 3.0])
