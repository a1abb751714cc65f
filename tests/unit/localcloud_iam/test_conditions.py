import base64

import pytest

from localcloud.iam.conditions import (
    ConditionError,
    Operator,
    condition_met,
    evaluate_conditions,
    parse_operator,
)
from localcloud.iam.context import RequestContext
from localcloud.iam.policy import Condition

SM = "arn:aws:states:us-east-1:111122223333:stateMachine:dl-pipeline"


def met(operator, key, values, context, substitute=True):
    values = tuple(values) if isinstance(values, list) else (values,)
    return condition_met(Condition(operator, key, values), RequestContext(context), substitute)


SA, ARN, IP, PFX, MAX = (
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIp",
    "s3:prefix",
    "s3:max-keys",
)
CT, ET, TLS, BIN = "aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport", "k:bin"
T0, E0 = "2026-12-02T12:00:00Z", "1796212800"  # the same instant
B01 = base64.b64encode(b"\x00\x01").decode()
SM_IN_ACCOUNT = "arn:aws:states:*:111122223333:stateMachine:*"

# (operator, key, policy values, request context, expected)
SINGLE = [
    # String
    ("StringEquals", SA, "111122223333", {SA: "111122223333"}, True),
    ("StringEquals", SA, "111122223333", {SA: "1111222233334"}, False),
    ("StringEquals", PFX, "Raw/", {PFX: "raw/"}, False),
    ("StringEquals", PFX, ["a/", "raw/"], {PFX: "raw/"}, True),
    ("StringEquals", PFX, "raw/*", {PFX: "raw/x"}, False),
    ("StringNotEquals", PFX, "raw/", {PFX: "raw/"}, False),
    ("StringNotEquals", PFX, "raw/", {PFX: "cur/"}, True),
    ("StringNotEquals", PFX, ["raw/", "cur/"], {PFX: "cur/"}, False),
    ("StringNotEquals", PFX, ["raw/", "cur/"], {PFX: "tmp/"}, True),
    ("StringEqualsIgnoreCase", PFX, "RAW/", {PFX: "raw/"}, True),
    ("StringEqualsIgnoreCase", PFX, "RAW/", {PFX: "cur/"}, False),
    ("StringNotEqualsIgnoreCase", PFX, "RAW/", {PFX: "raw/"}, False),
    ("StringNotEqualsIgnoreCase", PFX, "RAW/", {PFX: "cur/"}, True),
    ("StringLike", PFX, "raw/*", {PFX: "raw/iot/2026"}, True),
    ("StringLike", PFX, "raw/*", {PFX: "Raw/iot"}, False),
    ("StringLike", PFX, "raw/?", {PFX: "raw/a"}, True),
    ("StringLike", PFX, "raw/?", {PFX: "raw/ab"}, False),
    ("StringLike", PFX, ["cur/*", "raw/*"], {PFX: "raw/x"}, True),
    ("StringNotLike", PFX, ["cur/*", "raw/*"], {PFX: "raw/x"}, False),
    ("StringNotLike", PFX, ["cur/*", "raw/*"], {PFX: "tmp/x"}, True),
    # Numeric
    ("NumericEquals", MAX, "10", {MAX: "10"}, True),
    ("NumericEquals", MAX, "10", {MAX: "10.0"}, True),
    ("NumericEquals", MAX, "10", {MAX: "11"}, False),
    ("NumericEquals", MAX, "10", {MAX: "ten"}, False),
    ("NumericNotEquals", MAX, ["10", "20"], {MAX: "20"}, False),
    ("NumericNotEquals", MAX, ["10", "20"], {MAX: "30"}, True),
    ("NumericLessThan", MAX, "10", {MAX: "9"}, True),
    ("NumericLessThan", MAX, "10", {MAX: "10"}, False),
    ("NumericLessThanEquals", MAX, "10", {MAX: "10"}, True),
    ("NumericLessThanEquals", MAX, "10", {MAX: "11"}, False),
    ("NumericGreaterThan", MAX, "10", {MAX: "11"}, True),
    ("NumericGreaterThan", MAX, "10", {MAX: "10"}, False),
    ("NumericGreaterThanEquals", MAX, "10", {MAX: "10"}, True),
    ("NumericGreaterThanEquals", MAX, "10", {MAX: "9"}, False),
    # Date: ISO 8601 and epoch seconds on either side
    ("DateEquals", CT, T0, {CT: T0}, True),
    ("DateEquals", CT, E0, {CT: T0}, True),
    ("DateNotEquals", CT, T0, {CT: T0}, False),
    ("DateNotEquals", CT, T0, {CT: "2026-12-02T12:00:01Z"}, True),
    ("DateLessThan", CT, "2027-01-01", {CT: "2026-12-31T23:59:59Z"}, True),
    ("DateLessThan", CT, "2027-01-01", {CT: "2027-01-01T00:00:00Z"}, False),
    ("DateLessThanEquals", CT, "2027-01-01", {CT: "2027-01-01T00:00:00Z"}, True),
    ("DateLessThanEquals", CT, "2027-01-01", {CT: "2027-01-01T00:00:01Z"}, False),
    ("DateGreaterThan", ET, T0, {ET: "1796212801"}, True),
    ("DateGreaterThan", ET, T0, {ET: E0}, False),
    ("DateGreaterThanEquals", ET, E0, {ET: E0}, True),
    ("DateGreaterThanEquals", ET, E0, {ET: "1796212799"}, False),
    # Bool
    ("Bool", TLS, "false", {TLS: "false"}, True),
    ("Bool", TLS, "false", {TLS: True}, False),
    ("Bool", TLS, "TRUE", {TLS: "true"}, True),
    # Binary: the policy value is base-64; the request value bytes (or base-64 text)
    ("BinaryEquals", BIN, B01, {BIN: b"\x00\x01"}, True),
    ("BinaryEquals", BIN, B01, {BIN: "AAE="}, True),
    ("BinaryEquals", BIN, B01, {BIN: b"\x00\x02"}, False),
    # IP address
    ("IpAddress", IP, "10.0.0.0/8", {IP: "10.1.2.3"}, True),
    ("IpAddress", IP, "10.0.0.0/8", {IP: "11.1.2.3"}, False),
    ("IpAddress", IP, "127.0.0.1", {IP: "127.0.0.1"}, True),
    ("IpAddress", IP, ["192.0.2.0/24", "2001:db8::/32"], {IP: "2001:db8::1"}, True),
    ("IpAddress", IP, "10.0.0.0/8", {IP: "not-an-ip"}, False),
    ("NotIpAddress", IP, ["10.0.0.0/8", "192.0.2.0/24"], {IP: "192.0.2.7"}, False),
    ("NotIpAddress", IP, ["10.0.0.0/8", "192.0.2.0/24"], {IP: "198.51.100.1"}, True),
    # ARN
    ("ArnEquals", ARN, SM, {ARN: SM}, True),
    ("ArnEquals", ARN, SM.upper(), {ARN: SM}, False),
    ("ArnLike", ARN, "arn:aws:states:*:111122223333:stateMachine:dl-*", {ARN: SM}, True),
    ("ArnLike", ARN, SM_IN_ACCOUNT.replace("1111", "4444"), {ARN: SM}, False),
    ("ArnLike", ARN, SM_IN_ACCOUNT, {ARN: "garbage"}, False),
    ("ArnNotEquals", ARN, SM, {ARN: SM}, False),
    ("ArnNotEquals", ARN, SM, {ARN: SM + "2"}, True),
    ("ArnNotLike", ARN, ["arn:aws:s3:::*", "arn:aws:states:*"], {ARN: SM}, True),
    ("ArnNotLike", ARN, ["arn:aws:s3:::*", "arn:aws:states:*:*:*:*"], {ARN: SM}, False),
]


