import pytest

from localcloud.iam.policy import parse_policy
from localcloud.iam.support import key_supported, unsupported_conditions


def doc(condition=None, resource="*", version="2012-10-17", sid="S"):
    statement = {"Sid": sid, "Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return {"Version": version, "Statement": [statement]}


def test_supported_policy_has_nothing_to_report():
    policy = doc(
        {
            "Bool": {"aws:SecureTransport": "true"},
            "StringEquals": {"aws:SourceAccount": "111122223333", "s3:prefix": "raw/"},
            "ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::b"},
            "ForAnyValue:StringLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b/*"},
            "DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"},
            "NumericLessThanEquals": {"s3:max-keys": 1000},
            "IpAddress": {"aws:SourceIp": "127.0.0.0/8"},
            "Null": {"aws:SourceArn": "false"},
        },
        resource="arn:aws:s3:::b/${aws:PrincipalAccount}/*",
    )
    assert unsupported_conditions([policy]) == []


@pytest.mark.parametrize(
    "condition, message",
    [
        ({"StringMatches": {"aws:SourceArn": "x"}}, "unknown condition operator 'StringMatches'"),
        ({"NullIfExists": {"aws:SourceArn": "true"}}, "Null takes neither IfExists"),
        ({"StringEquals": {"aws:PrincipalTag/team": "x"}}, "condition key aws:PrincipalTag/team"),
        ({"StringEquals": {"kms:EncryptionContext:": "x"}}, "condition key kms:EncryptionContext:"),
        ({"NumericLessThan": {"s3:max-keys": "ten"}}, "'ten' is not a number"),
        ({"DateLessThan": {"aws:CurrentTime": "soon"}}, "'soon' is not an ISO 8601 date"),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/99"}}, "is not an IP address or CIDR"),
        ({"BinaryEquals": {"aws:SourceArn": "%%%"}}, "is not base-64"),
        ({"Null": {"aws:SourceArn": "maybe"}}, "'maybe' is not true or false"),
        (
            {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
            "policy variable ${aws:username}",
        ),
    ],
)
def test_each_problem_is_named_with_policy_and_statement(condition, message):
    (problem,) = unsupported_conditions([parse_policy(doc(condition), name="reader")])
    assert problem.startswith("reader S: ") and message in problem


def test_variables_in_resources_are_checked_only_where_they_are_variables():
    resource = "arn:aws:s3:::b/${aws:username}/*"
    assert unsupported_conditions([doc(resource=resource)]) == [
        "policy[0] S: policy variable ${aws:username} is not supported"
    ]
    assert unsupported_conditions([doc(resource=resource, version="2008-10-17")]) == []


def test_every_problem_of_every_document_is_listed_once():
    first = doc({"StringEquals": {"aws:PrincipalTag/a": "x", "aws:userid": "y"}})
    second = {
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "glue.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalTag/a": "x"}},
        }
    }
    assert unsupported_conditions([first, first, second]) == [
        "policy[0] S: condition key aws:PrincipalTag/a is not supported",
        "policy[0] S: condition key aws:userid is not supported",
        "policy[1] S: condition key aws:PrincipalTag/a is not supported",
        "policy[1] S: condition key aws:userid is not supported",
        "policy[2] Statement[0]: condition key aws:PrincipalTag/a is not supported",
    ]


@pytest.mark.parametrize(
    "key, supported",
    [
        ("aws:SecureTransport", True),
        ("AWS:SOURCEARN", True),
        ("kms:EncryptionContext:aws:s3:arn", True),
        ("kms:EncryptionContextKeys", False),
        ("aws:PrincipalTag/x", False),
        ("logs:LogGroupName", False),
    ],
)
def test_key_supported(key, supported):
    assert key_supported(key) is supported
