"""Whether an AWS service may assume a role, from the role's trust policy (pure).

A service sends only some context keys when it assumes a role (typically `aws:SourceAccount`
and `aws:SourceArn`, for confused-deputy protection). SERVICE_CONTEXT lists, per service
principal, the keys its documentation says it sends, with the page. An Allow statement
conditioned on a key the service is not documented to send is unmet, and the decision says
so: a trust policy that works locally only because we guessed a key would fail on AWS.
Deny statements see such a key as absent (AWS's absent-key rules), so a guess never lifts a
Deny.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from localcloud.iam.context import RequestContext, as_context
from localcloud.iam.evaluate import Request, statement_matches
from localcloud.iam.matching import Principal
from localcloud.iam.policy import Policy, parse_policy

_logger = logging.getLogger(__name__)

NOT_DOCUMENTED = "not documented"
ASSUME_ROLE = "sts:AssumeRole"


@dataclass(frozen=True)
class ServiceContext:
    """The context keys a service documents sending when it assumes a role, and where."""

    keys: tuple[str, ...]
    source: str
    evidence: str = ""


SERVICE_CONTEXT: dict[str, ServiceContext] = {
    "states.amazonaws.com": ServiceContext(
        ("aws:SourceAccount", "aws:SourceArn"),
        "https://docs.aws.amazon.com/step-functions/latest/dg/"
        "cross-service-confused-deputy-prevention.html",
        "Step Functions' confused-deputy guidance for the state machine role's trust policy "
        "(named in the issue; the docs search did not return the page itself)",
    ),
    "lambda.amazonaws.com": ServiceContext(
        ("aws:SourceAccount", "aws:SourceArn"),
        "https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html",
        '"When a service assumes a role in your account, you can include the '
        "aws:SourceAccount and aws:SourceArn global condition context keys in your role trust "
        'policy" (execution role page)',
    ),
    "glue.amazonaws.com": ServiceContext((), NOT_DOCUMENTED),
    "apigateway.amazonaws.com": ServiceContext((), NOT_DOCUMENTED),
    "events.amazonaws.com": ServiceContext((), NOT_DOCUMENTED),
    "sns.amazonaws.com": ServiceContext((), NOT_DOCUMENTED),
    "s3.amazonaws.com": ServiceContext((), NOT_DOCUMENTED),
}


@dataclass(frozen=True)
class TrustDecision:
    allowed: bool
    reason: str
    statement: str = ""
    unsent_keys: tuple[str, ...] = ()


def evaluate_trust(
    trust_policy: Policy | Mapping | str,
    service: str,
    context: RequestContext | Mapping[str, object] | None = None,
) -> TrustDecision:
    """Whether `service` may call sts:AssumeRole on the role with `trust_policy`, given the
    context keys it sends (`context` is cut down to the keys SERVICE_CONTEXT documents)."""
    policy = trust_policy
    if not isinstance(policy, Policy):
        policy = parse_policy(trust_policy, "trust")
    documented = SERVICE_CONTEXT.get(service, ServiceContext((), NOT_DOCUMENTED))
    sent = {k.lower() for k in documented.keys}
    context = as_context(context).only(documented.keys)
    request = Request(Principal.for_service(service), ASSUME_ROLE, None, context)
    allowed_by, unsent, why_not = "", [], []
    for statement in policy.statements:
        applies, _, why = statement_matches(statement, policy, request, context)
        missing = sorted({c.key for c in statement.conditions if c.key.lower() not in sent})
        if statement.effect == "Deny":
            if applies:
                return TrustDecision(
                    False,
                    f"explicit deny in the role's trust policy ({statement.label})",
                    statement.label,
                )
            continue
        if missing:
            unsent.extend(missing)
            why_not.append(
                f"{statement.label}: the condition on {', '.join(missing)} cannot be met: "
                f"{service} is not documented to send {'it' if len(missing) == 1 else 'them'} "
                f"when it assumes a role (SERVICE_CONTEXT: {documented.source})"
            )
            continue
        if applies and not allowed_by:
            allowed_by = statement.label
        elif why and why != "principal":
            why_not.append(f"{statement.label}: {why}")
    if allowed_by:
        return TrustDecision(True, f"allowed by the role's trust policy ({allowed_by})", allowed_by)
    reason = f"the role's trust policy does not allow {service} to call {ASSUME_ROLE}"
    if why_not:
        reason += "; " + "; ".join(why_not)
    return TrustDecision(False, reason, "", tuple(dict.fromkeys(unsent)))
