"""Glue: databases, tables, partitions, security configurations, crawlers and jobs (the Data
Catalog and definitions)."""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError

from localcloud.persistence.common import exists_error, paginate, read_json, write_json

_TABLE_FIELDS = ("Name", "Description", "Owner", "Retention", "StorageDescriptor",
                 "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "TableType",
                 "Parameters", "TargetTable")
_PARTITION_FIELDS = ("Values", "StorageDescriptor", "Parameters")
_CRAWLER_FIELDS = ("Name", "Role", "DatabaseName", "Description", "Targets", "Classifiers",
                   "TablePrefix", "SchemaChangePolicy", "RecrawlPolicy", "LineageConfiguration",
                   "Configuration", "CrawlerSecurityConfiguration")
_JOB_FIELDS = ("Name", "Description", "LogUri", "Role", "ExecutionProperty", "Command",
               "DefaultArguments", "NonOverridableArguments", "Connections", "MaxRetries",
               "Timeout", "MaxCapacity", "SecurityConfiguration", "NotificationProperty",
               "GlueVersion", "NumberOfWorkers", "WorkerType", "ExecutionClass")


def _pick(data: dict, fields) -> dict:
    return {k: data[k] for k in fields if data.get(k) not in (None, "")}


def export(cloud, root: Path) -> dict:
    glue = cloud.client("glue")
    databases = []
    for db in paginate(glue, "get_databases", "DatabaseList"):
        tables = []
        for table in paginate(glue, "get_tables", "TableList", DatabaseName=db["Name"]):
            partitions = paginate(glue, "get_partitions", "Partitions",
                                  DatabaseName=db["Name"], TableName=table["Name"])
            tables.append({"table": _pick(table, _TABLE_FIELDS),
                           "partitions": [_pick(p, _PARTITION_FIELDS) for p in partitions]})
        databases.append({"database": _pick(db, ("Name", "Description", "LocationUri",
                                                 "Parameters")), "tables": tables})
    crawlers = [_pick(c, _CRAWLER_FIELDS) for c in paginate(glue, "get_crawlers", "Crawlers")]
    for crawler in crawlers:
        schedule = glue.get_crawler(Name=crawler["Name"])["Crawler"].get("Schedule") or {}
        if schedule.get("ScheduleExpression"):
            crawler["Schedule"] = schedule["ScheduleExpression"]
    jobs = [_pick(j, _JOB_FIELDS) for j in paginate(glue, "get_jobs", "Jobs")]
    security = [_pick(c, ("Name", "EncryptionConfiguration")) for c in paginate(
        glue, "get_security_configurations", "SecurityConfigurations")]
    write_json(root / "glue.json", {"databases": databases, "crawlers": crawlers, "jobs": jobs,
                                    "security_configurations": security})
    return {"databases": len(databases), "tables": sum(len(d["tables"]) for d in databases),
            "crawlers": len(crawlers), "jobs": len(jobs), "security_configurations": len(security)}


def _create(fn, **kwargs) -> None:
    try:
        fn(**kwargs)
    except ClientError as error:
        if not exists_error(error):
            raise


def restore(cloud, root: Path) -> dict:
    data = read_json(root / "glue.json")
    if not data:
        return {"databases": 0}
    glue = cloud.client("glue")
    for bundle in data["databases"]:
        name = bundle["database"]["Name"]
        _create(glue.create_database, DatabaseInput=bundle["database"])
        for item in bundle["tables"]:
            _create(glue.create_table, DatabaseName=name, TableInput=item["table"])
            partitions = item["partitions"]
            for start in range(0, len(partitions), 100):
                glue.batch_create_partition(DatabaseName=name, TableName=item["table"]["Name"],
                                            PartitionInputList=partitions[start:start + 100])
    # Before the crawlers and jobs that name them (older exports have none).
    for configuration in data.get("security_configurations", []):
        _create(glue.create_security_configuration, **configuration)
    for crawler in data["crawlers"]:
        _create(glue.create_crawler, **crawler)
    for job in data["jobs"]:
        _create(glue.create_job, **job)
    return {"databases": len(data["databases"]), "crawlers": len(data["crawlers"]),
            "jobs": len(data["jobs"])}