@pytest.mark.parametrize("operator, key, values, context, expected", SINGLE)
def test_operator(operator, key, values, context, expected):
    assert met(operator, key, values, context) is expected


def test_every_documented_base_operator_has_a_case():
    from localcloud.iam.conditions import BASE_OPERATORS

    covered = {row[0] for row in SINGLE} | {"Null"}
    assert covered == set(BASE_OPERATORS)


def test_context_key_names_are_case_insensitive():
    assert met("StringEquals", "AWS:SOURCEACCOUNT", "1", {"aws:SourceAccount": "1"})


# The key is absent from the request context (AWS: false, negated operators true,
# ...IfExists true).
ABSENT = [
    ("StringEquals", "x", False),
    ("StringLike", "x*", False),
    ("StringNotEquals", "x", True),
    ("StringNotLike", "x*", True),
    ("StringNotEqualsIgnoreCase", "x", True),
    ("NumericLessThan", "1", False),
    ("NumericNotEquals", "1", True),
    ("DateGreaterThan", T0, False),
    ("DateNotEquals", T0, True),
    ("Bool", "true", False),
    ("IpAddress", "10.0.0.0/8", False),
    ("NotIpAddress", "10.0.0.0/8", True),
    ("ArnLike", SM_IN_ACCOUNT, False),
    ("ArnNotLike", SM_IN_ACCOUNT, True),
    ("BinaryEquals", B01, False),
    ("StringEqualsIfExists", "x", True),
    ("StringNotEqualsIfExists", "x", True),
    ("NumericLessThanIfExists", "1", True),
    ("DateLessThanIfExists", T0, True),
    ("BoolIfExists", "true", True),
    ("ArnLikeIfExists", SM_IN_ACCOUNT, True),
    ("IpAddressIfExists", "10.0.0.0/8", True),
    ("BinaryEqualsIfExists", B01, True),
]


