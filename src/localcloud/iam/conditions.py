"""The Condition element: every condition operator AWS documents, evaluated against a
request context (pure).

Sources (AWS IAM User Guide):
- "IAM JSON policy elements: Condition operators"
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- "Conditions with multiple context keys or values"
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
- "Single-valued vs. multivalued context keys"
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html

Rules implemented, each from those pages:
- Operators in a block, and keys under one operator, are AND-ed; the values of one key are
  OR-ed, and NOR-ed for a negated operator (StringNotEquals, NotIpAddress, ArnNotLike, ...).
- A key absent from the request context: the condition is false, except that a negated
  operator is true; `...IfExists` makes it true; `Null` tests presence itself.
- `ForAnyValue:` true when at least one request value matches; false when the key is absent
  or its value set is empty. `ForAllValues:` true when every request value matches; also true
  when the key is absent or empty.
- Policy variables are substituted in String, Bool and ARN operators only (not Numeric, Date,
  Binary, IP address), and only in Version 2012-10-17 policies.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from localcloud.iam.context import RequestContext, Value
from localcloud.iam.matching import arn_matches, glob_matches
from localcloud.iam.policy import Condition, PolicyError
from localcloud.iam.variables import Tokens, resolve, tokens_text

_logger = logging.getLogger(__name__)

QUALIFIERS = ("ForAllValues", "ForAnyValue")
_IF_EXISTS = "IfExists"


class ConditionError(PolicyError):
    """An operator AWS does not know, or a value its operator cannot read."""


def _string_equals(pv: Tokens, rv: Value) -> bool:
    return isinstance(rv, str) and tokens_text(pv) == rv


def _string_equals_ignore_case(pv: Tokens, rv: Value) -> bool:
    return isinstance(rv, str) and tokens_text(pv).casefold() == rv.casefold()


def _string_like(pv: Tokens, rv: Value) -> bool:
    return isinstance(rv, str) and glob_matches(pv, rv)


def _arn_like(pv: Tokens, rv: Value) -> bool:
    return isinstance(rv, str) and arn_matches(pv, rv)


def _bool(pv: Tokens, rv: Value) -> bool:
    return isinstance(rv, str) and tokens_text(pv).lower() == rv.lower()


def _binary(pv: Tokens, rv: Value) -> bool:
    expected = _b64(tokens_text(pv), "BinaryEquals")
    if isinstance(rv, str):
        try:
            rv = base64.b64decode(rv, validate=True)
        except (binascii.Error, ValueError):
            return False
    return expected == rv


def _ip(pv: Tokens, rv: Value) -> bool:
    text = tokens_text(pv)
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        raise ConditionError(f"IpAddress value {text!r} is not an IP address or CIDR") from exc
    try:
        address = ipaddress.ip_address(rv if isinstance(rv, str) else "")
    except ValueError:
        return False
    return address.version == network.version and address in network


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[Tokens, Value], bool]:
    def check(pv: Tokens, rv: Value) -> bool:
        text = tokens_text(pv)
        try:
            expected = float(text)
        except ValueError as exc:
            raise ConditionError(f"Numeric condition value {text!r} is not a number") from exc
        try:
            actual = float(rv)
        except (TypeError, ValueError):
            return False
        return compare(actual, expected)

    return check


def _date(compare: Callable[[float, float], bool]) -> Callable[[Tokens, Value], bool]:
    def check(pv: Tokens, rv: Value) -> bool:
        text = tokens_text(pv)
        expected = parse_date(text)
        if expected is None:
            raise ConditionError(f"Date condition value {text!r} is not ISO 8601 or epoch")
        actual = parse_date(rv) if isinstance(rv, str) else None
        return actual is not None and compare(actual, expected)

    return check


def _eq(a: float, b: float) -> bool:
    return a == b


def _lt(a: float, b: float) -> bool:
    return a < b


def _le(a: float, b: float) -> bool:
    return a <= b


def _gt(a: float, b: float) -> bool:
    return a > b


def _ge(a: float, b: float) -> bool:
    return a >= b


@dataclass(frozen=True)
class _Base:
    family: str
    compare: Callable[[Tokens, Value], bool] | None
    negated: bool = False


# Negated operators are the NOR of their positive comparison over the policy values.
BASE_OPERATORS: dict[str, _Base] = {
    "StringEquals": _Base("String", _string_equals),
    "StringNotEquals": _Base("String", _string_equals, True),
    "StringEqualsIgnoreCase": _Base("String", _string_equals_ignore_case),
    "StringNotEqualsIgnoreCase": _Base("String", _string_equals_ignore_case, True),
    "StringLike": _Base("String", _string_like),
    "StringNotLike": _Base("String", _string_like, True),
    "NumericEquals": _Base("Numeric", _numeric(_eq)),
    "NumericNotEquals": _Base("Numeric", _numeric(_eq), True),
    "NumericLessThan": _Base("Numeric", _numeric(_lt)),
    "NumericLessThanEquals": _Base("Numeric", _numeric(_le)),
    "NumericGreaterThan": _Base("Numeric", _numeric(_gt)),
    "NumericGreaterThanEquals": _Base("Numeric", _numeric(_ge)),
    "DateEquals": _Base("Date", _date(_eq)),
    "DateNotEquals": _Base("Date", _date(_eq), True),
    "DateLessThan": _Base("Date", _date(_lt)),
    "DateLessThanEquals": _Base("Date", _date(_le)),
    "DateGreaterThan": _Base("Date", _date(_gt)),
    "DateGreaterThanEquals": _Base("Date", _date(_ge)),
    "Bool": _Base("Bool", _bool),
    "BinaryEquals": _Base("Binary", _binary),
    "IpAddress": _Base("Ip", _ip),
    "NotIpAddress": _Base("Ip", _ip, True),
    "ArnEquals": _Base("Arn", _arn_like),
    "ArnLike": _Base("Arn", _arn_like),
    "ArnNotEquals": _Base("Arn", _arn_like, True),
    "ArnNotLike": _Base("Arn", _arn_like, True),
    "Null": _Base("Null", None),
}
VARIABLE_FAMILIES = frozenset({"String", "Bool", "Arn"})


@dataclass(frozen=True)
class Operator:
    """A parsed operator name: `ForAnyValue:StringLikeIfExists` -> qualifier, base, IfExists."""

    base: str
    qualifier: str | None = None
    if_exists: bool = False

    @property
    def negated(self) -> bool:
        return BASE_OPERATORS[self.base].negated

    @property
    def family(self) -> str:
        return BASE_OPERATORS[self.base].family


def parse_operator(name: str) -> Operator:
    """The operator named `name`; ConditionError for one AWS does not document."""
    qualifier, _, rest = name.rpartition(":")
    if qualifier and qualifier not in QUALIFIERS:
        raise ConditionError(f"unknown condition set qualifier {qualifier!r} in {name!r}")
    base, if_exists = rest, False
    if base not in BASE_OPERATORS and base.endswith(_IF_EXISTS):
        base, if_exists = base[: -len(_IF_EXISTS)], True
    if base not in BASE_OPERATORS:
        raise ConditionError(f"unknown condition operator {name!r}")
    if base == "Null" and (if_exists or qualifier):
        # AWS: IfExists can be added to any operator except Null; Null takes no set qualifier.
        raise ConditionError(f"{name!r}: Null takes neither IfExists nor a set qualifier")
    return Operator(base, qualifier or None, if_exists)


@dataclass(frozen=True)
class ConditionResult:
    met: bool
    unmet: Condition | None = None
    why: str = ""


def evaluate_conditions(
    conditions: Iterable[Condition], context: RequestContext, substitute: bool = True
) -> ConditionResult:
    """All conditions AND-ed; the first unmet one is named with the reason."""
    for condition in conditions:
        met, why = _condition_met(condition, context, substitute)
        if not met:
            return ConditionResult(False, condition, why)
    return ConditionResult(True)


def condition_met(condition: Condition, context: RequestContext, substitute: bool = True) -> bool:
    return _condition_met(condition, context, substitute)[0]


def _condition_met(condition: Condition, context: RequestContext, substitute: bool):
    op = parse_operator(condition.operator)
    request = context.values(condition.key)
    if op.base == "Null":
        return _null(condition, request), f"Null {condition.key}"
    prepared = [
        resolve(v, context, substitute and op.family in VARIABLE_FAMILIES) for v in condition.values
    ]
    if any(p is None for p in prepared):
        return False, f"a policy variable in {condition.key} has no value in the request"
    compare = BASE_OPERATORS[op.base].compare

    def one(rv: Value) -> bool:
        hit = any(compare(pv, rv) for pv in prepared)
        return not hit if op.negated else hit

    if request is None:
        if op.if_exists:
            return True, ""
        if op.qualifier == "ForAllValues":
            return True, ""
        if op.qualifier == "ForAnyValue":
            return False, f"{condition.key} is not in the request"
        # Absent key: false, except negated operators, which are true.
        return op.negated, f"{condition.key} is not in the request"
    if op.qualifier == "ForAllValues":
        return all(one(rv) for rv in request), f"{condition.operator} {condition.key}"
    if op.qualifier == "ForAnyValue":
        return any(one(rv) for rv in request), f"{condition.operator} {condition.key}"
    met = all(one(rv) for rv in request) if op.negated else any(one(rv) for rv in request)
    return met, f"{condition.operator} {condition.key}"


def _null(condition: Condition, request: tuple[Value, ...] | None) -> bool:
    absent = request is None or len(request) == 0
    for value in condition.values:
        if value.lower() not in ("true", "false"):
            raise ConditionError(f"Null {condition.key}: value must be true or false")
    return any((v.lower() == "true") == absent for v in condition.values)


_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")


def parse_date(text: str) -> float | None:
    """Seconds since the epoch of an ISO 8601 date/time or an epoch number; None if neither."""
    if _EPOCH.match(text):
        return float(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _b64(text: str, operator: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConditionError(f"{operator} value {text!r} is not base-64") from exc
