from localcloud.glue.crawler.hive_types import render_type
from localcloud.glue.crawler.layout import (
    DataFile,
    glob_to_regex,
    is_excluded,
    plan_catalog_table,
    plan_tables,
    table_name,
)

RAW_COLUMNS = [("ingest_id", "string"), ("request_id", "string"), ("body", "string")]


def _file(path: str, columns, fmt="json") -> DataFile:
    *parts, _name = path.split("/")
    return DataFile(path, parts, fmt, columns, size=10, records=1)


def test_raw_layout_is_one_table_with_partition_0_then_named_keys():
    files = [
        _file("iot/year=2026/month=11/day=25/a.json", RAW_COLUMNS),
        _file("web/year=2026/month=11/day=24/b.json", RAW_COLUMNS + [("extra", "int")]),
    ]
    [plan] = plan_tables("raw", "", files, "raw")
    assert plan.name == "raw"
    assert plan.location == "s3://raw/"
    assert plan.partition_keys == ["partition_0", "year", "month", "day"]
    assert plan.partitions == {
        ("iot", "2026", "11", "25"): "s3://raw/iot/year=2026/month=11/day=25/",
        ("web", "2026", "11", "24"): "s3://raw/web/year=2026/month=11/day=24/",
    }
    assert [n for n, _t in plan.columns] == ["ingest_id", "request_id", "body", "extra"]


def test_folders_with_different_schemas_become_tables_named_after_them():
    files = [
        _file("daily_summary/source=iot/year=2026/month=11/p.parquet",
              [("day", "string"), ("events", "bigint")], "parquet"),
        _file("hourly_metrics/source=iot/year=2026/month=11/p.parquet",
              [("hour", "timestamp"), ("count", "bigint"), ("avg", "double")], "parquet"),
        _file("source_statistics/source=web/year=2026/month=11/p.parquet",
              [("total", "bigint"), ("first_seen", "timestamp")], "parquet"),
    ]
    plans = plan_tables("cur", "", files, "cur")
    assert [p.name for p in plans] == ["daily_summary", "hourly_metrics", "source_statistics"]
    assert all(p.partition_keys == ["source", "year", "month"] for p in plans)
    assert plans[2].location == "s3://cur/source_statistics/"
    assert plans[2].partitions == {
        ("web", "2026", "11"): "s3://cur/source_statistics/source=web/year=2026/month=11/"
    }


def test_combine_compatible_schemas_alone_would_merge_them_but_table_level_splits():
    files = [
        _file("a/x=1/p.parquet", [("a", "int")], "parquet"),
        _file("b/x=1/p.parquet", [("b", "int")], "parquet"),
    ]
    [merged] = plan_tables("cur", "", files, "cur", combine_compatible=True)
    assert merged.partition_keys == ["partition_0", "x"]
    split = plan_tables("cur", "", files, "cur", combine_compatible=True, table_depth=1)
    assert [(p.name, p.partition_keys) for p in split] == [("a", ["x"]), ("b", ["x"])]


def test_different_formats_never_share_a_table():
    files = [_file("t/a.json", [("a", "int")]), _file("t/b.parquet", [("a", "int")], "parquet")]
    plans = plan_tables("bk", "data/", files, "data")
    assert sorted(p.fmt for p in plans) == ["json", "parquet"]


def test_catalog_table_maps_folder_levels_onto_declared_keys():
    files = [
        _file("iot/year=2026/month=11/day=25/a.json", RAW_COLUMNS),
        _file("stray.json", RAW_COLUMNS),
    ]
    plan = plan_catalog_table(
        "raw_data", "s3://raw/", ["source", "year", "month", "day"], files, "json"
    )
    assert plan.partitions == {
        ("iot", "2026", "11", "25"): "s3://raw/iot/year=2026/month=11/day=25/"
    }
    assert [f.key for f in plan.files] == ["iot/year=2026/month=11/day=25/a.json"]


def test_table_names_are_normalised_and_prefixed():
    assert table_name("My-Bucket.v2", "lake_") == "lake_my_bucket_v2"


def test_exclusion_globs():
    patterns = [glob_to_regex(p) for p in ["**.csv", "tmp/*", "{a,b}/x?.json"]]
    assert is_excluded("deep/down/file.csv", patterns)
    assert is_excluded("tmp/file.json", patterns)
    assert not is_excluded("tmp/sub/file.json", patterns)  # * stays within one folder
    assert is_excluded("b/x1.json", patterns)
    assert not is_excluded("c/x1.json", patterns)


def test_columns_exclude_partition_keys_and_render():
    files = [_file("source=a/f.json", [("source", "string"), ("v", "int")])]
    [plan] = plan_tables("bk", "", files, "bk")
    assert plan.partition_keys == ["source"]
    assert [(n, render_type(t)) for n, t in plan.columns] == [("v", "int")]


def test_added_columns_and_hive_partition_folders_keep_one_table():
    files = [
        _file("t/day=1/a.json", [("a", "int"), ("b", "string")]),
        _file("t/day=2/b.json", [("a", "double"), ("b", "string"), ("c", "boolean")]),
        _file("t/day=3/c.json", [("z", "int")]),  # different schema, still a partition
    ]
    [plan] = plan_tables("bk", "", files, "bk")
    assert plan.name == "t"
    assert plan.partition_keys == ["day"]
    assert [n for n, _t in plan.columns] == ["a", "b", "c", "z"]
