import pytest

from localcloud.glue.crawler.hive_types import render_type
from localcloud.glue.crawler.sampling import json_sample, split_s3_path


def _rendered(sample):
    return [(n, render_type(t)) for n, t in sample.columns]


def test_json_lines_merge_fields_and_skip_a_cut_last_line():
    data = b'{"a": 1, "n": {"x": [1]}}\n{"a": 2.5, "b": "s"}\n{"a": 3, "c'
    sample = json_sample(data)
    assert sample.fmt == "json" and sample.records == 2
    assert _rendered(sample) == [("a", "double"), ("n", "struct<x:array<int>>"), ("b", "string")]


def test_json_array_document_and_pretty_object():
    assert _rendered(json_sample(b'[{"a": true}, {"b": null}]')) == [
        ("a", "boolean"), ("b", "string")]
    assert _rendered(json_sample(b'{\n  "a": 1\n}\n')) == [("a", "int")]


def test_not_json_is_unclassified():
    assert json_sample(b"just,some,csv\n1,2,3\n") is None
    assert json_sample(b"") is None


def test_split_s3_path():
    assert split_s3_path("s3://bk") == ("bk", "")
    assert split_s3_path("s3://bk/a/b") == ("bk", "a/b/")
    with pytest.raises(ValueError, match="not an s3:// URI"):
        split_s3_path("/local/path")
