from localcloud.glue.crawler.layout import DataFile, TablePlan
from localcloud.glue.crawler.table_input import (
    merge_columns,
    partition_input,
    table_input,
)


def _plan(fmt: str) -> TablePlan:
    files = [DataFile("k/p=1/f", ["p=1"], fmt, [("b", "int"), ("a", "string")], 100, 4)]
    return TablePlan("t", "s3://bk/k/", fmt, files[0].columns, ["p"],
                     {("1",): "s3://bk/k/p=1/"}, files)


def test_json_table_input_has_glue_crawler_serde_and_parameters():
    result = table_input(_plan("json"), "my-crawler")
    sd = result["StorageDescriptor"]
    assert sd["InputFormat"] == "org.apache.hadoop.mapred.TextInputFormat"
    assert sd["OutputFormat"] == "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    assert sd["SerdeInfo"] == {
        "SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
        "Parameters": {"paths": "a,b"},
    }
    assert sd["Columns"] == [{"Name": "b", "Type": "int"}, {"Name": "a", "Type": "string"}]
    assert result["PartitionKeys"] == [{"Name": "p", "Type": "string"}]
    assert result["TableType"] == "EXTERNAL_TABLE"
    params = result["Parameters"]
    assert params["classification"] == "json"
    assert params["typeOfData"] == "file"
    assert params["UPDATED_BY_CRAWLER"] == "my-crawler"
    assert (params["recordCount"], params["averageRecordSize"], params["objectCount"]) == (
        "4", "25", "1")


def test_parquet_table_and_partition_input():
    plan = _plan("parquet")
    sd = table_input(plan, "c")["StorageDescriptor"]
    assert sd["SerdeInfo"]["SerializationLibrary"] == (
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
    assert sd["InputFormat"].endswith("MapredParquetInputFormat")
    assert sd["OutputFormat"].endswith("MapredParquetOutputFormat")
    partition = partition_input(plan, ("1",), "s3://bk/k/p=1/", sd["Columns"], "c")
    assert partition["Values"] == ["1"]
    assert partition["StorageDescriptor"]["Location"] == "s3://bk/k/p=1/"


def test_merge_columns_keeps_order_updates_types_appends_new():
    existing = [{"Name": "a", "Type": "int", "Comment": "kept"}, {"Name": "b", "Type": "string"}]
    found = [{"Name": "c", "Type": "boolean"}, {"Name": "a", "Type": "bigint"}]
    merged, changed = merge_columns(existing, found)
    assert merged == [{"Name": "a", "Type": "bigint", "Comment": "kept"},
                      {"Name": "b", "Type": "string"}, {"Name": "c", "Type": "boolean"}]
    assert changed
    assert merge_columns(existing, [{"Name": "b", "Type": "string"}]) == (existing, False)
