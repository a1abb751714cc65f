"""Choice rules: the comparison operators, And/Or/Not, and the Is* type tests."""

from __future__ import annotations

import operator
import re
from datetime import datetime
from typing import Any

from localcloud.stepfunctions.errors import StatesError
from localcloud.stepfunctions.paths import path_exists, read_path
from localcloud.wildcard import compile_wildcard

_ORDER = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def choose_next(state: dict, data: Any, context: dict | None = None) -> str:
    """The Next of the first matching choice, else Default, else States.NoChoiceMatched."""
    for rule in state.get("Choices", []):
        if evaluate_rule(rule, data, context):
            return rule["Next"]
    if "Default" in state:
        return state["Default"]
    raise StatesError("States.NoChoiceMatched", "No Choice rule matched and there is no Default")


def evaluate_rule(rule: dict, data: Any, context: dict | None = None) -> bool:
    """True when the (possibly compound) rule matches `data`."""
    if "And" in rule:
        return all(evaluate_rule(r, data, context) for r in rule["And"])
    if "Or" in rule:
        return any(evaluate_rule(r, data, context) for r in rule["Or"])
    if "Not" in rule:
        return not evaluate_rule(rule["Not"], data, context)
    variable = rule.get("Variable")
    if variable is None:
        raise StatesError("States.Runtime", f"a choice rule needs Variable: {rule}")
    if "IsPresent" in rule:
        return path_exists(variable, data, context) == bool(rule["IsPresent"])
    value = read_path(variable, data, context)
    for key, expected in rule.items():
        if key in ("Variable", "Next"):
            continue
        return _compare(key, value, expected, data, context)
    raise StatesError("States.Runtime", f"a choice rule needs a comparison operator: {rule}")


def _compare(op: str, value: Any, expected: Any, data: Any, context: dict | None) -> bool:
    if op.endswith("Path"):
        op, expected = op[:-4], read_path(expected, data, context)
    tests = {
        "IsNull": lambda: (value is None) == bool(expected),
        "IsNumeric": lambda: _is_number(value) == bool(expected),
        "IsString": lambda: isinstance(value, str) == bool(expected),
        "IsBoolean": lambda: isinstance(value, bool) == bool(expected),
        "IsTimestamp": lambda: (_timestamp(value) is not None) == bool(expected),
        "StringMatches": lambda: (
            isinstance(value, str) and compile_wildcard(expected).match(value) is not None
        ),
        "BooleanEquals": lambda: isinstance(value, bool) and value == expected,
    }
    if op in tests:
        return bool(tests[op]())
    for prefix, convert in (("String", _string), ("Numeric", _number), ("Timestamp", _timestamp)):
        if op.startswith(prefix) and op[len(prefix) :] in _ORDER:
            left, right = convert(value), convert(expected)
            if left is None or right is None:  # a type mismatch is simply "no match"
                return False
            return _ORDER[op[len(prefix) :]](left, right)
    raise StatesError("States.Runtime", f"unknown choice operator {op}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return value if _is_number(value) else None


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
