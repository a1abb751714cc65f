"""Catalog layer: database name, declared tables, crawlers."""

from __future__ import annotations

from datalake.config import database_name

RAW_COLUMNS = [
    ("ingest_id", "string"),
    ("request_id", "string"),
    ("received_at", "string"),
    ("body", "string"),
]
PROCESSED_COLUMNS = [
    ("event_id", "string"),
    ("event_type", "string"),
    ("event_timestamp", "timestamp"),
    ("timestamp_inferred", "boolean"),
    ("data", "string"),
    ("record_hash", "string"),
    ("quality_score", "double"),
    ("quality_issues", "array<string>"),
    ("received_at", "timestamp"),
    ("processed_at", "timestamp"),
    ("raw_key", "string"),
]
PARTITIONS = [{"Name": n, "Type": "string"} for n in ("source", "year", "month", "day")]


def _resolve_name(expr: dict, stack: str) -> str:
    """Evaluate the database name expression (Fn::Join of Fn::Split) for a stack name."""
    sep, parts = expr["Fn::Join"]
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            inner_sep, inner = part["Fn::Join"]
            split_sep, ref = inner["Fn::Split"]
            assert ref == {"Ref": "AWS::StackName"}
            out.append(inner_sep.join(stack.split(split_sep)))
    return sep.join(out)


def test_database_name_matches_datalake_config(view):
    expr = view.props("GlueDatabase")["DatabaseInput"]["Name"]
    for stack in ("datalake", "my-lake-2", "a-b-c"):
        assert _resolve_name(expr, stack) == database_name(stack)


def _table(view, name):
    (table,) = [
        t["Properties"]
        for t in view.of_type("AWS::Glue::Table").values()
        if t["Properties"]["TableInput"]["Name"] == name
    ]
    assert table["DatabaseName"] == {"Ref": "GlueDatabase"}
    return table["TableInput"]


def test_raw_data_table(view):
    table = _table(view, "raw_data")
    sd = table["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == RAW_COLUMNS
    assert table["PartitionKeys"] == PARTITIONS
    assert sd["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert sd["Location"] == {
        "Fn::Sub": "s3://${AWS::StackName}-raw-${AWS::AccountId}-${AWS::Region}/"
    }


def test_processed_data_table(view):
    table = _table(view, "processed_data")
    sd = table["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == PROCESSED_COLUMNS
    assert table["PartitionKeys"] == PARTITIONS
    assert "Parquet" in sd["InputFormat"]
    assert sd["Location"]["Fn::Sub"].endswith("/processed_data/")


def test_lake_crawler_crawls_the_declared_tables(view):
    crawler = view.props("LakeCrawler")
    assert crawler["Name"] == {"Fn::Sub": "${AWS::StackName}-lake-crawler"}
    assert crawler["Targets"] == {
        "CatalogTargets": [
            {"DatabaseName": {"Ref": "GlueDatabase"}, "Tables": ["raw_data", "processed_data"]}
        ]
    }
    assert crawler["SchemaChangePolicy"]["DeleteBehavior"] == "LOG"
    assert crawler["Role"] == {"Fn::GetAtt": ["GlueCrawlerRole", "Arn"]}


def test_curated_crawler_discovers_dataset_folders(view):
    crawler = view.props("CuratedCrawler")
    assert crawler["Name"] == {"Fn::Sub": "${AWS::StackName}-curated-crawler"}
    (target,) = crawler["Targets"]["S3Targets"]
    assert target["Path"] == {
        "Fn::Sub": "s3://${AWS::StackName}-curated-${AWS::AccountId}-${AWS::Region}/"
    }
    import json

    assert json.loads(crawler["Configuration"])["Grouping"]["TableLevelConfiguration"] == 2
    assert crawler["SchemaChangePolicy"] == {
        "UpdateBehavior": "UPDATE_IN_DATABASE",
        "DeleteBehavior": "LOG",
    }


def test_crawlers_are_started_by_the_pipeline_not_their_own_schedule(view):
    # Decision 031: the hourly EventBridge rule starts the state machine, which starts them.
    for crawler in view.of_type("AWS::Glue::Crawler").values():
        assert "Schedule" not in crawler["Properties"]
