"""CloudWatch: metric alarms (definitions and actions) and dashboards."""

from __future__ import annotations

from pathlib import Path

from localcloud.persistence.common import paginate, read_json, write_json

_ALARM_FIELDS = ("AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
                 "InsufficientDataActions", "MetricName", "Namespace", "Statistic",
                 "ExtendedStatistic", "Dimensions", "Period", "Unit", "EvaluationPeriods",
                 "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
                 "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId")


def export(cloud, root: Path) -> dict:
    cw = cloud.client("cloudwatch")
    alarms = [{k: a[k] for k in _ALARM_FIELDS if a.get(k) not in (None, [], "")}
              for a in paginate(cw, "describe_alarms", "MetricAlarms")]
    dashboards = []
    for entry in paginate(cw, "list_dashboards", "DashboardEntries"):
        body = cw.get_dashboard(DashboardName=entry["DashboardName"])["DashboardBody"]
        dashboards.append({"DashboardName": entry["DashboardName"], "DashboardBody": body})
    write_json(root / "cloudwatch.json", {"alarms": alarms, "dashboards": dashboards})
    return {"alarms": len(alarms), "dashboards": len(dashboards)}


def restore(cloud, root: Path) -> dict:
    data = read_json(root / "cloudwatch.json", {"alarms": [], "dashboards": []})
    cw = cloud.client("cloudwatch")
    for alarm in data["alarms"]:
        cw.put_metric_alarm(**alarm)
    for dashboard in data["dashboards"]:
        cw.put_dashboard(**dashboard)
    return {"alarms": len(data["alarms"]), "dashboards": len(data["dashboards"])}
