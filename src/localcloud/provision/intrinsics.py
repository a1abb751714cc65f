"""Intrinsic functions and condition functions of CloudFormation, evaluated locally (pure).

`Resolver.resolve(value)` walks a template fragment and replaces every intrinsic by its value.
Resource references go through two lookups the deployer fills as resources come into being.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from localcloud.provision.errors import TemplateError


class _NoValue:
    """AWS::NoValue: the property (or list item) that holds it is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()

CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition")
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")

RefLookup = Callable[[str], Any]
AttrLookup = Callable[[str, str], Any]


def _no_resources_ref(name: str) -> Any:
    raise TemplateError(f"Ref {name}: not a parameter, pseudo parameter or resource")


def _no_resources_attr(name: str, attribute: str) -> Any:
    raise TemplateError(f"Fn::GetAtt {name}.{attribute}: no such resource")


class Resolver:
    """Evaluates intrinsics against parameters, pseudo parameters, conditions and mappings;
    `resource_ref(logical_id)` and `resource_attr(logical_id, attribute)` answer for resources."""

    def __init__(
        self,
        parameters: dict[str, Any],
        pseudo: dict[str, Any],
        mappings: dict[str, Any] | None = None,
        conditions: dict[str, bool] | None = None,
        resource_ref: RefLookup = _no_resources_ref,
        resource_attr: AttrLookup = _no_resources_attr,
    ):
        self.parameters = parameters
        self.pseudo = pseudo
        self.mappings = mappings or {}
        self.conditions = conditions if conditions is not None else {}
        self.resource_ref = resource_ref
        self.resource_attr = resource_attr
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::Base64": self._base64,
            "Fn::GetAZs": self._get_azs,
            "Fn::FindInMap": self._find_in_map,
            "Fn::ImportValue": self._import_value,
            "Fn::Equals": self._equals,
            "Fn::And": self._and,
            "Fn::Or": self._or,
            "Fn::Not": self._not,
            "Condition": self._condition,
        }

    # -- walking ---------------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """`value` with every intrinsic evaluated; NO_VALUE entries dropped from dicts and lists
        (a top-level NO_VALUE is returned as is for the caller to drop)."""
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                if key in self._functions:
                    return self._functions[key](argument)
                if key.startswith("Fn::"):
                    raise TemplateError(f"{key} is not supported by the local provisioner")
            resolved = {k: self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not NO_VALUE]
        return value

    def evaluate_condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise TemplateError(f"Condition {name}: not defined in Conditions")
        return self.conditions[name]

    # -- references ------------------------------------------------------------------------------
    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise TemplateError(f"Ref: expects a name, got {name!r}")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name.startswith("AWS::"):
            raise TemplateError(f"Ref {name}: unknown pseudo parameter")
        return self.resource_ref(name)

    def _get_att(self, argument: Any) -> Any:
        if isinstance(argument, str):
            name, _, attribute = argument.partition(".")
        elif isinstance(argument, list) and len(argument) == 2:
            name, attribute = argument[0], self.resolve(argument[1])
        else:
            raise TemplateError(f"Fn::GetAtt: expects [resource, attribute], got {argument!r}")
        if not isinstance(name, str) or not isinstance(attribute, str) or not attribute:
            raise TemplateError(f"Fn::GetAtt: expects [resource, attribute], got {argument!r}")
        return self.resource_attr(name, attribute)

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, str):
            text, variables = argument, {}
        elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text, variables = argument[0], {k: self.resolve(v) for k, v in argument[1].items()}
        else:
            raise TemplateError(
                f"Fn::Sub: expects a string or [string, {{vars}}], got {argument!r}"
            )
        if not isinstance(text, str):
            raise TemplateError(f"Fn::Sub: the template must be a string, got {text!r}")

        def replace(match: re.Match) -> str:
            inner = match.group(1)
            if inner.startswith("!"):  # ${!Literal} stays as ${Literal}
                return "${" + inner[1:] + "}"
            inner = inner.strip()
            if inner in variables:
                return _text(inner, variables[inner])
            if "." in inner and not inner.startswith("AWS::"):
                name, _, attribute = inner.partition(".")
                return _text(inner, self.resource_attr(name, attribute))
            return _text(inner, self._ref(inner))

        return SUB_VARIABLE.sub(replace, text)

    # -- list and string functions ---------------------------------------------------------------
    def _join(self, argument: Any) -> str:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::Join: expects [delimiter, [values]], got {argument!r}")
        delimiter, items = self.resolve(argument[0]), self.resolve(argument[1])
        if not isinstance(delimiter, str) or not isinstance(items, list):
            raise TemplateError(f"Fn::Join: expects [delimiter, [values]], got {argument!r}")
        return delimiter.join(_text("Fn::Join", item) for item in items)

    def _select(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::Select: expects [index, [values]], got {argument!r}")
        index, items = self.resolve(argument[0]), self.resolve(argument[1])
        try:
            position = int(index)
        except (TypeError, ValueError):
            raise TemplateError(f"Fn::Select: index {index!r} is not an integer") from None
        if not isinstance(items, list):
            raise TemplateError(f"Fn::Select: expects a list, got {items!r}")
        if not 0 <= position < len(items):
            raise TemplateError(f"Fn::Select: index {position} out of range for {len(items)} items")
        return items[position]

    def _split(self, argument: Any) -> list[str]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::Split: expects [delimiter, string], got {argument!r}")
        delimiter, text = self.resolve(argument[0]), self.resolve(argument[1])
        if not isinstance(delimiter, str) or not delimiter or not isinstance(text, str):
            raise TemplateError(f"Fn::Split: expects [delimiter, string], got {argument!r}")
        return text.split(delimiter)

    def _base64(self, argument: Any) -> str:
        text = self.resolve(argument)
        if not isinstance(text, str):
            raise TemplateError(f"Fn::Base64: expects a string, got {text!r}")
        return base64.b64encode(text.encode()).decode()

    def _get_azs(self, argument: Any) -> list[str]:
        region = self.resolve(argument) or self.pseudo.get("AWS::Region")
        return [f"{region}{zone}" for zone in "abc"]

    def _find_in_map(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3):
            raise TemplateError(f"Fn::FindInMap: expects [map, key, key], got {argument!r}")
        name, top, second = (self.resolve(a) for a in argument)
        try:
            return self.mappings[name][top][second]
        except (KeyError, TypeError):
            raise TemplateError(f"Fn::FindInMap: no value at {name}/{top}/{second}") from None

    def _import_value(self, argument: Any) -> Any:
        raise TemplateError(
            f"Fn::ImportValue {argument!r}: cross-stack imports are not supported by the local "
            "provisioner; pass the value as a parameter"
        )

    # -- conditions ------------------------------------------------------------------------------
    def _if(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            raise TemplateError(f"Fn::If: expects [condition, then, else], got {argument!r}")
        branch = argument[1] if self.evaluate_condition(argument[0]) else argument[2]
        return self.resolve(branch)

    def _equals(self, argument: Any) -> bool:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::Equals: expects [a, b], got {argument!r}")
        left, right = (self.resolve(a) for a in argument)
        return _comparable(left) == _comparable(right)

    def _and(self, argument: Any) -> bool:
        return all(self._conditions_of("Fn::And", argument))

    def _or(self, argument: Any) -> bool:
        return any(self._conditions_of("Fn::Or", argument))

    def _not(self, argument: Any) -> bool:
        values = self._conditions_of("Fn::Not", argument, count=(1, 1))
        return not values[0]

    def _condition(self, name: Any) -> bool:
        if not isinstance(name, str):
            raise TemplateError(f"Condition: expects a condition name, got {name!r}")
        return self.evaluate_condition(name)

    def _conditions_of(self, fn: str, argument: Any, count: tuple[int, int] = (2, 10)) -> list:
        if not isinstance(argument, list) or not count[0] <= len(argument) <= count[1]:
            raise TemplateError(
                f"{fn}: expects {count[0]}..{count[1]} conditions, got {argument!r}"
            )
        values = [self.resolve(a) for a in argument]
        for value in values:
            if not isinstance(value, bool):
                raise TemplateError(f"{fn}: {value!r} is not a condition")
        return values


def _text(where: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list):  # a CommaDelimitedList parameter inside a string
        return ",".join(str(v) for v in value)
    raise TemplateError(f"{where}: {json.dumps(value, default=str)} cannot be used in a string")


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


def evaluate_conditions(definitions: dict[str, Any], resolver: Resolver) -> dict[str, bool]:
    """The truth value of every named condition (conditions may refer to one another; a loop
    between them is an error naming it)."""
    results: dict[str, bool] = {}
    visiting: list[str] = []

    class _Lookup(dict):
        def __contains__(self, name: object) -> bool:
            return name in definitions

        def __getitem__(self, name: str) -> bool:
            if name in results:
                return results[name]
            if name in visiting:
                loop = visiting[visiting.index(name) :] + [name]
                raise TemplateError("circular Conditions: " + " -> ".join(loop))
            visiting.append(name)
            value = resolver.resolve(definitions[name])
            visiting.pop()
            if not isinstance(value, bool):
                raise TemplateError(
                    f"Condition {name}: must be built from Fn::Equals/And/Or/Not/Condition"
                )
            results[name] = value
            return value

    resolver.conditions = _Lookup()
    for name in definitions:
        resolver.conditions[name]
    resolver.conditions = results
    return dict(results)
