from datetime import datetime, timezone

import pytest

from localcloud.apigateway.throttle import Quota, TokenBucket, quota_window


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_token_bucket_allows_burst_then_refills_at_rate():
    clock = FakeClock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token at 2/s
    assert bucket.take() is True
    assert bucket.take() is False
    clock.now += 100  # never above the burst
    assert sum(bucket.take() for _ in range(10)) == 3


def test_zero_rate_bucket_never_refills():
    clock = FakeClock()
    bucket = TokenBucket(rate=0, burst=1, clock=clock)
    assert bucket.take() is True
    clock.now += 1000
    assert bucket.take() is False


def test_quota_resets_with_the_window():
    now = [datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)]
    quota = Quota(2, "DAY", now=lambda: now[0])
    assert [quota.consume() for _ in range(3)] == [True, True, False]
    now[0] = datetime(2026, 11, 26, 0, 1, tzinfo=timezone.utc)
    assert quota.consume() is True


def test_quota_windows():
    wednesday = datetime(2026, 11, 25, 15, 30, tzinfo=timezone.utc)
    assert quota_window("DAY", 0, wednesday) == datetime(2026, 11, 25, tzinfo=timezone.utc)
    assert quota_window("WEEK", 0, wednesday) == datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert quota_window("MONTH", 0, wednesday) == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert quota_window("MONTH", 27, wednesday) == datetime(2026, 10, 28, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="DAY, WEEK or MONTH"):
        quota_window("YEAR", 0, wednesday)


def test_quota_usage_survives_export_and_restore():
    now = [datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)]
    quota = Quota(3, "DAY", now=lambda: now[0])
    quota.consume()
    quota.consume()
    restored = Quota.restore(quota.export(), now=lambda: now[0])
    assert [restored.consume() for _ in range(2)] == [True, False]
