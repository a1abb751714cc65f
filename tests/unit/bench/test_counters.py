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
