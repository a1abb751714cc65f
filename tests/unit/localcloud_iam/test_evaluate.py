import pytest

from localcloud.iam.evaluate import (
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Request,
    access_denied_message,
    evaluate_request,
    principal_context,
)
from localcloud.iam.matching import Principal
from localcloud.iam.policy import parse_policy

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/dl-ingest"
SESSION = Principal.for_session(ROLE, "sess-1")
OBJECT = "arn:aws:s3:::dl-raw/iot/x.json"


def identity(*statements, version="2012-10-17", name="inline"):
    return parse_policy({"Version": version, "Statement": list(statements)}, name=name)


def resource(*statements):
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, "resource")


def allow(action="s3:GetObject", res="arn:aws:s3:::dl-raw/*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": res, **extra}


def deny(action="s3:GetObject", res="arn:aws:s3:::dl-raw/*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": res, **extra}


def decide(identity_policies=(), resource_policy=None, action="s3:GetObject", res=OBJECT, **kw):
    request = Request(kw.pop("principal", SESSION), action, res, kw.pop("context", None))
    return evaluate_request(request, identity_policies, resource_policy)


def test_identity_allow():
    decision = decide([identity(allow(Sid="Read"))])
    assert (decision.allowed, decision.reason, decision.statement) == (
        True,
        "allowed by an identity-based policy",
        "Read",
    )


def test_no_policy_is_an_implicit_deny_with_awss_reason():
    decision = decide([identity(allow(action="s3:PutObject"))])
    assert not decision.allowed and decision.effect == IMPLICIT_DENY
    assert decision.reason == "no identity-based policy allows the s3:GetObject action"


def test_explicit_deny_in_identity_policy_wins_over_allow():
    decision = decide([identity(allow()), identity(deny(Sid="NoRaw"), name="guard")])
    assert (decision.effect, decision.reason, decision.policy, decision.statement) == (
        EXPLICIT_DENY,
        "explicit deny in an identity-based policy",
        "guard",
        "NoRaw",
    )


