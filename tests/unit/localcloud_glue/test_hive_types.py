import pyarrow as pa
import pytest

from localcloud.glue.crawler.hive_types import (
    arrow_type,
    json_type,
    merge_types,
    parse_type,
    render_type,
)


def test_nested_json_record_renders_as_glue_spells_it():
    record = {"id": 1, "ok": True, "score": 0.5, "tags": ["a"], "geo": {"lat": 1.5, "n": None},
              "big": 2**40, "items": [{"sku": "x", "qty": 2}]}
    assert render_type(json_type(record)) == (
        "struct<id:int,ok:boolean,score:double,tags:array<string>,"
        "geo:struct<lat:double,n:string>,big:bigint,items:array<struct<sku:string,qty:int>>>"
    )


def test_strings_that_look_like_timestamps_stay_strings():
    assert json_type("2026-11-25T10:00:00Z") == "string"


@pytest.mark.parametrize(("a", "b", "merged"), [
    ("int", "bigint", "bigint"),
    ("int", "double", "double"),
    ("bigint", "int", "bigint"),
    ("int", "string", "string"),
    ("boolean", "int", "string"),
    (None, "int", "int"),
    (("array", None), ("array", "int"), ("array", "int")),
])
def test_merge_widens(a, b, merged):
    assert merge_types(a, b) == merged


def test_struct_merge_keeps_order_and_adds_new_fields():
    a = json_type({"x": 1, "y": {"p": 1}})
    b = json_type({"y": {"q": "s"}, "x": 2.0, "z": False})
    assert render_type(merge_types(a, b)) == "struct<x:double,y:struct<p:int,q:string>,z:boolean>"


def test_parse_type_round_trips():
    text = "struct<a:array<struct<b:decimal(10,2),c:map<string,int>>>,d:timestamp>"
    assert render_type(parse_type(text)) == text


@pytest.mark.parametrize(("arrow", "hive"), [
    (pa.int32(), "int"), (pa.int64(), "bigint"), (pa.float64(), "double"),
    (pa.string(), "string"), (pa.bool_(), "boolean"), (pa.timestamp("us"), "timestamp"),
    (pa.timestamp("ns", tz="UTC"), "timestamp"), (pa.date32(), "date"),
    (pa.decimal128(10, 2), "decimal(10,2)"), (pa.list_(pa.string()), "array<string>"),
    (pa.struct([("a", pa.int16()), ("b", pa.list_(pa.float32()))]),
     "struct<a:smallint,b:array<float>>"),
    (pa.map_(pa.string(), pa.int64()), "map<string,bigint>"),
])
def test_arrow_types(arrow, hive):
    assert render_type(arrow_type(arrow)) == hive
