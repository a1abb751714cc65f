from collections import Counter

from bench.counters import difference, s3_bucket_of, s3_price_tier, zone_of


def test_bucket_from_path_style_and_virtual_host():
    assert s3_bucket_of("/lake-raw-1-us-east-1/iot/x.json") == "lake-raw-1-us-east-1"
    assert s3_bucket_of("/", "lake-raw.s3.localhost:4566") == "lake-raw"
    assert s3_bucket_of("/", "127.0.0.1:4566") == ""


def test_price_tiers_follow_s3_pricing():
    assert s3_price_tier("PUT", "/b/k") == "put"
    assert s3_price_tier("POST", "/b/k", {"uploads": [""]}) == "put"
    assert s3_price_tier("GET", "/b/k") == "get"
    assert s3_price_tier("HEAD", "/b/k") == "get"
    assert s3_price_tier("GET", "/b", {"list-type": ["2"]}) == "put"  # LIST
    assert s3_price_tier("GET", "/b/", {}) == "put"
    assert s3_price_tier("GET", "/b", {"versioning": [""]}) == "get"
    assert s3_price_tier("DELETE", "/b/k") == "free"


def test_zone_of_bucket_names_of_the_contract():
    assert zone_of("lake-raw-123-us-east-1", "lake") == "raw"
    assert zone_of("lake-access-logs-123-us-east-1", "lake") == "access-logs"
    assert zone_of("other-raw-123", "lake") == "other"


def test_difference_drops_unchanged_keys():
    assert difference(Counter(a=3, b=1), Counter(a=1, b=1)) == {"a": 2}


def _call(protocol, body, content_type="application/x-www-form-urlencoded"):
    from localcloud.routing import ApiCall

    return ApiCall(method="POST", path="/", query={}, headers={"content-type": content_type},
                   body=body, service="cloudwatch", operation="PutMetricData",
                   protocol=protocol)


def test_aws_namespaces_are_told_apart_in_every_protocol():
    from bench.counters import is_aws_namespace

    assert is_aws_namespace(_call("query", b"Action=PutMetricData&Namespace=AWS%2FLambda"))
    assert not is_aws_namespace(_call("query", b"Action=PutMetricData&Namespace=DataLake"))
    assert is_aws_namespace(_call("json", b'{"Namespace": "AWS/Athena"}', "application/json"))
    assert not is_aws_namespace(_call("json", b'{"Namespace": "DataLake"}', "application/json"))
    assert is_aws_namespace(_call("cbor", b"\xa2iNamespacejAWS/Lambda", "application/cbor"))


def test_counter_keeps_aws_metrics_apart_from_billed_ones():
    from bench.counters import RequestCounter

    counter = RequestCounter("lake")
    counter(_call("query", b"Action=PutMetricData&Namespace=AWS%2FLambda"))
    counter(_call("query", b"Action=PutMetricData&Namespace=DataLake"))
    calls, _ = counter.snapshot()
    assert calls[("cloudwatch", "PutMetricData")] == 1
    assert calls[("cloudwatch", "PutMetricData:AWS")] == 1
