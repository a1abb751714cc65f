"""SELECT / WITH / VALUES: parse as Trino, load the tables read, run on DuckDB."""

from __future__ import annotations

from localcloud.athena.engine import QueryContext, ResultTable, run_select
from localcloud.athena.sql.dialect import parse_query


def run(sql: str, ctx: QueryContext, execution=None) -> ResultTable:
    return run_select(parse_query(sql), ctx)
