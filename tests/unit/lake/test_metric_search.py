"""SEARCH(...) lines of dashboard widgets: parsed, matched against ListMetrics, expanded into
metric lines the renderer draws (the local cloud's CloudWatch has no SEARCH)."""

from __future__ import annotations

import pytest

from datalake import monitoring
from datalake.metric_search import MetricSearch, matches, parse_search, selected

ATHENA = (
    'SEARCH(\'{AWS/Athena,QueryState,QueryType,WorkGroup} MetricName="ProcessedBytes" '
    "WorkGroup=\"dl-workgroup\"', 'Sum', 3600)"
)


def _metric(name: str, **dims: str) -> dict:
    return {
        "Namespace": "AWS/Athena",
        "MetricName": name,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
    }


SUCCEEDED = _metric(
    "ProcessedBytes", QueryState="SUCCEEDED", QueryType="DML", WorkGroup="dl-workgroup"
)
FAILED_DDL = _metric(
    "ProcessedBytes", QueryState="FAILED", QueryType="DDL", WorkGroup="dl-workgroup"
)
OTHER_WG = _metric("ProcessedBytes", QueryState="SUCCEEDED", QueryType="DML", WorkGroup="primary")
WG_ONLY = _metric("ProcessedBytes", WorkGroup="dl-workgroup")
OTHER_METRIC = _metric(
    "TotalExecutionTime", QueryState="SUCCEEDED", QueryType="DML", WorkGroup="dl-workgroup"
)


def test_parse_search_reads_schema_terms_stat_and_period():
    assert parse_search(ATHENA, "bytes") == MetricSearch(
        namespace="AWS/Athena",
        schema=("QueryState", "QueryType", "WorkGroup"),
        terms={"MetricName": "ProcessedBytes", "WorkGroup": "dl-workgroup"},
        stat="Sum",
        period=3600,
        label="bytes",
    )
    and_form = parse_search("SEARCH('{NS,A} MetricName=\"M\" AND A=\"x\"', 'Average', 60)")
    assert and_form.terms == {"MetricName": "M", "A": "x"} and and_form.period == 60


@pytest.mark.parametrize(
    "bad",
    [
        "SEARCH('{AWS/Athena,WorkGroup} ProcessedBytes', 'Sum', 300)",  # free text
        "SEARCH('{NS,A} A=\"x\" OR A=\"y\"', 'Sum', 300)",
        "SEARCH('{NS,A} A=\"x\"', 'Sum')",
        "m1 / m2",
    ],
)
def test_unsupported_search_syntax_is_refused(bad):
    with pytest.raises(ValueError):
        parse_search(bad)


def test_schema_is_an_exact_dimension_match_and_terms_filter():
    search = parse_search(ATHENA)
    assert [matches(search, m) for m in (SUCCEEDED, FAILED_DDL, OTHER_WG, WG_ONLY)] == [
        True,
        True,
        False,  # another workgroup
        False,  # not the schema's dimension set
    ]
    assert not matches(search, OTHER_METRIC)
    assert selected(search, [FAILED_DDL, SUCCEEDED, SUCCEEDED, OTHER_WG]) == [
        (
            "AWS/Athena",
            "ProcessedBytes",
            {"QueryState": "FAILED", "QueryType": "DDL", "WorkGroup": "dl-workgroup"},
        ),
        (
            "AWS/Athena",
            "ProcessedBytes",
            {"QueryState": "SUCCEEDED", "QueryType": "DML", "WorkGroup": "dl-workgroup"},
        ),
    ]


class _ListMetrics:
    """A CloudWatch client stub answering ListMetrics from a fixed list."""

    def __init__(self, metrics: list[dict]) -> None:
        self.metrics = metrics
        self.calls: list[dict] = []

    def get_paginator(self, name: str):
        assert name == "list_metrics"
        return self

    def paginate(self, **kwargs):
        self.calls.append(kwargs)
        found = [
            m
            for m in self.metrics
            if m["Namespace"] == kwargs.get("Namespace", m["Namespace"])
            and m["MetricName"] == kwargs.get("MetricName", m["MetricName"])
        ]
        return [{"Metrics": found}]


def test_renderer_expands_a_search_line_into_one_line_per_series():
    body = {
        "widgets": [
            {
                "type": "metric",
                "properties": {
                    "title": "Athena",
                    "metrics": [
                        [{"expression": ATHENA, "id": "athena0", "label": "ProcessedBytes"}]
                    ],
                },
            }
        ]
    }
    (widget,) = monitoring.parse_widgets(body)
    assert widget.metrics == [] and len(widget.searches) == 1
    client = _ListMetrics([SUCCEEDED, FAILED_DDL, OTHER_WG, WG_ONLY, OTHER_METRIC])
    monitoring.expand_searches([widget], cloudwatch=client)
    assert client.calls == [{"Namespace": "AWS/Athena", "MetricName": "ProcessedBytes"}]
    assert [
        (q.name, q.dimensions["QueryState"], q.stat, q.period, q.label) for q in widget.metrics
    ] == [
        ("ProcessedBytes", "FAILED", "Sum", 3600, "ProcessedBytes FAILED DDL"),
        ("ProcessedBytes", "SUCCEEDED", "Sum", 3600, "ProcessedBytes SUCCEEDED DML"),
    ]
