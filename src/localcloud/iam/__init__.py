"""IAM policy evaluation for the local cloud: parse policy documents, match actions, resources
and principals, evaluate conditions, decide a request as AWS does within one account, decide
whether a service may assume a role, and name what cannot be evaluated.

Not wired into the server yet (issue 15, first step): nothing here is called by a request.
The next step makes every call of a deployed workload as its role and refuses what this
evaluator denies. See docs/decisions/145-iam-evaluator.md.
"""

from localcloud.iam.conditions import ConditionError, condition_met, evaluate_conditions
from localcloud.iam.context import RequestContext
from localcloud.iam.evaluate import (
    Decision,
    Request,
    access_denied_message,
    evaluate_request,
    principal_context,
)
from localcloud.iam.matching import Principal, action_matches, principal_match, resource_matches
from localcloud.iam.policy import Condition, Policy, PolicyError, Statement, parse_policy
from localcloud.iam.support import SUPPORTED_KEYS, unsupported_conditions
from localcloud.iam.trust import SERVICE_CONTEXT, TrustDecision, evaluate_trust

__all__ = [
    "SERVICE_CONTEXT",
    "SUPPORTED_KEYS",
    "Condition",
    "ConditionError",
    "Decision",
    "Policy",
    "PolicyError",
    "Principal",
    "Request",
    "RequestContext",
    "Statement",
    "TrustDecision",
    "access_denied_message",
    "action_matches",
    "condition_met",
    "evaluate_conditions",
    "evaluate_request",
    "evaluate_trust",
    "parse_policy",
    "principal_context",
    "principal_match",
    "resource_matches",
    "unsupported_conditions",
]
