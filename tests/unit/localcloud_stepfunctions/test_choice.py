import pytest

from localcloud.stepfunctions.choice import choose_next, evaluate_rule
from localcloud.stepfunctions.errors import StatesError

DATA = {
    "s": "READY",
    "n": 5,
    "f": 2.5,
    "b": True,
    "t": "2026-11-25T10:00:00Z",
    "z": None,
    "other": 5,
    "file": "data/part-0001.json",
}


@pytest.mark.parametrize(
    "rule, expected",
    [
        ({"StringEquals": "READY"}, True),
        ({"StringEquals": "RUNNING"}, False),
        ({"StringLessThan": "S"}, True),
        ({"StringGreaterThanEquals": "READY"}, True),
        ({"StringLessThanEquals": "A"}, False),
        ({"StringGreaterThan": "A"}, True),
    ],
)
def test_string_comparisons(rule, expected):
    assert evaluate_rule({"Variable": "$.s", **rule}, DATA) is expected


@pytest.mark.parametrize(
    "op, value, expected",
    [
        ("NumericEquals", 5, True),
        ("NumericLessThan", 5, False),
        ("NumericGreaterThan", 4.5, True),
        ("NumericLessThanEquals", 5, True),
        ("NumericGreaterThanEquals", 6, False),
    ],
)
def test_numeric_comparisons(op, value, expected):
    assert evaluate_rule({"Variable": "$.n", op: value}, DATA) is expected


def test_path_variants_booleans_and_timestamps():
    assert evaluate_rule({"Variable": "$.n", "NumericEqualsPath": "$.other"}, DATA)
    assert evaluate_rule({"Variable": "$.b", "BooleanEquals": True}, DATA)
    assert not evaluate_rule({"Variable": "$.b", "BooleanEqualsPath": "$.z"}, DATA)
    assert (
        evaluate_rule({"Variable": "$.t", "TimestampLessThan": "2026-11-25T11:00:00+01:00"}, DATA)
        is False
    )
    assert evaluate_rule({"Variable": "$.t", "TimestampEquals": "2026-11-25T11:00:00+01:00"}, DATA)


def test_type_mismatch_is_no_match():
    assert evaluate_rule({"Variable": "$.s", "NumericEquals": 5}, DATA) is False
    assert evaluate_rule({"Variable": "$.n", "StringEquals": "5"}, DATA) is False
    assert evaluate_rule({"Variable": "$.b", "NumericEquals": 1}, DATA) is False


def test_type_tests_and_presence():
    assert evaluate_rule({"Variable": "$.z", "IsNull": True}, DATA)
    assert evaluate_rule({"Variable": "$.f", "IsNumeric": True}, DATA)
    assert evaluate_rule({"Variable": "$.b", "IsNumeric": False}, DATA)
    assert evaluate_rule({"Variable": "$.s", "IsString": True}, DATA)
    assert evaluate_rule({"Variable": "$.b", "IsBoolean": True}, DATA)
    assert evaluate_rule({"Variable": "$.t", "IsTimestamp": True}, DATA)
    assert evaluate_rule({"Variable": "$.s", "IsTimestamp": False}, DATA)
    assert evaluate_rule({"Variable": "$.missing", "IsPresent": False}, DATA)
    assert not evaluate_rule({"Variable": "$.missing", "IsPresent": True}, DATA)


def test_string_matches_wildcards_and_escapes():
    assert evaluate_rule({"Variable": "$.file", "StringMatches": "data/*.json"}, DATA)
    assert not evaluate_rule({"Variable": "$.file", "StringMatches": "*.csv"}, DATA)
    assert evaluate_rule({"Variable": "$.v", "StringMatches": "a\\*b"}, {"v": "a*b"})
    assert not evaluate_rule({"Variable": "$.v", "StringMatches": "a\\*b"}, {"v": "axb"})


def test_and_or_not():
    running = {"Variable": "$.s", "StringEquals": "RUNNING"}
    ready = {"Variable": "$.s", "StringEquals": "READY"}
    assert evaluate_rule({"Or": [running, ready]}, DATA)
    assert not evaluate_rule({"And": [running, ready]}, DATA)
    assert evaluate_rule({"Not": running}, DATA)
    # the template's guard: IsPresent before BooleanEquals
    guard = {
        "And": [
            {"Variable": "$.run_curated", "IsPresent": True},
            {"Variable": "$.run_curated", "BooleanEquals": True},
        ]
    }
    assert not evaluate_rule(guard, {})
    assert evaluate_rule(guard, {"run_curated": True})


def test_missing_variable_is_runtime_error_and_default_and_no_match():
    with pytest.raises(StatesError) as err:
        evaluate_rule({"Variable": "$.missing", "StringEquals": "x"}, DATA)
    assert err.value.error == "States.Runtime"
    state = {"Choices": [{"Variable": "$.s", "StringEquals": "X", "Next": "A"}], "Default": "D"}
    assert choose_next(state, DATA) == "D"
    del state["Default"]
    with pytest.raises(StatesError) as err:
        choose_next(state, DATA)
    assert err.value.error == "States.NoChoiceMatched"
