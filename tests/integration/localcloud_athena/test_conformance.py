"""Athena conformance: each query's expected result is worked out by hand from Trino's
documented semantics over the dataset in conftest.py (never taken from a DuckDB run).

A case is (sql, expected rows as Athena's text values, expected column types or None).
"""

from __future__ import annotations

import pytest

N = None  # SQL NULL

CASES = [
    # -- scans, partitions, names ------------------------------------------------------------
    ("SELECT count(*) FROM events", [["5"]], ["bigint"]),
    ("SELECT count(*) FROM events WHERE dt = '2026-01-02'", [["2"]], None),
    ("SELECT DISTINCT dt FROM events ORDER BY dt", [["2026-01-01"], ["2026-01-02"]], ["varchar"]),
    ("SELECT count(*) FROM awsdatacatalog.conf_db.events", [["5"]], None),
    ('SELECT count(*) FROM "awsdatacatalog"."conf_db"."events"', [["5"]], None),
    ("SELECT count(*) FROM conf_db.users", [["4"]], None),
    ("SELECT dt, sum(amount) FROM events GROUP BY dt ORDER BY dt",
     [["2026-01-01", "35.75"], ["2026-01-02", "7.0"]], ["varchar", "double"]),
    # -- integer division and arithmetic -----------------------------------------------------
    ("SELECT 7/2", [["3"]], ["integer"]),
    ("SELECT -7/2", [["-3"]], None),
    ("SELECT qty/2 FROM events WHERE id = 2", [["1"]], ["integer"]),
    ("SELECT sum(qty)/count(*) FROM events", [["3"]], ["bigint"]),
    ("SELECT avg(qty) FROM events", [["3.4"]], ["double"]),
    ("SELECT 10 % 3", [["1"]], None),
    ("SELECT 7e0/2", [["3.5"]], ["double"]),
    ("SELECT CAST('42' AS integer) + 1", [["43"]], ["integer"]),
    ("SELECT greatest(1, 5, 3)", [["5"]], None),
    # -- approx_distinct ---------------------------------------------------------------------
    ("SELECT approx_distinct(user_id) FROM events", [["3"]], ["bigint"]),
    # -- casts to varchar --------------------------------------------------------------------
    ("SELECT CAST(TIMESTAMP '2026-01-02 03:04:05' AS varchar)",
     [["2026-01-02 03:04:05.000"]], ["varchar"]),
    ("SELECT CAST(ts AS varchar) FROM events WHERE id = 2", [["2026-01-01 12:30:15.250"]], None),
    ("SELECT CAST(DATE '2026-01-02' AS varchar)", [["2026-01-02"]], None),
    ("SELECT CAST(2.5E0 AS varchar)", [["2.5E0"]], None),
    ("SELECT CAST(id AS varchar) FROM events WHERE id = 4", [["4"]], None),
    # -- date and timestamp arithmetic -------------------------------------------------------
    ("SELECT DATE '2026-01-02' - INTERVAL '1' DAY", [["2026-01-01"]], ["date"]),
    ("SELECT DATE '2026-03-31' + INTERVAL '1' MONTH", [["2026-04-30"]], ["date"]),
    ("SELECT TIMESTAMP '2026-01-01 10:00:00' + INTERVAL '90' MINUTE",
     [["2026-01-01 11:30:00.000"]], ["timestamp"]),
    ("SELECT date_add('day', 1, DATE '2026-01-31')", [["2026-02-01"]], ["date"]),
    ("SELECT date_diff('day', DATE '2026-01-01', DATE '2026-03-01')", [["59"]], ["bigint"]),
    ("SELECT date_diff('hour', TIMESTAMP '2026-01-01 23:00:00', TIMESTAMP '2026-01-02 01:30:00')",
     [["2"]], None),
    ("SELECT date_diff('day', TIMESTAMP '2026-01-01 23:00:00', TIMESTAMP '2026-01-02 01:00:00')",
     [["0"]], None),
    ("SELECT date_trunc('month', TIMESTAMP '2026-01-15 10:00:00')",
     [["2026-01-01 00:00:00.000"]], ["timestamp"]),
    ("SELECT date_trunc('week', DATE '2026-01-07')", [["2026-01-05"]], ["date"]),
    ("SELECT (SELECT max(signup) FROM users) - INTERVAL '2' DAY", [["2026-01-01"]], ["date"]),
    ("SELECT year(ts), month(ts), day(ts), hour(ts) FROM events WHERE id = 2",
     [["2026", "1", "1", "12"]], None),
    ("SELECT day_of_week(DATE '2026-01-04')", [["7"]], None),
    ("SELECT name FROM users WHERE signup BETWEEN DATE '2026-01-01' AND DATE '2026-01-02' "
     "ORDER BY name", [["Bob"], ["Cid"]], None),
    ("SELECT max(signup) FROM users", [["2026-01-03"]], ["date"]),
    # -- ISO 8601 and formatting -------------------------------------------------------------
    ("SELECT count(*) FROM events WHERE ts > from_iso8601_timestamp('2026-01-01T12:00:00Z')",
     [["4"]], None),
    ("SELECT from_iso8601_timestamp('2026-01-02T03:04:05+01:00') = "
     "from_iso8601_timestamp('2026-01-02T02:04:05Z')", [["true"]], ["boolean"]),
    ("SELECT from_iso8601_timestamp('2026-01-02T03:04:05Z') >= TIMESTAMP '2026-01-02 00:00:00'",
     [["true"]], None),
    ("SELECT from_iso8601_date('2026-01-02')", [["2026-01-02"]], ["date"]),
    ("SELECT format_datetime(TIMESTAMP '2026-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss')",
     [["2026-01-02 03:04:05"]], ["varchar"]),
    ("SELECT format_datetime(ts, 'yyyyMMdd') FROM events WHERE id = 4", [["20260102"]], None),
    ("SELECT date_format(TIMESTAMP '2026-01-02 03:04:05', '%Y-%m-%d %H:%i:%s')",
     [["2026-01-02 03:04:05"]], None),
    ("SELECT date_format(TIMESTAMP '2026-01-02 03:04:05', '%e/%c/%y')", [["2/1/26"]], None),
    ("SELECT date_parse('2026-01-02 03:04', '%Y-%m-%d %H:%i')",
     [["2026-01-02 03:04:00.000"]], ["timestamp"]),
    # -- JSON --------------------------------------------------------------------------------
    ("SELECT json_extract_scalar(payload, '$.k') FROM events ORDER BY id",
     [["x"], ["y"], [N], [N], [N]], ["varchar"]),
    ("SELECT json_extract_scalar(payload, '$.o') FROM events WHERE id IN (1, 2) ORDER BY id",
     [[N], [N]], None),
    ("SELECT json_extract_scalar(payload, '$.n') FROM events WHERE id = 1", [["1"]], None),
    # -- joins, CTEs, subqueries, set operations ---------------------------------------------
    ("SELECT e.id, u.name FROM events e JOIN users u ON e.user_id = u.user_id ORDER BY e.id",
     [["1", "Ann"], ["2", "Bob"], ["3", "Ann"], ["4", "Cid"], ["5", "Bob"]], None),
    ("SELECT u.name, count(e.id) FROM users u LEFT JOIN events e ON u.user_id = e.user_id "
     "GROUP BY u.name ORDER BY u.name",
     [["Ann", "2"], ["Bob", "2"], ["Cid", "1"], ["Dee", "0"]], None),
    ("WITH t AS (SELECT user_id, sum(amount) AS s FROM events GROUP BY user_id) "
     "SELECT user_id, s FROM t ORDER BY user_id",
     [["u1", "15.75"], ["u2", "20.0"], ["u3", "7.0"]], None),
    ("SELECT count(*) FROM events WHERE user_id IN "
     "(SELECT user_id FROM users WHERE country = 'DE')", [["3"]], None),
    ("SELECT user_id FROM events GROUP BY user_id HAVING count(*) > 1 ORDER BY 1",
     [["u1"], ["u2"]], None),
    ("SELECT 1 UNION ALL SELECT 2 ORDER BY 1", [["1"], ["2"]], None),
    ("SELECT country, count(*) FROM users GROUP BY country ORDER BY country",
     [["DE", "2"], ["FR", "1"], [N, "1"]], None),
    ("SELECT count(*) FROM events e JOIN users u ON e.user_id = u.user_id "
     "WHERE e.dt = '2026-01-01' AND u.country = 'DE'", [["2"]], None),
    # -- windows ---------------------------------------------------------------------------
    ("SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY ts) FROM events ORDER BY id",
     [["1", "1"], ["2", "1"], ["3", "2"], ["4", "1"], ["5", "2"]], ["bigint", "bigint"]),
    ("SELECT id, sum(qty) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
     "FROM events ORDER BY id",
     [["1", "2"], ["2", "5"], ["3", "6"], ["4", "13"], ["5", "17"]], None),
    ("SELECT id, lag(id) OVER (ORDER BY id) FROM events WHERE id <= 2 ORDER BY id",
     [["1", N], ["2", "1"]], None),
    # -- arrays, UNNEST, lambdas, maps, rows -------------------------------------------------
    ("SELECT id, tag FROM events CROSS JOIN UNNEST(tags) AS t(tag) ORDER BY id, tag",
     [["1", "a"], ["1", "b"], ["2", "b"], ["4", "a"], ["4", "c"], ["4", "c"]], None),
    ("SELECT tag, n FROM events CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t(tag, n) "
     "WHERE id = 4 ORDER BY n", [["c", "1"], ["a", "2"], ["c", "3"]], None),
    ("SELECT x, y FROM UNNEST(ARRAY[1, 2, 3], ARRAY['a', 'b']) AS t(x, y) ORDER BY x",
     [["1", "a"], ["2", "b"], ["3", N]], None),
    ("SELECT transform(ARRAY[1, 2, 3], x -> x * 2)", [["[2, 4, 6]"]], ["array"]),
    ("SELECT filter(ARRAY[1, 2, 3, 4], x -> x % 2 = 0)", [["[2, 4]"]], None),
    ("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s)", [["6"]], None),
    ("SELECT cardinality(tags) FROM events WHERE id = 4", [["3"]], ["bigint"]),
    ("SELECT array_join(tags, ',') FROM events WHERE id = 1", [["a,b"]], None),
    ("SELECT count(*) FROM events WHERE contains(tags, 'a')", [["2"]], None),
    ("SELECT element_at(tags, 1) FROM events WHERE id = 4", [["c"]], None),
    ("SELECT split('a,b,c', ',')", [["[a, b, c]"]], ["array"]),
    ("SELECT tags FROM events WHERE id = 1", [["[a, b]"]], ["array"]),
    ("SELECT array_agg(id ORDER BY id) FROM events WHERE user_id = 'u1'", [["[1, 3]"]], None),
    ("SELECT map_keys(MAP(ARRAY['a'], ARRAY[1]))", [["[a]"]], None),
    ("SELECT array_distinct(ARRAY[3, 1, 3, NULL, 2, 1, NULL])", [["[3, 1, null, 2]"]], None),
    ("SELECT slice(ARRAY[1, 2, 3, 4], 2, 2)", [["[2, 3]"]], None),
    ("SELECT slice(ARRAY[1, 2, 3, 4], -2, 5)", [["[3, 4]"]], None),
    ("SELECT sequence(DATE '2026-01-01', DATE '2026-01-03')",
     [["[2026-01-01, 2026-01-02, 2026-01-03]"]], ["array"]),
    ("SELECT element_at(tags, 5) FROM events WHERE id = 1", [[N]], None),
    ("SELECT CAST(ROW(1, 'x') AS ROW(a integer, b varchar))", [["{a=1, b=x}"]], ["row"]),
    # -- strings, conditionals, NULLs --------------------------------------------------------
    ("SELECT concat('a', NULL)", [[N]], None),
    ("SELECT 'a' || 'b'", [["ab"]], None),
    ("SELECT substr('hello', 2, 3)", [["ell"]], None),
    ("SELECT upper(name) FROM users WHERE user_id = 'u1'", [["ANN"]], None),
    ("SELECT regexp_extract('abc123', '[0-9]+')", [["123"]], None),
    ("SELECT regexp_extract('abc', '[0-9]+')", [[N]], None),
    ("SELECT regexp_like('abc', 'b')", [["true"]], ["boolean"]),
    ("SELECT lpad('7', 3, '0')", [["007"]], None),
    ("SELECT format('%s-%d', 'a', 1)", [["a-1"]], None),
    ("SELECT regexp_replace('abcb', 'b')", [["ac"]], None),
    ("SELECT to_unixtime(TIMESTAMP '2026-01-01 00:00:00')", [["1.7672256E9"]], ["double"]),
    ("SELECT from_unixtime(0)", [["1970-01-01 00:00:00.000 UTC"]],
     ["timestamp with time zone"]),
    ("SELECT length('héllo')", [["5"]], ["bigint"]),
    ("SELECT trim('  a  ')", [["a"]], None),
    ("SELECT coalesce(amount, 0) FROM events WHERE id = 5", [["0.0"]], ["double"]),
    ("SELECT id, CASE WHEN amount > 10 THEN 'big' ELSE 'small' END FROM events ORDER BY id",
     [["1", "big"], ["2", "big"], ["3", "small"], ["4", "small"], ["5", "small"]], None),
    ("SELECT if(qty > 2, 'many', 'few') FROM events WHERE id = 1", [["few"]], None),
    ("SELECT count_if(amount IS NULL) FROM events", [["1"]], None),
    ("SELECT count(*) FROM users WHERE score IS NULL", [["1"]], None),
    ("SELECT max_by(id, amount) FROM events", [["2"]], None),
    ("SELECT amount FROM events WHERE id = 3", [["5.25"]], ["double"]),
    ("SELECT score FROM users WHERE user_id = 'u2'", [["5"]], ["integer"]),
]


