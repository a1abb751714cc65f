"""Alarm evaluation for each TreatMissingData mode, on literal datapoints."""

import json

import pytest

from localcloud.cloudwatch.evaluation import evaluate, period_values
from localcloud.cloudwatch.metrics import MetricStore, Sample, metric_key, statistic

NOW = 1_764_072_000.0  # 2025-11-25T12:00:00Z
FRESHNESS = {
    "AlarmName": "dl-data-freshness",
    "ComparisonOperator": "LessThanThreshold",
    "Threshold": 1.0,
    "Period": 3600,
    "EvaluationPeriods": 2,
    "DatapointsToAlarm": 2,
    "Statistic": "Sum",
    "TreatMissingData": "breaching",
}


def sample(t, value):
    return Sample(t, 1, value, value, value)


def values_for(samples, alarm=FRESHNESS, now=NOW):
    return period_values(
        samples, now, alarm["Period"], alarm["EvaluationPeriods"], alarm["Statistic"]
    )


def test_period_values_are_rolling_windows_ending_now():
    samples = [sample(NOW - 5000, 2), sample(NOW - 10, 3), sample(NOW - 5, 4)]
    assert values_for(samples) == [(NOW - 7200, 2.0), (NOW - 3600, 7.0)]
    assert values_for([]) == [(NOW - 7200, None), (NOW - 3600, None)]


def test_statistics():
    samples = [Sample(0, 2, 10, 1, 9), sample(0, 5)]
    assert statistic(samples, "Sum") == 15 and statistic(samples, "SampleCount") == 3
    assert statistic(samples, "Average") == 5 and statistic(samples, "Minimum") == 1
    assert statistic(samples, "Maximum") == 9 and statistic([], "Sum") is None
    with pytest.raises(ValueError):
        statistic(samples, "p99")


def test_freshness_alarm_breaching_when_nothing_was_ingested():
    verdict = evaluate(FRESHNESS, values_for([]), "INSUFFICIENT_DATA", NOW)
    assert verdict.state == "ALARM"
    assert "no datapoints were received for 2 periods" in verdict.reason
    assert "treated as [Breaching]" in verdict.reason
    assert json.loads(verdict.reason_data)["threshold"] == 1.0


def test_freshness_alarm_ok_after_new_events():
    verdict = evaluate(FRESHNESS, values_for([sample(NOW - 60, 12)]), "ALARM", NOW)
    assert verdict.state == "OK"  # one breaching (missing) period of two: not 2 of 2
    assert "12.0" in verdict.reason and "ALARM -> OK" in verdict.reason


@pytest.mark.parametrize(
    "treat, expected",
    [
        ("missing", "INSUFFICIENT_DATA"),
        ("breaching", "ALARM"),
        ("notBreaching", "OK"),
        ("ignore", "OK"),  # keeps the current state
    ],
)
def test_all_periods_missing_by_mode(treat, expected):
    alarm = {**FRESHNESS, "TreatMissingData": treat}
    assert evaluate(alarm, values_for([]), "OK", NOW).state == expected


@pytest.mark.parametrize(
    "treat, expected",
    [
        ("missing", "ALARM"),  # the one present datapoint breaches; missing ones are ignored
        ("ignore", "ALARM"),
        ("breaching", "ALARM"),
        ("notBreaching", "ALARM"),
    ],
)
def test_partial_data_one_of_two_with_datapoints_to_alarm_1(treat, expected):
    alarm = {**FRESHNESS, "DatapointsToAlarm": 1, "TreatMissingData": treat}
    values = values_for([sample(NOW - 100, 0)])
    assert evaluate(alarm, values, "OK", NOW).state == expected


def test_not_breaching_missing_data_counts_against_the_alarm():
    alarm = {**FRESHNESS, "TreatMissingData": "notBreaching"}
    assert evaluate(alarm, values_for([sample(NOW - 100, 0)]), "OK", NOW).state == "OK"
    alarm = {**FRESHNESS, "TreatMissingData": "breaching"}
    assert evaluate(alarm, values_for([sample(NOW - 100, 0)]), "OK", NOW).state == "ALARM"


@pytest.mark.parametrize(
    "op, value, state",
    [
        ("GreaterThanThreshold", 6, "ALARM"),
        ("GreaterThanThreshold", 5, "OK"),
        ("GreaterThanOrEqualToThreshold", 5, "ALARM"),
        ("LessThanOrEqualToThreshold", 5, "ALARM"),
        ("LessThanThreshold", 5, "OK"),
    ],
)
def test_comparison_operators(op, value, state):
    alarm = {
        "ComparisonOperator": op,
        "Threshold": 5,
        "Period": 300,
        "EvaluationPeriods": 1,
        "Statistic": "Sum",
        "TreatMissingData": "notBreaching",
    }
    values = period_values([sample(NOW - 1, value)], NOW, 300, 1, "Sum")
    assert evaluate(alarm, values, "OK", NOW).state == state


def test_unknown_operator_is_an_error():
    with pytest.raises(ValueError):
        evaluate({**FRESHNESS, "ComparisonOperator": "LessThanLowerThreshold"}, [], "OK", NOW)


def test_metric_store_keys_windows_and_persistence():
    store = MetricStore()
    dims = [{"Name": "StackName", "Value": "dl"}]
    store.add("DataLake", {"MetricName": "EventsIngested", "Dimensions": dims, "Value": 3}, NOW)
    store.add(
        "DataLake",
        {"MetricName": "EventsIngested", "Dimensions": dims, "Values": [1, 2], "Counts": [2, 1]},
        NOW + 1,
    )
    store.add("DataLake", {"MetricName": "EventsIngested", "Value": 100}, NOW)  # no dimensions
    key = metric_key("DataLake", "EventsIngested", {"StackName": "dl"})
    got = store.window(key, NOW - 1, NOW + 2)
    assert [s.total for s in got] == [3.0, 4.0] and got[1].count == 3
    copy = MetricStore()
    copy.restore(json.loads(json.dumps(store.export())))
    assert copy.window(key, NOW - 1, NOW + 2) == got
    with pytest.raises(ValueError):
        store.add("DataLake", {"MetricName": "X"}, NOW)
