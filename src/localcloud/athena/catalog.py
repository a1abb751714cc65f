"""Tables as Athena sees them in the Glue catalog: location, format, columns, partitions.

Reads through a `CatalogReader` (local_state.MotoCatalog: moto's Glue backend in this process,
always current, so nothing is cached here); partition projection declared in the table
parameters is expanded in projection.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from localcloud.athena.errors import QueryFailed, not_supported
from localcloud.athena.types import TypeError_, hive_to_duckdb

_logger = logging.getLogger(__name__)

DEFAULT_CATALOG = "awsdatacatalog"

_PARQUET_MARKERS = ("parquet",)
_JSON_SERDES = ("org.openx.data.jsonserde.JsonSerDe", "org.apache.hive.hcatalog.data.JsonSerDe")
_TEXT_SERDES = (
    "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
    "org.apache.hadoop.hive.serde2.OpenCSVSerde",
)


@dataclass
class Column:
    name: str
    hive_type: str
    comment: str = ""

    @property
    def duck_type(self) -> str:
        return hive_to_duckdb(self.hive_type)


@dataclass
class Partition:
    values: list[str]
    location: str


@dataclass
class Table:
    """One catalog table, with what is needed to read it."""

    database: str
    name: str
    location: str
    data_format: str  # parquet | json | csv
    columns: list[Column]
    partition_keys: list[Column]
    serde_parameters: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)

    @property
    def all_columns(self) -> list[Column]:
        return self.columns + self.partition_keys

    @property
    def qualified_name(self) -> str:
        return f"{DEFAULT_CATALOG}.{self.database}.{self.name}"

    @property
    def projected(self) -> bool:
        return self.parameters.get("projection.enabled", "").lower() == "true"


class CatalogReader(Protocol):
    """Glue's GetDatabase / GetTable / GetPartitions answers (None: no such entity; a partition
    needs only Values and StorageDescriptor.Location)."""

    def database(self, name: str) -> dict | None: ...

    def table(self, database: str, name: str) -> dict | None: ...

    def partitions(self, database: str, name: str) -> list[dict]: ...


def check_catalog(name: str | None) -> None:
    if name and name.lower() != DEFAULT_CATALOG:
        raise QueryFailed(
            "CATALOG_NOT_FOUND", f"Catalog '{name}' does not exist (the local Athena serves "
            f"only '{DEFAULT_CATALOG}', the Glue catalog)"
        )


def get_database(glue: CatalogReader, database: str) -> dict:
    found = glue.database(database)
    if found is None:
        raise QueryFailed("SCHEMA_NOT_FOUND", f"Schema '{database}' does not exist")
    return found


def get_table(glue: CatalogReader, database: str, name: str) -> Table:
    """The catalog table `database.name` (TABLE_NOT_FOUND / SCHEMA_NOT_FOUND as Athena says)."""
    get_database(glue, database)
    raw = glue.table(database, name)
    if raw is None:
        raise QueryFailed(
            "TABLE_NOT_FOUND", f"Table '{DEFAULT_CATALOG}.{database}.{name}' does not exist"
        )
    return table_from_glue(database, raw)


def table_from_glue(database: str, raw: dict) -> Table:
    """A Table from Glue's GetTable answer (pure)."""
    name = raw["Name"]
    if raw.get("TableType") == "VIRTUAL_VIEW":
        raise not_supported(f"Querying the view {database}.{name}")
    sd = raw.get("StorageDescriptor") or {}
    columns = [_column(c) for c in sd.get("Columns", [])]
    keys = [_column(c) for c in raw.get("PartitionKeys", [])]
    for column in columns + keys:
        try:
            column.duck_type  # noqa: B018 - validates the type early, naming the column
        except TypeError_ as error:
            raise QueryFailed(
                "HIVE_UNSUPPORTED_FORMAT", f"column {column.name} of {database}.{name}: {error}"
            ) from None
    serde = sd.get("SerdeInfo") or {}
    return Table(
        database=database,
        name=name,
        location=sd.get("Location", ""),
        data_format=data_format(sd, raw.get("Parameters") or {}),
        columns=columns,
        partition_keys=keys,
        serde_parameters=dict(serde.get("Parameters") or {}),
        parameters=dict(raw.get("Parameters") or {}),
        raw=raw,
    )


def data_format(sd: dict, parameters: dict) -> str:
    """parquet | json | csv from the storage descriptor (SerDe first, then input format)."""
    serde = (sd.get("SerdeInfo") or {}).get("SerializationLibrary") or ""
    input_format = sd.get("InputFormat") or ""
    classification = (parameters.get("classification") or "").lower()
    if any(m in serde.lower() or m in input_format.lower() for m in _PARQUET_MARKERS):
        return "parquet"
    if serde in _JSON_SERDES or (not serde and classification == "json"):
        return "json"
    if serde in _TEXT_SERDES or (not serde and classification == "csv"):
        return "csv"
    raise not_supported(
        f"Reading tables with SerDe '{serde or '(none)'}' / input format "
        f"'{input_format or '(none)'}'"
    )


def get_partitions(glue: CatalogReader, table: Table) -> list[Partition]:
    """The catalog's partitions of `table` (Athena reads these, not the S3 folders)."""
    partitions: list[Partition] = []
    for p in glue.partitions(table.database, table.name):
        location = (p.get("StorageDescriptor") or {}).get("Location") or ""
        partitions.append(Partition(list(p["Values"]), location))
    return partitions


def _column(raw: dict) -> Column:
    return Column(raw["Name"].lower(), raw.get("Type", "string"), raw.get("Comment", ""))
