"""Recovery of raw objects from their versions, through `datalake recover raw` on the deployed
stack (the raw bucket is versioned by the template), plus the pure version choice."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from datalake.recovery import ObjectVersion, RecoveryError, choose_version

T0 = datetime(2026, 11, 25, tzinfo=timezone.utc)


def _v(vid, minutes, latest=False, marker=False):
    return ObjectVersion("k", vid, latest, marker, T0 + timedelta(minutes=minutes))


def test_choice_for_deleted_overwritten_and_explicit_versions():
    deleted = [_v("m", 2, latest=True, marker=True), _v("b", 1), _v("a", 0)]
    assert choose_version(deleted).version_id == "b"
    overwritten = [_v("b", 1, latest=True), _v("a", 0)]
    assert choose_version(overwritten).version_id == "a"
    assert choose_version(deleted, "a").version_id == "a"
    for versions, vid, words in [([], None, "no versions"), ([_v("a", 0, True)], None,
                                                                 "only its current"),
                                 (deleted, "m", "delete marker"), (deleted, "zz", "not found"),
                                 (overwritten, "b", "already the current")]:
        with pytest.raises(RecoveryError, match=words):
            choose_version(versions, vid)


def _body(stack, key):
    return stack.s3().get_object(Bucket=stack.outputs["RawBucket"], Key=key)["Body"].read()


def test_deleted_and_overwritten_raw_objects_are_restored_by_the_cli(stack, cli):
    s3, bucket = stack.s3(), stack.outputs["RawBucket"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    key = "iot/year=2026/month=11/day=25/20261125T100000000000Z-recovery-test.json"
    original = b'{"ingest_id":"i1","request_id":"r1","received_at":"2026-11-25T10:00:00Z",' \
               b'"body":"{}"}\n'
    s3.put_object(Bucket=bucket, Key=key, Body=original)

    # deleted -> listed as deleted -> restored
    s3.delete_object(Bucket=bucket, Key=key)
    listed = cli("recover", "raw", "--stack-name", stack.name, "--list", "--prefix", "iot/")
    assert key in listed.stdout
    dry = cli("recover", "raw", "--stack-name", stack.name, "--key", key, "--dry-run")
    assert "would restore" in dry.stdout and "(deleted)" in dry.stdout
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key=key)
    done = cli("recover", "raw", "--stack-name", stack.name, "--key", key)
    assert "(deleted)" in done.stdout
    assert _body(stack, key) == original

    # overwritten -> the previous version is back; history is kept
    s3.put_object(Bucket=bucket, Key=key, Body=b"garbage\n")
    versions = cli("recover", "raw", "--stack-name", stack.name, "--key", key, "--list")
    assert "(current)" in versions.stdout and "delete-marker" in versions.stdout
    done = cli("recover", "raw", "--stack-name", stack.name, "--key", key)
    assert "(overwritten)" in done.stdout
    assert _body(stack, key) == original
    kept = s3.list_object_versions(Bucket=bucket, Prefix=key)
    assert len(kept["Versions"]) == 4 and len(kept["DeleteMarkers"]) == 1

    # an explicit version, and clear errors
    first = sorted(kept["Versions"], key=lambda v: v["LastModified"])[0]["VersionId"]
    cli("recover", "raw", "--stack-name", stack.name, "--key", key, "--version-id", first)
    assert _body(stack, key) == original
    bad = cli("recover", "raw", "--stack-name", stack.name, "--key", key, "--version-id",
              "nope", check=False)
    assert bad.returncode == 1 and "version nope not found" in bad.stderr
    missing = cli("recover", "raw", "--stack-name", stack.name, "--key", "no/such/key",
                  check=False)
    assert missing.returncode == 1 and "no versions" in missing.stderr
