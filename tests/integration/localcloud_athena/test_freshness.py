"""Every query sees the local S3 and the Glue catalog as they are now: the local Athena reads
moto's state in-process and keeps downloaded files keyed by bucket/key/ETag, so an overwritten
object is read anew, a deleted one is gone, and partitions appear only once registered."""

from __future__ import annotations

import io
import json

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest


@pytest.fixture
def s3(lake):
    return boto3.client("s3", endpoint_url=lake["endpoint"], region_name="us-east-1")


@pytest.fixture
def glue(lake):
    return boto3.client("glue", endpoint_url=lake["endpoint"], region_name="us-east-1")


def _parquet(values: list[int]) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table({"n": pa.array(values, pa.int64())}), buf)
    return buf.getvalue()


def _ok(execution):
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return execution


def _scan(athena, sql: str) -> tuple[list[list[str | None]], int]:
    rows, _, execution = athena.rows(sql)
    return rows, execution["Statistics"]["DataScannedInBytes"]


@pytest.fixture
def numbers(athena, lake, s3, unique):
    """Table `nums_<unique>` (Parquet, partitioned by p) with p=a holding 1, 2, 3."""
    bucket, root = lake["bucket"], f"nums-{unique}"
    s3.put_object(Bucket=bucket, Key=f"{root}/p=a/one.parquet", Body=_parquet([1, 2, 3]))
    _ok(athena.run(f"CREATE EXTERNAL TABLE nums_{unique} (n bigint) PARTITIONED BY (p string) "
                   f"STORED AS PARQUET LOCATION 's3://{bucket}/{root}/'"))
    _ok(athena.run(f"MSCK REPAIR TABLE nums_{unique}"))
    return {"table": f"nums_{unique}", "bucket": bucket, "root": root}


def test_overwritten_object_is_read_again(athena, s3, numbers):
    sql = f"SELECT sum(n), count(*) FROM {numbers['table']}"
    # read, read and kept (relations.py), answered from what was kept: same answer, same bytes
    first, second, third = (_scan(athena, sql) for _ in range(3))
    assert first == second == third == ([["6", "3"]], first[1])
    body = _parquet([10, 20, 30, 40])
    s3.put_object(Bucket=numbers["bucket"], Key=f"{numbers['root']}/p=a/one.parquet", Body=body)
    for _ in range(3):
        assert _scan(athena, sql) == ([["100", "4"]], len(body))


def test_deleted_object_is_gone(athena, s3, numbers):
    bucket, root = numbers["bucket"], numbers["root"]
    second = _parquet([100])
    s3.put_object(Bucket=bucket, Key=f"{root}/p=a/two.parquet", Body=second)
    sql = f"SELECT sum(n) FROM {numbers['table']}"
    for _ in range(3):  # a new file in a known partition: listed live
        assert _scan(athena, sql)[0] == [["106"]]
    s3.delete_object(Bucket=bucket, Key=f"{root}/p=a/one.parquet")
    for _ in range(3):
        assert _scan(athena, sql) == ([["100"]], len(second))


def test_new_partition_is_seen_after_msck_repair(athena, s3, numbers):
    bucket, root, table = numbers["bucket"], numbers["root"], numbers["table"]
    s3.put_object(Bucket=bucket, Key=f"{root}/p=b/x.parquet", Body=_parquet([7]))
    sql = f"SELECT p, sum(n) FROM {table} GROUP BY p ORDER BY p"
    assert _scan(athena, sql)[0] == [["a", "6"]]  # not in the catalog yet: Athena skips it
    _ok(athena.run(f"MSCK REPAIR TABLE {table}"))
    assert _scan(athena, sql)[0] == [["a", "6"], ["b", "7"]]
    _ok(athena.run(f"ALTER TABLE {table} DROP PARTITION (p = 'a')"))
    assert _scan(athena, sql)[0] == [["b", "7"]]



def test_partition_added_through_glue_is_seen(athena, lake, s3, glue, numbers):
    """As a crawler adds them: BatchCreatePartition straight into the catalog."""
    bucket, root, table = numbers["bucket"], numbers["root"], numbers["table"]
    s3.put_object(Bucket=bucket, Key=f"{root}/elsewhere/y.parquet", Body=_parquet([5]))
    sql = f"SELECT p, sum(n) FROM {table} GROUP BY p ORDER BY p"
    for _ in range(2):
        assert _scan(athena, sql)[0] == [["a", "6"]]
    sd = glue.get_table(DatabaseName=lake["database"], Name=table)["Table"]["StorageDescriptor"]
    glue.batch_create_partition(DatabaseName=lake["database"], TableName=table,
                                PartitionInputList=[{"Values": ["c"], "StorageDescriptor": {
                                    **sd, "Location": f"s3://{bucket}/{root}/elsewhere/"}}])
    assert _scan(athena, sql)[0] == [["a", "6"], ["c", "5"]]


def test_versioned_bucket_reads_the_latest_version(athena, lake, s3, unique):
    bucket = f"athena-versions-{unique}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="t/a.json", Body=b'{"v": "first"}\n')
    _ok(athena.run(f"CREATE EXTERNAL TABLE ver_{unique} (v string) ROW FORMAT SERDE "
                   f"'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/t/'"))
    sql = f"SELECT v FROM ver_{unique}"
    assert _scan(athena, sql)[0] == [["first"]]
    s3.put_object(Bucket=bucket, Key="t/a.json", Body=b'{"v": "second"}\n')
    assert _scan(athena, sql)[0] == [["second"]]
    s3.delete_object(Bucket=bucket, Key="t/a.json")  # a delete marker: no file any more
    assert _scan(athena, sql) == ([], 0)


def test_catalog_changes_apply_to_the_next_query(athena, lake, s3, glue, unique):
    bucket = lake["bucket"]
    s3.put_object(Bucket=bucket, Key=f"cat-{unique}/a.json",
                  Body=(json.dumps({"a": 1, "b": "x"}) + "\n").encode())
    _ok(athena.run(f"CREATE EXTERNAL TABLE cat_{unique} (a int) ROW FORMAT SERDE "
                   f"'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/cat-{unique}/'"))
    assert _scan(athena, f"SELECT * FROM cat_{unique}")[0] == [["1"]]
    table = glue.get_table(DatabaseName=lake["database"], Name=f"cat_{unique}")["Table"]
    sd = table["StorageDescriptor"]
    sd["Columns"].append({"Name": "b", "Type": "string"})
    glue.update_table(DatabaseName=lake["database"], TableInput={
        "Name": table["Name"], "TableType": table["TableType"], "StorageDescriptor": sd,
        "Parameters": table.get("Parameters", {}),
    })
    assert _scan(athena, f"SELECT * FROM cat_{unique}")[0] == [["1", "x"]]
    glue.delete_table(DatabaseName=lake["database"], Name=f"cat_{unique}")
    failed = athena.run(f"SELECT * FROM cat_{unique}")
    assert failed["Status"]["State"] == "FAILED"
    assert "TABLE_NOT_FOUND" in failed["Status"]["StateChangeReason"]


def test_missing_bucket_fails_the_query(athena, lake, unique):
    _ok(athena.run(f"CREATE EXTERNAL TABLE nob_{unique} (a int) ROW FORMAT SERDE "
                   f"'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://no-such-{unique}/t/'"))
    failed = athena.run(f"SELECT * FROM nob_{unique}")
    assert failed["Status"]["State"] == "FAILED"
    assert "HIVE_CANNOT_OPEN_SPLIT" in failed["Status"]["StateChangeReason"]
    assert f"no-such-{unique}" in failed["Status"]["StateChangeReason"]

