"""Dependencies from Ref, GetAtt, Sub and DependsOn; creation order; cycles."""

import pytest

from localcloud.provision.errors import DependencyCycle, TemplateError
from localcloud.provision.graph import creation_order, dependencies_of, references_in


def test_references_from_every_form():
    names = {"A", "B", "C", "D", "E"}
    value = {
        "x": {"Ref": "A"},
        "y": {"Fn::GetAtt": ["B", "Arn"]},
        "z": {"Fn::GetAtt": "C.Arn"},
        "s": {"Fn::Sub": "${D}-${E.Arn}-${!A}-${AWS::Region}-${Param}"},
    }
    assert references_in(value, names) == {"A", "B", "C", "D", "E"}


def test_sub_variables_shadow_resources_but_their_values_count():
    value = {"Fn::Sub": ["${A}-${B}", {"A": "literal", "B": {"Ref": "C"}}]}
    assert references_in(value, {"A", "B", "C"}) == {"C"}


def test_refs_inside_both_if_branches_count():
    value = {"Fn::If": ["Cond", {"Ref": "A"}, {"Ref": "B"}]}
    assert references_in(value, {"A", "B"}) == {"A", "B"}


def test_escaped_sub_variable_is_not_a_reference():
    assert references_in({"Fn::Sub": "${!A}"}, {"A"}) == set()


def test_order_puts_dependencies_first_and_keeps_template_order_otherwise():
    resources = {
        "Fn": {"Type": "T", "Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
        "Bucket": {"Type": "T"},
        "Role": {"Type": "T", "DependsOn": "Bucket"},
        "Perm": {"Type": "T", "Properties": {"F": {"Ref": "Fn"}}, "DependsOn": ["Bucket"]},
    }
    graph = dependencies_of(resources, list(resources))
    assert graph == {"Fn": ["Role"], "Bucket": [], "Role": ["Bucket"], "Perm": ["Fn", "Bucket"]}
    assert creation_order(graph) == ["Bucket", "Role", "Fn", "Perm"]


def test_edges_to_resources_not_created_are_dropped():
    resources = {"A": {"Type": "T", "Properties": {"x": {"Ref": "B"}}}, "B": {"Type": "T"}}
    assert dependencies_of(resources, ["A"]) == {"A": []}


def test_depends_on_an_unknown_resource_is_an_error():
    with pytest.raises(TemplateError, match="resource A: DependsOn Ghost is not a resource"):
        dependencies_of({"A": {"Type": "T", "DependsOn": "Ghost"}}, ["A"])


def test_cycle_is_reported_with_its_members():
    resources = {
        "A": {"Type": "T", "Properties": {"x": {"Ref": "B"}}},
        "B": {"Type": "T", "Properties": {"x": {"Fn::Sub": "${C.Arn}"}}},
        "C": {"Type": "T", "DependsOn": "A"},
        "D": {"Type": "T"},
    }
    with pytest.raises(DependencyCycle) as caught:
        creation_order(dependencies_of(resources, list(resources)))
    assert caught.value.cycle == ["A", "B", "C", "A"]
    assert "A -> B -> C -> A" in str(caught.value)


def test_self_reference_is_a_cycle():
    resources = {"A": {"Type": "T", "Properties": {"x": {"Ref": "A"}}}}
    with pytest.raises(DependencyCycle, match="A -> A"):
        creation_order(dependencies_of(resources, ["A"]))
