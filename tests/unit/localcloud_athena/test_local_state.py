"""Reads of moto's S3 and Glue state in-process (local_state), the ETag-keyed file cache of a
scan (storage.Scan), the per-query DuckDB cursors and the runner's wait for a final state.
moto runs in-process through mock_aws: no server, no sockets."""

from __future__ import annotations

import threading

import boto3
import duckdb
import pytest
from moto import mock_aws

from localcloud.athena import catalog
from localcloud.athena.engine import new_connection
from localcloud.athena.errors import BytesScannedCutoff, QueryFailed
from localcloud.athena.executions import SUCCEEDED, ExecutionStore, QueryExecution
from localcloud.athena.local_state import MotoCatalog, MotoObjects
from localcloud.athena.runner import Runner
from localcloud.athena.storage import Scan

ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="lake")
        yield client


@pytest.fixture
def objects(s3) -> MotoObjects:
    return MotoObjects(ACCOUNT, REGION)


def test_lists_data_files_under_each_location_in_key_order(s3, objects):
    for key, body in [("t/p=2/b.parquet", b"bb"), ("t/p=1/a.parquet", b"a"),
                      ("t/p=1/_SUCCESS", b"x"), ("t/p=1/.hidden", b"x"), ("t/p=1/empty", b""),
                      ("t/p=10/c.parquet", b"ccc"), ("other/d.parquet", b"d")]:
        s3.put_object(Bucket="lake", Key=key, Body=body)
    found = objects.list_locations(["s3://lake/t/p=1", "s3://lake/t/p=10/", "s3://lake/none/"])
    assert [o.key for o in found["s3://lake/t/p=1"]] == ["t/p=1/a.parquet"]
    assert [(o.key, o.size) for o in found["s3://lake/t/p=10/"]] == [("t/p=10/c.parquet", 3)]
    assert found["s3://lake/none/"] == []
    assert [o.key for o in objects.list_files("s3://lake/t/")] == [
        "t/p=1/a.parquet", "t/p=10/c.parquet", "t/p=2/b.parquet"]
    etag = s3.head_object(Bucket="lake", Key="t/p=1/a.parquet")["ETag"].strip('"')
    assert found["s3://lake/t/p=1"][0].etag == etag


def test_versioned_bucket_lists_latest_versions_and_skips_delete_markers(s3, objects):
    s3.put_bucket_versioning(Bucket="lake", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="lake", Key="t/a", Body=b"old")
    s3.put_object(Bucket="lake", Key="t/a", Body=b"newer")
    s3.put_object(Bucket="lake", Key="t/b", Body=b"gone")
    s3.delete_object(Bucket="lake", Key="t/b")
    listed = objects.list_files("s3://lake/t/")
    assert [(o.key, o.size) for o in listed] == [("t/a", 5)]
    assert objects.read(listed[0])[1] == b"newer"


def test_missing_bucket_is_an_athena_error(objects):
    with pytest.raises(QueryFailed) as failure:
        objects.list_files("s3://nope/t/")
    assert failure.value.error_type == "HIVE_CANNOT_OPEN_SPLIT"
    assert "nope" in failure.value.message


def test_read_after_overwrite_returns_the_current_object(s3, objects):
    s3.put_object(Bucket="lake", Key="t/a", Body=b"one")
    listed = objects.list_files("s3://lake/t/")[0]
    s3.put_object(Bucket="lake", Key="t/a", Body=b"three")  # disposes the listed version
    read, data = objects.read(listed)
    assert data == b"three"
    assert (read.size, read.etag) != (listed.size, listed.etag)


def test_read_after_delete_fails_the_query(s3, objects):
    s3.put_object(Bucket="lake", Key="t/a", Body=b"one")
    listed = objects.list_files("s3://lake/t/")[0]
    s3.delete_object(Bucket="lake", Key="t/a")
    with pytest.raises(QueryFailed, match="no longer exists"):
        objects.read(listed)


def test_scan_cache_is_keyed_by_etag_and_counts_every_file(s3, objects, tmp_path):
    s3.put_object(Bucket="lake", Key="t/a", Body=b"one")
    first = Scan(objects, tmp_path)
    path = first.fetch(objects.list_files("s3://lake/t/")[0])
    again = Scan(objects, tmp_path)
    assert again.fetch(objects.list_files("s3://lake/t/")[0]) == path  # a cache hit
    assert (first.bytes_scanned, again.bytes_scanned) == (3, 3)  # read or cached: scanned
    s3.put_object(Bucket="lake", Key="t/a", Body=b"changed")
    third = Scan(objects, tmp_path)
    new_path = third.fetch(objects.list_files("s3://lake/t/")[0])
    assert new_path != path
    assert open(new_path, "rb").read() == b"changed"
    assert open(path, "rb").read() == b"one"  # the old version's file is never rewritten
    assert third.bytes_scanned == 7


