"""Whole-template checks and the plan: unknown types and properties stop everything first."""

import pytest

from localcloud.provision.errors import TemplateError, UnsupportedResourceTypes
from localcloud.provision.handlers import HANDLERS, supported_types
from localcloud.provision.planning import check_template, plan_stack, resolve_outputs


def _plan(template, given=None):
    return plan_stack(template, given or {}, "stk", "arn:stack", "us-east-1", "123456789012")


def test_unknown_types_are_all_named_even_under_a_false_condition():
    template = {
        "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Vpc": {"Type": "AWS::EC2::VPC", "Condition": "Never"},
            "Table1": {"Type": "AWS::DynamoDB::Table"},
            "Table2": {"Type": "AWS::DynamoDB::Table"},
        },
    }
    with pytest.raises(UnsupportedResourceTypes) as caught:
        check_template(template)
    assert caught.value.types == {
        "AWS::EC2::VPC": ["Vpc"],
        "AWS::DynamoDB::Table": ["Table1", "Table2"],
    }
    assert "AWS::EC2::VPC (Vpc)" in str(caught.value)
    assert "AWS::DynamoDB::Table (Table1, Table2)" in str(caught.value)


def test_unknown_property_is_named_with_its_resource():
    template = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Colour": "red"}}}}
    with pytest.raises(
        TemplateError, match=r"resource B \(AWS::S3::Bucket\): properties \['Colour'\]"
    ):
        check_template(template)


def test_missing_required_property_is_named():
    template = {"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {}}}}
    with pytest.raises(TemplateError, match=r"required properties \['Code', 'Role'\] missing"):
        check_template(template)


@pytest.mark.parametrize(
    "template, message",
    [
        ({}, "at least one resource"),
        ({"Resources": {}}, "at least one resource"),
        ({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}}, "Transform"),
        ({"Rules": {}, "Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, r"sections \['Rules'\]"),
        ({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Condition": "X"}}}, "Condition X"),
        ({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Foo": 1}}}, r"attributes \['Foo'\]"),
    ],
)
def test_template_shape_errors(template, message):
    with pytest.raises(TemplateError, match=message):
        check_template(template)


def test_plan_orders_resources_and_skips_false_conditions():
    template = {
        "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        "Resources": {
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {}},
            },
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Extra": {"Type": "AWS::SNS::Topic", "Condition": "IsProd"},
        },
    }
    plan = _plan(template)
    assert plan.order == ["Bucket", "Policy"]
    assert plan.conditions == {"IsProd": False}
    assert _plan(template, {"Env": "prod"}).order == ["Bucket", "Policy", "Extra"]


def test_outputs_follow_conditions_and_join_lists():
    template = {
        "Parameters": {"L": {"Type": "CommaDelimitedList", "Default": "a,b"}},
        "Conditions": {"No": {"Fn::Equals": ["1", "2"]}},
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {
            "Name": {"Value": {"Ref": "Bucket"}},
            "List": {"Value": {"Ref": "L"}},
            "Hidden": {"Value": "x", "Condition": "No"},
        },
    }
    plan = _plan(template)
    resolver = plan.resolver(lambda name: "bucket-1", lambda name, attr: None)
    assert resolve_outputs(plan, resolver) == {"Name": "bucket-1", "List": "a,b"}


def test_every_handler_declares_its_type_and_properties():
    for type_name, handler in HANDLERS.items():
        assert handler.type_name == type_name
        assert handler.properties, type_name
        assert handler.required <= handler.properties, type_name
    assert "AWS::Glue::Crawler" in supported_types()


def test_every_type_the_generated_template_may_use_has_a_handler():
    infra_types = pytest.importorskip("infra_gen.template").RESOURCE_TYPES
    assert sorted(set(infra_types) - set(HANDLERS)) == []


def test_the_generated_template_passes_the_whole_check():
    to_dict = pytest.importorskip("infra_gen.template").to_dict
    check_template(to_dict())


@pytest.mark.parametrize(
    "value, unknown",
    [
        ({"Ref": "Ghost"}, "Ghost"),
        ({"Fn::GetAtt": ["Ghost", "Arn"]}, "Ghost"),
        ({"Fn::Sub": "${Ghost.Arn}-${AWS::Region}"}, "Ghost"),
        ({"Fn::Sub": "${AWS::Nope}"}, "AWS::Nope"),
    ],
)
def test_references_to_unknown_names_are_refused_up_front(value, unknown):
    template = {
        "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": value}}}
    }
    with pytest.raises(TemplateError, match=rf"resource B: refers to \['{unknown}'\]"):
        check_template(template)


def test_sub_variables_literals_and_parameters_are_known():
    template = {
        "Parameters": {"P": {"Type": "String", "Default": "p"}},
        "Resources": {
            "B": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": {"Fn::Sub": ["${P}-${X}-${!Lit}-${AWS::StackName}", {"X": "x"}]}
                },
            }
        },
        "Outputs": {"O": {"Value": {"Fn::GetAtt": ["B", "Arn"]}}},
    }
    check_template(template)
