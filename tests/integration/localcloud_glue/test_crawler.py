"""StartCrawler really crawls: JSON Lines and Parquet samples, partitions, schema changes."""

from __future__ import annotations

import io
import json
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest


@pytest.fixture
def lake(clients, unique):
    """A bucket and a database named after the test."""
    clients["s3"].create_bucket(Bucket=unique)
    clients["glue"].create_database(DatabaseInput={"Name": unique})
    return unique


def _put_json(s3, bucket, key, records):
    body = "".join(json.dumps(r) + "\n" for r in records).encode()
    s3.put_object(Bucket=bucket, Key=key, Body=body)


def _put_parquet(s3, bucket, key, table):
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    s3.put_object(Bucket=bucket, Key=key, Body=buffer.getvalue())


def _columns(table):
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def _partitions(glue, database, table):
    parts = glue.get_partitions(DatabaseName=database, TableName=table)["Partitions"]
    return sorted(p["Values"] for p in parts)


@pytest.fixture
def crawl(wait_for_crawler):
    def run(glue, name):
        glue.start_crawler(Name=name)
        return wait_for_crawler(glue, name)

    return run


def test_json_lines_with_nested_data_and_partitions(clients, lake, wait_for_crawler,
                                                     log_messages):
    s3, glue = clients["s3"], clients["glue"]
    record = {"ingest_id": "i1", "count": 3, "score": 0.5, "ok": True,
              "data": {"temp": 21.5, "tags": ["a", "b"], "geo": {"lat": 1.0}}}
    _put_json(s3, lake, "events/iot/year=2026/month=11/day=24/a.json", [record, record])
    _put_json(s3, lake, "events/web/year=2026/month=11/day=25/b.json", [record])
    glue.create_crawler(Name=lake, Role="r", DatabaseName=lake, TablePrefix="lake_",
                        Targets={"S3Targets": [{"Path": f"s3://{lake}/events/"}]})
    assert glue.get_crawler(Name=lake)["Crawler"]["State"] == "READY"
    glue.start_crawler(Name=lake)
    with pytest.raises(glue.exceptions.CrawlerRunningException):
        glue.start_crawler(Name=lake)
    crawler = wait_for_crawler(glue, lake)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert crawler["LastCrawl"]["LogGroup"] == "/aws-glue/crawlers"
    assert crawler["LastCrawl"]["LogStream"] == lake
    table = glue.get_table(DatabaseName=lake, Name="lake_events")["Table"]
    assert _columns(table) == [
        ("ingest_id", "string"), ("count", "int"), ("score", "double"), ("ok", "boolean"),
        ("data", "struct<temp:double,tags:array<string>,geo:struct<lat:double>>"),
    ]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["partition_0", "year", "month", "day"]
    sd = table["StorageDescriptor"]
    assert sd["Location"] == f"s3://{lake}/events/"
    assert sd["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert sd["InputFormat"] == "org.apache.hadoop.mapred.TextInputFormat"
    assert table["Parameters"]["classification"] == "json"
    assert table["Parameters"]["recordCount"] == "3"
    assert _partitions(glue, lake, "lake_events") == [
        ["iot", "2026", "11", "24"], ["web", "2026", "11", "25"]]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[lake])["CrawlerMetricsList"][0]
    assert (metrics["TablesCreated"], metrics["TablesUpdated"]) == (1, 0)
    messages = log_messages(clients["logs"], "/aws-glue/crawlers", lake)
    prefix = crawler["LastCrawl"]["MessagePrefix"]
    assert any(m == f"[{prefix}] INFO : Created table lake_events in database {lake}"
               for m in messages)


