"""Pure helpers: statement classification, parameters, patterns, Hive types, pruning conjuncts,
result text and files, DDL → Glue TableInput, partition projection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from localcloud.athena import results
from localcloud.athena.catalog import Column, Table, data_format
from localcloud.athena.errors import QueryFailed
from localcloud.athena.projection import projected_partitions
from localcloud.athena.sql.ddl import table_input_from_clauses
from localcloud.athena.sql.dialect import parse_query
from localcloud.athena.sql.params import bind_parameters
from localcloud.athena.sql.patterns import joda_to_strftime, mysql_to_strftime
from localcloud.athena.sql.statements import classify
from localcloud.athena.sql.tables import find_table_refs, pruning_conjuncts
from localcloud.athena.types import athena_column_type, duckdb_to_hive, parse_hive_type


@pytest.mark.parametrize("sql, family, substatement", [
    ("select 1", "query", "SELECT"),
    ("-- c\nWITH a AS (SELECT 1) SELECT * FROM a", "query", "SELECT"),
    ("CREATE TABLE t WITH (format='PARQUET') AS SELECT 1", "write", "CREATE_TABLE_AS_SELECT"),
    ("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/t/'", "ddl", "CREATE_TABLE"),
    ("MSCK REPAIR TABLE t", "ddl", "MSCK_REPAIR_TABLE"),
    ("ALTER TABLE t ADD PARTITION (d='1')", "ddl", "ALTER_TABLE_ADD_PARTITION"),
    ("INSERT INTO t SELECT 1", "write", "INSERT"),
    ("UNLOAD (SELECT 1) TO 's3://b/x/'", "write", "UNLOAD"),
    ("SHOW TABLES IN db", "show", "SHOW_TABLES"),
    ("DESCRIBE t", "show", "DESCRIBE"),
])
def test_classify(sql, family, substatement):
    kind = classify(sql)
    assert (kind.family, kind.substatement_type) == (family, substatement)


def test_classify_unknown():
    assert classify("EXPLAIN SELECT 1") is None


def test_bind_parameters_skips_strings_and_comments():
    sql = "SELECT '?', ? -- ?\n, \"?\", ?"
    assert bind_parameters(sql, ["'a''b'", "DATE '2026-01-01'"]) == \
        "SELECT '?', 'a''b' -- ?\n, \"?\", DATE '2026-01-01'"


@pytest.mark.parametrize("params, message", [
    (["1"], "expected 2 but found 1"),
    (["1", "drop table x"], "is not a literal"),
])
def test_bind_parameters_rejects(params, message):
    with pytest.raises(QueryFailed, match=message):
        bind_parameters("SELECT ?, ?", params)


def test_patterns():
    assert joda_to_strftime("yyyy-MM-dd'T'HH:mm:ss.SSS") == "%Y-%m-%dT%H:%M:%S.%g"
    assert mysql_to_strftime("%Y-%m-%d %H:%i:%s %e") == "%Y-%m-%d %H:%M:%S %-d"
    with pytest.raises(QueryFailed, match="NOT_SUPPORTED"):
        joda_to_strftime("G")


def test_hive_types_round_trip():
    parsed = parse_hive_type("map<string,array<struct<a:int,b:decimal(10,2)>>>")
    assert parsed.hive() == "map<string,array<struct<a:int,b:decimal(10,2)>>>"
    assert parsed.duckdb() == 'MAP(VARCHAR, STRUCT("a" INTEGER, "b" DECIMAL(10,2))[])'
    assert duckdb_to_hive('STRUCT(a INTEGER, "B" VARCHAR[])') == "struct<a:int,b:array<string>>"
    assert athena_column_type("DECIMAL(10,2)") == ("decimal", 10, 2)
    assert athena_column_type("VARCHAR[]")[0] == "array"
    assert athena_column_type("HUGEINT")[0] == "bigint"


def test_data_format_from_storage_descriptor():
    assert data_format({"SerdeInfo": {"SerializationLibrary":
                        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}, {}) \
        == "parquet"
    assert data_format({"SerdeInfo": {"SerializationLibrary":
                        "org.openx.data.jsonserde.JsonSerDe"}}, {}) == "json"
    with pytest.raises(QueryFailed, match="NOT_SUPPORTED"):
        data_format({"SerdeInfo": {"SerializationLibrary": "com.example.Avro"}}, {})


def _pruning(sql: str) -> list[str]:
    tree = parse_query(sql)
    ref = find_table_refs(tree)[0]
    return [c.sql() for c in pruning_conjuncts(ref, {"dt", "source"}, {})]


def test_pruning_keeps_only_partition_conjuncts():
    assert _pruning("SELECT * FROM t WHERE dt = '1' AND x > 2 AND source IN ('a', 'b')") == \
        ["dt = '1'", "source IN ('a', 'b')"]
    assert _pruning("SELECT * FROM t WHERE dt = '1' OR x > 2") == []
    assert _pruning("SELECT * FROM t e WHERE e.dt >= '2'") == ["dt >= '2'"]


def test_pruning_skips_the_outer_side_of_a_left_join():
    tree = parse_query("SELECT * FROM a LEFT JOIN t ON a.k = t.k WHERE t.dt IS NULL")
    ref = find_table_refs(tree)[1]
    assert pruning_conjuncts(ref, {"dt"}, {"a": set()}) == []


def test_cte_names_are_not_tables():
    refs = find_table_refs(parse_query("WITH x AS (SELECT * FROM db.t) SELECT * FROM x"))
    assert [(r.database, r.name) for r in refs] == [("db", "t")]


@pytest.mark.parametrize("value, text", [
    (None, None), (True, "true"), (3, "3"), (1.5, "1.5"), (1e10, "1.0E10"), (0.0001, "1.0E-4"),
    (100.0, "100.0"), (0.0, "0.0"), (Decimal("1.50"), "1.50"),
    (dt.datetime(2026, 1, 2, 3, 4, 5, 678000), "2026-01-02 03:04:05.678"),
    (dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "2026-01-02 03:04:05.000 UTC"),
    (dt.date(2026, 1, 2), "2026-01-02"), ([1, None, "a"], "[1, null, a]"),
    ({"a": 1, "b": [2.0]}, "{a=1, b=[2.0]}"), (b"\x01\xff", "01 ff"),
])
def test_value_text(value, text):
    assert results.value_text(value) == text


def test_csv_distinguishes_null_from_empty():
    body = results.csv_bytes(["a", "b"], [["x", None], ["", 'q"']])
    assert body == b'"a","b"\n"x",\n"","q"""\n'
    assert results.parse_csv(body) == (["a", "b"], [["x", None], ["", 'q"']])


