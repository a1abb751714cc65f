"""DuckDB as Athena's engine: one connection per query, the catalog tables it reads loaded from
S3 (only the partitions the WHERE clause allows), then the translated SQL run on them."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import duckdb
from sqlglot import exp

from localcloud.athena import catalog
from localcloud.athena.catalog import CatalogReader, Partition, Table
from localcloud.athena.errors import QueryFailed
from localcloud.athena.projection import projected_partitions
from localcloud.athena.relations import relation_key, relations
from localcloud.athena.sql.macros import install_functions
from localcloud.athena.sql.tables import (
    TableRef,
    find_table_refs,
    pruning_conjuncts,
    qualified,
    replace_table_refs,
)
from localcloud.athena.sql.translate import to_duckdb
from localcloud.athena.storage import ObjectReader, S3Object, Scan

_logger = logging.getLogger(__name__)


@dataclass
class QueryContext:
    """What one execution needs from its surroundings: clients of the endpoint for writes,
    the catalog and the scan (over moto's state in this process) for reads."""

    glue: Any
    s3: Any
    catalog: CatalogReader
    scan: Scan
    database: str | None = None
    connections: list = field(default_factory=list)
    cancelled: bool = False
    pins: list[str] = field(default_factory=list)  # kept relations in use (relations.py)

    @property
    def objects(self) -> ObjectReader:
        return self.scan.reader

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A new engine connection that StopQueryExecution can interrupt."""
        if self.cancelled:
            raise QueryFailed("USER_CANCELLED", "Query cancelled by user")
        con = new_connection()
        self.connections.append(con)
        return con

    def close(self) -> None:
        """Close the engine connections and release the kept relations this query used."""
        for con in self.connections:
            con.close()
        for key in self.pins:
            relations.release(key)
        self.pins.clear()

    def interrupt(self) -> None:
        self.cancelled = True
        for con in self.connections:
            try:
                con.interrupt()
            except duckdb.Error:
                pass


@dataclass
class ResultTable:
    """Rows and DuckDB column types of a finished query."""

    names: list[str]
    types: list[str]
    rows: list[tuple]
    update_count: int | None = None
    extra: dict = field(default_factory=dict)


_engine_lock = threading.Lock()
_engine: duckdb.DuckDBPyConnection | None = None


def new_connection() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with Trino's arithmetic, UTC session zone and our macros.

    It is a cursor of one in-memory database per process that holds the macros and functions
    (defining them costs ~15 ms, a cursor ~0.1 ms); each cursor has its own session settings,
    temporary views and tables, so queries stay apart (decision 115)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            base = duckdb.connect(":memory:")
            base.execute("SET threads = 2")
            # Parquet footers are kept between queries; cached files never change in place
            # (their names hold the object's ETag), and DuckDB also checks modification times.
            base.execute("SET GLOBAL parquet_metadata_cache = true")
            # Macro bodies are bound with the settings of the connection defining them.
            _session_settings(base)
            install_functions(base)
            _engine = base
        con = _engine.cursor()
    _session_settings(con)
    return con


def _session_settings(con) -> None:
    con.execute("SET integer_division = true")
    con.execute("SET TimeZone = 'UTC'")


def prepare_select(con, tree: exp.Expression, ctx: QueryContext) -> str:
    """Load the tables `tree` reads into `con`; return the DuckDB SQL to run (tree is changed)."""
    refs = find_table_refs(tree)
    tables = [_resolve(ctx.catalog, ref, ctx.database) for ref in refs]
    for ref, table in zip(refs, tables, strict=False):
        others = _other_sources(ref, refs, tables)
        conjuncts = pruning_conjuncts(ref, {k.name for k in table.partition_keys}, others)
        load_table(con, ref.internal, table, ctx, conjuncts)
    replace_table_refs(refs)
    name_columns(tree)
    return to_duckdb(tree)


def name_columns(tree: exp.Expression) -> None:
    """Trino names unnamed result columns _col0, _col1, ... (DuckDB would use the expression)."""
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    if isinstance(select, exp.Subquery):
        select = select.unnest()
    if not isinstance(select, exp.Select):
        return
    for i, expression in enumerate(list(select.expressions)):
        if isinstance(expression, (exp.Alias, exp.Column, exp.Star)):
            continue
        expression.replace(exp.alias_(expression.copy(), f"_col{i}"))


def run_select(tree: exp.Expression, ctx: QueryContext) -> ResultTable:
    con = ctx.connect()
    try:
        sql = prepare_select(con, tree, ctx)
        _logger.debug("duckdb: %s", sql)
        return execute(con, sql)
    finally:
        con.close()


def execute(con, sql: str) -> ResultTable:
    cursor = con.execute(sql)
    # Trino's identifiers are case-insensitive and reported in lower case (aliases included).
    names = [d[0].lower() for d in cursor.description]
    types = [str(d[1]) for d in cursor.description]
    rows = cursor.fetchall()
    return ResultTable(names, types, rows)


def _resolve(glue: CatalogReader, ref: TableRef, default_database: str | None) -> Table:
    catalog.check_catalog(ref.catalog)
    database, name = qualified(ref, default_database)
    if not database:
        raise QueryFailed(
            "SYNTAX_ERROR", f"line 1:1: Schema must be specified when session schema is not set "
            f"(table '{name}')"
        )
    return catalog.get_table(glue, database, name)


def _other_sources(ref: TableRef, refs: list[TableRef], tables: list[Table]):
    """Columns of the other sources of ref's SELECT (None: a source we cannot see into)."""
    select = ref.node.parent_select
    others: dict[str, set[str] | None] = {}
    if select is None:
        return others
    by_node = {id(r.node): t for r, t in zip(refs, tables, strict=False)}
    from_ = select.args.get("from_") or select.args.get("from")
    sources = ([from_.this] if from_ is not None else []) + [
        j.this for j in select.args.get("joins") or []
    ]
    for source in sources:
        if source is ref.node:
            continue
        table = by_node.get(id(source))
        alias = source.alias_or_name.lower() if hasattr(source, "alias_or_name") else "?"
        others[alias] = {c.name for c in table.all_columns} if table else None
    return others


# -- loading a table ----------------------------------------------------------------------------


def load_table(con, name: str, table: Table, ctx: QueryContext, conjuncts: list) -> None:
    """Create relation `name` in `con` holding `table`'s rows from the partitions allowed."""
    if table.partition_keys:
        partitions = (
            projected_partitions(table) if table.projected
            else catalog.get_partitions(ctx.catalog, table)
        )
        partitions = [p for p in select_partitions(con, table, partitions, conjuncts)
                      if p.location]
        listed = ctx.objects.list_locations([p.location for p in partitions])
        files: list[tuple[S3Object, list[str]]] = [
            (f, partition.values) for partition in partitions for f in listed[partition.location]
        ]
    else:
        files = [(f, []) for f in ctx.objects.list_files(table.location)]
    local = [(ctx.scan.fetch(obj), values) for obj, values in files]
    if table.data_format == "parquet" and local:
        key = relation_key([(c.name, c.duck_type) for c in table.all_columns], local)
        size = sum(obj.size for obj, _ in files)
        sql = relations.relation(con, key, size, lambda: _relation_sql(con, table, local),
                                 ctx.pins)
    else:
        sql = _relation_sql(con, table, local)
    con.execute(f'CREATE TEMP VIEW "{name}" AS {sql}')


def select_partitions(
    con, table: Table, partitions: list[Partition], conjuncts: list
) -> list[Partition]:
    """The partitions whose values satisfy every pruning conjunct (all when there are none)."""
    if not conjuncts or not partitions:
        return partitions
    keys = table.partition_keys
    columns = ", ".join(f'"{k.name}" {k.duck_type}' for k in keys)
    con.execute(f"CREATE TEMP TABLE __parts (__i INTEGER, {columns})")
    rows = [
        [i] + [None if v == "__HIVE_DEFAULT_PARTITION__" else v for v in p.values]
        for i, p in enumerate(partitions)
    ]
    placeholders = ", ".join(["?"] * (len(keys) + 1))
    con.executemany(f"INSERT INTO __parts VALUES ({placeholders})", rows)
    condition = " AND ".join(f"({to_duckdb(c)})" for c in conjuncts)
    try:
        keep = {r[0] for r in con.execute(f"SELECT __i FROM __parts WHERE {condition}").fetchall()}
    except duckdb.Error as error:  # the query itself will report it; read every partition
        _logger.debug("no pruning for %s: %s", table.name, error)
        keep = set(range(len(partitions)))
    finally:
        con.execute("DROP TABLE __parts")
    return [p for i, p in enumerate(partitions) if i in keep]


def _relation_sql(con, table: Table, files: list[tuple[str, list[str]]]) -> str:
    """SELECT producing the table's columns (catalog types) + partition columns (strings)."""
    keys = table.partition_keys
    if not files:
        cols = [f'CAST(NULL AS {c.duck_type}) AS "{c.name}"' for c in table.all_columns]
        return f"SELECT {', '.join(cols)} WHERE false"
    paths = "[" + ", ".join(_quote(p) for p, _ in files) + "]"
    reader = _reader_sql(table, paths)
    present = _present_columns(con, table, reader)
    select = []
    for column in table.columns:
        source = present.get(column.name)
        value = f'r."{source}"' if source else "NULL"
        select.append(f'CAST({value} AS {column.duck_type}) AS "{column.name}"')
    if not keys:
        return f"SELECT {', '.join(select)} FROM {reader} r"
    values_rows = []
    for path, values in files:
        cells = [_quote(path)] + [
            "NULL" if v == "__HIVE_DEFAULT_PARTITION__" else _quote(v) for v in values
        ]
        values_rows.append(f"({', '.join(cells)})")
    key_names = ", ".join(f'"{k.name}"' for k in keys)
    for key in keys:
        select.append(f'CAST(p."{key.name}" AS {key.duck_type}) AS "{key.name}"')
    return (
        f"SELECT {', '.join(select)} FROM {reader} r JOIN (VALUES {', '.join(values_rows)}) "
        f"AS p(__file, {key_names}) ON r.__file = p.__file"
    )


def _reader_sql(table: Table, paths: str) -> str:
    if table.data_format == "parquet":
        return f"read_parquet({paths}, union_by_name = true, filename = '__file')"
    if table.data_format == "json":
        columns = ", ".join(f"{_quote(c.name)}: {_quote(c.duck_type)}" for c in table.columns)
        # The OpenX SerDe's ignore.malformed.json turns unreadable lines into all-NULL rows, as
        # DuckDB's ignore_errors does; without it a malformed line fails the query.
        lenient = table.serde_parameters.get("ignore.malformed.json", "").lower() == "true"
        return (
            f"read_json({paths}, format = 'newline_delimited', columns = {{{columns}}}, "
            f"filename = '__file', maximum_object_size = 134217728, "
            f"ignore_errors = {'true' if lenient else 'false'})"
        )
    return _csv_reader_sql(table, paths)


def _csv_reader_sql(table: Table, paths: str) -> str:
    params = table.serde_parameters
    serde = ((table.raw.get("StorageDescriptor") or {}).get("SerdeInfo") or {}).get(
        "SerializationLibrary", ""
    )
    skip = int(table.parameters.get("skip.header.line.count", "0") or 0)
    opencsv = serde.endswith("OpenCSVSerde")
    delim = params.get("separatorChar" if opencsv else "field.delim", "," if opencsv else "\x01")
    quote = params.get("quoteChar", '"') if opencsv else ""
    escape = params.get("escapeChar", "\\") if opencsv else ""
    # OpenCSVSerde reads every column as text and converts afterwards.
    columns = ", ".join(
        f"{_quote(c.name)}: {_quote('VARCHAR' if opencsv else c.duck_type)}"
        for c in table.columns
    )
    return (
        f"read_csv({paths}, delim = {_quote(delim)}, quote = {_quote(quote)}, "
        f"escape = {_quote(escape)}, header = false, skip = {skip}, columns = {{{columns}}}, "
        f"nullstr = '\\N', filename = '__file', auto_detect = false)"
    )


def _present_columns(con, table: Table, reader: str) -> dict[str, str]:
    """Catalog column name -> the file column holding it (names match case-insensitively)."""
    if table.data_format != "parquet":
        return {c.name: c.name for c in table.columns}
    described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    by_lower = {row[0].lower(): row[0] for row in described if row[0] != "__file"}
    return {c.name: by_lower[c.name] for c in table.columns if c.name in by_lower}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    return '"' + re.sub('"', '""', name) + '"'
