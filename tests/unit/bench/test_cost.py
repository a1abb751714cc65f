import pytest

from bench import cost
from bench.bill import build_bill


def test_lambda_gb_seconds_at_configured_memory():
    assert cost.lambda_gb_seconds(1000, 256) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="memory_mb"):
        cost.lambda_gb_seconds(10, 0)


def test_glue_bills_whole_seconds_with_a_one_minute_minimum():
    assert cost.glue_billed_seconds(12.0) == 60.0
    assert cost.glue_billed_seconds(90.2) == 91.0


def test_athena_bills_at_least_ten_megabytes_per_query():
    assert cost.athena_billed_bytes(1) == 10 * 1024 * 1024
    assert cost.athena_billed_bytes(50 * 1024 * 1024) == 50 * 1024 * 1024


def test_ingestion_items_scale_to_a_million_events():
    usage = cost.IngestUsage(
        events=1000, api_requests=2, lambda_invocations={"ingestion": 2},
        lambda_billed_ms={"ingestion": 400.0}, lambda_memory_mb={"ingestion": 256},
        s3_requests={("raw", "put"): 6, ("raw", "get"): 6}, cloudwatch_put_requests=4)
    items = {(i.component, i.detail): i for i in cost.ingestion_items(usage)}
    api = items[("API Gateway", "REST requests")]
    assert api.quantity == 2000
    assert api.usd == pytest.approx(2000 / 1e6 * 3.50)
    duration = items[("Lambda ingestion", "duration at 256 MB")]
    assert duration.quantity == pytest.approx(400 / 1000 * 0.25 * 1000)  # GB-s per 1M events
    assert items[("S3 raw", "PUT/COPY/POST/LIST")].usd == pytest.approx(6000 / 1000 * 0.005)
    assert items[("S3 raw", "GET/HEAD")].usd == pytest.approx(6000 / 1000 * 0.0004)
    assert items[("CloudWatch", "PutMetricData")].usd == pytest.approx(4000 / 1000 * 0.01)


def test_ingestion_items_refuse_zero_events():
    with pytest.raises(ValueError, match="events"):
        cost.ingestion_items(cost.IngestUsage(events=0, api_requests=1))


def test_glue_athena_and_storage_items():
    glue = cost.glue_items([("raw_to_processed", 30.0, 2)])[0]
    assert glue.quantity == pytest.approx(60 * 2 / 3600)
    assert glue.usd == pytest.approx(60 * 2 / 3600 * 0.44)
    athena = cost.athena_items({"q": 1024**4})[0]
    assert athena.usd == pytest.approx(5.0)
    storage = cost.storage_items({"raw": 2 * 1024**3}, 2_000_000)[0]
    assert storage.quantity == pytest.approx(1.0)
    assert storage.usd == pytest.approx(0.023)


def test_shares_say_where_the_money_goes():
    items = [cost.LineItem("A", "x", 1, "u", 3.0), cost.LineItem("B", "y", 1, "u", 1.0),
             cost.LineItem("A", "z", 1, "u", 0.0)]
    assert cost.shares(items) == {"A": 0.75, "B": 0.25}
    assert list(cost.shares(items)) == ["A", "B"]


def _api(mode, events, requests, billed, raw_puts):
    return {"mode": mode, "events": events, "api_requests": requests,
            "ingestion_invocations": requests, "ingestion_billed_ms": billed,
            "s3": {"raw:put": raw_puts, "raw:get": raw_puts, "raw:free": 3},
            "cloudwatch_put_metric": requests}


def test_build_bill_batches_cost_less_than_single_events():
    usage = {
        "modes": {"single": _api("single", 100, 100, 2000.0, 100),
                  "batch": _api("batch", 1000, 2, 300.0, 6)},
        "ingestion_memory_mb": 256, "validation_memory_mb": 256,
        "validation_billed_ms_per_invocation": 50.0,
        "glue_runs_per_million": [("raw_to_processed", 100.0, 2)],
        "athena_scans_per_million": {"full": 100 * 1024 * 1024},
        "stored_bytes_per_million": {"raw": 1024**3},
    }
    bill = build_bill(usage)
    single, batch = bill["single"], bill["batch"]
    assert batch["total_usd"] < single["total_usd"]
    validation = [i for i in single["items"] if i["component"] == "Lambda validation"
                  and i["unit"] == "invocations"]
    assert validation[0]["quantity"] == pytest.approx(1_000_000)  # one per raw object
    assert single["total_usd"] == pytest.approx(sum(i["usd"] for i in single["items"]))
    # per event: PutMetricData $10/M and the raw PUT $5/M cost more than API Gateway $3.50/M
    assert list(single["shares"])[:3] == ["CloudWatch", "S3 raw", "API Gateway"]
