import pytest

from localcloud.iam.trust import NOT_DOCUMENTED, SERVICE_CONTEXT, evaluate_trust

ACCOUNT = "111122223333"
SM = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:dl-pipeline"


def trust(service, condition=None, effect="Allow", action="sts:AssumeRole", sid="Trust"):
    statement = {"Sid": sid, "Effect": effect, "Principal": {"Service": service}, "Action": action}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


SOURCE_ACCOUNT = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_documented_key_met():
    decision = evaluate_trust(
        trust("states.amazonaws.com", SOURCE_ACCOUNT),
        "states.amazonaws.com",
        {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": SM},
    )
    assert decision.allowed and decision.reason == "allowed by the role's trust policy (Trust)"


def test_documented_key_with_another_value():
    decision = evaluate_trust(
        trust("states.amazonaws.com", SOURCE_ACCOUNT),
        "states.amazonaws.com",
        {"aws:SourceAccount": "444455556666"},
    )
    assert not decision.allowed
    assert decision.reason == (
        "the role's trust policy does not allow states.amazonaws.com to call sts:AssumeRole; "
        "Trust: condition: StringEquals aws:SourceAccount"
    )


def test_condition_on_a_key_the_service_is_not_documented_to_send_is_unmet():
    decision = evaluate_trust(
        trust("glue.amazonaws.com", SOURCE_ACCOUNT),
        "glue.amazonaws.com",
        {"aws:SourceAccount": ACCOUNT},  # even if a caller offers it
    )
    assert not decision.allowed and decision.unsent_keys == ("aws:SourceAccount",)
    assert decision.reason == (
        "the role's trust policy does not allow glue.amazonaws.com to call sts:AssumeRole; "
        "Trust: the condition on aws:SourceAccount cannot be met: glue.amazonaws.com is not "
        "documented to send it when it assumes a role (SERVICE_CONTEXT: not documented)"
    )


def test_key_outside_the_documented_set_is_dropped_from_the_context():
    condition = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    decision = evaluate_trust(
        trust("lambda.amazonaws.com", condition),
        "lambda.amazonaws.com",
        {"aws:SourceIp": "10.1.1.1"},
    )
    assert not decision.allowed and decision.unsent_keys == ("aws:SourceIp",)


def test_no_condition_needs_no_context():
    assert evaluate_trust(trust("glue.amazonaws.com"), "glue.amazonaws.com").allowed


def test_another_service_is_not_trusted():
    decision = evaluate_trust(trust("glue.amazonaws.com"), "lambda.amazonaws.com")
    assert not decision.allowed
    assert decision.reason == (
        "the role's trust policy does not allow lambda.amazonaws.com to call sts:AssumeRole"
    )


def test_another_action_is_not_assume_role():
    decision = evaluate_trust(
        trust("glue.amazonaws.com", action="sts:TagSession"), "glue.amazonaws.com"
    )
    assert not decision.allowed


def test_explicit_deny_in_trust_policy():
    policy = trust("lambda.amazonaws.com")
    policy["Statement"].append(
        {
            "Sid": "NotFromOthers",
            "Effect": "Deny",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    )
    other = evaluate_trust(policy, "lambda.amazonaws.com", {"aws:SourceAccount": "444455556666"})
    assert other.reason == "explicit deny in the role's trust policy (NotFromOthers)"
    assert evaluate_trust(policy, "lambda.amazonaws.com", {"aws:SourceAccount": ACCOUNT}).allowed


def test_undocumented_key_is_absent_for_a_deny_so_a_guess_never_lifts_it():
    policy = trust("glue.amazonaws.com")
    policy["Statement"].append(
        {
            "Sid": "OnlyOurs",
            "Effect": "Deny",
            "Principal": {"Service": "glue.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    )
    decision = evaluate_trust(policy, "glue.amazonaws.com", {"aws:SourceAccount": ACCOUNT})
    assert decision.reason == "explicit deny in the role's trust policy (OnlyOurs)"


@pytest.mark.parametrize("service", sorted(SERVICE_CONTEXT))
def test_service_context_cites_a_page_or_says_not_documented(service):
    entry = SERVICE_CONTEXT[service]
    if entry.keys:
        assert entry.source.startswith("https://docs.aws.amazon.com/") and entry.evidence
    else:
        assert entry.source == NOT_DOCUMENTED


def test_the_services_the_issue_names_are_in_the_table():
    assert {
        "states.amazonaws.com",
        "lambda.amazonaws.com",
        "glue.amazonaws.com",
        "apigateway.amazonaws.com",
        "events.amazonaws.com",
        "sns.amazonaws.com",
        "s3.amazonaws.com",
    } <= set(SERVICE_CONTEXT)
