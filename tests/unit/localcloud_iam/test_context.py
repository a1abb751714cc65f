from datetime import datetime, timedelta, timezone

from localcloud.iam.context import RequestContext


def test_values_are_the_strings_aws_compares():
    context = RequestContext(
        {
            "aws:SecureTransport": True,
            "s3:max-keys": 1000,
            "aws:CurrentTime": datetime(2026, 12, 2, 13, 0, tzinfo=timezone(timedelta(hours=1))),
            "aws:EpochTime": datetime(2026, 12, 2, 12, 0),  # naive: UTC
            "aws:TagKeys": ["a", "b"],
            "aws:SourceArn": None,
        }
    )
    assert context.values("AWS:securetransport") == ("true",)
    assert context.single("s3:max-keys") == "1000"
    assert context.single("aws:CurrentTime") == "2026-12-02T12:00:00Z"
    assert context.single("aws:EpochTime") == "2026-12-02T12:00:00Z"
    assert context.values("aws:TagKeys") == ("a", "b") and context.is_multivalued("aws:TagKeys")
    assert context.single("aws:TagKeys") is None  # multivalued keys are no policy variables
    assert not context.has("aws:SourceArn")  # None means absent


def test_only_and_merged_keep_names_and_multivaluedness():
    context = RequestContext({"aws:SourceAccount": "1", "aws:TagKeys": ["a"], "x:y": "z"})
    only = context.only(["AWS:SOURCEACCOUNT", "aws:tagkeys"])
    assert sorted(only.keys()) == ["aws:SourceAccount", "aws:TagKeys"]
    assert only.is_multivalued("aws:TagKeys") and not only.has("x:y")
    merged = context.merged({"aws:SourceAccount": "2"})
    assert merged.single("aws:SourceAccount") == "2" and merged.single("x:y") == "z"
    assert merged.is_multivalued("aws:TagKeys")
