"""CloudWatch: metric alarms evaluated on the scaled clock against the datapoints observed in
PutMetricData; history and SNS actions. Metrics, alarms and dashboards stay in moto too.
See docs/decisions/082."""

from __future__ import annotations

from localcloud.clock import clock_for
from localcloud.cloudwatch.alarms import AlarmManager
from localcloud.cloudwatch.api import CloudWatchApi
from localcloud.cloudwatch.metrics import MetricStore

ORDER = 60


def install(cloud) -> None:
    config, registry = cloud.config, cloud.registry
    clock = clock_for(cloud)
    store = MetricStore()
    alarms = AlarmManager(cloud.client, clock, store, config.region, config.account)
    api = CloudWatchApi(store, alarms, clock)
    registry.observe("cloudwatch", "PutMetricData", api.observe_put_metric_data)
    registry.observe("cloudwatch", "PutMetricAlarm", api.observe_put_metric_alarm)
    registry.observe("cloudwatch", "SetAlarmState", api.observe_set_alarm_state)
    registry.observe("cloudwatch", "DeleteAlarms", api.observe_delete_alarms)
    registry.operation("cloudwatch", "DescribeAlarmHistory", api.describe_alarm_history)
    registry.route("POST", r"^/_datalake/cloudwatch/evaluate-alarms$", api.evaluate_now)
    registry.on_start(alarms.start)
    registry.on_stop(alarms.stop)
    registry.state(
        "cloudwatch",
        lambda: {"metrics": store.export(), "alarms": alarms.export()},
        lambda data: (
            store.restore((data or {}).get("metrics")),
            alarms.restore((data or {}).get("alarms")),
        ),
    )
    registry.health(
        "cloudwatch",
        lambda: {
            "status": "ok",
            "alarms_tracked": len(alarms.states),
            "evaluation_interval_s": alarms.interval,
        },
    )
