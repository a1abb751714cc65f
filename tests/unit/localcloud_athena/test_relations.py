"""Parquet relations kept between queries (relations.py): made at the second read of the same
files, keyed so that any change of files, partition values or columns misses, dropped oldest
first when over budget but never while a query uses them. DuckDB in memory, no S3."""

from __future__ import annotations

import duckdb
import pytest

from localcloud.athena.engine import new_connection
from localcloud.athena.relations import RelationCache, relation_key

COLUMNS = [("n", "BIGINT"), ("p", "VARCHAR")]
FILES = [("/cache/aaa.parquet", ["1"]), ("/cache/bbb.parquet", ["2"])]


@pytest.fixture
def con():
    connection = new_connection()
    yield connection
    connection.close()


def _exists(con, table: str) -> bool:
    rows = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                       [table]).fetchall()
    return rows[0][0] == 1


def test_key_changes_with_files_values_and_columns():
    key = relation_key(COLUMNS, FILES)
    assert key == relation_key(list(COLUMNS), [(p, list(v)) for p, v in FILES])
    assert key != relation_key(COLUMNS, [("/cache/aab.parquet", ["1"]), FILES[1]])  # new ETag
    assert key != relation_key(COLUMNS, FILES[:1])  # a file deleted
    assert key != relation_key(COLUMNS, [FILES[0], ("/cache/bbb.parquet", ["3"])])
    assert key != relation_key([("n", "DOUBLE"), ("p", "VARCHAR")], FILES)


def test_kept_at_the_second_read_and_answered_without_reading(con):
    cache = RelationCache()
    builds = []

    def build():
        builds.append(1)
        return "SELECT 1 AS n UNION ALL SELECT 2"

    pins: list[str] = []
    first = cache.relation(con, "k", 10, build, pins)
    assert first == "SELECT 1 AS n UNION ALL SELECT 2" and pins == []
    second = cache.relation(con, "k", 10, build, pins)
    assert second.startswith("SELECT * FROM main.") and pins == ["k"]
    third = cache.relation(con, "k", 10, build, pins)
    assert third == second and len(builds) == 2
    assert sorted(con.execute(third).fetchall()) == [(1,), (2,)]
    assert cache.relation(con, "other", 10, build, pins) == first  # another key: read


def test_oldest_unused_entries_are_dropped_over_budget(con):
    cache = RelationCache(max_bytes=25, max_relation_bytes=20)
    pins: list[str] = []
    for key in ("a", "b"):
        for _ in range(2):
            cache.relation(con, key, 10, lambda: "SELECT 1 AS x", pins)
    a_table, b_table = cache.tables()
    cache.release("a")  # `b` stays in use
    for _ in range(2):
        cache.relation(con, "c", 10, lambda: "SELECT 2 AS x", pins)
    assert b_table in cache.tables() and a_table not in cache.tables()
    assert not _exists(con, a_table) and _exists(con, b_table)
    assert cache.relation(con, "too-big", 21, lambda: "SELECT 3 AS x", []) == "SELECT 3 AS x"
    assert cache.relation(con, "too-big", 21, lambda: "SELECT 3 AS x", []) == "SELECT 3 AS x"


def test_a_relation_that_fails_to_load_is_left_to_the_query(con):
    cache = RelationCache()
    bad = "SELECT * FROM read_parquet('/no/such/file.parquet')"
    assert cache.relation(con, "bad", 1, lambda: bad, []) == bad
    assert cache.relation(con, "bad", 1, lambda: bad, []) == bad
    assert cache.tables() == []
    with pytest.raises(duckdb.Error):
        con.execute(bad)
