"""Parameter values, defaults and constraints; pseudo parameters."""

import pytest

from localcloud.provision.errors import TemplateError
from localcloud.provision.parameters import pseudo_parameters, resolve_parameters


def test_given_values_override_defaults_and_defaults_fill_in():
    declared = {
        "Env": {"Type": "String", "Default": "dev"},
        "Size": {"Type": "Number", "Default": 2},
    }
    assert resolve_parameters(declared, {"Env": "prod"}) == {"Env": "prod", "Size": "2"}


def test_missing_value_without_default_names_the_parameter():
    with pytest.raises(TemplateError, match="parameter Key: no value given and no Default"):
        resolve_parameters({"Key": {"Type": "String"}}, {})


def test_unknown_parameter_is_refused():
    with pytest.raises(TemplateError, match=r"\['Nope'\] do not exist"):
        resolve_parameters({"A": {"Type": "String", "Default": "x"}}, {"Nope": "1"})


def test_allowed_values():
    declared = {"Mode": {"Type": "String", "AllowedValues": ["A", "B"], "Default": "A"}}
    assert resolve_parameters(declared, {"Mode": "B"}) == {"Mode": "B"}
    with pytest.raises(TemplateError, match="Mode: 'C' is not one of AllowedValues"):
        resolve_parameters(declared, {"Mode": "C"})


def test_number_type_and_bounds():
    declared = {"N": {"Type": "Number", "MinValue": 1, "MaxValue": 10}}
    assert resolve_parameters(declared, {"N": 5}) == {"N": "5"}
    with pytest.raises(TemplateError, match="N: 'x' is not a Number"):
        resolve_parameters(declared, {"N": "x"})
    with pytest.raises(TemplateError, match="below MinValue"):
        resolve_parameters(declared, {"N": "0"})
    with pytest.raises(TemplateError, match="above MaxValue"):
        resolve_parameters(declared, {"N": "11"})


def test_string_pattern_and_lengths():
    declared = {
        "S": {"Type": "String", "AllowedPattern": "^[a-z]+$", "MinLength": 2, "MaxLength": 4}
    }
    assert resolve_parameters(declared, {"S": "abc"}) == {"S": "abc"}
    with pytest.raises(TemplateError, match="must match pattern"):
        resolve_parameters(declared, {"S": "AB"})
    with pytest.raises(TemplateError, match="MinLength"):
        resolve_parameters(declared, {"S": "a"})
    with pytest.raises(TemplateError, match="MaxLength"):
        resolve_parameters(declared, {"S": "abcde"})


def test_constraint_description_is_the_message():
    declared = {
        "S": {"Type": "String", "AllowedPattern": "^x$", "ConstraintDescription": "must be x"}
    }
    with pytest.raises(TemplateError, match="'y' must be x"):
        resolve_parameters(declared, {"S": "y"})


def test_comma_delimited_list():
    declared = {"L": {"Type": "CommaDelimitedList", "Default": "a, b,c"}}
    assert resolve_parameters(declared, {}) == {"L": ["a", "b", "c"]}
    assert resolve_parameters(declared, {"L": ["x"]}) == {"L": ["x"]}


def test_list_of_numbers_checks_each_item():
    with pytest.raises(TemplateError, match="'q' is not a Number"):
        resolve_parameters({"L": {"Type": "List<Number>"}}, {"L": "1,q"})


def test_unsupported_type_is_refused():
    with pytest.raises(TemplateError, match="Type AWS::EC2::VPC::Id is not supported"):
        resolve_parameters({"V": {"Type": "AWS::EC2::VPC::Id", "Default": "v"}}, {})


def test_pseudo_parameters():
    pseudo = pseudo_parameters("s", "arn:stack", "eu-west-1", "123456789012")
    assert pseudo["AWS::AccountId"] == "123456789012"
    assert pseudo["AWS::Region"] == "eu-west-1"
    assert pseudo["AWS::StackName"] == "s"
    assert pseudo["AWS::StackId"] == "arn:stack"
    assert pseudo["AWS::Partition"] == "aws"
    assert pseudo["AWS::URLSuffix"] == "amazonaws.com"
