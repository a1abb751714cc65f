"""Which bucket policy statements apply to a request made through the local endpoint (pure).

The local endpoint is plain HTTP standing in for AWS's HTTPS endpoints, so every request counts
as `aws:SecureTransport = true`. moto ignores `Bool` conditions, which makes the usual
TLS-only statement (Deny when SecureTransport is false) deny every request.
"""

from __future__ import annotations

import json

LOCAL_CONTEXT = {"aws:securetransport": "true"}


def statement_applies(statement: dict, context: dict[str, str] = LOCAL_CONTEXT) -> bool:
    """False when a `Bool` condition on a key we know is not met by `context`."""
    for operator, conditions in (statement.get("Condition") or {}).items():
        if operator not in ("Bool", "BoolIfExists"):
            continue
        for key, expected in conditions.items():
            actual = context.get(key.lower())
            if actual is None:
                continue
            values = expected if isinstance(expected, list) else [expected]
            if actual not in {str(v).lower() for v in values}:
                return False
    return True


def effective_policy(policy_text: str) -> str:
    """The policy without the statements that cannot apply to a local request."""
    policy = json.loads(policy_text)
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    policy["Statement"] = [s for s in statements if statement_applies(s)]
    return json.dumps(policy)
