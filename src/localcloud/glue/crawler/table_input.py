"""Glue TableInput / PartitionInput dicts exactly as a Glue crawler writes them. Pure."""

from __future__ import annotations

from localcloud.glue.crawler.hive_types import HiveType, render_type
from localcloud.glue.crawler.layout import TablePlan

# (InputFormat, OutputFormat, SerializationLibrary, SerDe parameters) per classification.
FORMATS = {
    "json": (
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.openx.data.jsonserde.JsonSerDe",
    ),
    "parquet": (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    ),
}


def columns_input(columns: list[tuple[str, HiveType]]) -> list[dict]:
    return [{"Name": name.lower(), "Type": render_type(t)} for name, t in columns]


def table_parameters(plan: TablePlan, crawler_name: str) -> dict[str, str]:
    """The Parameters a crawler sets on tables (and on their storage descriptors)."""
    size = sum(f.size for f in plan.files)
    records = sum(f.records for f in plan.files)
    params = {
        "classification": plan.fmt,
        "compressionType": "none",
        "typeOfData": "file",
        "objectCount": str(len(plan.files)),
        "sizeKey": str(size),
        "recordCount": str(records),
        "averageRecordSize": str(size // records if records else 0),
        "CrawlerSchemaDeserializerVersion": "1.0",
        "CrawlerSchemaSerializerVersion": "1.0",
        "UPDATED_BY_CRAWLER": crawler_name,
    }
    return params


def storage_descriptor(
    plan: TablePlan, location: str, columns: list[dict], parameters: dict[str, str]
) -> dict:
    input_format, output_format, serde = FORMATS[plan.fmt]
    serde_params = (
        {"paths": ",".join(sorted(c["Name"] for c in columns))}
        if plan.fmt == "json" else {"serialization.format": "1"}
    )
    return {
        "Columns": columns,
        "Location": location,
        "InputFormat": input_format,
        "OutputFormat": output_format,
        "Compressed": False,
        "NumberOfBuckets": -1,
        "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params},
        "BucketColumns": [],
        "SortColumns": [],
        "Parameters": parameters,
        "StoredAsSubDirectories": False,
    }


def table_input(plan: TablePlan, crawler_name: str, columns: list[dict] | None = None) -> dict:
    """CreateTable/UpdateTable's TableInput for `plan` (`columns` overrides the plan's, e.g.
    the merge of the catalog's columns with new ones)."""
    columns = columns if columns is not None else columns_input(plan.columns)
    params = table_parameters(plan, crawler_name)
    return {
        "Name": plan.name,
        "StorageDescriptor": storage_descriptor(plan, plan.location, columns, params),
        "PartitionKeys": [{"Name": k, "Type": "string"} for k in plan.partition_keys],
        "TableType": "EXTERNAL_TABLE",
        "Parameters": params,
    }


def partition_input(
    plan: TablePlan, values: tuple[str, ...], location: str, columns: list[dict],
    crawler_name: str,
) -> dict:
    params = table_parameters(plan, crawler_name)
    return {
        "Values": list(values),
        "StorageDescriptor": storage_descriptor(plan, location, columns, params),
        "Parameters": params,
    }


def merge_columns(existing: list[dict], found: list[dict]) -> tuple[list[dict], bool]:
    """Existing columns in order with types from `found`, then new ones; (columns, changed)."""
    found_by_name = {c["Name"].lower(): c for c in found}
    merged = []
    for column in existing:
        new = found_by_name.pop(column["Name"].lower(), None)
        merged.append({**column, "Type": new["Type"]} if new else column)
    merged += [c for c in found if c["Name"].lower() in found_by_name]
    changed = [(c["Name"], c["Type"]) for c in merged] != [
        (c["Name"], c["Type"]) for c in existing
    ]
    return merged, changed
