"""From template and parameter values to a plan: resolved parameters and conditions, the
resources to have, and the order to create them in. Pure: no AWS calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from localcloud.provision.errors import TemplateError
from localcloud.provision.graph import creation_order, dependencies_of, referenced_names
from localcloud.provision.handlers import check_supported, handler_for
from localcloud.provision.intrinsics import Resolver, evaluate_conditions
from localcloud.provision.parameters import pseudo_parameters, resolve_parameters

TOP_LEVEL = frozenset(
    {
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Mappings",
        "Conditions",
        "Resources",
        "Outputs",
    }
)
PSEUDO_NAMES = frozenset(
    {
        "AWS::AccountId",
        "AWS::Region",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::Partition",
        "AWS::URLSuffix",
        "AWS::NoValue",
        "AWS::NotificationARNs",
    }
)
RESOURCE_KEYS = frozenset(
    {
        "Type",
        "Properties",
        "DependsOn",
        "Condition",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "Metadata",
        "UpdatePolicy",
        "CreationPolicy",
    }
)


@dataclass
class Plan:
    """What a deploy will make the stack hold."""

    template: dict[str, Any]
    parameters: dict[str, Any]
    pseudo: dict[str, Any]
    conditions: dict[str, bool]
    order: list[str]  # logical ids to have, dependencies first
    graph: dict[str, list[str]] = field(default_factory=dict)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template["Resources"]

    def resolver(self, resource_ref=None, resource_attr=None) -> Resolver:
        kwargs = {}
        if resource_ref is not None:
            kwargs = {"resource_ref": resource_ref, "resource_attr": resource_attr}
        return Resolver(
            self.parameters,
            self.pseudo,
            self.template.get("Mappings", {}),
            dict(self.conditions),
            **kwargs,
        )


def check_template(template: Any) -> None:
    """Refuse what the local provisioner cannot apply faithfully, naming the part."""
    if not isinstance(template, dict):
        raise TemplateError("the template must be a JSON object")
    if "Transform" in template:
        raise TemplateError("Transform (macros, SAM) is not supported by the local provisioner")
    unknown = sorted(set(template) - TOP_LEVEL)
    if unknown:
        raise TemplateError(f"template sections {unknown} are not supported")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError("the template needs at least one resource in Resources")
    check_supported(resources)
    conditions = template.get("Conditions", {})
    for logical_id, definition in resources.items():
        if not isinstance(definition, dict):
            raise TemplateError(f"resource {logical_id}: must be an object")
        extra = sorted(set(definition) - RESOURCE_KEYS)
        if extra:
            raise TemplateError(f"resource {logical_id}: unknown attributes {extra}")
        if "Condition" in definition and definition["Condition"] not in conditions:
            raise TemplateError(
                f"resource {logical_id}: Condition {definition['Condition']} is not defined"
            )
        props = definition.get("Properties", {})
        if not isinstance(props, dict) or any(k.startswith("Fn::") for k in props):
            raise TemplateError(f"resource {logical_id}: Properties must be an object")
        handler_for(definition["Type"]).check_properties(logical_id, props)
    _check_references(template)


def _check_references(template: dict[str, Any]) -> None:
    """Every Ref, Fn::GetAtt and Fn::Sub variable names a parameter, pseudo parameter or
    resource (checked before anything is created)."""
    resources = template["Resources"]
    known = set(template.get("Parameters", {})) | set(resources) | PSEUDO_NAMES
    places = [(f"resource {lid}", d.get("Properties", {})) for lid, d in resources.items()]
    places += [(f"output {name}", spec) for name, spec in template.get("Outputs", {}).items()]
    places += [(f"condition {name}", c) for name, c in template.get("Conditions", {}).items()]
    for where, value in places:
        unknown = sorted(referenced_names(value) - known)
        if unknown:
            raise TemplateError(
                f"{where}: refers to {unknown}, which are not parameters or resources"
            )


def plan_stack(
    template: dict[str, Any],
    given: dict[str, Any],
    stack_name: str,
    stack_id: str,
    region: str,
    account: str,
) -> Plan:
    """Check the whole template and work out what to create, in which order."""
    check_template(template)
    parameters = resolve_parameters(template.get("Parameters", {}), given)
    pseudo = pseudo_parameters(stack_name, stack_id, region, account)
    resolver = Resolver(parameters, pseudo, template.get("Mappings", {}))
    conditions = evaluate_conditions(template.get("Conditions", {}), resolver)
    resources = template["Resources"]
    wanted = [
        lid for lid, d in resources.items() if "Condition" not in d or conditions[d["Condition"]]
    ]
    graph = dependencies_of(resources, wanted)
    return Plan(template, parameters, pseudo, conditions, creation_order(graph), graph)


def resolve_outputs(plan: Plan, resolver: Resolver) -> dict[str, Any]:
    """Outputs whose Condition holds, values resolved (lists joined with commas, as
    CloudFormation shows them)."""
    outputs: dict[str, Any] = {}
    for name, spec in plan.template.get("Outputs", {}).items():
        condition = spec.get("Condition")
        if condition is not None:
            if condition not in plan.conditions:
                raise TemplateError(f"output {name}: Condition {condition} is not defined")
            if not plan.conditions[condition]:
                continue
        if "Value" not in spec:
            raise TemplateError(f"output {name}: needs a Value")
        value = resolver.resolve(spec["Value"])
        outputs[name] = ",".join(map(str, value)) if isinstance(value, list) else value
    return outputs
