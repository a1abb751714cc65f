import pytest

from localcloud.iam.conditions import ConditionError, condition_met
from localcloud.iam.context import RequestContext
from localcloud.iam.policy import Condition
from localcloud.iam.variables import resolve, tokens_text, variables_in

CONTEXT = RequestContext(
    {
        "aws:username": "ana",
        "aws:PrincipalAccount": "111122223333",
        "aws:TagKeys": ["a", "b"],
        "weird:name": "a*",
    }
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("home/${aws:username}/*", "home/ana/*"),
        ("home/${AWS:USERNAME}/", "home/ana/"),
        ("${aws:PrincipalAccount}-${aws:username}", "111122223333-ana"),
        ("a${*}b${?}c${$}d", "a*b?c$d"),
        ("${ aws:userid , 'anon' }", "anon"),
        ("${aws:userid, 'it''s'}", "it's"),
        ("${aws:username, 'anon'}", "ana"),
        ("no variables", "no variables"),
    ],
)
def test_resolution(text, expected):
    assert tokens_text(resolve(text, CONTEXT)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("${aws:userid}", None),  # absent, no default
        ("${aws:TagKeys}", None),  # multivalued keys are not policy variables
        ("${}", None),
        ("x/${aws:username", "x/${aws:username"),  # unclosed: plain text
    ],
)
def test_unresolvable(text, expected):
    result = resolve(text, CONTEXT)
    assert (None if result is None else tokens_text(result)) == expected


def test_unresolved_variable_makes_the_condition_unmet_even_when_negated():
    for operator in ("StringEquals", "StringNotEquals"):
        condition = Condition(operator, "s3:prefix", ("${aws:userid}/",))
        assert not condition_met(condition, RequestContext({"s3:prefix": "x/"}))


@pytest.mark.parametrize(
    "pattern, value, expected",
    [
        ("home/${aws:username}/*", "home/ana/x", True),
        ("home/${aws:username}/*", "home/bob/x", False),
        # Escapes are literal characters, not wildcards.
        ("a${*}b", "a*b", True),
        ("a${*}b", "axb", False),
        ("a${?}", "a?", True),
        ("a${?}", "ab", False),
        # A substituted value is literal too: 'a*' from the context is not a wildcard.
        ("${weird:name}", "a*", True),
        ("${weird:name}", "abc", False),
    ],
)
def test_variables_in_string_like(pattern, value, expected):
    condition = Condition("StringLike", "s3:prefix", (pattern,))
    context = RequestContext(
        {**{k: CONTEXT.values(k)[0] for k in ("aws:username", "weird:name")}, "s3:prefix": value}
    )
    assert condition_met(condition, context) is expected


def test_no_substitution_when_the_policy_does_not_substitute():
    condition = Condition("StringEquals", "s3:prefix", ("${aws:username}",))
    context = RequestContext({"aws:username": "ana", "s3:prefix": "${aws:username}"})
    assert condition_met(condition, context, substitute=False)
    assert not condition_met(condition, context, substitute=True)


def test_numeric_operators_take_no_variables():
    condition = Condition("NumericLessThan", "s3:max-keys", ("${s3:limit}",))
    with pytest.raises(ConditionError, match="is not a number"):
        condition_met(condition, RequestContext({"s3:limit": "5", "s3:max-keys": "1"}))


def test_arn_condition_with_variable():
    condition = Condition(
        "ArnLike", "aws:SourceArn", ("arn:aws:states:*:${aws:PrincipalAccount}:stateMachine:*",)
    )
    sm = "arn:aws:states:us-east-1:111122223333:stateMachine:x"
    context = RequestContext({"aws:PrincipalAccount": "111122223333", "aws:SourceArn": sm})
    assert condition_met(condition, context)
    assert not condition_met(condition, context.merged({"aws:PrincipalAccount": "444455556666"}))


def test_variables_in_lists_keys_not_escapes():
    assert variables_in("${aws:username}/${*}/${aws:userid, 'x'}") == ["aws:username", "aws:userid"]
