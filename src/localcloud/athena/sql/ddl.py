"""Hive DDL on the Glue catalog: CREATE EXTERNAL TABLE, CREATE/DROP DATABASE, DROP TABLE,
MSCK REPAIR TABLE, ALTER TABLE ADD/DROP PARTITION. DROP TABLE leaves the data (external)."""

from __future__ import annotations

import re

from localcloud.athena import catalog, storage
from localcloud.athena.engine import QueryContext, ResultTable
from localcloud.athena.errors import QueryFailed, not_supported
from localcloud.athena.sql.names import (
    NAME,
    QUALIFIED,
    STRING,
    balanced,
    parse_properties,
    split_name,
    split_top_level,
    unquote_name,
    unquote_string,
)
from localcloud.athena.sql.statements import strip_comments
from localcloud.athena.types import TypeError_, parse_hive_type

_FLAGS = re.IGNORECASE | re.DOTALL

PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary":
                  "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
}
_TEXT_IO = {
    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
}
_LAZY = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
_OPENX = "org.openx.data.jsonserde.JsonSerDe"


def _empty() -> ResultTable:
    return ResultTable([], [], [])


def run(sql: str, ctx: QueryContext, execution=None) -> ResultTable:
    text = strip_comments(sql).strip().rstrip(";").strip()
    for pattern, handler in _STATEMENTS:
        m = re.match(pattern, text, _FLAGS)
        if m:
            return handler(m, text, ctx)
    raise QueryFailed("SYNTAX_ERROR", f"line 1:1: cannot read statement: {text[:80]}")


# -- databases ----------------------------------------------------------------------------------


def _create_database(m, text: str, ctx: QueryContext) -> ResultTable:
    name = unquote_name(m.group("name")).lower()
    rest = text[m.end():]
    database: dict = {"Name": name}
    comment = re.search(rf"COMMENT\s+({STRING})", rest, _FLAGS)
    if comment:
        database["Description"] = unquote_string(comment.group(1))
    location = re.search(rf"LOCATION\s+({STRING})", rest, _FLAGS)
    if location:
        database["LocationUri"] = unquote_string(location.group(1))
    try:
        ctx.glue.create_database(DatabaseInput=database)
    except ctx.glue.exceptions.AlreadyExistsException:
        if not m.group("ine"):
            raise QueryFailed("ALREADY_EXISTS", f"Database {name} already exists") from None
    return _empty()


def _drop_database(m, text: str, ctx: QueryContext) -> ResultTable:
    name = unquote_name(m.group("name")).lower()
    try:
        catalog.get_database(ctx.catalog, name)
    except QueryFailed:
        if m.group("ie"):
            return _empty()
        raise
    tables = ctx.glue.get_tables(DatabaseName=name).get("TableList", [])
    if tables and not m.group("cascade"):
        raise QueryFailed("SCHEMA_NOT_EMPTY", f"Database {name} is not empty. One or more tables "
                          "exist.")
    ctx.glue.delete_database(Name=name)
    return _empty()


# -- tables -------------------------------------------------------------------------------------


def _create_table(m, text: str, ctx: QueryContext) -> ResultTable:
    database, name = split_name(m.group("name"), ctx.database)
    rest = text[m.end():].lstrip()
    if not rest.startswith("("):
        raise QueryFailed("SYNTAX_ERROR", "line 1:1: CREATE TABLE needs a column list "
                          "(for CREATE TABLE AS SELECT use AS SELECT ...)")
    body, pos = balanced(rest, 0)
    columns = _columns(body)
    rest = rest[pos:]
    table_input = table_input_from_clauses(name, columns, rest, m.group("external"))
    catalog.get_database(ctx.catalog, database)
    try:
        ctx.glue.create_table(DatabaseName=database, TableInput=table_input)
    except ctx.glue.exceptions.AlreadyExistsException:
        if not m.group("ine"):
            raise QueryFailed("ALREADY_EXISTS", f"Table {database}.{name} already exists") \
                from None
    return _empty()


def _columns(body: str) -> list[dict]:
    columns = []
    for item in split_top_level(body):
        m = re.fullmatch(rf"({NAME})\s+(.+?)(?:\s+COMMENT\s+({STRING}))?", item.strip(), _FLAGS)
        if not m:
            raise QueryFailed("SYNTAX_ERROR", f"line 1:1: cannot read column definition {item!r}")
        try:
            hive_type = parse_hive_type(m.group(2)).hive()
        except TypeError_ as error:
            raise QueryFailed("NOT_SUPPORTED", str(error)) from None
        column = {"Name": unquote_name(m.group(1)).lower(), "Type": hive_type}
        if m.group(3):
            column["Comment"] = unquote_string(m.group(3))
        columns.append(column)
    return columns


