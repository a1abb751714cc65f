import json

import pytest

from localcloud.clock import ManualClock
from localcloud.events.scheduler import Scheduler
from localcloud.events.targets import TargetError, deliver, render_input

EVENT = {
    "id": "e1",
    "source": "aws.glue",
    "detail-type": "Glue Job State Change",
    "time": "2026-11-25T10:00:00Z",
    "detail": {"jobName": "dl-raw", "state": "FAILED", "message": 'Say "hi"', "n": 3},
}


def test_input_constant_input_path_and_whole_event():
    assert render_input({"Input": '{"run_curated": true}'}, EVENT) == '{"run_curated": true}'
    assert json.loads(render_input({"InputPath": "$.detail.n"}, EVENT)) == 3
    assert json.loads(render_input({}, EVENT)) == EVENT
    with pytest.raises(TargetError):
        render_input({"InputPath": "$.detail.nope"}, EVENT)


def test_input_transformer_string_template_as_in_the_template():
    transformer = {
        "InputPathsMap": {
            "job": "$.detail.jobName",
            "state": "$.detail.state",
            "message": "$.detail.message",
        },
        "InputTemplate": '"Glue job <job> ended <state>: <message>"',
    }
    text = render_input({"InputTransformer": transformer}, EVENT)
    assert json.loads(text) == 'Glue job dl-raw ended FAILED: Say "hi"'


def test_input_transformer_json_template_and_predefined_variables():
    transformer = {
        "InputPathsMap": {"job": "$.detail.jobName", "n": "$.detail.n", "missing": "$.detail.nope"},
        "InputTemplate": '{"job": "<job>", "count": <n>, "rule": "<aws.events.rule-name>",'
        ' "gone": <missing>, "time": "<aws.events.event.ingestion-time>"}',
    }
    text = render_input({"InputTransformer": transformer}, EVENT, rule_name="r1")
    assert json.loads(text) == {
        "job": "dl-raw",
        "count": 3,
        "rule": "r1",
        "gone": None,
        "time": "2026-11-25T10:00:00Z",
    }


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, service):
        recorder = self

        class Client:
            def __getattr__(self, name):
                def call(**kwargs):
                    recorder.calls.append((service, name, kwargs))
                    if name == "get_queue_url":
                        return {"QueueUrl": "http://q/" + kwargs["QueueName"]}
                    return {"MessageId": "m", "executionArn": "x", "JobRunId": "jr"}

                return call

        return Client()


@pytest.mark.parametrize(
    "arn, expected",
    [
        ("arn:aws:sns:us-east-1:123456789012:t", ("sns", "publish")),
        (
            "arn:aws:states:us-east-1:123456789012:stateMachine:m",
            ("stepfunctions", "start_execution"),
        ),
        ("arn:aws:lambda:us-east-1:123456789012:function:f", ("lambda", "invoke")),
        ("arn:aws:sqs:us-east-1:123456789012:q", ("sqs", "send_message")),
        ("arn:aws:glue:us-east-1:123456789012:job/j", ("glue", "start_job_run")),
        ("arn:aws:glue:us-east-1:123456789012:crawler/c", ("glue", "start_crawler")),
    ],
)
def test_deliver_by_target_arn(arn, expected):
    client = Recorder()
    deliver(client, {"Arn": arn}, '{"--day": "2026-11-25"}')
    assert (client.calls[-1][0], client.calls[-1][1]) == expected
    if expected[1] == "invoke":
        assert client.calls[-1][2]["InvocationType"] == "Event"
    if expected[1] == "start_job_run":
        assert client.calls[-1][2]["Arguments"] == {"--day": "2026-11-25"}
    with pytest.raises(TargetError):
        deliver(client, {"Arn": "arn:aws:kinesis:us-east-1:1:stream/s"}, "{}")


class FakeBus:
    def __init__(self, rules):
        self.rules = rules
        self.fired = []

    def list_rules(self, bus):
        return self.rules

    def make_event(self, source, detail_type, detail, resources, time_text):
        return {
            "id": "x",
            "source": source,
            "detail-type": detail_type,
            "resources": resources,
            "time": time_text,
            "detail": detail,
        }

    def fire_rule(self, rule, event):
        self.fired.append((rule["Name"], event["time"]))
        return [{"status": "delivered"}]


def test_scheduler_fires_rate_rules_one_period_after_first_seen():
    clock = ManualClock(start=1_764_064_800)  # 2025-11-25T10:00:00Z
    rules = [
        {
            "Name": "hourly",
            "Arn": "arn:r1",
            "ScheduleExpression": "rate(1 hour)",
            "State": "ENABLED",
        },
        {
            "Name": "off",
            "Arn": "arn:r2",
            "ScheduleExpression": "rate(1 minute)",
            "State": "DISABLED",
        },
        {"Name": "pattern", "Arn": "arn:r3", "EventPattern": "{}", "State": "ENABLED"},
    ]
    bus = FakeBus(rules)
    scheduler = Scheduler(bus, clock, tick_seconds=1)
    bus.rules = [r for r in rules if r.get("ScheduleExpression")]
    assert scheduler.run_due() == []
    clock.advance(3599)
    assert scheduler.run_due() == []
    clock.advance(1)
    assert [f["rule"] for f in scheduler.run_due()] == ["hourly"]
    assert bus.fired == [("hourly", "2025-11-25T11:00:00Z")]
    clock.advance(3 * 3600 + 10)  # missed periods fire once, then the schedule realigns
    scheduler.run_due()
    assert len(bus.fired) == 2
    clock.advance(3600)
    scheduler.run_due()
    assert bus.fired[-1][1] == "2025-11-25T15:00:00Z"


def test_scheduler_cron_and_fire_all():
    clock = ManualClock(start=1_764_064_800 + 1800)  # 10:30Z
    bus = FakeBus(
        [
            {
                "Name": "top",
                "Arn": "arn:c",
                "ScheduleExpression": "cron(0 * * * ? *)",
                "State": "ENABLED",
            }
        ]
    )
    scheduler = Scheduler(bus, clock, tick_seconds=1)
    scheduler.run_due()
    clock.advance(1800)
    scheduler.run_due()
    assert bus.fired == [("top", "2025-11-25T11:00:00Z")]
    clock.advance(60)
    fired = scheduler.fire_all()
    assert [f["rule"] for f in fired] == ["top"] and len(bus.fired) == 2
    restored = Scheduler(bus, clock, tick_seconds=1)
    restored.restore(scheduler.export())
    assert restored.plan["arn:c"]["next"] == scheduler.plan["arn:c"]["next"]
