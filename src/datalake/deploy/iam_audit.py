"""Audit every IAM policy of a generated template with parliament (offline: it ships AWS's IAM
action and resource definitions). Policies hold CloudFormation intrinsics, so each is first
resolved against sample values (an account, a region, the parameters' defaults) into the JSON
AWS would see. `make lint` runs this through `datalake lint-iam`; decision 121."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

_logger = logging.getLogger(__name__)

SAMPLE_PSEUDO = {
    "AWS::AccountId": "123456789012",
    "AWS::Region": "us-east-1",
    "AWS::Partition": "aws",
    "AWS::StackName": "datalake",
    "AWS::URLSuffix": "amazonaws.com",
}
# Parameters without a default (the deploy step fills them): sample values of the right shape.
SAMPLE_PARAMETERS = {
    "ArtifactsBucketName": "datalake-artifacts-123456789012-us-east-1",
}
# Findings accepted on purpose: (policy kind, issue, text in the detail) -> the reason.
SUPPRESSIONS: dict[tuple[str, str, str], str] = {
    ("trust", "MALFORMED", "neither Resource nor NotResource"): (
        "a role's trust policy has no Resource element: the role itself is the resource "
        "(IAM JSON policy reference, Resource); parliament audits it as an identity policy"
    ),
}

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
# What Ref returns for the resource types the lake's policies reference (an ARN or a name).
_REF_FORMATS = {
    "AWS::SQS::Queue": "https://sqs.{AWS::Region}.amazonaws.com/{AWS::AccountId}/{id}",
    "AWS::SNS::Topic": "arn:{AWS::Partition}:sns:{AWS::Region}:{AWS::AccountId}:{id}",
    "AWS::StepFunctions::StateMachine": (
        "arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}:stateMachine:{id}"
    ),
}
_ARN_FORMATS = {
    "AWS::IAM::Role": "arn:{AWS::Partition}:iam::{AWS::AccountId}:role/{id}",
    "AWS::SNS::Topic": _REF_FORMATS["AWS::SNS::Topic"],
    "AWS::StepFunctions::StateMachine": _REF_FORMATS["AWS::StepFunctions::StateMachine"],
    "AWS::Lambda::Function": (
        "arn:{AWS::Partition}:lambda:{AWS::Region}:{AWS::AccountId}:function:{id}"
    ),
    "AWS::S3::Bucket": "arn:{AWS::Partition}:s3:::{id}",
    "AWS::SQS::Queue": "arn:{AWS::Partition}:sqs:{AWS::Region}:{AWS::AccountId}:{id}",
    "AWS::KMS::Key": "arn:{AWS::Partition}:kms:{AWS::Region}:{AWS::AccountId}:key/{id}",
}


@dataclass(frozen=True)
class PolicyFinding:
    """One parliament finding on one policy of the template."""

    owner: str  # logical id of the resource holding the policy
    kind: str  # "identity", "trust" or "resource"
    issue: str
    detail: str
    severity: str

    def __str__(self) -> str:
        return f"{self.owner} ({self.kind} policy): {self.severity} {self.issue}: {self.detail}"


def template_policies(template: dict) -> list[tuple[str, str, dict]]:
    """(owner logical id, kind, resolved policy document) for every policy of the template:
    roles' inline (identity) and trust policies, bucket and topic (resource) policies."""
    found = []
    for logical_id, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        for policy in props.get("Policies", []):
            found.append((logical_id, "identity", policy["PolicyDocument"]))
        if "AssumeRolePolicyDocument" in props:
            found.append((logical_id, "trust", props["AssumeRolePolicyDocument"]))
        if "PolicyDocument" in props:
            found.append((logical_id, "resource", props["PolicyDocument"]))
    return [(owner, kind, resolve(doc, template)) for owner, kind, doc in found]


def resolve(value: Any, template: dict) -> Any:
    """`value` with Ref, Fn::Sub, Fn::GetAtt, Fn::Join, Fn::Split and Fn::If evaluated against
    sample values (Fn::If takes its true branch; AWS::NoValue disappears)."""
    if isinstance(value, list):
        items = [resolve(v, template) for v in value]
        return [v for v in items if v is not _NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        handler = _INTRINSICS.get(key)
        if handler is not None:
            return handler(arg, template)
    resolved = {k: resolve(v, template) for k, v in value.items()}
    return {k: v for k, v in resolved.items() if v is not _NO_VALUE}


_NO_VALUE = object()


def _ref(name: str, template: dict) -> Any:
    if name == "AWS::NoValue":
        return _NO_VALUE
    if name in SAMPLE_PSEUDO:
        return SAMPLE_PSEUDO[name]
    parameter = template.get("Parameters", {}).get(name)
    if parameter is not None:
        return SAMPLE_PARAMETERS.get(name, parameter.get("Default", f"sample-{name}"))
    resource_type = template["Resources"][name]["Type"]
    return _format(_REF_FORMATS.get(resource_type, "{id}"), name)


def _get_att(arg: list | str, template: dict) -> str:
    name, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
    resource_type = template["Resources"][name]["Type"]
    if attribute != "Arn" or resource_type not in _ARN_FORMATS:
        raise ValueError(f"cannot resolve Fn::GetAtt {name}.{attribute} for the audit")
    return _format(_ARN_FORMATS[resource_type], name)


def _format(fmt: str, logical_id: str) -> str:
    return re.sub(
        r"\{([^}]+)\}", lambda m: logical_id if m[1] == "id" else SAMPLE_PSEUDO[m[1]], fmt
    )


def _sub(arg: str | list, template: dict) -> str:
    text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
    local = {k: resolve(v, template) for k, v in variables.items()}

    def value(m: re.Match) -> str:
        name = m[1]
        if name in local:
            return str(local[name])
        if "." in name:
            return _get_att(name, template)
        return str(_ref(name, template))

    return _SUB_VARIABLE.sub(value, text)


_INTRINSICS = {
    "Ref": _ref,
    "Fn::Sub": _sub,
    "Fn::GetAtt": _get_att,
    "Fn::Join": lambda arg, t: arg[0].join(str(v) for v in resolve(arg[1], t)),
    "Fn::Split": lambda arg, t: resolve(arg[1], t).split(arg[0]),
    "Fn::If": lambda arg, t: resolve(arg[1], t),
}


def audit_policy(owner: str, kind: str, document: dict) -> list[PolicyFinding]:
    """parliament's findings on one resolved policy (default auditors, offline)."""
    from parliament import analyze_policy_string

    policy = analyze_policy_string(json.dumps(document), ignore_private_auditors=True)
    return [
        PolicyFinding(owner, kind, f.issue, _detail(f), _severity(f.issue)) for f in policy.findings
    ]


def audit_template(template: dict) -> list[PolicyFinding]:
    """Every finding on every policy of `template`, less the SUPPRESSIONS."""
    findings = []
    for owner, kind, document in template_policies(template):
        for finding in audit_policy(owner, kind, document):
            reason = suppression(finding)
            if reason:
                _logger.debug("suppressed %s on %s: %s", finding.issue, owner, reason)
                continue
            findings.append(finding)
    return findings


def suppression(finding: PolicyFinding) -> str | None:
    """The reason `finding` is accepted, or None."""
    for (kind, issue, text), reason in SUPPRESSIONS.items():
        if finding.kind == kind and finding.issue == issue and text in finding.detail:
            return reason
    return None


def _detail(finding: Any) -> str:
    detail = finding.detail
    return detail if isinstance(detail, str) else json.dumps(detail, default=str)


def _severity(issue: str) -> str:
    from parliament import config

    return config.get(issue, {}).get("severity", "UNKNOWN")