@pytest.mark.parametrize("operator, value, expected", ABSENT)
def test_absent_key(operator, value, expected):
    assert met(operator, "k:absent", value, {"k:other": "x"}) is expected


# IfExists when the key is present: the operator decides.
@pytest.mark.parametrize(
    "operator, key, value, context, expected",
    [
        ("StringEqualsIfExists", PFX, "raw/", {PFX: "raw/"}, True),
        ("StringEqualsIfExists", PFX, "raw/", {PFX: "cur/"}, False),
        ("StringNotLikeIfExists", PFX, "raw/*", {PFX: "raw/x"}, False),
        ("StringNotLikeIfExists", PFX, "raw/*", {PFX: "cur/x"}, True),
        ("BoolIfExists", TLS, "false", {TLS: "true"}, False),
        ("NumericLessThanIfExists", MAX, "10", {MAX: "50"}, False),
    ],
)
def test_if_exists_with_key_present(operator, key, value, context, expected):
    assert met(operator, key, value, context) is expected


@pytest.mark.parametrize(
    "values, context, expected",
    [
        ("true", {}, True),
        ("true", {"aws:SourceArn": SM}, False),
        ("false", {"aws:SourceArn": SM}, True),
        ("false", {}, False),
        ("false", {"aws:TagKeys": []}, False),
        ("true", {"aws:TagKeys": []}, True),
        (["true", "false"], {}, True),
        ("FALSE", {"aws:SourceArn": ""}, True),
    ],
)
def test_null(values, context, expected):
    key = "aws:TagKeys" if "aws:TagKeys" in context else "aws:SourceArn"
    assert met("Null", key, values, context) is expected


TAGS = "aws:TagKeys"

