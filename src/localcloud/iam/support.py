"""What the evaluator cannot evaluate, so that deploying such a policy can be refused (pure).

A condition the evaluator does not understand must never be read as true (it would allow what
AWS refuses) nor as false silently. `unsupported_conditions` names every operator, context key
and policy variable outside what the local cloud evaluates, and every value its operator
cannot read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from localcloud.iam.conditions import (
    BASE_OPERATORS,
    ConditionError,
    parse_date,
    parse_operator,
)
from localcloud.iam.policy import Policy, PolicyError, parse_policy
from localcloud.iam.variables import literal_tokens, variables_in

_logger = logging.getLogger(__name__)

# Context keys the local cloud can fill for a request (lower-case; key names are
# case-insensitive). Keys ending in ':' are prefixes (kms:EncryptionContext:<key>).
SUPPORTED_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SecureTransport",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:SourceIp",
        "aws:RequestedRegion",
        "s3:prefix",
        "s3:delimiter",
        "s3:max-keys",
        "s3:x-amz-server-side-encryption",
        "kms:ViaService",
        "kms:CallerAccount",
        "cloudwatch:namespace",
    )
)
SUPPORTED_KEY_PREFIXES = ("kms:encryptioncontext:",)


def key_supported(key: str) -> bool:
    lower = key.lower()
    return lower in SUPPORTED_KEYS or any(
        lower.startswith(p) and len(lower) > len(p) for p in SUPPORTED_KEY_PREFIXES
    )


def unsupported_conditions(policy_documents: Iterable[Policy | Mapping | str]) -> list[str]:
    """One message per operator, context key, policy variable or value the evaluator cannot
    evaluate, naming the policy and statement; empty when everything is supported."""
    out: list[str] = []
    for number, document in enumerate(policy_documents):
        policy = document if isinstance(document, Policy) else _parse_any(document)
        name = policy.name or f"policy[{number}]"
        for statement in policy.statements:
            where = f"{name} {statement.label}"
            out.extend(_statement_problems(statement, where, policy.substitutes_variables))
    return list(dict.fromkeys(out))


def _statement_problems(statement, where: str, substitutes: bool) -> list[str]:
    out = []
    texts = list(statement.resources or ()) + list(statement.not_resources or ())
    for condition in statement.conditions:
        try:
            operator = parse_operator(condition.operator)
        except ConditionError as exc:
            out.append(f"{where}: {exc}")
            continue
        if not key_supported(condition.key):
            out.append(f"{where}: condition key {condition.key} is not supported")
        for value in condition.values:
            problem = _value_problem(operator.family, value)
            if problem:
                out.append(f"{where}: {condition.operator} {condition.key}: {problem}")
        if operator.family in ("String", "Bool", "Arn"):
            texts.extend(condition.values)
    if substitutes:
        for text in texts:
            for key in variables_in(text):
                if not key_supported(key):
                    out.append(f"{where}: policy variable ${{{key}}} is not supported")
    return out


def _value_problem(family: str, value: str) -> str:
    if family == "Numeric":
        try:
            float(value)
        except ValueError:
            return f"{value!r} is not a number"
    elif family == "Date" and parse_date(value) is None:
        return f"{value!r} is not an ISO 8601 date or epoch time"
    elif family == "Null" and value.lower() not in ("true", "false"):
        return f"{value!r} is not true or false"
    elif family in ("Ip", "Binary"):
        compare = BASE_OPERATORS["IpAddress" if family == "Ip" else "BinaryEquals"].compare
        try:
            compare(literal_tokens(value), "")
        except ConditionError as exc:
            return str(exc)
    return ""


def _parse_any(document: Mapping | str) -> Policy:
    """Parse a document whose attachment is unknown: with a Principal it is a resource-based
    policy, or a trust policy when it also has no Resource."""
    for kind in ("identity", "resource", "trust"):
        try:
            return parse_policy(document, kind)
        except PolicyError:
            continue
    return parse_policy(document, "identity")  # raises the identity-policy error