def test_create_external_table_clauses():
    table_input = table_input_from_clauses(
        "t", [{"Name": "a", "Type": "int"}],
        "PARTITIONED BY (dt string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        "LOCATION 's3://b/t/' TBLPROPERTIES ('projection.enabled'='true')", "EXTERNAL ",
    )
    assert table_input["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
    sd = table_input["StorageDescriptor"]
    assert sd["Location"] == "s3://b/t/"
    assert sd["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert table_input["Parameters"]["projection.enabled"] == "true"
    with pytest.raises(QueryFailed, match="LOCATION"):
        table_input_from_clauses("t", [], "STORED AS PARQUET", "EXTERNAL ")


def test_partition_projection():
    table = Table("db", "t", "s3://b/t/", "parquet", [Column("x", "int")],
                  [Column("day", "string"), Column("src", "string")],
                  parameters={"projection.enabled": "true", "projection.day.type": "date",
                              "projection.day.format": "yyyy-MM-dd",
                              "projection.day.range": "2026-01-01,2026-01-03",
                              "projection.src.type": "enum", "projection.src.values": "a,b",
                              "storage.location.template": "s3://b/t/${src}/${day}/"})
    partitions = projected_partitions(table)
    assert len(partitions) == 6
    assert partitions[0].values == ["2026-01-01", "a"]
    assert partitions[0].location == "s3://b/t/a/2026-01-01/"
