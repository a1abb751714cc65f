import json

import pytest

from localcloud.iam.policy import Condition, PolicyError, parse_policy


def test_single_statement_object_and_strings_become_tuples():
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
                "Condition": {
                    "Bool": {"aws:SecureTransport": True},
                    "NumericLessThan": {"s3:max-keys": 10},
                    "StringEquals": {"aws:SourceAccount": ["111122223333", "444455556666"]},
                },
            },
        }
    )
    (s,) = policy.statements
    assert (s.sid, s.effect, s.actions, s.resources) == (
        "Read",
        "Allow",
        ("s3:GetObject",),
        ("arn:aws:s3:::b/*",),
    )
    assert s.not_actions is None and s.principals is None
    assert s.conditions == (
        Condition("Bool", "aws:SecureTransport", ("true",)),
        Condition("NumericLessThan", "s3:max-keys", ("10",)),
        Condition("StringEquals", "aws:SourceAccount", ("111122223333", "444455556666")),
    )
    assert policy.version == "2012-10-17" and policy.substitutes_variables


def test_json_text_list_of_statements_and_not_elements():
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:x"},
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
            ],
        }
    )
    first, second = parse_policy(text).statements
    assert first.not_actions == ("iam:*", "sts:*") and first.actions is None
    assert first.not_resources == ("arn:x",) and first.label == "Statement[0]"
    assert second.index == 1


def test_missing_version_reads_as_2008_without_variables():
    policy = parse_policy({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert policy.version == "2008-10-17" and not policy.substitutes_variables


def test_principal_star_and_types():
    policy = parse_policy(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": ["111122223333"], "Service": "lambda.amazonaws.com"},
                    "Action": "s3:*",
                    "Resource": "*",
                },
            ]
        },
        kind="resource",
    )
    assert policy.statements[0].principals == {"AWS": ("*",)}
    assert policy.statements[1].not_principals == {
        "AWS": ("111122223333",),
        "Service": ("lambda.amazonaws.com",),
    }


def test_trust_policy_has_no_resource():
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "states.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        kind="trust",
    )
    assert policy.statements[0].resources is None


ALLOW = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


@pytest.mark.parametrize(
    "document, kind, message",
    [
        ("{not json", "identity", "policy is not valid JSON"),
        ([], "identity", "policy must be a JSON object"),
        ({"Version": "2012-10-17"}, "identity", "Statement is required"),
        ({"Statement": []}, "identity", "Statement must be an object or a non-empty list"),
        ({"Version": "2013-01-01", "Statement": ALLOW}, "identity", "Version must be one of"),
        ({"Statement": ALLOW, "Extra": 1}, "identity", "unknown policy element: Extra"),
        ({"Statement": [ALLOW, "x"]}, "identity", "Statement[1] must be an object"),
        ({"Statement": {**ALLOW, "Effect": "allow"}}, "identity", "Statement[0].Effect must be"),
        ({"Statement": {**ALLOW, "Sid": 3}}, "identity", "Statement[0].Sid must be a string"),
        ({"Statement": {**ALLOW, "Actions": "x"}}, "identity", "unknown element Actions"),
        (
            {"Statement": {"Effect": "Allow", "Resource": "*"}},
            "identity",
            "Statement[0].Action (or NotAction) is required",
        ),
        (
            {"Statement": {**ALLOW, "NotAction": "s3:*"}},
            "identity",
            "give Action or NotAction, not both",
        ),
        ({"Statement": {**ALLOW, "Action": []}}, "identity", "Statement[0].Action must be"),
        ({"Statement": {**ALLOW, "Action": ["s3:Get", 1]}}, "identity", "non-empty strings"),
        ({"Statement": {**ALLOW, "Resource": ""}}, "identity", "non-empty strings"),
        (
            {"Statement": {"Effect": "Allow", "Action": "s3:*"}},
            "identity",
            "Statement[0].Resource (or NotResource) is required",
        ),
        (
            {"Statement": {**ALLOW, "Principal": "*"}},
            "identity",
            "an identity-based policy has no Principal",
        ),
        ({"Statement": ALLOW}, "resource", "Statement[0].Principal is required"),
        (
            {"Statement": {**ALLOW, "Principal": {"Users": "x"}}},
            "resource",
            "unknown principal type 'Users'",
        ),
        (
            {"Statement": {**ALLOW, "Principal": "x"}},
            "resource",
            "Statement[0].Principal must be",
        ),
        (
            {"Statement": {**ALLOW, "Principal": "*", "NotPrincipal": "*"}},
            "resource",
            "give Principal or NotPrincipal, not both",
        ),
        (
            {"Statement": {**ALLOW, "Principal": {"Service": "x"}}},
            "trust",
            "a trust policy has no Resource",
        ),
        ({"Statement": {**ALLOW, "Condition": "x"}}, "identity", "Statement[0].Condition must"),
        (
            {"Statement": {**ALLOW, "Condition": {"StringEquals": {}}}},
            "identity",
            "Statement[0].Condition.StringEquals must be a non-empty object",
        ),
        (
            {"Statement": {**ALLOW, "Condition": {"StringEquals": {"k": []}}}},
            "identity",
            "Statement[0].Condition.StringEquals needs at least one value",
        ),
        (
            {"Statement": {**ALLOW, "Condition": {"StringEquals": {"k": {"a": 1}}}}},
            "identity",
            "condition values are strings, numbers or booleans",
        ),
    ],
)
def test_malformed_documents_name_the_field(document, kind, message):
    with pytest.raises(PolicyError) as info:
        parse_policy(document, kind=kind)
    assert message in str(info.value)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="kind must be one of"):
        parse_policy({"Statement": ALLOW}, kind="session")
