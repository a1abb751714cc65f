"""parliament on every IAM policy of the generated template (`make lint`, decision 121)."""

from __future__ import annotations

import pytest

from datalake.deploy.iam_audit import audit_policy, audit_template, resolve, template_policies
from infra_gen import TemplateConfig, to_dict

VARIANT = {
    "ApiAuthMode": "IAM",
    "EncryptionMode": "KMS",
    "ReplicationEnabled": "true",
    "AlertEmail": "ops@example.com",
}


@pytest.mark.parametrize("params", [{}, VARIANT], ids=["defaults", "every-option"])
def test_every_policy_of_the_template_has_no_finding(params):
    template = to_dict(TemplateConfig().with_params(params))
    kinds = [kind for _, kind, _ in template_policies(template)]
    assert kinds.count("trust") == 8 and kinds.count("resource") == 6
    assert audit_template(template) == []


def test_intrinsics_resolve_to_the_json_aws_sees():
    template = {
        "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Role": {"Type": "AWS::IAM::Role"},
        },
    }
    value = {
        "A": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${AWS::StackName}-${Env}/*"},
        "B": [{"Ref": "Topic"}, {"Ref": "AWS::NoValue"}, {"Fn::GetAtt": ["Role", "Arn"]}],
        "C": {"Fn::Join": ["_", {"Fn::Split": ["-", "a-b-c"]}]},
        "D": {"Fn::Sub": ["x/${Db}", {"Db": {"Fn::If": ["Cond", "yes", "no"]}}]},
    }
    assert resolve(value, template) == {
        "A": "arn:aws:s3:::datalake-dev/*",
        "B": [
            "arn:aws:sns:us-east-1:123456789012:Topic",
            "arn:aws:iam::123456789012:role/Role",
        ],
        "C": "a_b_c",
        "D": "x/yes",
    }


def test_a_list_action_scoped_to_a_log_group_is_a_finding():
    # What the API Gateway logging role had before issue 16: DescribeLogGroups needs "*".
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:DescribeLogGroups"],
                "Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:*"],
            }
        ],
    }
    (finding,) = audit_policy("ApiGatewayCloudWatchRole", "identity", policy)
    assert (finding.issue, finding.severity) == ("RESOURCE_MISMATCH", "MEDIUM")
    assert "logs:DescribeLogGroups" in finding.detail


def test_only_the_trust_policy_resource_finding_is_suppressed():
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    template = {
        "Resources": {
            "R": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": trust,
                    "Policies": [{"PolicyName": "P", "PolicyDocument": trust}],
                },
            }
        }
    }
    # The same statement as an identity policy is malformed; as a trust policy it is not.
    assert [(f.owner, f.kind, f.issue) for f in audit_template(template)] == [
        ("R", "identity", "MALFORMED")
    ]