def test_parquet_datasets_become_tables_as_the_template_configures(clients, lake, crawl):
    s3, glue = clients["s3"], clients["glue"]
    daily = pa.table({"day": ["25"], "event_count": pa.array([3], pa.int64()),
                      "avg_quality": [0.9]})
    hourly = pa.table({"hour": pa.array([0], pa.timestamp("us", tz="UTC")),
                       "events": pa.array([1], pa.int32()), "types": [["a", "b"]]})
    stats = pa.table({"total": pa.array([3], pa.int64()), "ok": [True],
                      "first_seen": pa.array([0], pa.timestamp("us"))})
    for name, table in (("daily_summary", daily), ("hourly_metrics", hourly),
                        ("source_statistics", stats)):
        for source in ("iot", "web"):
            _put_parquet(s3, lake, f"{name}/source={source}/year=2026/month=11/part-0.parquet",
                         table)
        s3.put_object(Bucket=lake, Key=f"{name}/_SUCCESS", Body=b"")
    glue.create_crawler(
        Name=lake, Role="r", DatabaseName=lake,
        Targets={"S3Targets": [{"Path": f"s3://{lake}/"}]},
        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"},
        Configuration=json.dumps({"Version": 1.0, "Grouping": {
            "TableGroupingPolicy": "CombineCompatibleSchemas", "TableLevelConfiguration": 2}}),
    )
    crawl(glue, lake)
    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=lake)["TableList"]}
    assert sorted(tables) == ["daily_summary", "hourly_metrics", "source_statistics"]
    assert _columns(tables["hourly_metrics"]) == [
        ("hour", "timestamp"), ("events", "int"), ("types", "array<string>")]
    assert _columns(tables["daily_summary"]) == [
        ("day", "string"), ("event_count", "bigint"), ("avg_quality", "double")]
    sd = tables["source_statistics"]["StorageDescriptor"]
    assert sd["Location"] == f"s3://{lake}/source_statistics/"
    assert sd["SerdeInfo"]["SerializationLibrary"] == (
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
    assert sd["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert [k["Name"] for k in tables["daily_summary"]["PartitionKeys"]] == [
        "source", "year", "month"]
    assert _partitions(glue, lake, "daily_summary") == [
        ["iot", "2026", "11"], ["web", "2026", "11"]]
    partition = glue.get_partition(DatabaseName=lake, TableName="daily_summary",
                                   PartitionValues=["web", "2026", "11"])["Partition"]
    assert partition["StorageDescriptor"]["Location"] == (
        f"s3://{lake}/daily_summary/source=web/year=2026/month=11/")


def test_schema_evolution_adds_columns_and_partitions(clients, lake, crawl):
    s3, glue = clients["s3"], clients["glue"]
    _put_json(s3, lake, "t/day=1/a.json", [{"a": 1, "b": "x"}])
    glue.create_crawler(Name=lake, Role="r", DatabaseName=lake,
                        Targets={"S3Targets": [{"Path": f"s3://{lake}/t/"}]})
    crawl(glue, lake)
    _put_json(s3, lake, "t/day=2/b.json", [{"a": 2.5, "b": "y", "c": {"d": True}}])
    crawl(glue, lake)
    table = glue.get_table(DatabaseName=lake, Name="t")["Table"]
    assert _columns(table) == [("a", "double"), ("b", "string"), ("c", "struct<d:boolean>")]
    assert _partitions(glue, lake, "t") == [["1"], ["2"]]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[lake])["CrawlerMetricsList"][0]
    assert (metrics["TablesCreated"], metrics["TablesUpdated"]) == (0, 1)


def test_update_behavior_log_keeps_columns_but_adds_partitions(clients, lake, crawl):
    s3, glue = clients["s3"], clients["glue"]
    _put_json(s3, lake, "t/day=1/a.json", [{"a": 1}])
    glue.create_crawler(Name=lake, Role="r", DatabaseName=lake,
                        Targets={"S3Targets": [{"Path": f"s3://{lake}/t/"}]},
                        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    crawl(glue, lake)
    _put_json(s3, lake, "t/day=2/b.json", [{"a": 2, "new_field": "x"}])
    crawl(glue, lake)
    table = glue.get_table(DatabaseName=lake, Name="t")["Table"]
    assert _columns(table) == [("a", "int")]
    assert _partitions(glue, lake, "t") == [["1"], ["2"]]


def test_exclusions_and_side_files_are_skipped(clients, lake, crawl):
    s3, glue = clients["s3"], clients["glue"]
    _put_json(s3, lake, "t/keep/a.json", [{"kept": 1}])
    _put_json(s3, lake, "t/keep/b.json", [{"kept": 2}])
    _put_json(s3, lake, "t/keep/skip.ignored.json", [{"excluded_by_glob": 1}])
    _put_json(s3, lake, "t/keep/.hidden.json", [{"hidden": 1}])
    glue.create_crawler(Name=lake, Role="r", DatabaseName=lake, Targets={"S3Targets": [
        {"Path": f"s3://{lake}/t/", "Exclusions": ["**.ignored.json"]}]})
    crawl(glue, lake)
    [table] = glue.get_tables(DatabaseName=lake)["TableList"]
    assert _columns(table) == [("kept", "int")]
    assert table["Parameters"]["objectCount"] == "2"


def test_catalog_target_maps_folders_onto_declared_partition_keys(clients, lake, crawl):
    s3, glue = clients["s3"], clients["glue"]
    declared = [{"Name": n, "Type": "string"} for n in ("ingest_id", "body")]
    glue.create_table(DatabaseName=lake, TableInput={
        "Name": "raw_data", "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "json"},
        "PartitionKeys": [{"Name": k, "Type": "string"} for k in ("source", "year", "day")],
        "StorageDescriptor": {
            "Columns": declared, "Location": f"s3://{lake}/",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
                          "Parameters": {"ignore.malformed.json": "true"}},
        },
    })
    _put_json(s3, lake, "iot/year=2026/day=25/a.json", [{"ingest_id": "1", "body": "{}"}])
    _put_json(s3, lake, "web/year=2026/day=24/b.json", [{"ingest_id": "2", "body": "{}"}])
    glue.create_crawler(
        Name=lake, Role="r", DatabaseName=lake,
        Targets={"CatalogTargets": [{"DatabaseName": lake, "Tables": ["raw_data"]}]},
        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
    )
    crawler = crawl(glue, lake)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert _partitions(glue, lake, "raw_data") == [["iot", "2026", "25"], ["web", "2026", "24"]]
    partition = glue.get_partition(DatabaseName=lake, TableName="raw_data",
                                   PartitionValues=["iot", "2026", "25"])["Partition"]
    sd = partition["StorageDescriptor"]
    assert sd["Location"] == f"s3://{lake}/iot/year=2026/day=25/"
    assert sd["SerdeInfo"]["Parameters"] == {"ignore.malformed.json": "true"}
    table = glue.get_table(DatabaseName=lake, Name="raw_data")["Table"]
    assert table["StorageDescriptor"]["Columns"] == declared


