"""Athena API behaviour over the local endpoint: pyathena cursors, parameters, statistics with
partition pruning, workgroups (enforced location, bytes-scanned cutoff), DDL and writes."""

from __future__ import annotations

import os

import boto3
import pyathena
import pytest
from pyathena.cursor import DictCursor
from pyathena.pandas.cursor import PandasCursor

DATABASE = "conf_db"


@pytest.fixture
def connection(lake, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ.get("AWS_ACCESS_KEY_ID", "test"))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
    return pyathena.connect(
        s3_staging_dir=lake["output"], region_name="us-east-1", schema_name=DATABASE
    )


def test_cursor_fetches_typed_rows(connection):
    cursor = connection.cursor()
    cursor.execute("SELECT id, user_id, amount, ts FROM events WHERE dt = '2026-01-01' "
                   "ORDER BY id")
    rows = cursor.fetchall()
    assert [r[:3] for r in rows] == [(1, "u1", 10.5), (2, "u2", 20.0), (3, "u1", 5.25)]
    assert str(rows[1][3]) == "2026-01-01 12:30:15.250000"
    assert [d[0] for d in cursor.description] == ["id", "user_id", "amount", "ts"]
    assert [d[1] for d in cursor.description] == ["bigint", "varchar", "double", "timestamp"]


def test_result_names_are_lower_case_as_trino_reports_them(connection):
    cursor = connection.cursor()
    cursor.execute('SELECT 1 AS MyCol, 2 AS "Other", count(*) FROM users')
    assert [d[0] for d in cursor.description] == ["mycol", "other", "_col2"]


def test_dict_cursor(connection):
    cursor = connection.cursor(DictCursor)
    cursor.execute("SELECT user_id, count(*) AS n FROM events GROUP BY user_id ORDER BY user_id")
    assert cursor.fetchall() == [
        {"user_id": "u1", "n": 2}, {"user_id": "u2", "n": 2}, {"user_id": "u3", "n": 1}
    ]


def test_pandas_cursor_reads_the_result_csv(connection):
    frame = connection.cursor(PandasCursor).execute(
        "SELECT id, user_id, amount, tags FROM events ORDER BY id"
    ).as_pandas()
    assert list(frame["id"]) == [1, 2, 3, 4, 5]
    assert list(frame["user_id"]) == ["u1", "u2", "u1", "u3", "u2"]
    assert frame["amount"].isna().tolist() == [False, False, False, False, True]
    assert frame["amount"].iloc[0] == 10.5


def test_pyformat_parameters_are_bound(connection):
    cursor = connection.cursor()
    cursor.execute("SELECT name FROM users WHERE country = %(country)s ORDER BY name",
                   {"country": "DE"})
    assert cursor.fetchall() == [("Ann",), ("Cid",)]
    cursor.execute("SELECT count(*) FROM users WHERE name = %(name)s", {"name": "O'Neil"})
    assert cursor.fetchall() == [(0,)]


