"""`datalake local alerts` formatting and the dashboard widget parsing (pure parts)."""

import argparse
import json

import pytest

from datalake import monitoring
from datalake.cli import local_alerts

ALARM_NOTICE = {
    "AlarmName": "dl-data-freshness",
    "OldStateValue": "OK",
    "NewStateValue": "ALARM",
    "NewStateReason": "no datapoints",
}


def test_format_alerts_lists_messages_and_deliveries():
    records = [
        {
            "Timestamp": "2026-11-25T10:00:00.000Z",
            "TopicArn": "arn:aws:sns:us-east-1:1:dl-alerts",
            "Subject": 'ALARM: "dl-data-freshness"',
            "Message": json.dumps(ALARM_NOTICE),
            "deliveries": [
                {"protocol": "email", "endpoint": "ops@example.com", "status": "recorded"}
            ],
        },
        {
            "Timestamp": "2026-11-25T10:05:00.000Z",
            "TopicArn": "arn:aws:sns:us-east-1:1:dl-alerts",
            "Subject": None,
            "Message": "plain text",
            "deliveries": [
                {"protocol": "sqs", "endpoint": "arn:q", "status": "failed", "error": "gone"}
            ],
        },
    ]
    text = local_alerts.format_alerts(records)
    assert 'dl-alerts  ALARM: "dl-data-freshness"' in text
    assert "alarm dl-data-freshness: OK -> ALARM: no datapoints" in text
    assert "-> email:ops@example.com recorded" in text
    assert "(no subject)" in text and "sqs:arn:q failed (gone)" in text
    assert local_alerts.format_alerts([]) == "no messages published"


def test_register_local_adds_both_commands():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    local_alerts.register_local(sub)
    args = parser.parse_args(["alerts", "--topic", "dl-alerts", "--since", "2h"])
    assert (args.topic, args.since, args.func) == ("dl-alerts", "2h", local_alerts.run_alerts)
    assert parser.parse_args(["fire-schedules"]).func is local_alerts.run_fire_schedules


def test_unreachable_local_cloud_is_a_one_line_error(monkeypatch):
    from datalake.cli.common import CliError

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    with pytest.raises(CliError, match="no local cloud answers"):
        local_alerts.fetch_alerts()


def test_parse_widgets_resolves_dots_options_and_skips_expressions():
    body = {
        "widgets": [
            {"type": "text", "properties": {"markdown": "x"}},
            {
                "type": "metric",
                "x": 12,
                "y": 0,
                "properties": {
                    "title": "B",
                    "period": 60,
                    "stat": "Sum",
                    "metrics": [
                        ["AWS/Lambda", "Errors", "FunctionName", "f1"],
                        [".", "Invocations", ".", "f2", {"stat": "Average", "label": "calls"}],
                        [{"expression": "m1/m2", "label": "ratio"}],
                    ],
                },
            },
            {
                "type": "metric",
                "x": 0,
                "y": 0,
                "properties": {
                    "title": "A",
                    "metrics": [["DataLake", "EventsIngested", "StackName", "dl"]],
                },
            },
        ]
    }
    widgets = monitoring.parse_widgets(body)
    assert [w.title for w in widgets] == ["A", "B"]
    first, second = widgets[1].metrics
    assert (first.namespace, first.name, first.dimensions, first.stat, first.period) == (
        "AWS/Lambda",
        "Errors",
        {"FunctionName": "f1"},
        "Sum",
        60,
    )
    assert (second.namespace, second.dimensions, second.stat, second.label) == (
        "AWS/Lambda",
        {"FunctionName": "f2"},
        "Average",
        "calls",
    )
    assert widgets[0].metrics[0].stat == "Average" and widgets[0].metrics[0].period == 300
    with pytest.raises(ValueError):
        monitoring.parse_widgets(
            {"widgets": [{"type": "metric", "properties": {"metrics": [["NS", "M", "OnlyName"]]}}]}
        )


def test_render_dashboard_png_and_html(tmp_path):
    import pandas as pd

    widgets = monitoring.parse_widgets(
        {
            "widgets": [
                {
                    "type": "metric",
                    "properties": {
                        "title": "Events",
                        "metrics": [["DataLake", "EventsIngested", "StackName", "dl"]],
                    },
                }
            ]
        }
    )
    series = pd.DataFrame(
        {
            "label": ["EventsIngested dl"] * 2,
            "namespace": ["DataLake"] * 2,
            "metric": ["EventsIngested"] * 2,
            "timestamp": pd.to_datetime(["2026-11-25T10:00Z", "2026-11-25T10:05Z"]),
            "value": [3.0, 5.0],
        }
    )
    png = monitoring.render_dashboard(widgets, series, tmp_path / "d.png", title="t")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = monitoring.render_dashboard(widgets, series, tmp_path / "d.html", title="t")
    assert "data:image/png;base64," in page.read_text() and "<td>5</td>" in page.read_text()
    with pytest.raises(ValueError):
        monitoring.render_dashboard(widgets, series, tmp_path / "d.jpg")
