"""check_raw_object / alert_message: the validation Lambda's pure logic."""

import json
from datetime import datetime, timezone

from datalake.events import raw_key, raw_line
from datalake.events.raw_check import alert_message, check_raw_object

ARRIVAL = datetime(2026, 11, 25, 10, tzinfo=timezone.utc)
KEY = raw_key("iot", ARRIVAL, "r1")
GOOD = (
    '{"source":"iot","event_type":"r","event_id":"e1","data":{"device_id":"d","note":"a\u2028b"}}'
)


def _content(*bodies):
    return "".join(raw_line(b, "i", "r1", ARRIVAL) + "\n" for b in bodies).encode()


def test_lines_split_on_newline_only_and_blank_lines_skipped():
    report = check_raw_object("b", KEY, _content(GOOD) + b"\n\n" + _content(GOOD))
    assert [r.line for r in report.lines] == [1, 4]
    assert (report.valid, report.invalid) == (2, 0)
    assert report.summary()["quality_avg"] == 0.9  # no timestamp: half of its 0.2


def test_each_kind_of_broken_line():
    content = (
        _content('{"source":"iot","event_type":"r","data":{"device_id":"d"},"x":1}')
        + b'{"no_body": 1}\n'
        + _content("[1]")
        + _content("{oops")
        + b"\xff\n"
    )
    report = check_raw_object("b", KEY, content)
    assert [[(e.field, e.rule) for e in r.errors] for r in report.lines] == [
        [("x", "unknown_field")],
        [("body", "raw_format")],
        [("body", "type")],
        [("body", "invalid_json")],
        [("line", "invalid_json")],
    ]
    assert [r.quality for r in report.lines[1:]] == [0.0] * 4


def test_alert_message_shape_and_subject_limit():
    report = check_raw_object("bucket", KEY, _content('{"source":"iot"}'))
    subject, message = alert_message(report, "s" * 120)
    assert len(subject) == 100 and subject.isascii()
    body = json.loads(message)
    assert body["key"] == KEY and body["invalid"] == 1
    assert {e["field"] for e in body["errors"]} == {"event_type", "data"}
