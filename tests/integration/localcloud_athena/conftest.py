"""A small fixed dataset in the local S3, registered in Glue, and a helper to run Athena queries.

`events`: Parquet, partitioned by dt (two days, one file each). `users`: JSON lines (openx SerDe).
Values are chosen so each conformance expectation can be worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import uuid

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

DATABASE = "conf_db"

EVENTS = {
    "2026-01-01": [
        (1, "u1", 10.5, 2, dt.datetime(2026, 1, 1, 8, 0, 0), ["a", "b"],
         '{"k":"x","n":1,"o":{"p":1}}'),
        (2, "u2", 20.0, 3, dt.datetime(2026, 1, 1, 12, 30, 15, 250000), ["b"],
         '{"k":"y","n":2,"o":[1,2]}'),
        (3, "u1", 5.25, 1, dt.datetime(2026, 1, 1, 23, 59, 59), [], '{"k":null}'),
    ],
    "2026-01-02": [
        (4, "u3", 7.0, 7, dt.datetime(2026, 1, 2, 0, 0, 1), ["c", "a", "c"], "not json"),
        (5, "u2", None, 4, dt.datetime(2026, 1, 2, 10, 15, 0), None, None),
    ],
}
USERS = [
    {"user_id": "u1", "name": "Ann", "country": "DE", "signup": "2025-12-31", "score": 3},
    {"user_id": "u2", "name": "Bob", "country": "FR", "signup": "2026-01-01", "score": 5},
    {"user_id": "u3", "name": "Cid", "country": "DE", "signup": "2026-01-02", "score": None},
    {"user_id": "u4", "name": "Dee", "country": None, "signup": "2026-01-03", "score": 1},
]
PARQUET_SD = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary":
                  "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
}
JSON_SD = {
    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
}


def _client(service: str, endpoint: str):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _events_file(rows) -> bytes:
    table = pa.table({
        "id": pa.array([r[0] for r in rows], pa.int64()),
        "user_id": [r[1] for r in rows],
        "amount": pa.array([r[2] for r in rows], pa.float64()),
        "qty": pa.array([r[3] for r in rows], pa.int32()),
        "ts": pa.array([r[4] for r in rows], pa.timestamp("us")),
        "tags": pa.array([r[5] for r in rows], pa.list_(pa.string())),
        "payload": [r[6] for r in rows],
    })
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def lake(local_cloud):
    """Bucket, tables and partitions of the conformance dataset (created once)."""
    endpoint = local_cloud.config.endpoint
    s3, glue = _client("s3", endpoint), _client("glue", endpoint)
    bucket = "athena-conformance"
    s3.create_bucket(Bucket=bucket)
    glue.create_database(DatabaseInput={"Name": DATABASE})
    for day, rows in EVENTS.items():
        s3.put_object(Bucket=bucket, Key=f"events/dt={day}/part-0.parquet",
                      Body=_events_file(rows))
    glue.create_table(DatabaseName=DATABASE, TableInput={
        "Name": "events", "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {**PARQUET_SD, "Location": f"s3://{bucket}/events/", "Columns": [
            {"Name": "id", "Type": "bigint"}, {"Name": "user_id", "Type": "string"},
            {"Name": "amount", "Type": "double"}, {"Name": "qty", "Type": "int"},
            {"Name": "ts", "Type": "timestamp"}, {"Name": "tags", "Type": "array<string>"},
            {"Name": "payload", "Type": "string"}]},
        "PartitionKeys": [{"Name": "dt", "Type": "string"}],
    })
    for day in EVENTS:
        glue.create_partition(DatabaseName=DATABASE, TableName="events", PartitionInput={
            "Values": [day],
            "StorageDescriptor": {**PARQUET_SD, "Location": f"s3://{bucket}/events/dt={day}/"},
        })
    body = "\n".join(json.dumps(u) for u in USERS) + "\n"
    s3.put_object(Bucket=bucket, Key="users/users.json", Body=body.encode())
    glue.create_table(DatabaseName=DATABASE, TableInput={
        "Name": "users", "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {**JSON_SD, "Location": f"s3://{bucket}/users/", "Columns": [
            {"Name": "user_id", "Type": "string"}, {"Name": "name", "Type": "string"},
            {"Name": "country", "Type": "string"}, {"Name": "signup", "Type": "date"},
            {"Name": "score", "Type": "int"}]},
    })
    return {"bucket": bucket, "database": DATABASE, "endpoint": endpoint,
            "output": f"s3://{bucket}/results/"}


class AthenaRunner:
    """Runs a query through the Athena API and waits for it, as a client would."""

    def __init__(self, lake):
        self.lake = lake
        self.athena = _client("athena", lake["endpoint"])

    def start(self, sql: str, **extra) -> str:
        request = {"QueryString": sql, "QueryExecutionContext": {"Database": DATABASE},
                   "ResultConfiguration": {"OutputLocation": self.lake["output"]}, **extra}
        return self.athena.start_query_execution(**request)["QueryExecutionId"]

    def wait(self, query_id: str, timeout: float = 60) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            execution = self.athena.get_query_execution(QueryExecutionId=query_id)
            execution = execution["QueryExecution"]
            if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                return execution
            time.sleep(0.05)
        raise TimeoutError(query_id)

    def run(self, sql: str, **extra) -> dict:
        return self.wait(self.start(sql, **extra))

    def rows(self, sql: str) -> tuple[list[list[str | None]], list[str], dict]:
        """(data rows as text, Athena column types, execution) of a successful query."""
        execution = self.run(sql)
        assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
        query_id = execution["QueryExecutionId"]
        rows, token, types = [], None, []
        while True:
            kwargs = {"QueryExecutionId": query_id, **({"NextToken": token} if token else {})}
            page = self.athena.get_query_results(**kwargs)
            types = [c["Type"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
            rows += [[d.get("VarCharValue") for d in r["Data"]] for r in page["ResultSet"]["Rows"]]
            token = page.get("NextToken")
            if not token:
                break
        if execution["StatementType"] == "DML":
            rows = rows[1:]  # the header row
        return rows, types, execution


@pytest.fixture(scope="session")
def athena(lake) -> AthenaRunner:
    return AthenaRunner(lake)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]
