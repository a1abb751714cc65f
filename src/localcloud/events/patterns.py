"""EventBridge event patterns: does an event (or SNS message attributes) match a pattern?

Supported: exact values (strings, numbers, booleans, null), arrays as "any of", nested
objects, `prefix`, `suffix`, `anything-but` (values, lists, prefix, suffix), `numeric`,
`exists`, `equals-ignore-case`, `wildcard`, `cidr` and `$or`."""

from __future__ import annotations

import ipaddress
import json
import operator
from typing import Any

from localcloud.wildcard import compile_wildcard

_MISSING = object()
_NUMERIC_OPS = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
}


class PatternError(ValueError):
    """A pattern that EventBridge would reject (InvalidEventPatternException)."""


def parse_pattern(text: str | dict) -> dict:
    """A pattern from its JSON text, checked to be an object of arrays/objects."""
    pattern = json.loads(text) if isinstance(text, str) else text
    if not isinstance(pattern, dict):
        raise PatternError("Event pattern must be a JSON object")
    _check(pattern, "")
    return pattern


def _check(pattern: dict, where: str) -> None:
    for key, value in pattern.items():
        if key == "$or":
            if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
                raise PatternError(f"'$or' at '{where}' must be an array of objects")
            for sub in value:
                _check(sub, where)
        elif isinstance(value, dict):
            _check(value, f"{where}.{key}")
        elif not isinstance(value, list):
            raise PatternError(
                f"Event pattern is not valid. Reason: '{where}.{key}' must be an object or an array"
            )


def matches(pattern: dict, event: Any) -> bool:
    """True when `event` matches every field of `pattern`."""
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(sub, event) for sub in expected):
                return False
            continue
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if value is _MISSING or not isinstance(value, dict):
                if not _only_absence(expected):
                    return False
                continue
            if not matches(expected, value):
                return False
        elif not _field_matches(expected, value):
            return False
    return True


def _only_absence(pattern: dict) -> bool:
    """A nested pattern a missing object still satisfies: every leaf is `exists: false`."""
    for value in pattern.values():
        if isinstance(value, dict):
            if not _only_absence(value):
                return False
        elif not (
            isinstance(value, list)
            and any(isinstance(m, dict) and m.get("exists") is False for m in value)
        ):
            return False
    return True


def _field_matches(matchers: list, value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            present = value is not _MISSING
            if present == bool(matcher["exists"]):
                return True
            continue
        if value is _MISSING:
            continue
        if isinstance(matcher, dict) and "anything-but" in matcher:
            if values and all(_anything_but(matcher["anything-but"], v) for v in values):
                return True
            continue
        if any(_matches_value(matcher, v) for v in values):
            return True
    return False


def _matches_value(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        return _equal(matcher, value)
    kind, arg = next(iter(matcher.items()))
    if kind == "prefix":
        return _affix(arg, value, str.startswith)
    if kind == "suffix":
        return _affix(arg, value, str.endswith)
    if kind == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(arg).lower()
    if kind == "wildcard":
        return isinstance(value, str) and compile_wildcard(arg).match(value) is not None
    if kind == "numeric":
        return _numeric(arg, value)
    if kind == "cidr":
        try:
            return ipaddress.ip_address(value) in ipaddress.ip_network(arg, strict=False)
        except (TypeError, ValueError):
            return False
    raise PatternError(f"unsupported pattern operator {kind!r}")


def _equal(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, (int, float)) and isinstance(value, (int, float)):
        return float(expected) == float(value)
    return expected == value


def _affix(arg: Any, value: Any, test) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(arg, dict) and "equals-ignore-case" in arg:
        return test(value.lower(), str(arg["equals-ignore-case"]).lower())
    return isinstance(arg, str) and test(value, arg)


def _anything_but(arg: Any, value: Any) -> bool:
    if isinstance(arg, list):
        return not any(_equal(a, value) for a in arg)
    if isinstance(arg, dict):
        return not _matches_value(arg, value)
    return not _equal(arg, value)


def _numeric(arg: list, value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    if not isinstance(arg, list) or len(arg) % 2:
        raise PatternError(f"numeric matcher needs operator/value pairs: {arg}")
    for op, bound in zip(arg[0::2], arg[1::2], strict=True):
        if op not in _NUMERIC_OPS:
            raise PatternError(f"unknown numeric operator {op!r}")
        if not _NUMERIC_OPS[op](value, bound):
            return False
    return True
