"""One crawl: sample a crawler's S3 and catalog targets and write tables and partitions.

The catalog is moto's, reached through the Glue API (`glue` client); S3 through `s3` and a
pyarrow filesystem for Parquet footers. `log(message)` receives Glue-style crawler log lines.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from localcloud.glue.crawler import sampling
from localcloud.glue.crawler.layout import (
    DataFile,
    TablePlan,
    glob_to_regex,
    is_excluded,
    plan_catalog_table,
    plan_tables,
    table_name,
)
from localcloud.glue.crawler.table_input import (
    FORMATS,
    columns_input,
    merge_columns,
    partition_input,
    table_input,
    table_parameters,
)

_logger = logging.getLogger(__name__)
_BATCH_PARTITIONS = 100  # BatchCreatePartition's limit


class CrawlCancelled(Exception):
    """StopCrawler was called while the crawl ran."""


@dataclass
class CrawlResult:
    tables_created: int = 0
    tables_updated: int = 0
    tables_deleted: int = 0
    partitions_added: int = 0
    tables: list[str] = field(default_factory=list)


class Crawl:
    """Runs one crawl of `crawler` (GetCrawler's Crawler dict)."""

    def __init__(
        self, crawler: dict, glue, s3, parquet_fs, log: Callable[[str], None],
        stop: threading.Event | None = None,
    ) -> None:
        self.crawler = crawler
        self.glue, self.s3, self.parquet_fs = glue, s3, parquet_fs
        self.log = log
        self.stop = stop or threading.Event()
        self.result = CrawlResult()
        policy = crawler.get("SchemaChangePolicy") or {}
        self.update_behavior = policy.get("UpdateBehavior") or "UPDATE_IN_DATABASE"
        self.delete_behavior = policy.get("DeleteBehavior") or "DEPRECATE_IN_DATABASE"
        grouping = _configuration(crawler).get("Grouping") or {}
        self.combine = grouping.get("TableGroupingPolicy") == "CombineCompatibleSchemas"
        self.table_level = grouping.get("TableLevelConfiguration")
        self._created: set[str] = set()
        self._updated: set[str] = set()

    def run(self) -> CrawlResult:
        targets = self.crawler.get("Targets") or {}
        database = self.crawler.get("DatabaseName")
        s3_targets = targets.get("S3Targets") or []
        if s3_targets and not database:
            raise ValueError(f"Crawler {self.crawler['Name']} has S3 targets but no DatabaseName")
        found: set[str] = set()
        for target in s3_targets:
            found |= self._crawl_s3_target(database, target)
        for target in targets.get("CatalogTargets") or []:
            self._crawl_catalog_target(target)
        if s3_targets:
            self._handle_missing_tables(database, found, s3_targets)
        return self.result

    # -- S3 targets ----------------------------------------------------------------------------
    def _crawl_s3_target(self, database: str, target: dict) -> set[str]:
        bucket, prefix = sampling.split_s3_path(target["Path"])
        patterns = [glob_to_regex(p) for p in target.get("Exclusions") or []]
        files = self._sample(bucket, prefix, patterns, target.get("SampleSize"))
        default = prefix.rstrip("/").rsplit("/", 1)[-1] if prefix else bucket
        depth = None
        if self.table_level:
            # TableLevelConfiguration counts the bucket as level 1.
            depth = max(0, int(self.table_level) - 1 - len([p for p in prefix.split("/") if p]))
        plans = plan_tables(bucket, prefix, files, default, self.combine, depth)
        names = set()
        for plan in plans:
            plan.name = table_name(plan.name, self.crawler.get("TablePrefix") or "")
            self._apply_plan(database, plan)
            names.add(plan.name)
        return names

    def _sample(
        self, bucket: str, prefix: str, patterns: list, sample_size: int | None
    ) -> list[DataFile]:
        files, per_folder, skipped = [], {}, 0
        for obj in sampling.list_objects(self.s3, bucket, prefix):
            self._check_stop()
            relative = obj.key[len(prefix):]
            if is_excluded(relative, patterns):
                continue
            parts = relative.split("/")[:-1]
            folder = "/".join(parts)
            if sample_size and per_folder.get(folder, 0) >= sample_size:
                continue
            sample = sampling.read_sample(self.s3, self.parquet_fs, bucket, obj)
            if sample is None:  # unclassified: Glue skips it too
                skipped += 1
                continue
            per_folder[folder] = per_folder.get(folder, 0) + 1
            files.append(DataFile(obj.key, parts, sample.fmt, sample.columns, obj.size,
                                  sample.records))
        if skipped:
            self.log(f"INFO : {skipped} objects under s3://{bucket}/{prefix} are neither JSON "
                     "nor Parquet (or are empty) and were not classified")
        return files

    def _apply_plan(self, database: str, plan: TablePlan) -> None:
        existing = self._get_table(database, plan.name)
        name = self.crawler["Name"]
        if existing is None:
            self.glue.create_table(DatabaseName=database, TableInput=table_input(plan, name))
            self.result.tables_created += 1
            self._created.add(plan.name)
            self.log(f"INFO : Created table {plan.name} in database {database}")
            columns = columns_input(plan.columns)
        else:
            columns, changed = merge_columns(
                existing["StorageDescriptor"].get("Columns", []), columns_input(plan.columns)
            )
            if changed and self.update_behavior == "LOG":
                self.log(f"INFO : Schema change of table {plan.name} in database {database} "
                         "not applied (SchemaChangePolicy.UpdateBehavior = LOG)")
                columns = existing["StorageDescriptor"].get("Columns", [])
            elif changed:
                self.glue.update_table(
                    DatabaseName=database, TableInput=table_input(plan, name, columns)
                )
                self._mark_updated(plan.name)
                self.log(f"INFO : Updated table {plan.name} in database {database}: "
                         f"{len(columns)} columns")
        self._add_partitions(database, plan, columns)
        self.result.tables.append(plan.name)

    # -- catalog targets -----------------------------------------------------------------------
    def _crawl_catalog_target(self, target: dict) -> None:
        database = target["DatabaseName"]
        for name in target.get("Tables") or []:
            self._check_stop()
            table = self._get_table(database, name)
            if table is None:
                self.log(f"ERROR : Table {name} of catalog target not found in {database}")
                raise ValueError(f"Catalog target table {database}.{name} does not exist")
            descriptor = table.get("StorageDescriptor") or {}
            bucket, prefix = sampling.split_s3_path(descriptor.get("Location", ""))
            files = self._sample(bucket, prefix, [], None)
            keys = [k["Name"] for k in table.get("PartitionKeys") or []]
            fmt = _table_format(table)
            files = [f for f in files if f.fmt == fmt]
            plan = plan_catalog_table(name, f"s3://{bucket}/{prefix}", keys, files, fmt)
            self._update_catalog_table(database, table, plan)

    def _update_catalog_table(self, database: str, table: dict, plan: TablePlan) -> None:
        descriptor = dict(table["StorageDescriptor"])
        columns, changed = merge_columns(descriptor.get("Columns", []), columns_input(plan.columns))
        if changed and self.update_behavior != "LOG":
            descriptor["Columns"] = columns
            serde_library = (descriptor.get("SerdeInfo") or {}).get("SerializationLibrary")
            if serde_library == FORMATS["json"][2]:
                serde = dict(descriptor["SerdeInfo"])
                serde["Parameters"] = {
                    **(serde.get("Parameters") or {}),
                    "paths": ",".join(sorted(c["Name"] for c in columns)),
                }
                descriptor["SerdeInfo"] = serde
            params = {**(table.get("Parameters") or {}),
                      **table_parameters(plan, self.crawler["Name"])}
            self.glue.update_table(DatabaseName=database, TableInput={
                "Name": table["Name"],
                "StorageDescriptor": descriptor,
                "PartitionKeys": table.get("PartitionKeys") or [],
                "TableType": table.get("TableType") or "EXTERNAL_TABLE",
                "Parameters": params,
            })
            self._mark_updated(plan.name)
            self.log(f"INFO : Updated columns of table {plan.name} in database {database}")
        elif changed:
            self.log(f"INFO : Schema change of table {plan.name} not applied (LOG)")
            columns = descriptor.get("Columns", [])
        template = {**table, "StorageDescriptor": {**descriptor, "Columns": columns}}
        self._add_partitions(database, plan, columns, template)
        self.result.tables.append(plan.name)

    # -- shared --------------------------------------------------------------------------------
    def _add_partitions(
        self, database: str, plan: TablePlan, columns: list[dict], template: dict | None = None
    ) -> None:
        if not plan.partition_keys or not plan.partitions:
            return
        existing = self._partition_values(database, plan.name)
        new = [(v, loc) for v, loc in sorted(plan.partitions.items()) if list(v) not in existing]
        if not new:
            return
        inputs = [self._partition_input(plan, v, loc, columns, template) for v, loc in new]
        for i in range(0, len(inputs), _BATCH_PARTITIONS):
            answer = self.glue.batch_create_partition(
                DatabaseName=database, TableName=plan.name,
                PartitionInputList=inputs[i:i + _BATCH_PARTITIONS],
            )
            for error in answer.get("Errors") or []:
                self.log(f"WARN : Partition {error.get('PartitionValues')} of {plan.name}: "
                         f"{(error.get('ErrorDetail') or {}).get('ErrorMessage')}")
        self.result.partitions_added += len(inputs)
        self._mark_updated(plan.name)
        self.log(f"INFO : Added {len(inputs)} partitions to table {plan.name} "
                 f"in database {database}")

    def _partition_input(self, plan, values, location, columns, template) -> dict:
        if template is None:
            return partition_input(plan, values, location, columns, self.crawler["Name"])
        descriptor = {**template["StorageDescriptor"], "Location": location}
        return {"Values": list(values), "StorageDescriptor": descriptor,
                "Parameters": table_parameters(plan, self.crawler["Name"])}

    def _partition_values(self, database: str, table: str) -> list[list[str]]:
        values = []
        paginator = self.glue.get_paginator("get_partitions")
        for page in paginator.paginate(DatabaseName=database, TableName=table):
            values += [p["Values"] for p in page.get("Partitions", [])]
        return values

    def _handle_missing_tables(self, database: str, found: set[str], targets: list) -> None:
        roots = [t["Path"].rstrip("/") + "/" for t in targets]
        paginator = self.glue.get_paginator("get_tables")
        for page in paginator.paginate(DatabaseName=database):
            for table in page.get("TableList", []):
                params = table.get("Parameters") or {}
                location = (table.get("StorageDescriptor") or {}).get("Location", "")
                if (table["Name"] in found
                        or params.get("UPDATED_BY_CRAWLER") != self.crawler["Name"]
                        or not any(location.startswith(r) for r in roots)):
                    continue
                self._handle_missing_table(database, table)

    def _handle_missing_table(self, database: str, table: dict) -> None:
        name = table["Name"]
        if self.delete_behavior == "DELETE_FROM_DATABASE":
            self.glue.delete_table(DatabaseName=database, Name=name)
            self.result.tables_deleted += 1
            self.log(f"INFO : Deleted table {name} in database {database}: no data left")
        elif self.delete_behavior == "DEPRECATE_IN_DATABASE":
            params = {**(table.get("Parameters") or {}), "DEPRECATED_BY_CRAWLER": "1"}
            self.glue.update_table(DatabaseName=database, TableInput={
                "Name": name, "StorageDescriptor": table["StorageDescriptor"],
                "PartitionKeys": table.get("PartitionKeys") or [],
                "TableType": table.get("TableType") or "EXTERNAL_TABLE", "Parameters": params,
            })
            self.log(f"INFO : Deprecated table {name} in database {database}: no data left")
        else:
            self.log(f"INFO : Table {name} in database {database} has no data left (LOG)")

    def _get_table(self, database: str, name: str) -> dict | None:
        try:
            return self.glue.get_table(DatabaseName=database, Name=name)["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            return None

    def _mark_updated(self, name: str) -> None:
        if name not in self._created and name not in self._updated:
            self.result.tables_updated += 1
        self._updated.add(name)

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise CrawlCancelled()


def _configuration(crawler: dict) -> dict:
    text = crawler.get("Configuration")
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"Crawler Configuration is not valid JSON: {error}") from None
    return value if isinstance(value, dict) else {}


def _table_format(table: dict) -> str:
    classification = (table.get("Parameters") or {}).get("classification")
    if classification in FORMATS:
        return classification
    serde = ((table.get("StorageDescriptor") or {}).get("SerdeInfo") or {}).get(
        "SerializationLibrary", "")
    return "parquet" if "parquet" in serde.lower() else "json"

