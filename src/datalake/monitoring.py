"""Monitoring helpers for notebooks and the `dashboard` verb: the dashboard's widgets as
metric queries, metric series and alarm history as DataFrames, and rendering a dashboard to
PNG/HTML with matplotlib. AWS is reached only through `datalake.aws.client`."""

from __future__ import annotations

import base64
import html
import io
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from datalake import aws
from datalake.metric_search import MetricSearch, is_search, line_label, parse_search, selected

_logger = logging.getLogger(__name__)
_MAX_QUERIES = 500  # GetMetricData limit per call


@dataclass
class MetricQuery:
    """One line of a dashboard widget."""

    namespace: str
    name: str
    dimensions: dict[str, str]
    stat: str
    period: int
    label: str


@dataclass
class Widget:
    """A metric widget: its title, layout and metric lines."""

    title: str
    x: int
    y: int
    width: int
    height: int
    metrics: list[MetricQuery] = field(default_factory=list)
    searches: list[MetricSearch] = field(default_factory=list)  # SEARCH(...) lines


def dashboard_name(stack: str) -> str:
    return f"{stack}-monitoring"


def get_dashboard_body(name: str, target: str | None = "local") -> dict:
    """The dashboard's JSON body (GetDashboard)."""
    reply = aws.client("cloudwatch", target).get_dashboard(DashboardName=name)
    return json.loads(reply["DashboardBody"])


def parse_widgets(body: dict) -> list[Widget]:
    """The metric widgets of a dashboard body, with '.' shorthands and per-line options
    resolved; SEARCH expressions kept as `searches` (expand_searches resolves them); text
    widgets and other metric-math lines are skipped."""
    widgets = []
    for raw in body.get("widgets", []):
        if raw.get("type") != "metric":
            continue
        props = raw.get("properties", {})
        widget = Widget(
            props.get("title", "(untitled)"),
            raw.get("x", 0),
            raw.get("y", 0),
            raw.get("width", 6),
            raw.get("height", 6),
        )
        previous: list = []
        for line in props.get("metrics", []):
            options = line[-1] if line and isinstance(line[-1], dict) else {}
            expression = options.get("expression", "")
            if is_search(expression):
                widget.searches.append(parse_search(expression, options.get("label", "")))
                continue
            query = _metric_line(line, previous, props)
            if query is not None:
                widget.metrics.append(query)
                previous = [query.namespace, query.name] + [
                    v for pair in query.dimensions.items() for v in pair
                ]
        widgets.append(widget)
    return sorted(widgets, key=lambda w: (w.y, w.x))


def _metric_line(line: list, previous: list, props: dict) -> MetricQuery | None:
    options = line[-1] if line and isinstance(line[-1], dict) else {}
    parts = [p for p in line if not isinstance(p, dict)]
    if not parts or "expression" in options:
        return None
    parts = [previous[i] if p == "." and i < len(previous) else p for i, p in enumerate(parts)]
    if len(parts) < 2 or len(parts) % 2:
        raise ValueError(
            f"dashboard metric line {line!r}: expected namespace, name and "
            "name/value dimension pairs"
        )
    dims = dict(zip(parts[2::2], parts[3::2], strict=True))
    label = options.get("label") or " ".join([parts[1], *dims.values()][:3])
    return MetricQuery(
        parts[0],
        parts[1],
        dims,
        options.get("stat", props.get("stat", "Average")),
        int(options.get("period", props.get("period", 300))),
        label,
    )


def expand_searches(widgets: list[Widget], target: str | None = "local", cloudwatch=None) -> None:
    """Append to each widget one metric line per metric its SEARCH expressions select now
    (ListMetrics, as the CloudWatch console evaluates them; the local cloud has no SEARCH)."""
    cloudwatch = cloudwatch or aws.client("cloudwatch", target)
    for widget in widgets:
        for search in widget.searches:
            kwargs = {"Namespace": search.namespace} if search.namespace else {}
            if search.metric_name:
                kwargs["MetricName"] = search.metric_name
            metrics = [
                metric
                for page in cloudwatch.get_paginator("list_metrics").paginate(**kwargs)
                for metric in page.get("Metrics", [])
            ]
            for namespace, name, dims in selected(search, metrics):
                label = line_label(search, name, dims)
                widget.metrics.append(
                    MetricQuery(namespace, name, dims, search.stat, search.period, label)
                )