def table_input_from_clauses(name: str, columns: list[dict], rest: str, external) -> dict:
    """Glue TableInput from the clauses after the column list (pure)."""
    if not external:
        raise not_supported("CREATE TABLE without EXTERNAL (Iceberg tables)")
    partition_keys: list[dict] = []
    m = re.search(r"PARTITIONED\s+BY\s*\(", rest, _FLAGS)
    if m:
        body, _ = balanced(rest, m.end() - 1)
        partition_keys = _columns(body)
    sd: dict = {"Columns": columns}
    location = re.search(rf"LOCATION\s+({STRING})", rest, _FLAGS)
    if not location:
        raise QueryFailed("SYNTAX_ERROR", "line 1:1: External tables need a LOCATION 's3://...'")
    sd["Location"] = unquote_string(location.group(1))
    storage.split_uri(sd["Location"])
    sd.update(_storage_format(rest))
    parameters = {"EXTERNAL": "TRUE"}
    props = re.search(r"TBLPROPERTIES\s*\(", rest, _FLAGS)
    if props:
        body, _ = balanced(rest, props.end() - 1)
        parameters.update(parse_properties(body))
    serde_lib = sd["SerdeInfo"]["SerializationLibrary"]
    parameters.setdefault(
        "classification",
        "parquet" if "parquet" in serde_lib.lower() else "json" if "Json" in serde_lib else "csv",
    )
    return {
        "Name": name, "TableType": "EXTERNAL_TABLE", "StorageDescriptor": sd,
        "PartitionKeys": partition_keys, "Parameters": parameters,
    }


def _storage_format(rest: str) -> dict:
    serde_props: dict[str, str] = {}
    m = re.search(r"WITH\s+SERDEPROPERTIES\s*\(", rest, _FLAGS)
    if m:
        body, _ = balanced(rest, m.end() - 1)
        serde_props = parse_properties(body)
    serde = re.search(rf"ROW\s+FORMAT\s+SERDE\s+({STRING})", rest, _FLAGS)
    delimited = re.search(r"ROW\s+FORMAT\s+DELIMITED(.*?)(?:STORED|LOCATION|TBLPROPERTIES|$)",
                          rest, _FLAGS)
    stored = re.search(r"STORED\s+AS\s+(\w+)", rest, _FLAGS)
    stored_as = stored.group(1).upper() if stored else "TEXTFILE"
    if stored_as == "PARQUET":
        out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in PARQUET.items()}
        out["SerdeInfo"]["Parameters"] = serde_props or {"serialization.format": "1"}
        return out
    if stored_as == "INPUTFORMAT":
        formats = re.search(rf"INPUTFORMAT\s+({STRING})\s+OUTPUTFORMAT\s+({STRING})", rest, _FLAGS)
        io = {"InputFormat": unquote_string(formats.group(1)),
              "OutputFormat": unquote_string(formats.group(2))}
    elif stored_as in ("TEXTFILE", "JSONFILE"):
        io = dict(_TEXT_IO)
    else:
        raise not_supported(f"STORED AS {stored_as}")
    if serde:
        library = unquote_string(serde.group(1))
    elif stored_as == "JSONFILE":
        library = _OPENX
    else:
        library = _LAZY
    if delimited:
        for key, prop in (("FIELDS", "field.delim"), ("LINES", "line.delim"),
                          ("COLLECTION ITEMS", "collection.delim"), ("MAP KEYS", "mapkey.delim")):
            d = re.search(rf"{key}\s+TERMINATED\s+BY\s+({STRING})", delimited.group(1), _FLAGS)
            if d:
                serde_props[prop] = unquote_string(d.group(1)).encode().decode("unicode_escape")
        if "field.delim" in serde_props:
            serde_props.setdefault("serialization.format", serde_props["field.delim"])
    return {**io, "SerdeInfo": {"SerializationLibrary": library, "Parameters": serde_props}}


def _drop_table(m, text: str, ctx: QueryContext) -> ResultTable:
    database, name = split_name(m.group("name"), ctx.database)
    try:
        ctx.glue.delete_table(DatabaseName=database, Name=name)
    except ctx.glue.exceptions.EntityNotFoundException:
        if not m.group("ie"):
            raise QueryFailed("TABLE_NOT_FOUND", f"Table '{catalog.DEFAULT_CATALOG}.{database}."
                              f"{name}' does not exist") from None
    return _empty()


# -- partitions ---------------------------------------------------------------------------------


def _partition_spec(table: catalog.Table, body: str) -> list[str]:
    """Values in partition-key order from `k='v', k2=1` (every key required)."""
    given = {}
    for item in split_top_level(body):
        key, _, value = item.partition("=")
        value = value.strip()
        given[unquote_name(key.strip()).lower()] = (
            unquote_string(value) if value.startswith("'") else value
        )
    keys = [k.name for k in table.partition_keys]
    if set(given) != set(keys):
        raise QueryFailed(
            "INVALID_PARTITION_VALUE" if set(given) <= set(keys) else "COLUMN_NOT_FOUND",
            f"Partition spec ({', '.join(given)}) does not match the partition keys "
            f"({', '.join(keys)}) of {table.name}",
        )
    return [given[k] for k in keys]


def _partition_input(table: catalog.Table, values: list[str], location: str) -> dict:
    sd = dict(table.raw.get("StorageDescriptor") or {})
    sd["Location"] = location
    return {"Values": values, "StorageDescriptor": sd}


