"""CloudWatch calls we observe (PutMetricData, PutMetricAlarm, SetAlarmState, DeleteAlarms)
or answer (DescribeAlarmHistory), and `POST /_datalake/cloudwatch/evaluate-alarms`."""

from __future__ import annotations

import logging

from localcloud.cloudwatch import wire
from localcloud.cloudwatch.alarms import AlarmManager
from localcloud.cloudwatch.metrics import MetricStore, to_epoch
from localcloud.registry import Response
from localcloud.routing import ApiCall

_logger = logging.getLogger(__name__)


class CloudWatchApi:
    def __init__(self, store: MetricStore, alarms: AlarmManager, clock) -> None:
        self.store = store
        self.alarms = alarms
        self.clock = clock

    def observe_put_metric_data(self, call: ApiCall, response: Response) -> None:
        params = wire.request_params(call)
        namespace = params.get("Namespace", "")
        for datum in params.get("MetricData") or []:
            stamp = to_epoch(datum.get("Timestamp"))
            # a wall-clock timestamp maps onto the scaled clock (identity at time scale 1)
            when = self.clock.now() if stamp is None else self.clock.from_real(stamp)
            try:
                self.store.add(namespace, datum, when)
            except (KeyError, ValueError) as error:
                _logger.warning("metric datum ignored: %s", error)

    def observe_put_metric_alarm(self, call: ApiCall, response: Response) -> None:
        self.alarms.on_put_metric_alarm(wire.request_params(call))

    def observe_set_alarm_state(self, call: ApiCall, response: Response) -> None:
        self.alarms.on_set_alarm_state(wire.request_params(call))

    def observe_delete_alarms(self, call: ApiCall, response: Response) -> None:
        self.alarms.on_delete_alarms(wire.request_params(call))

    def describe_alarm_history(self, call: ApiCall) -> Response:
        result = self.alarms.describe_history(wire.request_params(call))
        return wire.reply(call, "DescribeAlarmHistory", result)

    def evaluate_now(self, call: ApiCall) -> Response:
        changes = self.alarms.evaluate_all()
        return Response.json(
            {"changes": changes, "time": self.clock.now()}, content_type="application/json"
        )
