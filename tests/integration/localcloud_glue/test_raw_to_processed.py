"""The lake's real raw_to_processed script as a Glue job on the local cloud: script and
datalake wheel from S3, bookmarks, and no duplicates across runs."""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import urlparse

import pyarrow.dataset as ds
import pytest
from pyarrow import fs

from datalake.deploy.package import (
    build_wheel,
    glue_dependency_wheels,
    read_project,
    repo_root,
)
from datalake.synthetic import generate_events, raw_objects

pytestmark = [pytest.mark.spark, pytest.mark.slow]
_COUNTS = re.compile(r"raw_to_processed: (\{.*\})")


def _counts(messages: list[str]) -> dict:
    for message in messages:
        match = _COUNTS.search(message)
        if match:
            return json.loads(match.group(1).replace("'", '"'))
    raise AssertionError("no counts line in the run's log")


def _processed_table(endpoint: str, bucket: str, columns: list[str]):
    s3 = fs.S3FileSystem(endpoint_override=urlparse(endpoint).netloc, scheme="http",
                         access_key="test", secret_key="test", region="us-east-1")
    dataset = ds.dataset(f"{bucket}/processed_data", filesystem=s3, format="parquet",
                         partitioning="hive")
    return dataset.to_table(columns=columns)


def _processed_rows(endpoint: str, bucket: str) -> list[tuple[str, str]]:
    table = _processed_table(endpoint, bucket, ["source", "event_id"])
    return list(zip(table["source"].to_pylist(), table["event_id"].to_pylist(), strict=True))


def _assert_lineage(endpoint: str, bucket: str, keys: set[str]) -> None:
    """Every processed row's raw_key is the raw object it came from (from Glue's
    attachFilename column: input_file_name() is empty on a DynamicFrame read)."""
    table = _processed_table(endpoint, bucket, ["source", "received_at", "raw_key"])
    rows = table.to_pylist()
    assert rows and {r["raw_key"] for r in rows} <= keys
    for row in rows:
        stamp = row["received_at"].strftime("%Y%m%dT%H%M%S%fZ")
        assert row["raw_key"].startswith(row["source"] + "/") and f"/{stamp}-" in row["raw_key"]


def test_raw_to_processed_runs_incrementally_without_duplicates(
    clients, make_job, scripts_bucket, unique, tmp_path, endpoint, wait_for_run, log_messages,
):
    s3, glue = clients["s3"], clients["glue"]
    raw, processed = f"{unique}-raw", f"{unique}-processed"
    for bucket in (raw, processed):
        s3.create_bucket(Bucket=bucket)
    root = repo_root()
    version, requirements = read_project(root)
    wheel = build_wheel(root, version, requirements, tmp_path)
    wheel_uri = f"s3://{scripts_bucket}/{unique}/{wheel.name}"
    s3.upload_file(str(wheel), scripts_bucket, f"{unique}/{wheel.name}")
    # Its dependencies as the template ships them: wheels in S3, installed with --no-index.
    modules = [wheel_uri]
    for path in glue_dependency_wheels(root / ".cache"):
        s3.upload_file(str(path), scripts_bucket, f"{unique}/deps/{path.name}")
        modules.append(f"s3://{scripts_bucket}/{unique}/deps/{path.name}")
    job = make_job(unique, (root / "glue_jobs" / "raw_to_processed.py").read_text(), {
        "--raw_path": f"s3://{raw}/",
        "--processed_path": f"s3://{processed}/processed_data/",
        "--quarantine_path": f"s3://{processed}/quarantine/",
        "--job-bookmark-option": "job-bookmark-enable",
        "--extra-py-files": wheel_uri,
        "--additional-python-modules": ",".join(modules),
        "--python-modules-installer-option": "--no-index",
    }, Timeout=30)

    def run() -> dict:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        state = wait_for_run(glue, job, run_id, timeout=600)
        assert state["JobRunState"] == "SUCCEEDED", state.get("ErrorMessage")
        return _counts(log_messages(clients["logs"], "/aws-glue/jobs/error", run_id))

    events = generate_events(40, seed=11, days=2, duplicate_share=0.15)
    first, second = events[:28], events[28:]
    keys = set(raw_objects(events))
    for key, text in raw_objects(first).items():
        s3.put_object(Bucket=raw, Key=key, Body=text.encode())
    counts = run()
    assert counts["read"] == len(first) and counts["new"] > 0
    assert len(_processed_rows(endpoint, processed)) == counts["new"]
    _assert_lineage(endpoint, processed, keys)

    assert run()["read"] == 0  # the bookmark: nothing new to read

    for key, text in raw_objects(second).items():  # includes re-sends of earlier events
        s3.put_object(Bucket=raw, Key=key, Body=text.encode())
    later = run()
    assert later["read"] == len(second)
    rows = _processed_rows(endpoint, processed)
    assert len(rows) == counts["new"] + later["new"]
    assert max(Counter(rows).values()) == 1  # unique on (source, event_id)
    _assert_lineage(endpoint, processed, keys)