def default_partition_location(table: catalog.Table, values: list[str]) -> str:
    return table.location.rstrip("/") + "/" + "/".join(
        f"{k.name}={v}" for k, v in zip(table.partition_keys, values, strict=False)
    ) + "/"


def _alter_add(m, text: str, ctx: QueryContext) -> ResultTable:
    database, name = split_name(m.group("name"), ctx.database)
    table = catalog.get_table(ctx.catalog, database, name)
    rest = text[m.end():]
    inputs = []
    for spec in re.finditer(r"PARTITION\s*\(", rest, _FLAGS):
        body, end = balanced(rest, spec.end() - 1)
        values = _partition_spec(table, body)
        loc = re.match(rf"\s*LOCATION\s+({STRING})", rest[end:], _FLAGS)
        location = unquote_string(loc.group(1)) if loc else default_partition_location(
            table, values)
        inputs.append(_partition_input(table, values, location))
    if not inputs:
        raise QueryFailed("SYNTAX_ERROR", "line 1:1: ALTER TABLE ADD needs PARTITION (...)")
    existing = {tuple(p.values) for p in catalog.get_partitions(ctx.catalog, table)}
    for item in inputs:
        if tuple(item["Values"]) in existing:
            if not m.group("ine"):
                raise QueryFailed("ALREADY_EXISTS", f"Partition already exists: "
                                  f"{item['Values']}")
            continue
        ctx.glue.create_partition(DatabaseName=database, TableName=name, PartitionInput=item)
    return _empty()


def _alter_drop(m, text: str, ctx: QueryContext) -> ResultTable:
    database, name = split_name(m.group("name"), ctx.database)
    table = catalog.get_table(ctx.catalog, database, name)
    rest = text[m.end():]
    existing = {tuple(p.values) for p in catalog.get_partitions(ctx.catalog, table)}
    for spec in re.finditer(r"PARTITION\s*\(", rest, _FLAGS):
        body, _ = balanced(rest, spec.end() - 1)
        values = _partition_spec(table, body)
        if tuple(values) not in existing:
            if m.group("ie"):
                continue
            raise QueryFailed("HIVE_PARTITION_NOT_FOUND", f"Partition not found: {values}")
        ctx.glue.delete_partition(DatabaseName=database, TableName=name, PartitionValues=values)
    return _empty()


def _msck_repair(m, text: str, ctx: QueryContext) -> ResultTable:
    """Add the partitions found as key=value folders under the table location."""
    database, name = split_name(m.group("name"), ctx.database)
    table = catalog.get_table(ctx.catalog, database, name)
    if not table.partition_keys:
        return _empty()
    keys = [k.name for k in table.partition_keys]
    root = table.location.rstrip("/") + "/"
    _, prefix = storage.split_uri(root)
    found: dict[tuple[str, ...], str] = {}
    for obj in ctx.objects.list_files(root):
        relative = obj.key[len(prefix):].split("/")[:-1]
        if len(relative) < len(keys):
            continue
        values = []
        for key, folder in zip(keys, relative, strict=False):
            k, sep, v = folder.partition("=")
            if not sep or k.lower() != key:
                break
            values.append(v)
        if len(values) == len(keys):
            found[tuple(values)] = root + "/".join(relative[: len(keys)]) + "/"
    existing = {tuple(p.values) for p in catalog.get_partitions(ctx.catalog, table)}
    added = []
    for values, location in sorted(found.items()):
        if values in existing:
            continue
        ctx.glue.create_partition(
            DatabaseName=database, TableName=name,
            PartitionInput=_partition_input(table, list(values), location),
        )
        added.append("Repair: Added partition to metastore " + name + ":" +
                     "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=False)))
    return ResultTable(["result"], ["VARCHAR"], [(line,) for line in added])


_STATEMENTS = [
    (rf"CREATE\s+(?:DATABASE|SCHEMA)\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?(?P<name>{NAME})",
     _create_database),
    (rf"DROP\s+(?:DATABASE|SCHEMA)\s+(?P<ie>IF\s+EXISTS\s+)?(?P<name>{NAME})(?P<cascade>\s+CASCADE)?"
     r"(?:\s+RESTRICT)?\s*$", _drop_database),
    (rf"CREATE\s+(?P<external>EXTERNAL\s+)?TABLE\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?"
     rf"(?P<name>{QUALIFIED})", _create_table),
    (rf"DROP\s+TABLE\s+(?P<ie>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED})\s*$", _drop_table),
    (rf"ALTER\s+TABLE\s+(?P<name>{QUALIFIED})\s+ADD\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?",
     _alter_add),
    (rf"ALTER\s+TABLE\s+(?P<name>{QUALIFIED})\s+DROP\s+(?P<ie>IF\s+EXISTS\s+)?", _alter_drop),
    (rf"MSCK\s+REPAIR\s+TABLE\s+(?P<name>{QUALIFIED})\s*$", _msck_repair),
]
