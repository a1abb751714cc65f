"""AWS::CloudWatch::Alarm and AWS::CloudWatch::Dashboard through the CloudWatch API."""

from __future__ import annotations

from typing import Any

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_bool,
    as_float,
    as_int,
    compact,
    ignore_missing,
    json_text,
    tag_list,
)

_ALARM_PROPS = (
    "AlarmName",
    "AlarmDescription",
    "ActionsEnabled",
    "AlarmActions",
    "OKActions",
    "InsufficientDataActions",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "Metrics",
    "ThresholdMetricId",
    "Tags",
)


def alarm_request(name: str, props: dict[str, Any]) -> dict[str, Any]:
    """PutMetricAlarm keyword arguments for alarm properties (pure)."""
    metrics = props.get("Metrics")
    if metrics:
        metrics = [_metric_query(m) for m in metrics]
    return compact(
        AlarmName=name,
        AlarmDescription=props.get("AlarmDescription"),
        ActionsEnabled=as_bool(props.get("ActionsEnabled")),
        AlarmActions=props.get("AlarmActions"),
        OKActions=props.get("OKActions"),
        InsufficientDataActions=props.get("InsufficientDataActions"),
        MetricName=props.get("MetricName"),
        Namespace=props.get("Namespace"),
        Statistic=props.get("Statistic"),
        ExtendedStatistic=props.get("ExtendedStatistic"),
        Dimensions=[{"Name": d["Name"], "Value": str(d["Value"])} for d in props["Dimensions"]]
        if "Dimensions" in props
        else None,
        Period=as_int(props.get("Period")),
        Unit=props.get("Unit"),
        EvaluationPeriods=as_int(props["EvaluationPeriods"]),
        DatapointsToAlarm=as_int(props.get("DatapointsToAlarm")),
        Threshold=as_float(props.get("Threshold")),
        ComparisonOperator=props["ComparisonOperator"],
        TreatMissingData=props.get("TreatMissingData"),
        EvaluateLowSampleCountPercentile=props.get("EvaluateLowSampleCountPercentile"),
        Metrics=metrics,
        ThresholdMetricId=props.get("ThresholdMetricId"),
        Tags=tag_list(props.get("Tags")) or None,
    )


def _metric_query(query: dict[str, Any]) -> dict[str, Any]:
    out = dict(query)
    if "ReturnData" in out:
        out["ReturnData"] = as_bool(out["ReturnData"])
    if "Period" in out:
        out["Period"] = as_int(out["Period"])
    stat = out.get("MetricStat")
    if stat:
        out["MetricStat"] = {**stat, "Period": as_int(stat["Period"])}
    return out


class AlarmHandler(ResourceHandler):
    type_name = "AWS::CloudWatch::Alarm"
    properties = frozenset(_ALARM_PROPS)
    required = frozenset({"ComparisonOperator", "EvaluationPeriods"})
    replace_on = frozenset({"AlarmName"})

    def create(self, ctx, props):
        name = props.get("AlarmName") or ctx.physical_name(255)
        ctx.client("cloudwatch").put_metric_alarm(**alarm_request(name, props))
        return Provisioned(name, {"Arn": ctx.arn("cloudwatch", f"alarm:{name}")})

    def update(self, ctx, current, old, new):
        # PutMetricAlarm replaces the whole definition of an alarm of that name.
        ctx.client("cloudwatch").put_metric_alarm(**alarm_request(current.physical_id, new))
        return current

    def delete(self, ctx, current, props):
        cw = ctx.client("cloudwatch")
        ignore_missing(lambda: cw.delete_alarms(AlarmNames=[current.physical_id]))


class DashboardHandler(ResourceHandler):
    type_name = "AWS::CloudWatch::Dashboard"
    properties = frozenset({"DashboardName", "DashboardBody"})
    required = frozenset({"DashboardBody"})
    replace_on = frozenset({"DashboardName"})

    def create(self, ctx, props):
        name = props.get("DashboardName") or ctx.physical_name(255)
        ctx.client("cloudwatch").put_dashboard(
            DashboardName=name, DashboardBody=json_text(props["DashboardBody"])
        )
        return Provisioned(name)

    def update(self, ctx, current, old, new):
        ctx.client("cloudwatch").put_dashboard(
            DashboardName=current.physical_id, DashboardBody=json_text(new["DashboardBody"])
        )
        return current

    def delete(self, ctx, current, props):
        cw = ctx.client("cloudwatch")
        ignore_missing(lambda: cw.delete_dashboards(DashboardNames=[current.physical_id]))


HANDLERS = [AlarmHandler(), DashboardHandler()]
