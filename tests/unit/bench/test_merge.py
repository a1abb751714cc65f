from bench.__main__ import merge_payload


def _row(key, median=1.0):
    return {"key": key, "summary": {"median": median, "min": median, "max": median, "n": 1},
            "details": {}}


def _usage(put_metric):
    return {"modes": {"single": {"mode": "single", "events": 10, "api_requests": 10,
                                 "ingestion_invocations": 10, "ingestion_billed_ms": 100.0,
                                 "s3": {"raw:put": 10}, "cloudwatch_put_metric": put_metric}},
            "ingestion_memory_mb": 256, "validation_memory_mb": 256,
            "validation_billed_ms_per_invocation": 10.0,
            "glue_runs_per_million": [("raw_to_processed", 100.0, 2)],
            "athena_scans_per_million": {}, "stored_bytes_per_million": {}}


def test_merge_replaces_rows_and_usage_and_rebills():
    payload = {"results": [_row("api_batch_vs_single", 80.0), _row("scale"), _row("peak_memory")],
               "settings": {"scale_sizes": [1]}, "notes": [], "usage": _usage(25),
               "bill": None}
    extra = {"results": [_row("api_batch_vs_single", 90.0), _row("peak_memory", 9.0)],
             "settings": {}, "notes": ["n"], "usage": _usage(10), "started": "a",
             "finished": "b"}
    merged = merge_payload(payload, extra)
    assert [r["key"] for r in merged["results"]] == ["scale", "api_batch_vs_single",
                                                      "peak_memory"]
    assert merged["results"][1]["summary"]["median"] == 90.0
    assert merged["results"][2]["summary"]["median"] == 1.0  # the full run's memory stays
    assert merged["usage"]["modes"]["single"]["cloudwatch_put_metric"] == 10
    cloudwatch = [i for i in merged["bill"]["single"]["items"] if i["component"] == "CloudWatch"]
    assert cloudwatch[0]["quantity"] == 1_000_000
    assert "api_batch_vs_single" in merged["notes"][-1]
