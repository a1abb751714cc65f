"""The notebook facade's pure parts: request planning, expected figures, tables and parsing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd
import pytest

from datalake.lake import (
    Lake,
    alarm_state_timeline,
    athena_cost_usd,
    batch_body,
    expected_figures,
    history_frame,
    merge_figures,
    parse_job_counts,
    plan_requests,
    resources_table,
    split_for_second_run,
)
from datalake.synthetic import SyntheticEvent

WHEN = datetime(2026, 11, 25, 10, tzinfo=timezone.utc)


def _event(body: str, kind: str = "valid", source: str = "iot") -> SyntheticEvent:
    return SyntheticEvent(source, body, WHEN, "r1", "i1", kind)


def test_batch_body_keeps_each_event_byte_for_byte():
    bodies = ['{"a": 1}', '{"b":  [1, 2]}']
    body = batch_body(bodies)
    assert body == b'{"events": [{"a": 1}, {"b":  [1, 2]}]}'
    assert json.loads(body) == {"events": [{"a": 1}, {"b": [1, 2]}]}


def test_batch_body_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="1..500"):
        batch_body([])


def test_plan_requests_batches_and_sends_non_json_alone():
    events = [_event(f'{{"n": {i}}}') for i in range(5)]
    events.insert(2, _event('{"source": "iot", "ev', "invalid:json"))
    plan = plan_requests(events, batch_size=2)
    assert [len(r.events) for r in plan] == [2, 1, 2, 1]
    assert plan[1].body == b'{"source": "iot", "ev'
    assert plan[0].body == b'{"events": [{"n": 0}, {"n": 1}]}'
    assert plan[2].body == b'{"events": [{"n": 2}, {"n": 3}]}'
    assert [e for r in plan for e in r.events] == events


@pytest.mark.parametrize("size", [0, 501])
def test_plan_requests_refuses_batch_sizes_the_api_refuses(size):
    with pytest.raises(ValueError, match="batch_size"):
        plan_requests([], batch_size=size)


def test_expected_figures_per_kind():
    kinds = ["valid"] * 5 + ["duplicate", "late_duplicate", "invalid:schema", "invalid:json",
                             "invalid:timestamp", "invalid:data_type", "invalid:missing_type"]
    figures = expected_figures([_event("{}", kind) for kind in kinds])
    assert figures == {
        "generated": 12,
        "refused_at_ingestion": 4,
        "stored_in_raw": 8,
        "schema_invalid": 1,
        "duplicates": 2,
        "valid_unique": 5,
    }


def test_split_for_second_run_keeps_order_and_share():
    events = [_event(str(i)) for i in range(10)]
    first, later = split_for_second_run(events, 0.2)
    assert [e.body for e in first] == [str(i) for i in range(8)]
    assert [e.body for e in later] == ["8", "9"]
    assert split_for_second_run(events, 0.0) == (events, [])
    with pytest.raises(ValueError, match="share"):
        split_for_second_run(events, 1.0)


def test_parse_job_counts_reads_the_logged_line():
    messages = [
        "26/11/25 19:08:19 WARN Utils: something",
        "2026-11-25 19:11:09,005 datalake.transforms.jobs raw_to_processed: {'new': 164, "
        "'duplicate': 121, 'invalid': 3, 'read': 288}",
    ]
    assert parse_job_counts(messages) == {"new": 164, "duplicate": 121, "invalid": 3,
                                          "read": 288}
    assert parse_job_counts(["nothing here"]) is None


def test_resources_table_orders_by_layer_then_id():
    template = {"Resources": {
        "Zeta": {"Type": "AWS::S3::Bucket"},
        "Api": {"Type": "AWS::ApiGateway::RestApi"},
        "Alpha": {"Type": "AWS::S3::Bucket"},
        "Stray": {"Type": "AWS::SNS::Topic"},
    }}
    table = resources_table(template, {"storage": ["Zeta", "Alpha"], "ingestion": ["Api"]})
    assert table.values.tolist() == [
        ["storage", "Alpha", "AWS::S3::Bucket"],
        ["storage", "Zeta", "AWS::S3::Bucket"],
        ["ingestion", "Api", "AWS::ApiGateway::RestApi"],
        ["?", "Stray", "AWS::SNS::Topic"],
    ]


def test_history_frame_names_the_states():
    events = [
        {"id": 1, "timestamp": WHEN, "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": "{}"}},
        {"id": 2, "timestamp": WHEN, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "StartLakeCrawler"}},
        {"id": 3, "timestamp": WHEN, "type": "ChoiceStateEntered",
         "stateEnteredEventDetails": {"name": "CrawlerFinished"}},
        {"id": 4, "timestamp": WHEN, "type": "TaskStateExited",
         "stateExitedEventDetails": {"name": "StartLakeCrawler"}},
    ]
    frame = history_frame(events)
    assert frame["state"].tolist() == ["", "StartLakeCrawler", "CrawlerFinished",
                                       "StartLakeCrawler"]
    assert Lake.states_entered(frame) == ["StartLakeCrawler", "CrawlerFinished"]


def test_alarm_state_timeline_carries_states_forward():
    history = pd.DataFrame([
        {"timestamp": pd.Timestamp("2026-11-25T10:00Z"), "alarm": "a", "new_state": "OK"},
        {"timestamp": pd.Timestamp("2026-11-25T10:01Z"), "alarm": "b", "new_state": "ALARM"},
        {"timestamp": pd.Timestamp("2026-11-25T10:02Z"), "alarm": "a",
         "new_state": "INSUFFICIENT_DATA"},
    ])
    timeline = alarm_state_timeline(history)
    assert timeline["a"].tolist() == [0, 0, 1]
    assert timeline["b"].fillna(-1).tolist() == [-1, 2, 2]
    assert alarm_state_timeline(history.iloc[0:0]).empty


def test_merge_figures_replaces_only_that_notebook():
    merged = merge_figures({"00": {"x": 1}, "01": {"y": 2}}, "01", {"z": 3})
    assert merged == {"00": {"x": 1}, "01": {"z": 3}}


def test_athena_cost_has_a_10_mb_minimum_and_nothing_for_no_scan():
    assert athena_cost_usd(0) == 0
    assert athena_cost_usd(1) == athena_cost_usd(10 * 1024 * 1024)
    assert athena_cost_usd(1024**4) == pytest.approx(5.0)


def test_lake_refuses_unknown_targets_and_bad_stack_names():
    with pytest.raises(ValueError, match="target"):
        Lake("datalake", "gcp")
    with pytest.raises(ValueError, match="stack name"):
        Lake("Bad_Name", "local")
