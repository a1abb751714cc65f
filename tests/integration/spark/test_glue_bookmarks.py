"""raw_to_processed through the local cloud's `awsglue` package (bookmarked DynamicFrame,
`job.commit()`), against the local cloud's S3: a second run reads nothing, a later run reads only
new objects, and a duplicate sent a day later does not become a second row."""

from __future__ import annotations

import sys
import uuid
from datetime import timezone
from pathlib import Path

import pytest

from datalake import aws
from datalake.synthetic import generate_events, raw_objects
from datalake.transforms import jobs

pytestmark = [pytest.mark.spark, pytest.mark.slow]

AWSGLUE_DIR = Path(__file__).resolve().parents[3] / "src" / "localcloud" / "glue"


@pytest.fixture
def local_awsglue(monkeypatch, tmp_path):
    """Our `awsglue` importable, with bookmark state/commit files as the Glue executor sets
    them; `promote()` does what the executor does after a successful run."""
    if not (AWSGLUE_DIR / "awsglue").is_dir():
        pytest.skip("the local cloud's awsglue package is not in this tree")
    monkeypatch.syspath_prepend(str(AWSGLUE_DIR))
    state, commit = tmp_path / "bookmark-state.json", tmp_path / "bookmark-commit.json"
    monkeypatch.setenv("LOCALCLOUD_GLUE_BOOKMARK_STATE", str(state))
    monkeypatch.setenv("LOCALCLOUD_GLUE_BOOKMARK_COMMIT", str(commit))

    def promote():
        assert commit.exists(), "job.commit() wrote no bookmark"
        commit.replace(state)

    yield promote
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        del sys.modules[name]


def test_bookmarked_runs_are_incremental_and_never_duplicate(
    spark, glue_scripts, endpoint, local_awsglue, monkeypatch
):
    s3 = aws.client("s3", "local")
    suffix = uuid.uuid4().hex[:8]
    raw, processed = f"bm-raw-{suffix}", f"bm-processed-{suffix}"
    for bucket in (raw, processed):
        s3.create_bucket(Bucket=bucket)
    events = generate_events(240, seed=51, duplicate_share=0.1, late_duplicate_share=1.0)
    last_day = max(e.received_at for e in events if e.kind == "valid").date()
    early = [e for e in events if e.received_at.date() < last_day]
    late = [e for e in events if e.received_at.date() >= last_day]
    argv = [
        "raw_to_processed.py", "--JOB_NAME", "bm-job", "--raw_path", f"s3://{raw}/",
        "--processed_path", f"s3://{processed}/processed_data/",
        "--quarantine_path", f"s3://{processed}/quarantine/",
        "--job-bookmark-option", "job-bookmark-enable", "--JOB_RUN_ID", "jr_1",
    ]
    monkeypatch.setattr(sys, "argv", argv)  # GlueContext reads the bookmark option there
    job = glue_scripts["raw_to_processed"]

    uploaded: dict[str, str] = {}

    def upload(batch):
        for key, text in raw_objects(batch).items():
            s3.put_object(Bucket=raw, Key=key, Body=text.encode())
            uploaded[key] = text

    upload(early)
    first = job.main(argv)
    local_awsglue()
    assert first["read"] == len(early)
    assert first["new"] == sum(1 for e in early if e.kind == "valid")

    second = job.main(argv)
    local_awsglue()
    assert second["read"] == 0 and second["new"] == 0

    upload(late)
    third = job.main(argv)
    local_awsglue()
    assert third["read"] == len(late)
    assert third["already_processed"] == third["already_quarantined"] == 0
    late_resends = [e for e in late if e.kind == "late_duplicate"]
    assert late_resends and third["duplicate"] >= len(late_resends)

    rows = jobs.read_processed(spark, f"s3://{processed}/processed_data/")
    valid = sum(1 for e in events if e.kind == "valid")
    assert rows.count() == valid
    assert rows.select("source", "event_id").distinct().count() == valid
    # Lineage from Glue's attachFilename column: each row names the raw object it came from
    # (its source, arrival time and request are in the key).
    lineage = rows.select("source", "received_at", "raw_key").collect()
    assert {r["raw_key"] for r in lineage} <= set(uploaded)
    for row in lineage:
        stamp = row["received_at"].astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        assert row["raw_key"].startswith(f"{row['source']}/"), row
        assert f"/{stamp}-" in row["raw_key"], row

def test_dynamic_frame_reads_name_files_only_through_attach_filename(
    spark, endpoint, local_awsglue,
):
    """As on AWS Glue: `input_file_name()` is empty on a DynamicFrame read from S3, and the
    connection option `attachFilename` adds the object's full s3:// path under the given name."""
    from awsglue.context import GlueContext
    from pyspark.sql import functions as F

    from datalake.spark import apply_runtime_conf

    apply_runtime_conf(spark, endpoint)
    s3 = aws.client("s3", "local")
    bucket = f"attach-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    for key in ("in/x=1/a.json", "in/deep/b c.json"):
        s3.put_object(Bucket=bucket, Key=key, Body=b'{"n": 1}\n')
    context = GlueContext(spark.sparkContext)
    frame = context.create_dynamic_frame.from_options(
        connection_type="s3", format="json",
        connection_options={"paths": [f"s3://{bucket}/in/"], "recurse": True,
                            "attachFilename": "source_file"},
    ).toDF()
    rows = frame.select("n", "source_file", F.input_file_name().alias("spark_name")).collect()
    assert sorted((r["n"], r["source_file"], r["spark_name"]) for r in rows) == [
        (1, f"s3://{bucket}/in/deep/b c.json", ""),
        (1, f"s3://{bucket}/in/x=1/a.json", ""),
    ]
    plain = context.create_dynamic_frame.from_options(
        connection_type="s3", format="json",
        connection_options={"paths": [f"s3://{bucket}/in/"], "recurse": True},
    ).toDF()
    assert plain.columns == ["n"]
    assert {r[0] for r in plain.select(F.input_file_name()).collect()} == {""}
