"""Every intrinsic and condition function, evaluated without AWS."""

import base64

import pytest

from localcloud.provision.errors import TemplateError
from localcloud.provision.intrinsics import NO_VALUE, Resolver, evaluate_conditions
from localcloud.provision.parameters import pseudo_parameters

PSEUDO = pseudo_parameters("stk", "arn:aws:cloudformation:us-east-1:1:stack/stk/x", "us-east-1")
RESOURCES = {"Bucket": "stk-bucket-1", "Fn": "stk-fn"}
ATTRS = {("Bucket", "Arn"): "arn:aws:s3:::stk-bucket-1", ("Fn", "Arn"): "arn:fn"}


def _resolver(conditions=None, parameters=None):
    def ref(name):
        if name not in RESOURCES:
            raise TemplateError(f"no {name}")
        return RESOURCES[name]

    def attr(name, attribute):
        return ATTRS[(name, attribute)]

    return Resolver(
        parameters or {"Env": "dev", "Zones": ["a", "b"]},
        PSEUDO,
        {"Sizes": {"dev": {"Memory": 128}, "prod": {"Memory": 1024}}},
        conditions or {"IsProd": False, "IsDev": True},
        ref,
        attr,
    )


def test_ref_parameter_pseudo_and_resource():
    r = _resolver()
    assert r.resolve({"Ref": "Env"}) == "dev"
    assert r.resolve({"Ref": "AWS::Region"}) == "us-east-1"
    assert r.resolve({"Ref": "AWS::AccountId"}) == "123456789012"
    assert r.resolve({"Ref": "Bucket"}) == "stk-bucket-1"


def test_unknown_pseudo_parameter_is_an_error():
    with pytest.raises(TemplateError, match="AWS::Nope"):
        _resolver().resolve({"Ref": "AWS::Nope"})


def test_no_value_removes_the_property_and_list_item():
    r = _resolver()
    assert r.resolve({"A": {"Ref": "AWS::NoValue"}, "B": 1}) == {"B": 1}
    assert r.resolve([1, {"Ref": "AWS::NoValue"}, 2]) == [1, 2]
    assert r.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE


def test_get_att_both_forms():
    r = _resolver()
    assert r.resolve({"Fn::GetAtt": ["Bucket", "Arn"]}) == "arn:aws:s3:::stk-bucket-1"
    assert r.resolve({"Fn::GetAtt": "Fn.Arn"}) == "arn:fn"


def test_sub_string_form_with_refs_attributes_and_literals():
    r = _resolver()
    text = "${AWS::StackName}-${Env}/${Bucket}/${Bucket.Arn}/${!Literal}/${ Env }"
    assert r.resolve({"Fn::Sub": text}) == (
        "stk-dev/stk-bucket-1/arn:aws:s3:::stk-bucket-1/${Literal}/dev"
    )


def test_sub_list_form_variables_win_and_are_resolved():
    r = _resolver()
    value = {"Fn::Sub": ["${Env}-${Name}", {"Name": {"Ref": "Bucket"}, "Env": "x"}]}
    assert r.resolve(value) == "x-stk-bucket-1"


def test_sub_of_a_list_parameter_joins_with_commas():
    assert _resolver().resolve({"Fn::Sub": "${Zones}"}) == "a,b"


def test_join_select_split():
    r = _resolver()
    assert r.resolve({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]}) == "a-dev-3"
    assert r.resolve({"Fn::Join": [",", {"Ref": "Zones"}]}) == "a,b"
    assert r.resolve({"Fn::Select": ["1", ["x", "y", "z"]]}) == "y"
    assert r.resolve({"Fn::Select": [0, {"Fn::Split": ["/", "p/q"]}]}) == "p"
    assert r.resolve({"Fn::Split": [",", "a,b,,c"]}) == ["a", "b", "", "c"]


def test_select_out_of_range_is_an_error():
    with pytest.raises(TemplateError, match="index 5 out of range for 2 items"):
        _resolver().resolve({"Fn::Select": [5, ["a", "b"]]})


def test_if_picks_a_branch_and_no_value_branch_removes():
    r = _resolver()
    assert r.resolve({"Fn::If": ["IsProd", "big", "small"]}) == "small"
    assert r.resolve({"Fn::If": ["IsDev", "dev", "x"]}) == "dev"
    assert r.resolve({"P": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}}) == {}


def test_if_on_an_undefined_condition_is_an_error():
    with pytest.raises(TemplateError, match="Condition Nope: not defined"):
        _resolver().resolve({"Fn::If": ["Nope", 1, 2]})


def test_base64_get_azs_find_in_map():
    r = _resolver()
    assert base64.b64decode(r.resolve({"Fn::Base64": {"Fn::Sub": "${Env}"}})) == b"dev"
    assert r.resolve({"Fn::GetAZs": ""}) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert r.resolve({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}) == 128


def test_find_in_map_missing_key():
    with pytest.raises(TemplateError, match="no value at Sizes/test/Memory"):
        _resolver().resolve({"Fn::FindInMap": ["Sizes", "test", "Memory"]})


def test_import_value_is_a_clear_error():
    with pytest.raises(TemplateError, match="Fn::ImportValue.*not supported.*parameter"):
        _resolver().resolve({"Fn::ImportValue": "shared-vpc"})


def test_unknown_function_is_named():
    with pytest.raises(TemplateError, match="Fn::Cidr is not supported"):
        _resolver().resolve({"Fn::Cidr": ["10.0.0.0/16", 2, 8]})


def test_nested_intrinsics():
    r = _resolver()
    value = {
        "Fn::Join": [
            "",
            ["arn:", {"Fn::Select": [1, {"Fn::Split": [":", {"Fn::GetAtt": ["Fn", "Arn"]}]}]}],
        ]
    }
    assert r.resolve(value) == "arn:fn"


def test_conditions_equals_and_or_not_condition():
    r = Resolver({"Env": "prod", "Email": ""}, PSEUDO)
    conditions = evaluate_conditions(
        {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "HasEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Email"}, ""]}]},
            "ProdAndEmail": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "HasEmail"}]},
            "ProdOrEmail": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "HasEmail"}]},
            "InRegion": {"Fn::Equals": ["us-east-1", {"Ref": "AWS::Region"}]},
        },
        r,
    )
    assert conditions == {
        "IsProd": True,
        "HasEmail": False,
        "ProdAndEmail": False,
        "ProdOrEmail": True,
        "InRegion": True,
    }


def test_equals_compares_numbers_and_booleans_as_text():
    r = Resolver({"N": "2", "B": "true"}, PSEUDO)
    conditions = evaluate_conditions(
        {"Two": {"Fn::Equals": [{"Ref": "N"}, 2]}, "On": {"Fn::Equals": [True, {"Ref": "B"}]}}, r
    )
    assert conditions == {"Two": True, "On": True}


def test_circular_conditions_are_named():
    r = Resolver({}, PSEUDO)
    with pytest.raises(TemplateError, match="circular Conditions: A -> B -> A"):
        evaluate_conditions(
            {"A": {"Fn::Not": [{"Condition": "B"}]}, "B": {"Fn::Not": [{"Condition": "A"}]}}, r
        )


def test_condition_must_be_boolean():
    with pytest.raises(TemplateError, match="Condition C: must be built from"):
        evaluate_conditions({"C": "yes"}, Resolver({}, PSEUDO))


def test_and_needs_two_conditions():
    with pytest.raises(TemplateError, match="Fn::And: expects 2..10 conditions"):
        evaluate_conditions({"C": {"Fn::And": [{"Fn::Equals": [1, 1]}]}}, Resolver({}, PSEUDO))