def test_scan_of_an_object_changed_since_listing_caches_what_it_read(s3, objects, tmp_path):
    s3.put_object(Bucket="lake", Key="t/a", Body=b"one")
    listed = objects.list_files("s3://lake/t/")[0]
    s3.put_object(Bucket="lake", Key="t/a", Body=b"longer")
    scan = Scan(objects, tmp_path)
    path = scan.fetch(listed)
    assert open(path, "rb").read() == b"longer"
    assert scan.bytes_scanned == 6
    current = objects.list_files("s3://lake/t/")[0]
    assert Scan(objects, tmp_path).fetch(current) == path  # cached under the bytes' own ETag


def test_scan_cutoff_stops_before_reading(s3, objects, tmp_path):
    s3.put_object(Bucket="lake", Key="t/a", Body=b"12345")
    scan = Scan(objects, tmp_path, cutoff=4)
    with pytest.raises(BytesScannedCutoff):
        scan.fetch(objects.list_files("s3://lake/t/")[0])
    assert not list(tmp_path.iterdir())


def test_catalog_reads_moto_glue_as_it_is_now():
    with mock_aws():
        glue = boto3.client("glue", region_name=REGION)
        reader = MotoCatalog(ACCOUNT, REGION)
        assert reader.database("db") is None
        glue.create_database(DatabaseInput={"Name": "db"})
        sd = {"Location": "s3://lake/t/", "Columns": [{"Name": "a", "Type": "int"}],
              "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}
        glue.create_table(DatabaseName="db", TableInput={
            "Name": "t", "StorageDescriptor": sd,
            "PartitionKeys": [{"Name": "p", "Type": "string"}]})
        glue.create_partition(DatabaseName="db", TableName="t", PartitionInput={
            "Values": ["1"], "StorageDescriptor": {**sd, "Location": "s3://lake/t/p=1/"}})
        table = catalog.get_table(reader, "db", "t")
        assert [c.name for c in table.columns] == ["a"]
        assert [(p.values, p.location) for p in catalog.get_partitions(reader, table)] == [
            (["1"], "s3://lake/t/p=1/")]
        table.raw["StorageDescriptor"]["Columns"].clear()  # a copy: the catalog is untouched
        assert catalog.get_table(reader, "db", "t").columns[0].name == "a"
        glue.delete_partition(DatabaseName="db", TableName="t", PartitionValues=["1"])
        assert catalog.get_partitions(reader, table) == []
        glue.delete_table(DatabaseName="db", Name="t")
        with pytest.raises(QueryFailed, match="does not exist"):
            catalog.get_table(reader, "db", "t")
        with pytest.raises(QueryFailed, match="Schema 'other' does not exist"):
            catalog.get_table(reader, "other", "t")


def test_query_connections_share_macros_but_not_temporary_objects():
    one, two = new_connection(), new_connection()
    try:
        one.execute("CREATE TEMP VIEW v AS SELECT 1 AS x")
        with pytest.raises(duckdb.CatalogException):
            two.execute("SELECT * FROM v")
        # integer division in the session and in macro bodies (Trino's meaning)
        assert two.execute("SELECT 7 / 2, __t_div(7, 2)").fetchall() == [(3, 3)]
        one.execute("SET TimeZone = 'America/New_York'")
        assert two.execute("SELECT current_setting('TimeZone')").fetchall() == [("UTC",)]
    finally:
        one.close()
        two.close()


class _BlockingRunner(Runner):
    """A runner whose query waits for `release` and then succeeds (no engine, no S3)."""

    release = threading.Event()

    def _run(self, execution: QueryExecution) -> None:
        self.release.wait(10)
        execution.state = SUCCEEDED


def test_wait_returns_at_the_final_state_or_the_timeout(tmp_path):
    store = ExecutionStore()
    runner = _BlockingRunner(store, lambda service: None, tmp_path, lambda name: None,
                             objects=None, catalog=None)
    execution = QueryExecution(id=store.new_id(), query="SELECT 1", workgroup="primary",
                               database=None, catalog="AwsDataCatalog", output_location=None)
    store.add(execution)
    try:
        runner.submit(execution)
        runner.wait(execution, 0.05)
        assert execution.state != SUCCEEDED  # the timeout came first
        runner.release.set()
        runner.wait(execution, 10)
        assert execution.state == SUCCEEDED
    finally:
        runner.release.set()
        runner.shutdown()
