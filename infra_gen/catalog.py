"""Catalog layer: the Glue database, the declared `raw_data` and `processed_data` tables, and
two crawlers — one keeping those tables' partitions current (catalog targets), one discovering
the curated datasets (S3 target). The crawlers have no schedule of their own: the ETL state
machine starts them, hourly and daily, through EventBridge (decision 031)."""

from __future__ import annotations

import json

from troposphere import GetAtt, Ref, Template
from troposphere.glue import (
    CatalogTarget,
    Column,
    Crawler,
    Database,
    DatabaseInput,
    RecrawlPolicy,
    S3Target,
    SchemaChangePolicy,
    SerdeInfo,
    StorageDescriptor,
    Table,
    TableInput,
    Targets,
)

from infra_gen import names
from infra_gen.encryption import glue_security_configuration

RAW_COLUMNS = (
    ("ingest_id", "string"),
    ("request_id", "string"),
    ("received_at", "string"),
    ("body", "string"),
)
PROCESSED_COLUMNS = (
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
)
PARTITION_KEYS = ("source", "year", "month", "day")

_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
_TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
_TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
_PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
_PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
_PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


def add_catalog(template: Template) -> None:
    """Add the database, the two declared tables and the two crawlers."""
    template.add_resource(
        Database(
            names.DATABASE,
            CatalogId=Ref("AWS::AccountId"),
            DatabaseInput=DatabaseInput(
                Name=names.database_name(),
                Description="Data lake catalog: raw, processed, curated",
            ),
        )
    )
    template.add_resource(
        _table(
            names.RAW_TABLE,
            names.RAW_TABLE_NAME,
            RAW_COLUMNS,
            location=names.s3_uri(names.RAW_BUCKET),
            serde=SerdeInfo(
                SerializationLibrary=_JSON_SERDE, Parameters={"ignore.malformed.json": "true"}
            ),
            formats=(_TEXT_INPUT, _TEXT_OUTPUT),
            classification="json",
        )
    )
    template.add_resource(
        _table(
            names.PROCESSED_TABLE,
            names.PROCESSED_TABLE_NAME,
            PROCESSED_COLUMNS,
            location=names.s3_uri(names.PROCESSED_BUCKET, "processed_data/"),
            serde=SerdeInfo(SerializationLibrary=_PARQUET_SERDE),
            formats=(_PARQUET_INPUT, _PARQUET_OUTPUT),
            classification="parquet",
        )
    )
    template.add_resource(_lake_crawler())
    template.add_resource(_curated_crawler())


def _table(
    logical_id: str, name: str, columns, *, location, serde, formats, classification: str
) -> Table:
    return Table(
        logical_id,
        CatalogId=Ref("AWS::AccountId"),
        DatabaseName=Ref(names.DATABASE),
        TableInput=TableInput(
            Name=name,
            TableType="EXTERNAL_TABLE",
            Parameters={"classification": classification, "EXTERNAL": "TRUE"},
            PartitionKeys=[Column(Name=k, Type="string") for k in PARTITION_KEYS],
            StorageDescriptor=StorageDescriptor(
                Columns=[Column(Name=n, Type=t) for n, t in columns],
                Location=location,
                InputFormat=formats[0],
                OutputFormat=formats[1],
                SerdeInfo=serde,
                Compressed=False,
                StoredAsSubDirectories=False,
            ),
        ),
    )


def _lake_crawler() -> Crawler:
    # Catalog targets keep the declared schemas and add partitions as they appear; AWS requires
    # DeleteBehavior LOG for crawlers with catalog targets.
    return Crawler(
        names.LAKE_CRAWLER,
        DependsOn=[names.RAW_TABLE, names.PROCESSED_TABLE],
        Name=names.Sub(names.LAKE_CRAWLER_NAME),
        Description="Adds new partitions of raw_data and processed_data",
        Role=GetAtt(names.CRAWLER_ROLE, "Arn"),
        CrawlerSecurityConfiguration=glue_security_configuration(),
        DatabaseName=Ref(names.DATABASE),
        Targets=Targets(
            CatalogTargets=[
                CatalogTarget(
                    DatabaseName=Ref(names.DATABASE),
                    Tables=[names.RAW_TABLE_NAME, names.PROCESSED_TABLE_NAME],
                )
            ]
        ),
        SchemaChangePolicy=SchemaChangePolicy(UpdateBehavior="LOG", DeleteBehavior="LOG"),
        Configuration=json.dumps(
            {
                "Version": 1.0,
                "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}},
            },
            sort_keys=True,
        ),
    )


def _curated_crawler() -> Crawler:
    # TableLevelConfiguration 2: s3://bucket/ is level 1, so each dataset folder is one table.
    return Crawler(
        names.CURATED_CRAWLER,
        Name=names.Sub(names.CURATED_CRAWLER_NAME),
        Description="Discovers daily_summary, hourly_metrics and source_statistics",
        Role=GetAtt(names.CRAWLER_ROLE, "Arn"),
        CrawlerSecurityConfiguration=glue_security_configuration(),
        DatabaseName=Ref(names.DATABASE),
        Targets=Targets(S3Targets=[S3Target(Path=names.s3_uri(names.CURATED_BUCKET))]),
        SchemaChangePolicy=SchemaChangePolicy(
            UpdateBehavior="UPDATE_IN_DATABASE",
            DeleteBehavior="LOG",
        ),
        RecrawlPolicy=RecrawlPolicy(RecrawlBehavior="CRAWL_EVERYTHING"),
        Configuration=json.dumps(
            {
                "Version": 1.0,
                "Grouping": {
                    "TableGroupingPolicy": "CombineCompatibleSchemas",
                    "TableLevelConfiguration": 2,
                },
                "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}},
            },
            sort_keys=True,
        ),
    )
