"""AWS's policy evaluation logic for a request within one account (pure).

"Policy evaluation logic" and "Policy evaluation for requests within a single account":
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html

1. An explicit Deny in any applicable policy (identity-based or resource-based) wins.
2. Otherwise the request is allowed when an identity-based policy OR the resource-based policy
   allows it ("If either the identity-based policy or the resource-based policy within the
   same account allows the request and the other doesn't, the request is still allowed").
3. Otherwise it is implicitly denied.

Principal nuances kept (IAM JSON policy elements: Principal):
- A resource-based policy that names the account (`123456789012`, `...:root`) delegates to the
  account's identity-based policies; it does not allow by itself. It does deny by itself.
- Naming the role ARN or the assumed-role session ARN both allow a session of that role. AWS
  documents the difference only where permissions boundaries or session policies exist (a
  grant to the role ARN is limited by them, a grant to the session ARN is not); this
  evaluator supports neither, and the decision records which form matched.

The messages are the shapes AWS documents in "Troubleshoot access denied error messages":
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from localcloud.iam.conditions import evaluate_conditions
from localcloud.iam.context import RequestContext, as_context
from localcloud.iam.matching import (
    Principal,
    action_matches,
    not_principal_excludes,
    principal_match,
    resource_matches,
)
from localcloud.iam.policy import Policy, Statement
from localcloud.iam.variables import resolve

_logger = logging.getLogger(__name__)

IDENTITY = "identity-based"
RESOURCE = "resource-based"
ALLOW, EXPLICIT_DENY, IMPLICIT_DENY = "Allow", "ExplicitDeny", "ImplicitDeny"


@dataclass(frozen=True)
class Request:
    """One API call: who, which action, on which resource (None: the action has no
    resource type and AWS evaluates it against "*"), and its context keys."""

    principal: Principal
    action: str
    resource: str | None = None
    context: RequestContext | Mapping[str, object] | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    effect: str
    reason: str
    policy_type: str | None = None
    policy: str = ""
    statement: str = ""
    principal_match: str | None = None
    notes: tuple[str, ...] = ()


def principal_context(principal: Principal) -> dict[str, str]:
    """The context keys AWS adds for the principal: aws:PrincipalArn is the role's ARN for an
    assumed-role session, aws:PrincipalAccount its account."""
    if principal.service:
        return {}
    out = {"aws:PrincipalArn": principal.role_arn or principal.arn}
    if principal.account:
        out["aws:PrincipalAccount"] = principal.account
    return out


def request_context(request: Request) -> RequestContext:
    """The request's context with the principal keys added where the caller gave none."""
    context = as_context(request.context)
    extra = {k: v for k, v in principal_context(request.principal).items() if not context.has(k)}
    return context.merged(extra) if extra else context


def statement_matches(
    statement: Statement, policy: Policy, request: Request, context: RequestContext
) -> tuple[bool, str | None, str]:
    """Whether the statement applies to the request: (applies, principal match, why not)."""
    action = request.action
    if statement.actions is not None:
        if not any(action_matches(a, action) for a in statement.actions):
            return False, None, "action"
    elif any(action_matches(a, action) for a in statement.not_actions or ()):
        return False, None, "action"
    if not _resource_applies(statement, policy, request.resource or "*", context):
        return False, None, "resource"
    how = None
    if statement.principals is not None:
        how = principal_match(statement.principals, request.principal)
        if how is None:
            return False, None, "principal"
    elif statement.not_principals is not None:
        if not_principal_excludes(statement.not_principals, request.principal):
            return False, None, "principal"
        how = "not-principal"
    result = evaluate_conditions(statement.conditions, context, policy.substitutes_variables)
    if not result.met:
        return False, how, f"condition: {result.why}"
    return True, how, ""


def _resource_applies(statement: Statement, policy: Policy, resource: str, context) -> bool:
    if statement.resources is None and statement.not_resources is None:
        return True
    patterns = statement.resources if statement.resources is not None else statement.not_resources
    hit = False
    for pattern in patterns:
        tokens = resolve(pattern, context, policy.substitutes_variables)
        if tokens is not None and resource_matches(tokens, resource):
            hit = True
            break
    return hit if statement.resources is not None else not hit


def evaluate_request(
    request: Request,
    identity_policies: Iterable[Policy] = (),
    resource_policy: Policy | None = None,
) -> Decision:
    """The decision AWS makes for `request` given the principal's identity-based policies and
    the resource's resource-based policy (same account)."""
    context = request_context(request)
    identity_policies = list(identity_policies)
    typed = [(IDENTITY, p) for p in identity_policies]
    if resource_policy is not None:
        typed.append((RESOURCE, resource_policy))
    allows: list[tuple[str, Policy, Statement, str | None]] = []
    notes: list[str] = []
    for policy_type, policy in typed:
        for statement in policy.statements:
            applies, how, _ = statement_matches(statement, policy, request, context)
            if not applies:
                continue
            if statement.effect == "Deny":
                article = "an" if policy_type == IDENTITY else "a"
                return Decision(
                    allowed=False,
                    effect=EXPLICIT_DENY,
                    reason=f"explicit deny in {article} {policy_type} policy",
                    policy_type=policy_type,
                    policy=policy.name,
                    statement=statement.label,
                    principal_match=how,
                )
            if policy_type == RESOURCE and how == "account":
                notes.append(
                    f"{statement.label} of the resource-based policy names the account: it "
                    "delegates to identity-based policies and allows nothing by itself"
                )
                continue
            allows.append((policy_type, policy, statement, how))
    if allows:
        policy_type, policy, statement, how = allows[0]
        if how == "role":
            notes.append(
                "the resource-based policy names the role ARN, not the session: AWS limits "
                "such a grant by permissions boundaries and session policies (none here)"
            )
        return Decision(
            allowed=True,
            effect=ALLOW,
            reason=f"allowed by {'an' if policy_type == IDENTITY else 'a'} {policy_type} policy",
            policy_type=policy_type,
            policy=policy.name,
            statement=statement.label,
            principal_match=how,
            notes=tuple(notes),
        )
    return Decision(
        allowed=False,
        effect=IMPLICIT_DENY,
        reason=f"no identity-based policy allows the {request.action} action",
        policy_type=IDENTITY,
        notes=tuple(notes),
    )


def access_denied_message(
    principal_arn: str, action: str, resource: str | None, decision: Decision
) -> str:
    """AWS's AccessDenied message for a denied decision, e.g. `User: arn:aws:sts::...:
    assumed-role/ROLE/SESSION is not authorized to perform: s3:GetObject on resource: ARN
    because no identity-based policy allows the s3:GetObject action`."""
    if decision.allowed:
        raise ValueError("the decision allows the request: there is no AccessDenied message")
    on = f" on resource: {resource}" if resource else ""
    head = f"User: {principal_arn} is not authorized to perform: {action}{on}"
    if decision.effect == EXPLICIT_DENY:
        return f"{head} with an {decision.reason}"
    return f"{head} because {decision.reason}"
