"""Tables beyond the conformance dataset: delimited text, partition projection, partitions at
non-Hive locations (as the raw zone's `source/` level), malformed JSON lines."""

from __future__ import annotations

import boto3
import pytest


@pytest.fixture
def s3(lake):
    return boto3.client("s3", endpoint_url=lake["endpoint"], region_name="us-east-1")


def _ok(execution):
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return execution


def test_delimited_text_table_with_header(athena, lake, s3, unique):
    s3.put_object(Bucket=lake["bucket"], Key=f"csv-{unique}/a.csv",
                  Body=b"id,name,price\n1,apple,0.5\n2,pear,\\N\n")
    _ok(athena.run(
        f"CREATE EXTERNAL TABLE csv_{unique} (id int, name string, price double) "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS TEXTFILE "
        f"LOCATION 's3://{lake['bucket']}/csv-{unique}/' "
        "TBLPROPERTIES ('skip.header.line.count'='1')"))
    rows, types, _ = athena.rows(f"SELECT id, name, price FROM csv_{unique} ORDER BY id")
    assert rows == [["1", "apple", "0.5"], ["2", "pear", None]]
    assert types == ["integer", "varchar", "double"]


def test_partition_projection_prunes_without_catalog_partitions(athena, lake, s3, unique):
    for source in ("web", "iot"):
        for day in ("01", "02"):
            s3.put_object(Bucket=lake["bucket"], Key=f"proj-{unique}/{source}/{day}/x.json",
                          Body=f'{{"v": "{source}-{day}"}}\n'.encode())
    _ok(athena.run(
        f"CREATE EXTERNAL TABLE proj_{unique} (v string) PARTITIONED BY (source string, "
        "day string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        f"LOCATION 's3://{lake['bucket']}/proj-{unique}/' TBLPROPERTIES ("
        "'projection.enabled'='true', 'projection.source.type'='enum', "
        "'projection.source.values'='web,iot', 'projection.day.type'='integer', "
        "'projection.day.range'='1,3', 'projection.day.digits'='2', "
        f"'storage.location.template'='s3://{lake['bucket']}/proj-{unique}/${{source}}/${{day}}/')"))
    rows, _, everything = athena.rows(f"SELECT v FROM proj_{unique} ORDER BY v")
    assert rows == [["iot-01"], ["iot-02"], ["web-01"], ["web-02"]]
    rows, _, one = athena.rows(f"SELECT v, source, day FROM proj_{unique} "
                               "WHERE source = 'web' AND day = '02'")
    assert rows == [["web-02", "web", "02"]]
    assert one["Statistics"]["DataScannedInBytes"] < \
        everything["Statistics"]["DataScannedInBytes"]


def test_partitions_at_custom_locations(athena, lake, s3, unique):
    glue = boto3.client("glue", endpoint_url=lake["endpoint"], region_name="us-east-1")
    for source in ("iot", "web"):
        s3.put_object(Bucket=lake["bucket"], Key=f"raw-{unique}/{source}/year=2026/a.json",
                      Body=f'{{"body": "from {source}"}}\n'.encode())
    _ok(athena.run(
        f"CREATE EXTERNAL TABLE raw_{unique} (body string) PARTITIONED BY (source string, "
        "year string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        f"LOCATION 's3://{lake['bucket']}/raw-{unique}/'"))
    table = glue.get_table(DatabaseName=lake["database"], Name=f"raw_{unique}")["Table"]
    for source in ("iot", "web"):
        glue.create_partition(DatabaseName=lake["database"], TableName=f"raw_{unique}",
                              PartitionInput={"Values": [source, "2026"], "StorageDescriptor": {
                                  **table["StorageDescriptor"],
                                  "Location": f"s3://{lake['bucket']}/raw-{unique}/{source}/"
                                              "year=2026/"}})
    rows, _, _ = athena.rows(f"SELECT source, body FROM raw_{unique} WHERE year = '2026' "
                             "ORDER BY source")
    assert rows == [["iot", "from iot"], ["web", "from web"]]


def test_malformed_json_fails_unless_the_serde_ignores_it(athena, lake, s3, unique):
    s3.put_object(Bucket=lake["bucket"], Key=f"bad-{unique}/a.json",
                  Body=b'{"a": 1}\nnot json\n{"a": 2}\n')
    location = f"s3://{lake['bucket']}/bad-{unique}/"
    _ok(athena.run(f"CREATE EXTERNAL TABLE strict_{unique} (a int) ROW FORMAT SERDE "
                   f"'org.openx.data.jsonserde.JsonSerDe' LOCATION '{location}'"))
    failed = athena.run(f"SELECT count(*) FROM strict_{unique}")
    assert failed["Status"]["State"] == "FAILED"
    assert failed["Status"]["StateChangeReason"].startswith("HIVE_CURSOR_ERROR: Row is not a "
                                                            f"valid JSON Object (file {location}")
    _ok(athena.run(f"CREATE EXTERNAL TABLE lenient_{unique} (a int) ROW FORMAT SERDE "
                   "'org.openx.data.jsonserde.JsonSerDe' WITH SERDEPROPERTIES "
                   f"('ignore.malformed.json'='true') LOCATION '{location}'"))
    rows, _, _ = athena.rows(f"SELECT count(*), count(a), sum(a) FROM lenient_{unique}")
    assert rows == [["3", "2", "3"]]
