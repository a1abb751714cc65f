import pytest

from localcloud.events.patterns import PatternError, matches, parse_pattern

EVENT = {
    "source": "aws.glue",
    "detail-type": "Glue Job State Change",
    "account": "123456789012",
    "resources": ["arn:a", "arn:b"],
    "detail": {
        "jobName": "dl-raw-to-processed",
        "state": "FAILED",
        "attempt": 2,
        "severity": "ERROR",
        "ip": "10.0.3.7",
        "tags": ["x", "y"],
        "nested": {"level": 3},
    },
}


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"source": ["aws.glue"]}, True),
        ({"source": ["aws.s3", "aws.glue"]}, True),
        ({"source": ["aws.s3"]}, False),
        ({"detail": {"state": ["FAILED", "TIMEOUT"]}}, True),
        ({"detail": {"nested": {"level": [3]}}}, True),
        ({"detail": {"nested": {"level": [4]}}}, False),
        ({"detail": {"attempt": [2.0]}}, True),
        ({"resources": ["arn:b"]}, True),
        ({"detail": {"tags": ["y"]}}, True),
        ({"detail": {"jobName": [{"prefix": "dl-"}]}}, True),
        ({"detail": {"jobName": [{"prefix": "xx-"}]}}, False),
        ({"detail": {"jobName": [{"suffix": "-processed"}]}}, True),
        ({"detail": {"jobName": [{"prefix": {"equals-ignore-case": "DL-RAW"}}]}}, True),
        ({"detail": {"state": [{"anything-but": "SUCCEEDED"}]}}, True),
        ({"detail": {"state": [{"anything-but": ["FAILED", "STOPPED"]}]}}, False),
        ({"detail": {"state": [{"anything-but": {"prefix": "FAIL"}}]}}, False),
        ({"detail": {"attempt": [{"numeric": [">", 1, "<=", 2]}]}}, True),
        ({"detail": {"attempt": [{"numeric": [">=", 3]}]}}, False),
        ({"detail": {"severity": [{"exists": True}]}}, True),
        ({"detail": {"missing": [{"exists": False}]}}, True),
        ({"detail": {"missing": [{"exists": True}]}}, False),
        ({"detail": {"severity": [{"exists": False}]}}, False),
        ({"detail": {"severity": [{"equals-ignore-case": "error"}]}}, True),
        ({"detail": {"jobName": [{"wildcard": "dl-*-processed"}]}}, True),
        ({"detail": {"ip": [{"cidr": "10.0.0.0/16"}]}}, True),
        ({"detail": {"ip": [{"cidr": "192.168.0.0/16"}]}}, False),
        ({"$or": [{"source": ["nope"]}, {"detail": {"state": ["FAILED"]}}]}, True),
        ({"$or": [{"source": ["nope"]}, {"detail": {"state": ["OK"]}}]}, False),
        ({"source": ["aws.glue"], "detail": {"state": ["SUCCEEDED"]}}, False),
        ({"detail": {"absent": {"deeper": [{"exists": False}]}}}, True),
        ({"detail": {"absent": {"deeper": ["x"]}}}, False),
    ],
)
def test_matching(pattern, expected):
    assert matches(parse_pattern(pattern), EVENT) is expected


def test_missing_field_never_matches_anything_but_or_values():
    assert not matches({"detail": {"nope": [{"anything-but": "x"}]}}, EVENT)
    assert not matches({"detail": {"nope": [None]}}, EVENT)
    assert matches({"detail": {"z": [None]}}, {"detail": {"z": None}})


def test_invalid_patterns_are_rejected():
    for bad in ('["a"]', '{"source": "aws.glue"}', '{"$or": {"a": ["b"]}}'):
        with pytest.raises(PatternError):
            parse_pattern(bad)
    with pytest.raises(PatternError):
        matches({"detail": {"attempt": [{"numeric": ["~", 1]}]}}, EVENT)
