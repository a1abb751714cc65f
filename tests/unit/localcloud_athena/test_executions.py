"""Execution and workgroup stores: what Get/List answer, reuse, persistence (pure, no I/O)."""

from __future__ import annotations

import time

import pytest

from localcloud.athena.executions import (
    FAILED,
    RUNNING,
    SUCCEEDED,
    ExecutionStore,
    InvalidRequest,
    QueryExecution,
    WorkGroupStore,
)


def _execution(store: ExecutionStore, query: str = "SELECT 1", **kw) -> QueryExecution:
    execution = QueryExecution(id=store.new_id(), query=query, workgroup="primary",
                               database="db", catalog="AwsDataCatalog",
                               output_location="s3://b/r/", **kw)
    store.add(execution)
    return execution


def test_describe_has_athena_shape():
    store = ExecutionStore()
    execution = _execution(store)
    described = execution.describe()
    assert described["Status"]["State"] == "QUEUED"
    assert described["QueryExecutionContext"] == {"Catalog": "AwsDataCatalog", "Database": "db"}
    assert set(described["Statistics"]) >= {"DataScannedInBytes", "EngineExecutionTimeInMillis",
                                             "TotalExecutionTimeInMillis"}
    with pytest.raises(InvalidRequest, match="was not found"):
        store.get("missing")


def test_list_is_newest_first():
    store = ExecutionStore()
    first = _execution(store)
    time.sleep(0.01)
    second = _execution(store)
    assert store.list_ids("primary") == [second.id, first.id]
    assert store.list_ids("other") == []


def test_reuse_needs_same_query_and_success_within_age():
    store = ExecutionStore()
    done = _execution(store, state=SUCCEEDED, completed=time.time())
    again = _execution(store)
    assert store.reusable(again, 60) is done
    other = _execution(store, query="SELECT 2")
    assert store.reusable(other, 60) is None
    done.completed = time.time() - 3600
    assert store.reusable(again, 30) is None


def test_restore_fails_what_was_running():
    store = ExecutionStore()
    _execution(store, state=RUNNING)
    _execution(store, state=SUCCEEDED, rows=[["1"]] * 5000, result_key="s3://b/r/x.csv")
    data = store.export()
    assert data[1]["rows"] is None  # large results are read back from the result file
    restored = ExecutionStore()
    restored.restore(data)
    states = sorted(e["state"] for e in restored.export())
    assert states == [FAILED, SUCCEEDED]


def test_workgroups():
    groups = WorkGroupStore()
    assert [g.name for g in groups.list()] == ["primary"]
    groups.create("wg", {"ResultConfiguration": {"OutputLocation": "s3://b/x/"},
                         "BytesScannedCutoffPerQuery": 10_000_000}, "d", [])
    assert groups.get("wg").bytes_cutoff == 10_000_000 and groups.get("wg").enforced
    with pytest.raises(InvalidRequest, match="already created"):
        groups.create("wg", {}, "", [])
    with pytest.raises(InvalidRequest, match="at least 10000000"):
        groups.create("small", {"BytesScannedCutoffPerQuery": 5}, "", [])
    groups.update("wg", {"ResultConfigurationUpdates": {"OutputLocation": "s3://b/y/"},
                         "RemoveBytesScannedCutoffPerQuery": True}, None, "DISABLED")
    assert groups.get("wg").output_location == "s3://b/y/"
    assert groups.get("wg").bytes_cutoff is None and groups.get("wg").state == "DISABLED"
    restored = WorkGroupStore()
    restored.restore(groups.export())
    assert restored.get("wg").output_location == "s3://b/y/"
    with pytest.raises(InvalidRequest):
        groups.delete("primary")
    groups.delete("wg")
    with pytest.raises(InvalidRequest, match="is not found"):
        groups.get("wg")


def test_metric_data_has_athena_dimensions():
    from localcloud.athena.metrics import metric_data

    store = ExecutionStore()
    execution = _execution(store, state="CANCELLED", bytes_scanned=42, completed=time.time())
    data = {d["MetricName"]: d for d in metric_data(execution)}
    assert data["ProcessedBytes"]["Value"] == 42.0 and data["ProcessedBytes"]["Unit"] == "Bytes"
    assert {x["Name"]: x["Value"] for x in data["TotalExecutionTime"]["Dimensions"]} == {
        "QueryState": "CANCELED", "QueryType": "DML", "WorkGroup": "primary"}
