import pytest

from localcloud.faults.settings import FaultSettings
from localcloud.s3policy.conditions import effective_policy, statement_applies


def test_seeded_draws_repeat():
    a = FaultSettings({"s3_put_error_rate": 0.3, "seed": 5})
    b = FaultSettings({"s3_put_error_rate": 0.3, "seed": 5})
    draws = [a.chance("s3_put_error_rate") for _ in range(100)]
    assert draws == [b.chance("s3_put_error_rate") for _ in range(100)]
    assert 15 <= sum(draws) <= 45
    assert not FaultSettings().chance("s3_put_error_rate")


@pytest.mark.parametrize("settings,message", [
    ({"s3_put_error_rate": 1.5}, "between 0 and 1"),
    ({"s3_put_latency_ms": -1}, "must not be negative"),
    ({"s3_put_error_status": 404}, "500 or 503"),
    ({"typo": 1}, "unknown fault setting"),
])
def test_bad_settings(settings, message):
    with pytest.raises(ValueError, match=message):
        FaultSettings(settings)


def test_tls_only_statement_does_not_apply_locally():
    deny_http = {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    deny_https = {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": ["true"]}}}
    other = {"Effect": "Deny", "Condition": {"StringEquals": {"aws:username": "x"}}}
    assert not statement_applies(deny_http)
    assert statement_applies(deny_https)
    assert statement_applies(other)
    policy = effective_policy(
        '{"Statement": [{"Sid": "a", "Effect": "Deny", '
        '"Condition": {"Bool": {"aws:SecureTransport": false}}}]}')
    assert '"Statement": []' in policy
