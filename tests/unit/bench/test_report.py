from bench.api_throughput import report_billed_ms
from bench.athena import normalize_rows, table_ddl
from bench.common import Result
from bench.report import format_value, markdown
from bench.stats import summarize


def test_report_lines_give_billed_ms_per_request():
    lines = ["START RequestId: a", "REPORT RequestId: a\tDuration: 1.20 ms\tBilled Duration: 2 ms"
             "\tMemory Size: 256 MB\tMax Memory Used: 60 MB\t", "REPORT RequestId: b\t"
             "Duration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 256 MB\t"]
    assert report_billed_ms(lines) == {"a": 2, "b": 10}


def test_normalize_rows_compares_numbers_across_engines():
    import numpy as np

    assert normalize_rows([("iot", np.int64(3), 1.23456)]) == normalize_rows([("iot", 3, 1.2346)])
    assert normalize_rows([("iot", True)]) == [("iot", "True")]


def test_table_ddl_declares_contract_columns_and_partitions():
    ddl = table_ddl("t", "s3://b/p/")
    assert "`quality_issues` array<string>" in ddl
    assert "PARTITIONED BY (`source` string, `year` string, `month` string, `day` string)" in ddl
    assert ddl.endswith("STORED AS PARQUET LOCATION 's3://b/p/'")


def test_result_verdict_and_markdown():
    met = Result("k", "title", "figure", "base", summarize([2.0, 4.0, 3.0]), goal=("<=", 3.0),
                 goal_text="≤ 3×", limits="why")
    missed = Result("m", "other", "figure", "base", summarize([5.0]), goal=("<=", 3.0))
    assert met.met is True and missed.met is False
    assert format_value(met.as_dict()["summary"], "×") == "3× (2–4, n=3)"
    payload = {"machine": {"cores": 2}, "started": "s", "finished": "f", "elapsed_s": 1.0,
               "mode": "quick", "settings": {"runs": 2}, "notes": [],
               "results": [met.as_dict(), missed.as_dict()], "bill": None, "usage": None}
    text = markdown(payload)
    assert "| title | figure | 3× (2–4, n=3) | ≤ 3× | met |" in text
    assert "| other | figure | 5× (5–5, n=1) | — | NOT met |" in text
    assert "- **title** — why" in text
