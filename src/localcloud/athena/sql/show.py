"""SHOW TABLES/DATABASES/PARTITIONS/COLUMNS/CREATE TABLE and DESCRIBE, from the Glue catalog."""

from __future__ import annotations

import re

from localcloud.athena import catalog
from localcloud.athena.engine import QueryContext, ResultTable
from localcloud.athena.errors import QueryFailed
from localcloud.athena.sql.names import NAME, QUALIFIED, STRING, split_name, unquote_name
from localcloud.athena.sql.statements import strip_comments

_FLAGS = re.IGNORECASE | re.DOTALL


def run(sql: str, ctx: QueryContext, execution=None) -> ResultTable:
    text = strip_comments(sql).strip().rstrip(";").strip()
    for pattern, handler in _STATEMENTS:
        m = re.fullmatch(pattern, text, _FLAGS)
        if m:
            return handler(m, ctx)
    raise QueryFailed("SYNTAX_ERROR", f"line 1:1: cannot read statement: {text[:80]}")


def _text_table(name: str, values: list[str]) -> ResultTable:
    return ResultTable([name], ["VARCHAR"], [(v,) for v in values])


def _like(pattern: str | None):
    """Athena's SHOW patterns: * wildcard, | alternatives, case-insensitive."""
    if not pattern:
        return lambda name: True
    alternatives = [re.escape(p.strip()).replace(r"\*", ".*") for p in pattern.split("|")]
    regex = re.compile("^(?:" + "|".join(alternatives) + ")$", re.IGNORECASE)
    return lambda name: bool(regex.match(name))


def _show_tables(m, ctx: QueryContext) -> ResultTable:
    database = unquote_name(m.group("db")) if m.group("db") else ctx.database
    if not database:
        raise QueryFailed("SYNTAX_ERROR", "line 1:1: Schema must be specified when session "
                          "schema is not set")
    catalog.get_database(ctx.catalog, database.lower())
    match = _like(m.group("pattern")[1:-1] if m.group("pattern") else None)
    names = []
    for page in ctx.glue.get_paginator("get_tables").paginate(DatabaseName=database.lower()):
        names += [t["Name"] for t in page["TableList"] if match(t["Name"])]
    return _text_table("tab_name", sorted(names))


def _show_databases(m, ctx: QueryContext) -> ResultTable:
    match = _like(m.group("pattern")[1:-1] if m.group("pattern") else None)
    names = []
    for page in ctx.glue.get_paginator("get_databases").paginate():
        names += [d["Name"] for d in page["DatabaseList"] if match(d["Name"])]
    return _text_table("database_name", sorted(names))


def _table(m, ctx: QueryContext, group: str = "table") -> catalog.Table:
    database, name = split_name(m.group(group), ctx.database)
    if m.groupdict().get("db"):
        database = unquote_name(m.group("db")).lower()
    return catalog.get_table(ctx.catalog, database, name)


def _show_partitions(m, ctx: QueryContext) -> ResultTable:
    table = _table(m, ctx)
    if not table.partition_keys:
        raise QueryFailed("NOT_SUPPORTED", f"Table {table.name} is not partitioned")
    keys = [k.name for k in table.partition_keys]
    lines = sorted(
        "/".join(f"{k}={v}" for k, v in zip(keys, p.values, strict=False))
        for p in catalog.get_partitions(ctx.catalog, table)
    )
    return _text_table("partition", lines)


def _show_columns(m, ctx: QueryContext) -> ResultTable:
    table = _table(m, ctx)
    return _text_table("field", [c.name for c in table.all_columns])


def _describe(m, ctx: QueryContext) -> ResultTable:
    table = _table(m, ctx)
    rows = [(c.name, c.hive_type, c.comment or "") for c in table.all_columns]
    if table.partition_keys:
        rows += [("", "", ""), ("# Partition Information", "", ""),
                 ("# col_name", "data_type", "comment"), ("", "", "")]
        rows += [(c.name, c.hive_type, c.comment or "") for c in table.partition_keys]
    return ResultTable(["col_name", "data_type", "comment"], ["VARCHAR"] * 3, rows)


def _show_create_table(m, ctx: QueryContext) -> ResultTable:
    table = _table(m, ctx)
    return _text_table("createtab_stmt", create_table_text(table).split("\n"))


def create_table_text(table: catalog.Table) -> str:
    """The CREATE EXTERNAL TABLE statement that recreates `table` (as SHOW CREATE TABLE)."""
    sd = table.raw.get("StorageDescriptor") or {}
    serde = sd.get("SerdeInfo") or {}
    columns = ",\n".join(f"  `{c.name}` {c.hive_type}" for c in table.columns)
    lines = [f"CREATE EXTERNAL TABLE `{table.database}`.`{table.name}`(", columns + ")"]
    if table.partition_keys:
        keys = ",\n".join(f"  `{c.name}` {c.hive_type}" for c in table.partition_keys)
        lines += ["PARTITIONED BY (", keys + ")"]
    lines += ["ROW FORMAT SERDE", f"  '{serde.get('SerializationLibrary', '')}'"]
    if serde.get("Parameters"):
        props = ",\n".join(f"  '{k}'='{v}'" for k, v in sorted(serde["Parameters"].items()))
        lines += ["WITH SERDEPROPERTIES (", props + ")"]
    lines += ["STORED AS INPUTFORMAT", f"  '{sd.get('InputFormat', '')}'",
              "OUTPUTFORMAT", f"  '{sd.get('OutputFormat', '')}'",
              "LOCATION", f"  '{table.location}'"]
    if table.parameters:
        props = ",\n".join(f"  '{k}'='{v}'" for k, v in sorted(table.parameters.items()))
        lines += ["TBLPROPERTIES (", props + ")"]
    return "\n".join(lines)


_STATEMENTS = [
    (rf"SHOW\s+TABLES(?:\s+(?:IN|FROM)\s+(?P<db>{NAME}))?(?:\s+(?:LIKE\s+)?(?P<pattern>{STRING}))?",
     _show_tables),
    (rf"SHOW\s+(?:DATABASES|SCHEMAS)(?:\s+(?:LIKE\s+)?(?P<pattern>{STRING}))?", _show_databases),
    (rf"SHOW\s+PARTITIONS\s+(?P<table>{QUALIFIED})", _show_partitions),
    (rf"SHOW\s+COLUMNS\s+(?:IN|FROM)\s+(?P<table>{QUALIFIED})(?:\s+(?:IN|FROM)\s+(?P<db>{NAME}))?",
     _show_columns),
    (rf"SHOW\s+CREATE\s+TABLE\s+(?P<table>{QUALIFIED})", _show_create_table),
    (rf"(?:DESCRIBE|DESC)(?:\s+(?:FORMATTED|EXTENDED))?\s+(?P<table>{QUALIFIED})", _describe),
]