@pytest.mark.parametrize("sql, expected, types", CASES, ids=[c[0][:60] for c in CASES])
def test_conformance(athena, sql, expected, types):
    rows, column_types, _ = athena.rows(sql)
    assert rows == expected
    if types is not None:
        assert column_types == types


ERRORS = [
    ("SELECT x FROM events",
     "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved"),
    ("SELECT * FROM missing_table",
     "TABLE_NOT_FOUND: Table 'awsdatacatalog.conf_db.missing_table' does not exist"),
    ("SELEC 1", "SYNTAX_ERROR: line 1:"),
    ("SELECT 1/0", "DIVISION_BY_ZERO: Division by zero"),
    ("SELECT no_such_function(1)",
     "FUNCTION_NOT_FOUND: line 1:8: Function 'no_such_function' not registered"),
    ("SELECT format_datetime(ts, 'G') FROM events", "NOT_SUPPORTED: "),
    ("EXPLAIN SELECT 1", "NOT_SUPPORTED: "),
    ("SELECT typeof(1)", "NOT_SUPPORTED: typeof()"),
    ("SELECT date_trunc('day', max(ts)) FROM events",
     "NOT_SUPPORTED: date_trunc() on an aggregate"),
    ("SELECT * FROM other_catalog.conf_db.events", "CATALOG_NOT_FOUND: "),
]


@pytest.mark.parametrize("sql, reason", ERRORS, ids=[e[0][:40] for e in ERRORS])
def test_failures_read_like_athena(athena, sql, reason):
    execution = athena.run(sql)
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["StateChangeReason"].startswith(reason)
    error = execution["Status"]["AthenaError"]
    assert error["ErrorCategory"] == 2 and error["ErrorMessage"].startswith(reason)
