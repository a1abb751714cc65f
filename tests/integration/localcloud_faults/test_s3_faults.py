import time
import uuid

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError


@pytest.fixture
def faults(endpoint):
    def set_faults(settings):
        response = requests.post(f"{endpoint}/_datalake/faults", json=settings, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    yield set_faults
    set_faults({})


def _s3(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        config=Config(retries={"total_max_attempts": 1}))


def test_put_object_errors_at_the_configured_rate(endpoint, faults):
    s3 = _s3(endpoint)
    bucket = f"faulty-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    faults({"s3_put_error_rate": 0.5, "seed": 7})
    outcomes = []
    for i in range(40):
        try:
            s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x")
            outcomes.append("ok")
        except ClientError as error:
            assert error.response["Error"]["Code"] == "InternalError"
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 500
            outcomes.append("error")
    assert 8 <= outcomes.count("error") <= 32
    stored = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert stored == {f"k{i}" for i, o in enumerate(outcomes) if o == "ok"}  # failed = not written
    s3.get_object(Bucket=bucket, Key=next(iter(stored)))  # reads are never faulted


def test_slow_down_and_latency(endpoint, faults):
    s3 = _s3(endpoint)
    bucket = f"slow-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    faults({"s3_put_latency_ms": 300})
    started = time.monotonic()
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    assert time.monotonic() - started >= 0.3
    faults({"s3_put_error_rate": 1.0, "s3_put_error_status": 503})
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket=bucket, Key="b", Body=b"x")
    assert err.value.response["Error"]["Code"] == "SlowDown"


def test_off_by_default_and_bad_settings_refused(endpoint):
    assert requests.get(f"{endpoint}/_datalake/faults", timeout=10).json() == {}
    bad = requests.post(f"{endpoint}/_datalake/faults", json={"s3_put_error_rate": 2},
                        timeout=10)
    assert bad.status_code == 400
    assert "between 0 and 1" in bad.text
    unknown = requests.post(f"{endpoint}/_datalake/faults", json={"nope": 1}, timeout=10)
    assert unknown.status_code == 400 and "unknown fault setting" in unknown.text