def test_explicit_deny_in_resource_policy_wins_over_identity_allow():
    bucket = resource(deny(Principal="*", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    decision = decide([identity(allow())], bucket, context={"aws:SecureTransport": "false"})
    assert decision.reason == "explicit deny in a resource-based policy"
    assert decide([identity(allow())], bucket, context={"aws:SecureTransport": "true"}).allowed


def test_identity_deny_wins_over_resource_allow():
    bucket = resource(allow(Principal={"AWS": SESSION.arn}))
    decision = decide([identity(deny())], bucket)
    assert decision.reason == "explicit deny in an identity-based policy"


def test_resource_policy_naming_the_session_allows_without_identity_policy():
    decision = decide([], resource(allow(Principal={"AWS": SESSION.arn})))
    assert decision.allowed and decision.policy_type == "resource-based"
    assert decision.reason == "allowed by a resource-based policy"
    assert decision.principal_match == "session" and decision.notes == ()


def test_resource_policy_naming_the_role_allows_and_notes_the_nuance():
    decision = decide([], resource(allow(Principal={"AWS": ROLE})))
    assert decision.allowed and decision.principal_match == "role"
    assert "names the role ARN, not the session" in decision.notes[0]


def test_resource_policy_naming_the_account_delegates_and_allows_nothing_alone():
    bucket = resource(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Sid="Acct"))
    decision = decide([], bucket)
    assert decision.effect == IMPLICIT_DENY
    assert "Acct of the resource-based policy names the account" in decision.notes[0]
    assert decide([identity(allow())], bucket).allowed


def test_resource_policy_deny_naming_the_account_denies():
    decision = decide([identity(allow())], resource(deny(Principal={"AWS": ACCOUNT})))
    assert decision.effect == EXPLICIT_DENY


def test_resource_policy_for_another_principal_does_not_allow():
    other = resource(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"}))
    assert decide([], other).effect == IMPLICIT_DENY


def test_not_action_allow():
    policy = identity({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert decide([policy]).allowed
    assert not decide([policy], action="iam:PassRole", res=ROLE).allowed


def test_not_resource_deny():
    policy = identity(
        allow(action="s3:*", res="*"),
        {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::dl-raw/*"},
    )
    assert decide([policy]).allowed
    denied = decide([policy], res="arn:aws:s3:::other/x")
    assert denied.reason == "explicit deny in an identity-based policy"


def test_deny_with_not_principal_exempts_only_fully_listed_identities():
    listed = resource(
        deny(action="s3:*", res="*", NotPrincipal={"AWS": [SESSION.arn, ROLE, ACCOUNT]})
    )
    partly = resource(deny(action="s3:*", res="*", NotPrincipal={"AWS": ROLE}))
    assert decide([identity(allow())], listed).allowed
    assert decide([identity(allow())], partly).effect == EXPLICIT_DENY


def test_action_without_resource_is_evaluated_against_star():
    star = identity(allow(action="glue:GetDatabases", res="*"))
    narrow = identity(allow(action="glue:GetDatabases", res=f"arn:aws:glue:*:{ACCOUNT}:*"))
    assert decide([star], action="glue:GetDatabases", res=None).allowed
    assert not decide([narrow], action="glue:GetDatabases", res=None).allowed


def test_principal_keys_are_in_the_context():
    assert principal_context(SESSION) == {
        "aws:PrincipalArn": ROLE,
        "aws:PrincipalAccount": ACCOUNT,
    }
    policy = identity(
        allow(Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dl-*"}})
    )
    assert decide([policy]).allowed
    other = Principal.for_session(f"arn:aws:iam::{ACCOUNT}:role/web", "s")
    assert not decide([policy], principal=other).allowed


def test_unmet_condition_means_the_statement_does_not_apply():
    policy = identity(allow(Condition={"StringLike": {"s3:prefix": "raw/*"}}))
    assert not decide([policy]).allowed
    assert decide([policy], context={"s3:prefix": "raw/iot"}).allowed


def test_resource_policy_variable():
    policy = identity(allow(res="arn:aws:s3:::dl-raw/${aws:PrincipalAccount}/*"))
    assert decide([policy], res=f"arn:aws:s3:::dl-raw/{ACCOUNT}/k").allowed
    assert not decide([policy], res="arn:aws:s3:::dl-raw/444455556666/k").allowed


def test_resource_policy_variable_is_literal_text_in_version_2008():
    policy = identity(
        allow(res="arn:aws:s3:::dl-raw/${aws:PrincipalAccount}/*"), version="2008-10-17"
    )
    assert not decide([policy], res=f"arn:aws:s3:::dl-raw/{ACCOUNT}/k").allowed
    assert decide([policy], res="arn:aws:s3:::dl-raw/${aws:PrincipalAccount}/k").allowed


PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/dl-ingest/sess-1"


@pytest.mark.parametrize(
    "policies, resource_policy, action, res, message",
    [
        (
            [],
            None,
            "s3:GetObject",
            OBJECT,
            f"User: {PRINCIPAL} is not authorized to perform: s3:GetObject on resource: "
            f"{OBJECT} because no identity-based policy allows the s3:GetObject action",
        ),
        (
            [identity(allow(), deny())],
            None,
            "s3:GetObject",
            OBJECT,
            f"User: {PRINCIPAL} is not authorized to perform: s3:GetObject on resource: "
            f"{OBJECT} with an explicit deny in an identity-based policy",
        ),
        (
            [identity(allow())],
            resource(deny(Principal="*")),
            "s3:GetObject",
            OBJECT,
            f"User: {PRINCIPAL} is not authorized to perform: s3:GetObject on resource: "
            f"{OBJECT} with an explicit deny in a resource-based policy",
        ),
        (
            [],
            None,
            "glue:GetDatabases",
            None,
            f"User: {PRINCIPAL} is not authorized to perform: glue:GetDatabases because no "
            "identity-based policy allows the glue:GetDatabases action",
        ),
    ],
)
def test_access_denied_messages(policies, resource_policy, action, res, message):
    decision = decide(policies, resource_policy, action=action, res=res)
    assert access_denied_message(SESSION.arn, action, res, decision) == message


def test_no_message_for_an_allowed_request():
    with pytest.raises(ValueError, match="allows the request"):
        access_denied_message(SESSION.arn, "s3:GetObject", OBJECT, decide([identity(allow())]))
