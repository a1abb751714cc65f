"""Statements that write data: CREATE TABLE AS SELECT, INSERT INTO and UNLOAD.

The SELECT runs on DuckDB like any query; its rows are written as Parquet (or JSON) files to S3,
one folder per partition, and the catalog is updated (table and partitions) as Athena does.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from localcloud.athena import catalog, storage
from localcloud.athena.engine import QueryContext, ResultTable, prepare_select
from localcloud.athena.errors import QueryFailed, not_supported
from localcloud.athena.sql.ddl import PARQUET
from localcloud.athena.sql.dialect import parse_query
from localcloud.athena.sql.names import (
    QUALIFIED,
    STRING,
    balanced,
    split_name,
    split_top_level,
    unquote_string,
)
from localcloud.athena.sql.statements import strip_comments
from localcloud.athena.types import duckdb_to_hive

_FLAGS = re.IGNORECASE | re.DOTALL
_MAX_PARTITIONS = 100  # Athena's limit of partitions written by one CTAS/INSERT
_JSON = {
    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe", "Parameters": {}},
}


def run(sql: str, ctx: QueryContext, execution) -> ResultTable:
    text = strip_comments(sql).strip().rstrip(";").strip()
    if re.match(r"CREATE\b", text, _FLAGS):
        return _ctas(text, ctx, execution)
    if re.match(r"INSERT\b", text, _FLAGS):
        return _insert(text, ctx, execution)
    return _unload(text, ctx, execution)


def _properties(body: str) -> dict[str, object]:
    """Trino WITH (...) properties: strings, numbers and ARRAY['a', 'b']."""
    props: dict[str, object] = {}
    for item in split_top_level(body):
        key, sep, value = item.partition("=")
        if not sep:
            raise QueryFailed("SYNTAX_ERROR", f"line 1:1: cannot read property {item!r}")
        value = value.strip()
        array = re.fullmatch(r"ARRAY\s*\[(.*)\]", value, _FLAGS)
        if array:
            props[key.strip().lower()] = [
                unquote_string(v).lower() for v in split_top_level(array.group(1))
            ]
        elif value.startswith("'"):
            props[key.strip().lower()] = unquote_string(value)
        else:
            props[key.strip().lower()] = value
    return props


def _check_properties(props: dict, allowed: set[str]) -> None:
    unknown = set(props) - allowed
    if unknown:
        raise not_supported(f"Table property {', '.join(sorted(unknown))}")


def _run_into(con, query_sql: str, ctx: QueryContext) -> tuple[list[str], list[str], int]:
    """Run the SELECT into DuckDB table __result; (names, duckdb types, row count)."""
    sql = prepare_select(con, parse_query(query_sql), ctx)
    con.execute(f"CREATE TEMP TABLE __result AS {sql}")
    described = con.execute("DESCRIBE __result").fetchall()
    count = con.execute("SELECT count(*) FROM __result").fetchone()[0]
    return [r[0] for r in described], [r[1] for r in described], count


def _format(props: dict) -> str:
    fmt = str(props.get("format", "PARQUET")).upper()
    if fmt not in ("PARQUET", "JSON"):
        raise not_supported(f"Writing format '{fmt}'")
    return fmt


def hive_folders(location: str, partition_cols: list[str]):
    """Folder for partition values under `location`: `location/k=v/k2=v2/`."""
    root = location.rstrip("/") + "/"
    return lambda values: root + "".join(f"{c}={v}/" for c, v in zip(partition_cols, values,
                                                                        strict=True))


def _write_files(
    con, ctx: QueryContext, folder_for, columns: list[str], partition_cols: list[str],
    fmt: str, prefix: str,
) -> list[tuple[list[str], str]]:
    """Write __result, one folder per partition (`folder_for(values)`); [(values, folder)]."""
    data_cols = [c for c in columns if c not in partition_cols]
    select_cols = ", ".join(f'"{c}"' for c in data_cols) or "1 AS __empty"
    groups: list[tuple] = [()]
    if partition_cols:
        keys = ", ".join(f'"{c}"' for c in partition_cols)
        groups = con.execute(f"SELECT DISTINCT {keys} FROM __result ORDER BY {keys}").fetchall()
        if len(groups) > _MAX_PARTITIONS:
            raise QueryFailed(
                "HIVE_TOO_MANY_OPEN_PARTITIONS",
                f"Exceeded limit of {_MAX_PARTITIONS} open writers for partitions/buckets",
            )
    written = []
    extension = ".parquet" if fmt == "PARQUET" else ".json"
    copy_format = "(FORMAT PARQUET, COMPRESSION SNAPPY)" if fmt == "PARQUET" else \
        "(FORMAT JSON)"
    with tempfile.TemporaryDirectory(prefix="athena-write-") as tmp:
        for n, values in enumerate(groups):
            conditions = [
                f'"{c}" IS NULL' if v is None else f'CAST("{c}" AS VARCHAR) = ?'
                for c, v in zip(partition_cols, values, strict=False)
            ]
            params = [str(v) for v in values if v is not None]
            clause = (" WHERE " + " AND ".join(conditions)) if conditions else ""
            path = Path(tmp) / f"part-{n}{extension}"
            con.execute(
                f"COPY (SELECT {select_cols} FROM __result{clause}) TO '{path}' {copy_format}",
                params,
            )
            text_values = [
                "__HIVE_DEFAULT_PARTITION__" if v is None else _partition_text(v) for v in values
            ]
            folder = folder_for(text_values)
            storage.upload_file(ctx.s3, str(path), f"{folder}{prefix}_{n:05d}{extension}")
            written.append((text_values, folder))
    return written


def _partition_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- CTAS ---------------------------------------------------------------------------------------


def _ctas(text: str, ctx: QueryContext, execution) -> ResultTable:
    m = re.match(rf"CREATE\s+TABLE\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?(?P<name>{QUALIFIED})\s*",
                 text, _FLAGS)
    rest = text[m.end():]
    props: dict = {}
    if re.match(r"WITH\s*\(", rest, _FLAGS):
        body, end = balanced(rest, rest.index("("))
        props = _properties(body)
        rest = rest[end:].lstrip()
    _check_properties(props, {"format", "external_location", "partitioned_by",
                              "write_compression", "parquet_compression", "bucketed_by",
                              "bucket_count", "field_delimiter", "table_type"})
    if props.get("bucketed_by"):
        raise not_supported("CTAS with bucketed_by")
    if str(props.get("table_type", "HIVE")).upper() != "HIVE":
        raise not_supported(f"CTAS with table_type '{props['table_type']}'")
    query_match = re.match(r"AS\s+(.*?)(\s+WITH\s+(NO\s+)?DATA)?$", rest, _FLAGS)
    if not query_match:
        raise QueryFailed("SYNTAX_ERROR", "line 1:1: CREATE TABLE AS needs AS SELECT ...")
    with_no_data = bool(query_match.group(3))
    database, name = split_name(m.group("name"), ctx.database)
    catalog.get_database(ctx.catalog, database)
    try:
        ctx.glue.get_table(DatabaseName=database, Name=name)
        if m.group("ine"):
            return ResultTable([], [], [], update_count=0)
        raise QueryFailed("ALREADY_EXISTS", f"Table {catalog.DEFAULT_CATALOG}.{database}.{name} "
                          "already exists")
    except ctx.glue.exceptions.EntityNotFoundException:
        pass
    fmt = _format(props)
    location = props.get("external_location") or (
        (execution.output_location or "").rstrip("/") + f"/tables/{execution.id}/"
    )
    location = str(location).rstrip("/") + "/"
    if storage.has_objects(ctx.s3, location):
        raise QueryFailed("HIVE_PATH_ALREADY_EXISTS", f"Target directory for table "
                          f"'{database}.{name}' already exists: {location}")
    partition_cols = list(props.get("partitioned_by") or [])
    con = ctx.connect()
    try:
        columns, types, count = _run_into(con, query_match.group(1), ctx)
        _check_partition_order(columns, partition_cols)
        if with_no_data:
            con.execute("DELETE FROM __result")
            count = 0
        written = [] if with_no_data else _write_files(
            con, ctx, hive_folders(location, partition_cols), columns, partition_cols, fmt,
            execution.id,
        )
    finally:
        con.close()
    hive = {c: duckdb_to_hive(t) for c, t in zip(columns, types, strict=False)}
    sd_format = PARQUET if fmt == "PARQUET" else _JSON
    sd = {**{k: (dict(v) if isinstance(v, dict) else v) for k, v in sd_format.items()},
          "Columns": [{"Name": c.lower(), "Type": hive[c]} for c in columns
                      if c not in partition_cols],
          "Location": location}
    ctx.glue.create_table(DatabaseName=database, TableInput={
        "Name": name, "TableType": "EXTERNAL_TABLE", "StorageDescriptor": sd,
        "PartitionKeys": [{"Name": c, "Type": hive[c]} for c in partition_cols],
        "Parameters": {"EXTERNAL": "TRUE", "classification": fmt.lower(),
                       "has_encrypted_data": "false"},
    })
    for values, folder in written if partition_cols else []:
        ctx.glue.create_partition(DatabaseName=database, TableName=name, PartitionInput={
            "Values": values, "StorageDescriptor": {**sd, "Location": folder},
        })
    return ResultTable([], [], [], update_count=count)


def _check_partition_order(columns: list[str], partition_cols: list[str]) -> None:
    lowered = [c.lower() for c in columns]
    missing = [p for p in partition_cols if p not in lowered]
    if missing:
        raise QueryFailed("COLUMN_NOT_FOUND", f"Partition column(s) {', '.join(missing)} are not "
                          "in the query's columns")
    if partition_cols and lowered[-len(partition_cols):] != partition_cols:
        raise QueryFailed(
            "HIVE_COLUMN_ORDER_MISMATCH", "Partition keys must be the last columns in the table "
            "and in the same order as the table properties: " + str(partition_cols)
        )


# -- INSERT INTO --------------------------------------------------------------------------------


def _insert(text: str, ctx: QueryContext, execution) -> ResultTable:
    m = re.match(rf"INSERT\s+INTO\s+(?P<name>{QUALIFIED})\s*", text, _FLAGS)
    database, name = split_name(m.group("name"), ctx.database)
    table = catalog.get_table(ctx.catalog, database, name)
    rest = text[m.end():]
    target_cols = [c.name for c in table.all_columns]
    if rest.startswith("(") and not re.match(r"\(\s*(SELECT|WITH)\b", rest, _FLAGS):
        body, end = balanced(rest, 0)
        given = [c.strip().strip('"`').lower() for c in split_top_level(body)]
        rest = rest[end:]
    else:
        given = target_cols
    fmt = {"parquet": "PARQUET", "json": "JSON"}.get(table.data_format)
    if fmt is None:
        raise not_supported(f"INSERT INTO a table stored as {table.data_format}")
    con = ctx.connect()
    try:
        columns, _, count = _run_into(con, rest, ctx)
        if len(columns) != len(given):
            raise QueryFailed(
                "TYPE_MISMATCH", f"Insert query has {len(columns)} columns, target table "
                f"'{database}.{name}' has {len(given)}"
            )
        by_name = dict(zip(given, columns, strict=False))
        select = ", ".join(
            f'CAST({_q(by_name[c.name]) if c.name in by_name else "NULL"} AS {c.duck_type}) '
            f'AS {_q(c.name)}' for c in table.all_columns
        )
        con.execute(f"CREATE TEMP TABLE __typed AS SELECT {select} FROM __result")
        con.execute("DROP TABLE __result")
        con.execute("ALTER TABLE __typed RENAME TO __result")
        keys = [k.name for k in table.partition_keys]
        existing = {tuple(p.values): p.location for p in catalog.get_partitions(ctx.catalog, table)}
        default = hive_folders(table.location, keys)

        def folder_for(values: list[str]) -> str:
            # Rows of an existing partition go to that partition's own location.
            return existing.get(tuple(values)) or default(values)

        written = _write_files(con, ctx, folder_for, target_cols, keys, fmt, execution.id)
        if keys:
            _register_partitions(ctx, table, written, set(existing))
    finally:
        con.close()
    return ResultTable([], [], [], update_count=count)


def _register_partitions(ctx: QueryContext, table: catalog.Table, written, existing) -> None:
    sd = table.raw.get("StorageDescriptor") or {}
    for values, folder in written:
        if tuple(values) in existing:
            continue
        ctx.glue.create_partition(
            DatabaseName=table.database, TableName=table.name,
            PartitionInput={"Values": values, "StorageDescriptor": {**sd, "Location": folder}},
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- UNLOAD -------------------------------------------------------------------------------------


def _unload(text: str, ctx: QueryContext, execution) -> ResultTable:
    m = re.match(r"UNLOAD\s*\(", text, _FLAGS)
    if not m:
        raise QueryFailed("SYNTAX_ERROR", "line 1:1: UNLOAD needs (SELECT ...) TO 's3://...'")
    query_sql, end = balanced(text, m.end() - 1)
    rest = text[end:]
    to = re.match(rf"\s*TO\s+({STRING})\s*", rest, _FLAGS)
    if not to:
        raise QueryFailed("SYNTAX_ERROR", "line 1:1: UNLOAD needs TO 's3://...'")
    location = unquote_string(to.group(1)).rstrip("/") + "/"
    rest = rest[to.end():]
    props: dict = {}
    if re.match(r"WITH\s*\(", rest, _FLAGS):
        body, _ = balanced(rest, rest.index("("))
        props = _properties(body)
    _check_properties(props, {"format", "compression", "partitioned_by", "field_delimiter"})
    fmt = _format(props)
    if storage.has_objects(ctx.s3, location):
        raise QueryFailed("HIVE_PATH_ALREADY_EXISTS", f"Target location {location} is not empty")
    partition_cols = list(props.get("partitioned_by") or [])
    con = ctx.connect()
    try:
        columns, _, count = _run_into(con, query_sql, ctx)
        _check_partition_order(columns, partition_cols)
        written = _write_files(con, ctx, hive_folders(location, partition_cols), columns,
                               partition_cols, fmt, execution.id)
    finally:
        con.close()
    extension = ".parquet" if fmt == "PARQUET" else ".json"
    files = [f"{folder}{execution.id}_{n:05d}{extension}" for n, (_, folder) in
             enumerate(written)]
    manifest = (execution.output_location or location).rstrip("/") + \
        f"/{execution.id}-manifest.csv"
    storage.write_object(ctx.s3, manifest, ("\n".join(files) + "\n").encode(), "text/csv")
    return ResultTable([], [], [], update_count=count, extra={"manifest": manifest})
