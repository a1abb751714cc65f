"""Does a function's resource policy let a service invoke it for a source ARN? (pure)"""

from __future__ import annotations

import fnmatch


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def permits(policy: dict | None, service: str, source_arn: str, account: str) -> bool:
    """True when an Allow statement for principal `service` (e.g. apigateway.amazonaws.com)
    and action lambda:InvokeFunction matches `source_arn` and `account` conditions."""
    for statement in (policy or {}).get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if service not in services and principal != "*":
            continue
        actions = _as_list(statement.get("Action"))
        if not any(a in ("lambda:InvokeFunction", "lambda:*", "*") for a in actions):
            continue
        condition = statement.get("Condition") or {}
        arn_patterns = [p for op in ("ArnLike", "ArnEquals", "StringLike", "StringEquals")
                        for p in _as_list((condition.get(op) or {}).get("AWS:SourceArn"))]
        if arn_patterns and not any(fnmatch.fnmatchcase(source_arn, p) for p in arn_patterns):
            continue
        accounts = _as_list((condition.get("StringEquals") or {}).get("AWS:SourceAccount"))
        if accounts and account not in accounts:
            continue
        return True
    return False