def test_stop_crawler_cancels_and_moto_state_never_shows(clients, lake, wait_for_crawler):
    s3, glue = clients["s3"], clients["glue"]
    for i in range(150):
        _put_json(s3, lake, f"t/part={i % 5}/f{i}.json", [{"a": i}])
    glue.create_crawler(Name=lake, Role="r", DatabaseName=lake,
                        Targets={"S3Targets": [{"Path": f"s3://{lake}/t/"}]})
    with pytest.raises(glue.exceptions.CrawlerNotRunningException):
        glue.stop_crawler(Name=lake)
    glue.start_crawler(Name=lake)
    glue.stop_crawler(Name=lake)
    assert glue.get_crawler(Name=lake)["Crawler"]["State"] in ("STOPPING", "READY")
    crawler = wait_for_crawler(glue, lake)
    assert crawler["LastCrawl"]["Status"] == "CANCELLED"
    [listed] = glue.batch_get_crawlers(CrawlerNames=[lake, "nope"])["Crawlers"]
    assert listed["State"] == "READY" and listed["LastCrawl"]["Status"] == "CANCELLED"
    assert lake in [c["Name"] for c in glue.get_crawlers()["Crawlers"]]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.start_crawler(Name=lake + "-missing")


def test_delete_behavior_removes_tables_whose_data_is_gone(clients, lake, crawl):
    s3, glue = clients["s3"], clients["glue"]
    _put_json(s3, lake, "a/x.json", [{"a": 1}])
    _put_json(s3, lake, "b/y.json", [{"totally": "different", "columns": 2}])
    glue.create_crawler(Name=lake, Role="r", DatabaseName=lake,
                        Targets={"S3Targets": [{"Path": f"s3://{lake}/"}]},
                        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE",
                                            "DeleteBehavior": "DELETE_FROM_DATABASE"},
                        Configuration=json.dumps({"Version": 1.0, "Grouping": {
                            "TableLevelConfiguration": 2}}))
    crawl(glue, lake)
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName=lake)["TableList"]) == ["a", "b"]
    s3.delete_object(Bucket=lake, Key="b/y.json")
    crawl(glue, lake)
    assert [t["Name"] for t in glue.get_tables(DatabaseName=lake)["TableList"]] == ["a"]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[lake])["CrawlerMetricsList"][0]
    assert metrics["TablesDeleted"] == 1


def test_crawler_state_change_events_reach_eventbridge_rules(clients, lake, crawl, local_cloud):
    import boto3

    kwargs = {"endpoint_url": local_cloud.config.endpoint, "region_name": "us-east-1",
              "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    sqs, events = boto3.client("sqs", **kwargs), boto3.client("events", **kwargs)
    queue_url = sqs.create_queue(QueueName=lake)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name=lake, EventPattern=json.dumps({
        "source": ["aws.glue"], "detail-type": ["Glue Crawler State Change"],
        "detail": {"crawlerName": [lake]}}))
    events.put_targets(Rule=lake, Targets=[{"Id": "q", "Arn": queue_arn}])
    _put_json(clients["s3"], lake, "t/a.json", [{"a": 1}])
    clients["glue"].create_crawler(Name=lake, Role="r", DatabaseName=lake,
                                   Targets={"S3Targets": [{"Path": f"s3://{lake}/t/"}]})
    crawl(clients["glue"], lake)
    states, deadline = [], time.time() + 30
    while len(states) < 2 and time.time() < deadline:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            states.append(json.loads(message["Body"])["detail"])
    assert [d["state"] for d in states] == ["Started", "Succeeded"]
    assert states[1]["tablesCreated"] == "1"