# Set qualifiers on a multivalued key. AWS: ForAllValues is true when every request value
# matches a policy value, and also when the key is absent or empty; ForAnyValue is true when
# at least one request value matches, and false when the key is absent or empty.
SETS = [
    ("ForAllValues:StringEquals", ["env", "team"], {TAGS: ["env"]}, True),
    ("ForAllValues:StringEquals", ["env", "team"], {TAGS: ["env", "team"]}, True),
    ("ForAllValues:StringEquals", ["env", "team"], {TAGS: ["env", "cost"]}, False),
    ("ForAllValues:StringEquals", ["env", "team"], {TAGS: []}, True),
    ("ForAllValues:StringEquals", ["env", "team"], {}, True),
    ("ForAnyValue:StringEquals", ["env", "team"], {TAGS: ["cost", "team"]}, True),
    ("ForAnyValue:StringEquals", ["env", "team"], {TAGS: ["cost"]}, False),
    ("ForAnyValue:StringEquals", ["env", "team"], {TAGS: []}, False),
    ("ForAnyValue:StringEquals", ["env", "team"], {}, False),
    ("ForAllValues:StringLike", "key1*", {TAGS: ["key1:a", "key1:b"]}, True),
    ("ForAllValues:StringLike", "key1*", {TAGS: ["key1:a", "key2:b"]}, False),
    # Negated with a set qualifier: each request value is tested with NOR over the policy values.
    ("ForAllValues:StringNotLike", "key1*", {TAGS: ["key2:audit"]}, True),
    ("ForAllValues:StringNotLike", "key1*", {TAGS: ["key1:legal"]}, False),
    ("ForAllValues:StringNotLike", "key1*", {TAGS: ["key1:hr", "key2:x"]}, False),
    ("ForAllValues:StringNotLike", "key1*", {}, True),
    ("ForAnyValue:StringNotEquals", ["env"], {TAGS: ["env", "cost"]}, True),
    ("ForAnyValue:StringNotEquals", ["env"], {TAGS: ["env"]}, False),
    ("ForAnyValue:StringNotEquals", ["env"], {}, False),
    ("ForAnyValue:StringEqualsIfExists", ["env"], {}, True),
    ("ForAllValues:StringEqualsIgnoreCase", ["ENV"], {TAGS: ["env", "Env"]}, True),
    ("ForAnyValue:ArnLike", "arn:aws:s3:::*", {TAGS: ["x", "arn:aws:s3:::b"]}, True),
]


@pytest.mark.parametrize("operator, values, context, expected", SETS)
def test_set_qualifiers(operator, values, context, expected):
    assert met(operator, TAGS, values, context) is expected


@pytest.mark.parametrize(
    "name, parsed",
    [
        ("StringLike", Operator("StringLike")),
        ("StringLikeIfExists", Operator("StringLike", None, True)),
        ("ForAnyValue:StringLikeIfExists", Operator("StringLike", "ForAnyValue", True)),
        ("ForAllValues:ArnNotEquals", Operator("ArnNotEquals", "ForAllValues")),
        ("Null", Operator("Null")),
    ],
)
def test_parse_operator(name, parsed):
    assert parse_operator(name) == parsed


@pytest.mark.parametrize(
    "name, message",
    [
        ("StringMatches", "unknown condition operator 'StringMatches'"),
        ("stringequals", "unknown condition operator"),
        ("ForSomeValues:StringEquals", "unknown condition set qualifier 'ForSomeValues'"),
        ("NullIfExists", "Null takes neither IfExists nor a set qualifier"),
        ("ForAnyValue:Null", "Null takes neither IfExists nor a set qualifier"),
        ("IfExists", "unknown condition operator"),
    ],
)
def test_unknown_operators_raise(name, message):
    with pytest.raises(ConditionError) as info:
        parse_operator(name)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "operator, value",
    [
        ("NumericEquals", "ten"),
        ("DateLessThan", "next tuesday"),
        ("IpAddress", "10.0.0.0/33"),
        ("BinaryEquals", "not base64!"),
    ],
)
def test_unreadable_policy_values_raise(operator, value):
    with pytest.raises(ConditionError):
        met(operator, "k:k", value, {"k:k": "1"})


def test_block_is_and_of_keys_and_operators_and_names_the_first_unmet():
    conditions = (
        Condition("StringEquals", "aws:SourceAccount", ("111122223333",)),
        Condition("ArnLike", "aws:SourceArn", ("arn:aws:states:*:111122223333:stateMachine:*",)),
    )
    good = {"aws:SourceAccount": "111122223333", "aws:SourceArn": SM}
    assert evaluate_conditions(conditions, RequestContext(good)).met
    bad = {**good, "aws:SourceArn": SM.replace("111122223333", "444455556666")}
    result = evaluate_conditions(conditions, RequestContext(bad))
    assert not result.met and result.unmet == conditions[1]
    assert result.why == "ArnLike aws:SourceArn"
    missing = evaluate_conditions(conditions, RequestContext({"aws:SourceArn": SM}))
    assert missing.unmet == conditions[0]
    assert missing.why == "aws:SourceAccount is not in the request"
