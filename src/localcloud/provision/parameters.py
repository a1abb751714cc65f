"""Template parameters: apply given values and defaults, check types and constraints (pure)."""

from __future__ import annotations

import re
from typing import Any

from localcloud.provision.errors import TemplateError

SUPPORTED_TYPES = ("String", "Number", "List<Number>", "CommaDelimitedList")
DEFAULT_ACCOUNT = "123456789012"  # moto's account id


def pseudo_parameters(
    stack_name: str, stack_id: str, region: str, account: str = DEFAULT_ACCOUNT
) -> dict[str, Any]:
    """The AWS:: pseudo parameters as CloudFormation resolves them (AWS::NoValue is separate)."""
    return {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::StackName": stack_name,
        "AWS::StackId": stack_id,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::NotificationARNs": [],
    }


def stack_id_for(stack_name: str, region: str, account: str, unique: str) -> str:
    """A stack ARN of CloudFormation's shape."""
    return f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/{unique}"


def resolve_parameters(declared: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Values of every declared parameter: `given` (strings, numbers or lists) else Default.
    Raises TemplateError naming the parameter and the rule it breaks."""
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise TemplateError(f"Parameters: {unknown} do not exist in the template")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict) or "Type" not in spec:
            raise TemplateError(f"parameter {name}: needs a Type")
        if name in given and given[name] is not None:
            raw = given[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            raise TemplateError(f"parameter {name}: no value given and no Default")
        values[name] = _check_parameter(name, spec, raw)
    return values


def _check_parameter(name: str, spec: dict[str, Any], raw: Any) -> Any:
    kind = spec["Type"]
    if kind not in SUPPORTED_TYPES:
        raise TemplateError(
            f"parameter {name}: Type {kind} is not supported locally (use one of {SUPPORTED_TYPES})"
        )
    if kind in ("CommaDelimitedList", "List<Number>"):
        items = raw if isinstance(raw, list) else [p.strip() for p in str(raw).split(",")]
        items = [str(i) for i in items]
        if kind == "List<Number>":
            for item in items:
                _as_number(name, item)
        for item in items:
            _check_allowed(name, spec, item)
        return items
    value = _scalar_text(raw)
    if kind == "Number":
        number = _as_number(name, value)
        if "MinValue" in spec and number < float(spec["MinValue"]):
            raise TemplateError(f"parameter {name}: {value} is below MinValue {spec['MinValue']}")
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            raise TemplateError(f"parameter {name}: {value} is above MaxValue {spec['MaxValue']}")
    else:
        if "MinLength" in spec and len(value) < int(spec["MinLength"]):
            raise TemplateError(f"parameter {name}: shorter than MinLength {spec['MinLength']}")
        if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
            raise TemplateError(f"parameter {name}: longer than MaxLength {spec['MaxLength']}")
        pattern = spec.get("AllowedPattern")
        if pattern is not None and not re.fullmatch(pattern, value):
            message = spec.get("ConstraintDescription") or f"must match pattern {pattern}"
            raise TemplateError(f"parameter {name}: {value!r} {message}")
    _check_allowed(name, spec, value)
    return value


def _check_allowed(name: str, spec: dict[str, Any], value: str) -> None:
    allowed = spec.get("AllowedValues")
    if allowed is not None and value not in [_scalar_text(a) for a in allowed]:
        raise TemplateError(f"parameter {name}: {value!r} is not one of AllowedValues {allowed}")


def _scalar_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _as_number(name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise TemplateError(f"parameter {name}: {value!r} is not a Number") from None
