"""Athena → DuckDB translation: each rewrite where sqlglot alone would change the meaning, checked
by running the translated SQL on an in-memory DuckDB with our macros (no S3, no server)."""

from __future__ import annotations

import datetime as dt

import pytest

from localcloud.athena.engine import name_columns, new_connection
from localcloud.athena.errors import QueryFailed
from localcloud.athena.sql.dialect import parse_query
from localcloud.athena.sql.translate import to_duckdb


def run(sql: str):
    con = new_connection()
    tree = parse_query(sql)
    name_columns(tree)
    cursor = con.execute(to_duckdb(tree))
    return cursor.fetchall(), [d[0] for d in cursor.description]


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT 7/2", 3),
        ("SELECT -7/2", -3),
        ("SELECT 7e0/2", 3.5),
        ("SELECT CAST(TIMESTAMP '2026-01-02 03:04:05' AS varchar)", "2026-01-02 03:04:05.000"),
        ("SELECT CAST(TIMESTAMP '2026-01-02 03:04:05.123456' AS varchar)",
         "2026-01-02 03:04:05.123"),
        ("SELECT CAST(1.5e0 AS varchar)", "1.5E0"),
        ("SELECT CAST(12 AS varchar)", "12"),
        ("SELECT DATE '2026-01-02' - INTERVAL '1' DAY", dt.date(2026, 1, 1)),
        ("SELECT date_add('month', 1, DATE '2026-01-31')", dt.date(2026, 2, 28)),
        ("SELECT date_diff('day', TIMESTAMP '2026-01-01 23:00', TIMESTAMP '2026-01-02 01:00')", 0),
        ("SELECT json_extract_scalar('{\"a\": {\"b\": 1}}', '$.a')", None),
        ("SELECT json_extract_scalar('{\"a\": [1]}', '$.a')", None),
        ("SELECT json_extract_scalar('{\"a\": 5}', '$.a')", "5"),
        ("SELECT json_extract_scalar('oops', '$.a')", None),
        ("SELECT approx_distinct(x) FROM (VALUES 1, 2, 2, 3) AS t(x)", 3),
        ("SELECT format_datetime(TIMESTAMP '2026-01-02 03:04:05', 'dd/MM/yyyy HH:mm')",
         "02/01/2026 03:04"),
        ("SELECT date_format(TIMESTAMP '2026-01-02 03:04:05', '%d.%m.%Y %H:%i')",
         "02.01.2026 03:04"),
        ("SELECT from_iso8601_timestamp('2026-01-02T03:04:05Z') >= TIMESTAMP '2026-01-02 03:00:00'",
         True),
        ("SELECT regexp_extract('abc', '\\d+')", None),
        ("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10)", 60),
    ],
)
def test_trino_meaning(sql, expected):
    rows, _ = run(sql)
    assert rows == [(expected,)]


def test_unnamed_columns_are_named_like_trino():
    _, names = run("SELECT 1, 2 AS b, count(*) FROM (VALUES 1) AS t(x)")
    assert names == ["_col0", "b", "_col2"]


def test_multi_array_unnest_zips_with_nulls():
    rows, _ = run("SELECT x, y FROM UNNEST(ARRAY[1, 2], ARRAY['a']) AS t(x, y) ORDER BY x")
    assert rows == [(1, "a"), (2, None)]


def test_division_by_zero_fails():
    with pytest.raises(Exception, match="DIVISION_BY_ZERO"):
        run("SELECT 1/0")


def test_interval_arithmetic_on_aggregates_is_refused():
    with pytest.raises(QueryFailed, match="NOT_SUPPORTED"):
        to_duckdb(parse_query("SELECT max(d) - INTERVAL '1' DAY FROM t"))


def test_non_literal_format_pattern_is_refused():
    with pytest.raises(QueryFailed, match="non-literal format pattern"):
        to_duckdb(parse_query("SELECT format_datetime(ts, fmt) FROM t"))


@pytest.mark.parametrize("sql, prefix", [
    ("SELEC 1", "SYNTAX_ERROR: line 1:7"),
    ("SELECT 1; SELECT 2", "SYNTAX_ERROR: line 1:1: Only one sql statement"),
    ("SELECT FROM", "SYNTAX_ERROR: line 1:11"),
])
def test_syntax_errors_carry_a_position(sql, prefix):
    with pytest.raises(QueryFailed) as failure:
        parse_query(sql)
    assert failure.value.reason.startswith(prefix)