def test_qmark_execution_parameters(lake, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    connection = pyathena.connect(s3_staging_dir=lake["output"], region_name="us-east-1",
                                  schema_name=DATABASE)
    cursor = connection.cursor()
    cursor.execute("SELECT name FROM users WHERE country = ? AND score > ? ORDER BY name",
                   ["'DE'", "2"], paramstyle="qmark")
    assert cursor.fetchall() == [("Ann",)]


def test_execution_parameters_must_match_placeholders(athena):
    execution = athena.run("SELECT ?", ExecutionParameters=["1", "2"])
    assert execution["Status"]["State"] == "FAILED"
    assert "Incorrect number of parameters: expected 1 but found 2" in \
        execution["Status"]["StateChangeReason"]


def test_partition_filter_scans_fewer_bytes(athena):
    _, _, everything = athena.rows("SELECT count(*) FROM events")
    _, _, one_day = athena.rows("SELECT count(*) FROM events WHERE dt = '2026-01-02'")
    all_bytes = everything["Statistics"]["DataScannedInBytes"]
    day_bytes = one_day["Statistics"]["DataScannedInBytes"]
    assert 0 < day_bytes < all_bytes
    assert everything["Statistics"]["TotalExecutionTimeInMillis"] >= \
        everything["Statistics"]["EngineExecutionTimeInMillis"] >= 0


def test_result_files_are_written_as_athena_does(athena, lake):
    _, _, execution = athena.rows("SELECT user_id, amount FROM events WHERE id IN (1, 5) "
                                  "ORDER BY id")
    location = execution["ResultConfiguration"]["OutputLocation"]
    assert location == f"{lake['output']}{execution['QueryExecutionId']}.csv"
    s3 = boto3.client("s3", endpoint_url=lake["endpoint"], region_name="us-east-1")
    key = location.split("/", 3)[3]
    body = s3.get_object(Bucket=lake["bucket"], Key=key)["Body"].read()
    assert body == b'"user_id","amount"\n"u1","10.5"\n"u2",\n'
    assert s3.head_object(Bucket=lake["bucket"], Key=key + ".metadata")["ContentLength"] > 0


def test_results_page_with_next_token(athena):
    query_id = athena.run("SELECT id FROM events ORDER BY id")["QueryExecutionId"]
    first = athena.athena.get_query_results(QueryExecutionId=query_id, MaxResults=4)
    assert [r["Data"][0]["VarCharValue"] for r in first["ResultSet"]["Rows"]] == \
        ["id", "1", "2", "3"]
    second = athena.athena.get_query_results(QueryExecutionId=query_id, MaxResults=4,
                                             NextToken=first["NextToken"])
    assert [r["Data"][0]["VarCharValue"] for r in second["ResultSet"]["Rows"]] == ["4", "5"]
    assert "NextToken" not in second


def test_workgroup_enforces_its_location_and_cutoff(athena, lake, unique):
    client = athena.athena
    name = f"wg-{unique}"
    enforced = f"s3://{lake['bucket']}/wg-{unique}/"
    client.create_work_group(Name=name, Configuration={
        "ResultConfiguration": {"OutputLocation": enforced},
        "EnforceWorkGroupConfiguration": True,
        "BytesScannedCutoffPerQuery": 10_000_000,
        "PublishCloudWatchMetricsEnabled": True,
    })
    assert client.get_work_group(WorkGroup=name)["WorkGroup"]["Configuration"][
        "ResultConfiguration"]["OutputLocation"] == enforced
    assert name in [w["Name"] for w in client.list_work_groups()["WorkGroups"]]
    execution = athena.run("SELECT count(*) FROM events", WorkGroup=name)
    assert execution["Status"]["State"] == "SUCCEEDED"
    assert execution["ResultConfiguration"]["OutputLocation"].startswith(enforced)
    assert execution["QueryExecutionId"] in client.list_query_executions(
        WorkGroup=name)["QueryExecutionIds"]
    cloudwatch = boto3.client("cloudwatch", endpoint_url=lake["endpoint"], region_name="us-east-1")
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/Athena", MetricName="ProcessedBytes",
        Dimensions=[{"Name": "WorkGroup", "Value": name}],
        StartTime=execution["Status"]["SubmissionDateTime"].timestamp() - 600,
        EndTime=execution["Status"]["CompletionDateTime"].timestamp() + 600,
        Period=60, Statistics=["Sum"])["Datapoints"]
    assert sum(p["Sum"] for p in points) == execution["Statistics"]["DataScannedInBytes"]

    s3 = boto3.client("s3", endpoint_url=lake["endpoint"], region_name="us-east-1")
    s3.put_object(Bucket=lake["bucket"], Key=f"big-{unique}/blob.json",
                  Body=(b'{"s": "' + os.urandom(5_600_000).hex().encode() + b'"}\n'))
    athena.run(f"CREATE EXTERNAL TABLE big_{unique} (s string) ROW FORMAT SERDE "
               f"'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{lake['bucket']}/big-{unique}/'")
    over = athena.run(f"SELECT length(s) FROM big_{unique}", WorkGroup=name)
    assert over["Status"]["State"] == "FAILED"
    assert over["Status"]["StateChangeReason"] == \
        "Query cancelled! : Bytes scanned limit was exceeded"
    fine = athena.run(f"SELECT length(s) FROM big_{unique}")
    assert fine["Status"]["State"] == "SUCCEEDED"
    client.delete_work_group(WorkGroup=name)
    assert name not in [w["Name"] for w in client.list_work_groups()["WorkGroups"]]


