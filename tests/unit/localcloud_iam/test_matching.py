import pytest

from localcloud.iam.matching import (
    Principal,
    action_matches,
    arn_matches,
    not_principal_excludes,
    principal_match,
    resource_matches,
)
from localcloud.iam.variables import pattern_tokens

ROLE = "arn:aws:iam::111122223333:role/service/dl-ingest"
SESSION = Principal.for_session(ROLE, "sess-1")
LAMBDA = Principal.for_service("lambda.amazonaws.com")
SM_PATTERN = "arn:aws:states:*:111122223333:stateMachine:*"
SM = "arn:aws:states:us-east-1:111122223333:stateMachine:sm"


@pytest.mark.parametrize(
    "pattern, action, expected",
    [
        ("s3:GetObject", "s3:GetObject", True),
        ("S3:getobject", "s3:GetObject", True),
        ("s3:Get*", "s3:GetObjectVersion", True),
        ("s3:*", "s3:PutObject", True),
        ("*", "glue:StartJobRun", True),
        ("s3:Get?bject", "s3:GetObject", True),
        ("s3:Get?bject", "s3:GetObjectX", False),
        ("s3:Get*", "s3:PutObject", False),
        ("s3:GetObject", "s3:GetObjectVersion", False),
        ("s3:*", "s3control:CreateJob", False),
        ("glue:*Job*", "glue:StartJobRun", True),
    ],
)
def test_action_matching(pattern, action, expected):
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    "pattern, resource, expected",
    [
        ("*", "arn:aws:s3:::b/k", True),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/raw/x.json", True),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::B/raw/x.json", False),
        ("arn:aws:s3:::b/raw/*", "arn:aws:s3:::b/Raw/x", False),
        ("arn:aws:s3:::b", "arn:aws:s3:::b/x", False),
        ("arn:aws:s3:::b?", "arn:aws:s3:::b1", True),
        ("arn:aws:s3:::b?", "arn:aws:s3:::b12", False),
        ("arn:aws:logs:*:111122223333:log-group:/aws/lambda/*", None, True),
        ("arn:aws:logs:us-east-1:*:*", "arn:aws:logs:us-east-1:111122223333:log-group:g:*", True),
        # '*' in the region does not swallow the account component.
        ("arn:aws:logs:*:444455556666:*", None, False),
        ("arn:aws:glue:us-east-1:111122223333:table/db/*", None, False),
    ],
)
def test_resource_matching(pattern, resource, expected):
    resource = resource or "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f:*"
    assert resource_matches(pattern_tokens(pattern), resource) is expected


@pytest.mark.parametrize(
    "pattern, arn, expected",
    [
        (SM_PATTERN, SM, True),
        (SM_PATTERN, SM.replace("111122223333", "999999999999"), False),
        ("arn:aws:s3:::b", "not-an-arn", False),
        ("arn:aws:s3:::*", "arn:aws:s3:::b", True),
        ("*", "anything", True),
    ],
)
def test_arn_like_per_component(pattern, arn, expected):
    assert arn_matches(pattern_tokens(pattern), arn) is expected


def test_session_principal_is_built_from_the_role():
    assert SESSION.arn == "arn:aws:sts::111122223333:assumed-role/dl-ingest/sess-1"
    assert SESSION.account == "111122223333" and SESSION.role_arn == ROLE


@pytest.mark.parametrize(
    "block, principal, expected",
    [
        ({"AWS": ("*",)}, SESSION, "any"),
        ({"AWS": ("111122223333",)}, SESSION, "account"),
        ({"AWS": ("arn:aws:iam::111122223333:root",)}, SESSION, "account"),
        ({"AWS": ("arn:aws:iam::444455556666:root",)}, SESSION, None),
        ({"AWS": (ROLE,)}, SESSION, "role"),
        ({"AWS": (SESSION.arn,)}, SESSION, "session"),
        ({"AWS": ("111122223333", ROLE)}, SESSION, "role"),
        ({"AWS": ("arn:aws:iam::111122223333:role/other",)}, SESSION, None),
        ({"Service": ("lambda.amazonaws.com",)}, SESSION, None),
        ({"Service": ("lambda.amazonaws.com",)}, LAMBDA, "service"),
        ({"Service": ("glue.amazonaws.com",)}, LAMBDA, None),
        ({"AWS": ("*",)}, LAMBDA, "any"),
    ],
)
def test_principal_matching(block, principal, expected):
    assert principal_match(block, principal) == expected


@pytest.mark.parametrize(
    "block, excluded",
    [
        ({"AWS": (SESSION.arn, ROLE, "arn:aws:iam::111122223333:root")}, True),
        ({"AWS": (SESSION.arn, ROLE, "111122223333")}, True),
        # AWS: listing the role without the session and account does not exempt the session.
        ({"AWS": (ROLE,)}, False),
        ({"AWS": (ROLE, "111122223333")}, False),
        ({"AWS": ("111122223333",)}, False),
    ],
)
def test_not_principal_exempts_only_when_every_identity_is_listed(block, excluded):
    assert not_principal_excludes(block, SESSION) is excluded