def read_metric_series(
    queries: list[MetricQuery], start: datetime, end: datetime, target: str | None = "local"
) -> pd.DataFrame:
    """Long DataFrame (label, namespace, metric, timestamp, value) from GetMetricData."""
    rows: list[dict[str, Any]] = []
    cloudwatch = aws.client("cloudwatch", target)
    for offset in range(0, len(queries), _MAX_QUERIES):
        batch = queries[offset : offset + _MAX_QUERIES]
        request = [
            {
                "Id": f"m{i}",
                "Label": q.label,
                "ReturnData": True,
                "MetricStat": {
                    "Metric": {
                        "Namespace": q.namespace,
                        "MetricName": q.name,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in q.dimensions.items()],
                    },
                    "Period": q.period,
                    "Stat": q.stat,
                },
            }
            for i, q in enumerate(batch)
        ]
        token = None
        while True:
            kwargs = {
                "MetricDataQueries": request,
                "StartTime": start,
                "EndTime": end,
                **({"NextToken": token} if token else {}),
            }
            reply = cloudwatch.get_metric_data(**kwargs)
            for result in reply.get("MetricDataResults", []):
                query = batch[int(result["Id"][1:])]
                for when, value in zip(
                    result.get("Timestamps", []), result.get("Values", []), strict=False
                ):
                    rows.append(
                        {
                            "label": query.label,
                            "namespace": query.namespace,
                            "metric": query.name,
                            "timestamp": pd.Timestamp(when),
                            "value": float(value),
                        }
                    )
            token = reply.get("NextToken")
            if not token:
                break
    frame = pd.DataFrame(rows, columns=["label", "namespace", "metric", "timestamp", "value"])
    return frame.sort_values(["label", "timestamp"]).reset_index(drop=True)


def alarm_history_frame(
    alarm_name: str | None = None,
    target: str | None = "local",
    item_type: str | None = "StateUpdate",
) -> pd.DataFrame:
    """Alarm history (newest first) with the old/new state parsed out of HistoryData."""
    cloudwatch = aws.client("cloudwatch", target)
    kwargs: dict[str, Any] = {}
    if alarm_name:
        kwargs["AlarmName"] = alarm_name
    if item_type:
        kwargs["HistoryItemType"] = item_type
    rows = []
    for page in cloudwatch.get_paginator("describe_alarm_history").paginate(**kwargs):
        for item in page["AlarmHistoryItems"]:
            data = _json(item.get("HistoryData"))
            rows.append(
                {
                    "timestamp": pd.Timestamp(item["Timestamp"]),
                    "alarm": item["AlarmName"],
                    "type": item["HistoryItemType"],
                    "summary": item["HistorySummary"],
                    "old_state": (data.get("oldState") or {}).get("stateValue"),
                    "new_state": (data.get("newState") or {}).get("stateValue"),
                    "reason": (data.get("newState") or {}).get("stateReason"),
                }
            )
    return pd.DataFrame(
        rows, columns=["timestamp", "alarm", "type", "summary", "old_state", "new_state", "reason"]
    )


def alarm_states_frame(prefix: str | None = None, target: str | None = "local") -> pd.DataFrame:
    """Current state of each metric alarm (DescribeAlarms)."""
    cloudwatch = aws.client("cloudwatch", target)
    kwargs = {"AlarmNamePrefix": prefix} if prefix else {}
    rows = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(**kwargs):
        for alarm in page["MetricAlarms"]:
            rows.append(
                {
                    "alarm": alarm["AlarmName"],
                    "state": alarm["StateValue"],
                    "reason": alarm["StateReason"],
                    "metric": alarm.get("MetricName"),
                    "updated": pd.Timestamp(alarm["StateUpdatedTimestamp"]),
                }
            )
    return pd.DataFrame(rows, columns=["alarm", "state", "reason", "metric", "updated"])


