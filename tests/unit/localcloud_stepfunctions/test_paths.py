import pytest

from localcloud.stepfunctions.errors import StatesError
from localcloud.stepfunctions.intrinsics import evaluate_intrinsic
from localcloud.stepfunctions.paths import (
    apply_template,
    parse_path,
    process_input,
    process_output,
    read_path,
    write_path,
)

DATA = {"a": {"b": [10, 20, {"c": "x"}]}, "name with space": 1, "flag": True}


def test_parse_path_tokens():
    assert parse_path("$.a.b[2]['c d'][*]") == ["a", "b", 2, "c d", "*"]
    assert parse_path("$") == []
    with pytest.raises(ValueError):
        parse_path("a.b")


def test_read_path_values_wildcards_and_context():
    assert read_path("$.a.b[1]", DATA) == 20
    assert read_path("$.a.b[-1].c", DATA) == "x"
    assert read_path("$['name with space']", DATA) == 1
    assert read_path("$.a.b[*]", {"a": {"b": [1, 2]}}) == [1, 2]
    assert read_path("$$.Execution.Id", DATA, {"Execution": {"Id": "arn:x"}}) == "arn:x"


def test_read_path_missing_is_states_runtime():
    with pytest.raises(StatesError) as err:
        read_path("$.nope", DATA)
    assert err.value.error == "States.Runtime"
    assert "$.nope" in err.value.cause


def test_write_path_creates_nested_objects_and_replaces_root():
    assert write_path("$.r.s", {"a": 1}, 5) == {"a": 1, "r": {"s": 5}}
    assert write_path("$", {"a": 1}, [1]) == [1]
    with pytest.raises(StatesError) as err:
        write_path("$.a.b", {"a": 1}, 2)
    assert err.value.error == "States.ResultPathMatchFailure"


def test_parameters_template_with_paths_context_and_intrinsics():
    template = {
        "static": {"k": 1},
        "v.$": "$.a.b[0]",
        "exec.$": "$$.Execution.Name",
        "msg.$": "States.Format('n={} f={}', $.a.b[0], $.flag)",
    }
    out = apply_template(template, DATA, {"Execution": {"Name": "e1"}})
    assert out == {"static": {"k": 1}, "v": 10, "exec": "e1", "msg": "n=10 f=true"}


def test_input_and_output_pipeline_order():
    state = {
        "InputPath": "$.in",
        "Parameters": {"x.$": "$.v"},
        "ResultSelector": {"got.$": "$.value"},
        "ResultPath": "$.result",
        "OutputPath": "$.result",
    }
    raw = {"in": {"v": 3}, "other": 1}
    assert process_input(state, raw, {}) == {"x": 3}
    assert process_output(state, raw, {"value": 9, "noise": 0}, {}) == {"got": 9}


def test_result_path_null_keeps_input_and_null_paths_give_empty_object():
    raw = {"a": 1}
    assert process_output({"ResultPath": None}, raw, {"big": "result"}, {}) == {"a": 1}
    assert process_input({"InputPath": None}, raw, {}) == {}


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("States.Format('a\\{b\\} {}', 'x')", "a{b} x"),
        ("States.StringToJson($.s)", {"k": [1, 2]}),
        ("States.JsonToString($.o)", '{"k":1}'),
        ("States.Array(1, 'two', $.o)", [1, "two", {"k": 1}]),
        ("States.ArrayLength(States.Array(1, 2, 3))", 3),
        ("States.ArrayContains($.l, 2)", True),
        ("States.ArrayPartition($.l, 2)", [[1, 2], [3]]),
        ("States.ArrayRange(1, 9, 4)", [1, 5, 9]),
        ("States.ArrayGetItem($.l, 1)", 2),
        ("States.ArrayUnique(States.Array(1, 1, 2))", [1, 2]),
        ("States.MathAdd($.l[0], 41)", 42),
        ("States.StringSplit('a,b,,c', ',')", ["a", "b", "c"]),
        ("States.Base64Encode('hi')", "aGk="),
        ("States.Base64Decode('aGk=')", "hi"),
        (
            "States.Hash('abc', 'SHA-256')",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        ("States.JsonMerge($.o, States.StringToJson('{\"z\": 2}'), false)", {"k": 1, "z": 2}),
    ],
)
def test_intrinsic_functions(expression, expected):
    data = {"s": '{"k": [1, 2]}', "o": {"k": 1}, "l": [1, 2, 3]}
    assert evaluate_intrinsic(expression, data) == expected


def test_uuid_and_errors():
    import uuid

    assert uuid.UUID(evaluate_intrinsic("States.UUID()", {})).version == 4
    for bad in (
        "States.Nope(1)",
        "States.Format('{} {}', 1)",
        "States.ArrayLength(",
        "States.StringToJson('not json')",
    ):
        with pytest.raises(StatesError) as err:
            evaluate_intrinsic(bad, {})
        assert err.value.error == "States.IntrinsicFailure", bad