def test_batch_get_and_list(athena):
    ok = athena.run("SELECT 1")["QueryExecutionId"]
    answer = athena.athena.batch_get_query_execution(QueryExecutionIds=[ok, "nope"])
    assert [e["QueryExecutionId"] for e in answer["QueryExecutions"]] == [ok]
    assert answer["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"] == "nope"
    assert ok in athena.athena.list_query_executions()["QueryExecutionIds"]


def test_result_reuse_answers_from_the_previous_run(athena):
    sql = "SELECT count(*) AS n FROM events WHERE dt = '2026-01-01' -- reuse"
    reuse = {"ResultReuseByAgeConfiguration": {"Enabled": True, "MaxAgeInMinutes": 60}}
    first = athena.run(sql, ResultReuseConfiguration=reuse)
    second = athena.run(sql, ResultReuseConfiguration=reuse)
    assert not first["Statistics"]["ResultReuseInformation"]["ReusedPreviousResult"]
    assert second["Statistics"]["ResultReuseInformation"]["ReusedPreviousResult"]
    page = athena.athena.get_query_results(QueryExecutionId=second["QueryExecutionId"])
    assert page["ResultSet"]["Rows"][1]["Data"][0]["VarCharValue"] == "3"


def test_ddl_lifecycle(athena, lake, unique):
    table = f"sales_{unique}"
    location = f"s3://{lake['bucket']}/ctas-{unique}/"
    created = athena.run(
        f"CREATE TABLE {table} WITH (format = 'PARQUET', external_location = '{location}', "
        "partitioned_by = ARRAY['dt']) AS SELECT id, amount, dt FROM events")
    assert created["Status"]["State"] == "SUCCEEDED", created["Status"]
    rows, _, _ = athena.rows(f"SHOW PARTITIONS {table}")
    assert rows == [["dt=2026-01-01"], ["dt=2026-01-02"]]
    assert athena.run(f"INSERT INTO {table} SELECT 9, 1.0, '2026-01-03'")["Status"][
        "State"] == "SUCCEEDED"
    rows, _, _ = athena.rows(f"SELECT dt, count(*) FROM {table} GROUP BY dt ORDER BY dt")
    assert rows == [["2026-01-01", "3"], ["2026-01-02", "2"], ["2026-01-03", "1"]]
    assert athena.run(f"ALTER TABLE {table} DROP PARTITION (dt = '2026-01-03')")["Status"][
        "State"] == "SUCCEEDED"
    rows, _, _ = athena.rows(f"SELECT count(*) FROM {table}")
    assert rows == [["5"]]
    repaired, _, _ = athena.rows(f"MSCK REPAIR TABLE {table}")
    assert repaired == [[f"Repair: Added partition to metastore {table}:dt=2026-01-03"]]
    rows, _, _ = athena.rows(f"SELECT count(*) FROM {table}")
    assert rows == [["6"]]
    rows, _, _ = athena.rows(f"SHOW COLUMNS IN {table}")
    assert rows == [["id"], ["amount"], ["dt"]]
    rows, _, _ = athena.rows(f"SHOW TABLES IN {DATABASE} '{table}'")
    assert rows == [[table]]
    create_text, _, _ = athena.rows(f"SHOW CREATE TABLE {table}")
    assert create_text[0] == [f"CREATE EXTERNAL TABLE `{DATABASE}`.`{table}`("]
    assert athena.run(f"DROP TABLE {table}")["Status"]["State"] == "SUCCEEDED"
    gone = athena.run(f"SELECT * FROM {table}")
    assert gone["Status"]["StateChangeReason"].startswith("TABLE_NOT_FOUND")