def _json(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def render_dashboard(
    widgets: list[Widget],
    series: pd.DataFrame,
    out: str | Path,
    title: str = "",
    span: tuple[datetime, datetime] | None = None,
) -> Path:
    """Draw one subplot per widget (its metric lines over time) into `out` (.png or .html;
    HTML embeds the PNG and lists each widget's latest values)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    if out.suffix.lower() not in (".png", ".html"):
        raise ValueError(f"--out {out}: the dashboard renders to .png or .html")
    columns = 2
    rows = max(1, -(-len(widgets) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(14, 3.2 * rows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= len(widgets):
            ax.axis("off")
            continue
        _draw_widget(ax, widgets[index], series, span)
    if title:
        fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    if out.suffix.lower() == ".png":
        out.write_bytes(buffer.getvalue())
    else:
        out.write_text(_html_page(title, buffer.getvalue(), widgets, series))
    return out


def _draw_widget(ax, widget: Widget, series: pd.DataFrame, span) -> None:
    from matplotlib.dates import DateFormatter

    ax.set_title(widget.title, fontsize=10)
    labels = [q.label for q in widget.metrics]
    drawn = 0
    for label in labels:
        points = series[series["label"] == label] if not series.empty else series
        if points.empty:
            continue
        ax.plot(points["timestamp"], points["value"], marker="o", markersize=3, label=label)
        drawn += 1
    if drawn:
        ax.legend(fontsize=7, loc="upper left")
        ax.tick_params(axis="x", labelsize=7, rotation=20)
        ax.xaxis.set_major_formatter(DateFormatter("%m-%d %H:%M"))
        if span is not None:
            ax.set_xlim(pd.Timestamp(span[0]), pd.Timestamp(span[1]))
    else:
        ax.text(
            0.5,
            0.5,
            "no data in this time range",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="gray",
        )
        ax.set_xticks([])
    ax.tick_params(axis="y", labelsize=7)


def _html_page(title: str, png: bytes, widgets: list[Widget], series: pd.DataFrame) -> str:
    rows = []
    for widget in widgets:
        for query in widget.metrics:
            points = series[series["label"] == query.label] if not series.empty else series
            latest = f"{points['value'].iloc[-1]:g}" if not points.empty else "no data"
            rows.append(
                f"<tr><td>{html.escape(widget.title)}</td>"
                f"<td>{html.escape(query.label)}</td><td>{query.stat}</td>"
                f"<td>{latest}</td></tr>"
            )
    image = base64.b64encode(png).decode()
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        "</title><style>body{font-family:sans-serif}td,th{padding:2px 8px}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><img alt='dashboard' "
        f"src='data:image/png;base64,{image}'><table><tr><th>widget</th><th>metric</th>"
        f"<th>stat</th><th>latest</th></tr>{''.join(rows)}</table></body></html>"
    )


def build_dashboard(
    stack: str,
    out: str | Path,
    hours: float = 3.0,
    target: str | None = "local",
    name: str | None = None,
) -> Path:
    """Read the stack's dashboard and its metrics over the last `hours`, render to `out`."""
    name = name or dashboard_name(stack)
    widgets = parse_widgets(get_dashboard_body(name, target))
    expand_searches(widgets, target)
    now = datetime.now(timezone.utc)
    queries = [q for w in widgets for q in w.metrics]
    # end one period past now: moto (like CloudWatch) only returns periods that end in range
    end = now + timedelta(seconds=max((q.period for q in queries), default=300))
    series = read_metric_series(queries, now - timedelta(hours=hours), end, target)
    _logger.info(
        "dashboard %s: %d widgets, %d metric lines, %d datapoints",
        name,
        len(widgets),
        len(queries),
        len(series),
    )
    return render_dashboard(
        widgets,
        series,
        out,
        title=name,
        span=(now - timedelta(hours=hours), now + timedelta(minutes=5)),
    )


def executions_frame(state_machine_arn: str, target: str | None = "local") -> pd.DataFrame:
    """Executions of a state machine (newest first): status, times, duration, error."""
    sfn = aws.client("stepfunctions", target)
    rows = []
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=state_machine_arn):
        for item in page["executions"]:
            start, stop = item["startDate"], item.get("stopDate")
            rows.append(
                {
                    "name": item["name"],
                    "status": item["status"],
                    "start": pd.Timestamp(start),
                    "stop": pd.Timestamp(stop) if stop else pd.NaT,
                    "seconds": (stop - start).total_seconds() if stop else None,
                    "arn": item["executionArn"],
                }
            )
    return pd.DataFrame(rows, columns=["name", "status", "start", "stop", "seconds", "arn"])


def execution_history_frame(execution_arn: str, target: str | None = "local") -> pd.DataFrame:
    """One row per history event: id, type, state name, and error/cause when it failed."""
    sfn = aws.client("stepfunctions", target)
    rows = []
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    for page in pages:
        for event in page["events"]:
            details = next((v for k, v in event.items() if k.endswith("EventDetails")), {})
            rows.append(
                {
                    "id": event["id"],
                    "timestamp": pd.Timestamp(event["timestamp"]),
                    "type": event["type"],
                    "state": details.get("name"),
                    "resource": details.get("resource"),
                    "error": details.get("error"),
                    "cause": details.get("cause"),
                }
            )
    return pd.DataFrame(
        rows, columns=["id", "timestamp", "type", "state", "resource", "error", "cause"]
    )