def test_create_external_table_and_add_partition(athena, lake, unique):
    table = f"ext_{unique}"
    s3 = boto3.client("s3", endpoint_url=lake["endpoint"], region_name="us-east-1")
    s3.put_object(Bucket=lake["bucket"], Key=f"ext-{unique}/day=01/a.json",
                  Body=b'{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n')
    assert athena.run(
        f"CREATE EXTERNAL TABLE {table} (a int, b string) PARTITIONED BY (day string) "
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        f"LOCATION 's3://{lake['bucket']}/ext-{unique}/'")["Status"]["State"] == "SUCCEEDED"
    rows, _, _ = athena.rows(f"SELECT count(*) FROM {table}")
    assert rows == [["0"]]  # Athena reads catalog partitions, and there are none yet
    assert athena.run(f"ALTER TABLE {table} ADD PARTITION (day = '01')")["Status"][
        "State"] == "SUCCEEDED"
    rows, _, _ = athena.rows(f"SELECT a, b, day FROM {table} ORDER BY a")
    assert rows == [["1", "x", "01"], ["2", "y", "01"]]
    described, _, _ = athena.rows(f"DESCRIBE {table}")
    assert described[:2] == [["a", "int", ""], ["b", "string", ""]]


def test_insert_values_with_a_column_list(athena, lake, unique):
    table = f"ins_{unique}"
    _ = athena.run(f"CREATE TABLE {table} WITH (external_location = "
                   f"'s3://{lake['bucket']}/ins-{unique}/') AS SELECT 1 AS a, 'x' AS b, "
                   "DATE '2026-01-01' AS d")
    assert _["Status"]["State"] == "SUCCEEDED", _["Status"]
    inserted = athena.run(f"INSERT INTO {table} (b, a) VALUES ('y', 2), ('z', 3)")
    assert inserted["Status"]["State"] == "SUCCEEDED", inserted["Status"]
    page = athena.athena.get_query_results(QueryExecutionId=inserted["QueryExecutionId"])
    assert page["UpdateCount"] == 2
    rows, types, _ = athena.rows(f"SELECT a, b, d FROM {table} ORDER BY a")
    assert rows == [["1", "x", "2026-01-01"], ["2", "y", None], ["3", "z", None]]
    assert types == ["integer", "varchar", "date"]


def test_unload_writes_parquet_and_a_manifest(athena, lake, unique):
    target = f"s3://{lake['bucket']}/unload-{unique}/"
    execution = athena.run(f"UNLOAD (SELECT id, user_id FROM events) TO '{target}' "
                           "WITH (format = 'PARQUET')")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    manifest = execution["Statistics"]["DataManifestLocation"]
    s3 = boto3.client("s3", endpoint_url=lake["endpoint"], region_name="us-east-1")
    text = s3.get_object(Bucket=lake["bucket"], Key=manifest.split("/", 3)[3])["Body"].read()
    files = text.decode().split()
    assert files and all(f.startswith(target) and f.endswith(".parquet") for f in files)


def test_catalog_metadata_operations(athena):
    client = athena.athena
    assert client.list_data_catalogs()["DataCatalogsSummary"][0]["CatalogName"] == \
        "AwsDataCatalog"
    names = [d["Name"] for d in client.list_databases(CatalogName="AwsDataCatalog")[
        "DatabaseList"]]
    assert DATABASE in names
    tables = client.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=DATABASE)
    assert {"events", "users"} <= {t["Name"] for t in tables["TableMetadataList"]}
    only = client.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=DATABASE,
                                      Expression="ev*")
    assert [t["Name"] for t in only["TableMetadataList"]] == ["events"]
    events = client.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=DATABASE,
                                       TableName="events")["TableMetadata"]
    assert [c["Name"] for c in events["PartitionKeys"]] == ["dt"]
    with pytest.raises(client.exceptions.MetadataException):
        client.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=DATABASE,
                                  TableName="missing")


def test_stop_query_execution_marks_it_cancelled(athena):
    query_id = athena.start("SELECT count(*) FROM events e1, events e2, events e3")
    athena.athena.stop_query_execution(QueryExecutionId=query_id)
    execution = athena.wait(query_id)
    assert execution["Status"]["State"] in ("CANCELLED", "SUCCEEDED")
    if execution["Status"]["State"] == "CANCELLED":
        with pytest.raises(athena.athena.exceptions.InvalidRequestException):
            athena.athena.get_query_results(QueryExecutionId=query_id)
