"""Metric alarms: periodic evaluation on the scaled clock, state changes written to moto
(SetAlarmState), alarm history, and AlarmActions/OKActions/InsufficientDataActions to SNS.

Alarm definitions stay in moto (PutMetricAlarm passes through). Every state change, whether
from evaluation or from a client's SetAlarmState, goes through moto's SetAlarmState and is
seen by `on_set_alarm_state`, the one place that records history and fires actions."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from localcloud.cloudwatch.errors import InvalidParameterValue
from localcloud.cloudwatch.evaluation import Verdict, evaluate, period_values
from localcloud.cloudwatch.metrics import MetricStore, metric_key
from localcloud.periodic import Periodic

_logger = logging.getLogger(__name__)
_ACTIONS = {
    "ALARM": "AlarmActions",
    "OK": "OKActions",
    "INSUFFICIENT_DATA": "InsufficientDataActions",
}
_REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-central-1": "EU (Frankfurt)",
}
_MAX_HISTORY = 5000


def alarm_message(
    alarm: dict, old: str, new: str, reason: str, when: float, region: str, account: str
) -> dict:
    """The JSON CloudWatch sends to an SNS action."""
    return {
        "AlarmName": alarm["AlarmName"],
        "AlarmDescription": alarm.get("AlarmDescription"),
        "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": _iso(alarm.get("AlarmConfigurationUpdatedTimestamp")),
        "NewStateValue": new,
        "NewStateReason": reason,
        "StateChangeTime": _iso(when),
        "Region": _REGION_NAMES.get(region, region),
        "AlarmArn": alarm.get("AlarmArn"),
        "OldStateValue": old,
        "OKActions": alarm.get("OKActions", []),
        "AlarmActions": alarm.get("AlarmActions", []),
        "InsufficientDataActions": alarm.get("InsufficientDataActions", []),
        "Trigger": {
            "MetricName": alarm.get("MetricName"),
            "Namespace": alarm.get("Namespace"),
            "StatisticType": "ExtendedStatistic" if alarm.get("ExtendedStatistic") else "Statistic",
            "Statistic": (alarm.get("Statistic") or "").upper() or None,
            "Unit": alarm.get("Unit"),
            "Dimensions": [
                {"value": d["Value"], "name": d["Name"]} for d in alarm.get("Dimensions", [])
            ],
            "Period": alarm.get("Period"),
            "EvaluationPeriods": alarm.get("EvaluationPeriods"),
            "DatapointsToAlarm": alarm.get("DatapointsToAlarm") or alarm.get("EvaluationPeriods"),
            "ComparisonOperator": alarm.get("ComparisonOperator"),
            "Threshold": alarm.get("Threshold"),
            "TreatMissingData": alarm.get("TreatMissingData", "missing"),
            "EvaluateLowSampleCountPercentile": alarm.get("EvaluateLowSampleCountPercentile", ""),
        },
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.timestamp()
    return (
        datetime.fromtimestamp(float(value), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        + "+0000"
    )


class AlarmManager:
    """Alarm states as we last set them, history, and the evaluation loop."""

    def __init__(
        self,
        client,
        clock,
        store: MetricStore,
        region: str,
        account: str,
        interval: float | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.store = store
        self.region = region
        self.account = account
        # evaluate about once per simulated minute, 1-4 times per real second at most
        self.interval = interval or min(60.0, max(0.25, 60.0 / clock.time_scale))
        self.states: dict[str, str] = {}
        self.history: list[dict] = []
        self._lock = threading.Lock()
        self._evaluating = threading.Lock()
        self._periodic = Periodic("alarm-evaluator", self.evaluate_all, lambda: self.interval)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        self._periodic.start()

    def stop(self) -> None:
        self._periodic.stop()

    # -- evaluation ----------------------------------------------------------------------------
    def describe_alarms(self) -> list[dict]:
        cloudwatch, alarms, token = self.client("cloudwatch"), [], None
        while True:
            page = cloudwatch.describe_alarms(**({"NextToken": token} if token else {}))
            alarms.extend(page.get("MetricAlarms", []))
            token = page.get("NextToken")
            if not token:
                return alarms

    def evaluate_all(self) -> list[dict]:
        """Evaluate every metric alarm now; returns the state changes made."""
        with self._evaluating:
            changes = []
            for alarm in self.describe_alarms():
                with self._lock:
                    registered = alarm["AlarmArn"] in self.states
                if not registered:
                    # moto stored it but PutMetricAlarm's observer has not run yet: evaluating
                    # now would be overwritten by that observer ("Alarm configuration updated")
                    continue
                change = self.evaluate_one(alarm)
                if change:
                    changes.append(change)
            return changes

    def verdict(self, alarm: dict, now: float | None = None) -> Verdict | None:
        if alarm.get("Metrics") or not alarm.get("MetricName"):
            return None  # metric math alarms are not evaluated locally
        now = self.clock.now() if now is None else now
        period, periods = int(alarm["Period"]), int(alarm["EvaluationPeriods"])
        key = metric_key(alarm["Namespace"], alarm["MetricName"], alarm.get("Dimensions"))
        samples = self.store.window(key, now - period * periods, now + 1e-6)
        values = period_values(samples, now, period, periods, alarm.get("Statistic") or "Average")
        current = self.state_of(alarm)
        return evaluate(alarm, values, current, now)

    def state_of(self, alarm: dict) -> str:
        with self._lock:
            # moto creates alarms in OK; AWS (and we) start them in INSUFFICIENT_DATA
            return self.states.get(alarm["AlarmArn"], "INSUFFICIENT_DATA")

    def evaluate_one(self, alarm: dict) -> dict | None:
        try:
            verdict = self.verdict(alarm)
        except ValueError as error:
            _logger.warning("alarm %s not evaluated: %s", alarm["AlarmName"], error)
            return None
        if verdict is None:
            return None
        current = self.state_of(alarm)
        if verdict.state == current:
            if alarm.get("StateValue") != current:  # moto lost our state (e.g. restored)
                self.client("cloudwatch").set_alarm_state(
                    AlarmName=alarm["AlarmName"],
                    StateValue=current,
                    StateReason=(verdict.reason or "restored")[:1023],
                )
            return None
        self.client("cloudwatch").set_alarm_state(
            AlarmName=alarm["AlarmName"],
            StateValue=verdict.state,
            StateReason=verdict.reason[:1023],
            StateReasonData=verdict.reason_data,
        )
        return {
            "AlarmName": alarm["AlarmName"],
            "StateValue": verdict.state,
            "StateReason": verdict.reason,
        }

    # -- observers -----------------------------------------------------------------------------
    def on_put_metric_alarm(self, params: dict) -> None:
        name = params.get("AlarmName")
        alarm = self._describe(name)
        if alarm is None:
            return
        # Hold off the evaluator until moto's state is put back: an evaluation in between would
        # be undone by the restore below and recorded as a spurious transition.
        with self._evaluating:
            with self._lock:
                known = alarm["AlarmArn"] in self.states
                self.states.setdefault(alarm["AlarmArn"], "INSUFFICIENT_DATA")
                state = self.states[alarm["AlarmArn"]]
            self._record(
                name,
                "ConfigurationUpdate",
                f'Alarm "{name}" {"updated" if known else "created"}',
                {"type": "Update" if known else "Create", "version": "1.0"},
            )
            # moto (re)sets a stored alarm to OK: put back the state we track, quietly
            self.client("cloudwatch").set_alarm_state(
                AlarmName=name,
                StateValue=state,
                StateReason="Unchecked: Initial alarm creation"
                if not known
                else "Alarm configuration updated",
            )

    def on_set_alarm_state(self, params: dict) -> None:
        name = params["AlarmName"]
        alarm = self._describe(name)
        if alarm is None:
            return
        new, reason = params["StateValue"], params.get("StateReason", "")
        with self._lock:
            old = self.states.get(alarm["AlarmArn"], "INSUFFICIENT_DATA")
            self.states[alarm["AlarmArn"]] = new
        if old == new:
            return
        now = self.clock.now()
        self._record(
            name,
            "StateUpdate",
            f"Alarm updated from {old} to {new}",
            {
                "version": "1.0",
                "oldState": {"stateValue": old},
                "newState": {
                    "stateValue": new,
                    "stateReason": reason,
                    "stateReasonData": _json_or_text(params.get("StateReasonData")),
                },
            },
        )
        if alarm.get("ActionsEnabled", True):
            message = alarm_message(alarm, old, new, reason, now, self.region, self.account)
            for action in alarm.get(_ACTIONS[new], []):
                self._fire(alarm, action, new, message)

    def on_delete_alarms(self, params: dict) -> None:
        names = set(params.get("AlarmNames") or [])
        with self._lock:
            for arn in list(self.states):
                if arn.rsplit(":alarm:", 1)[-1] in names:
                    del self.states[arn]

    def _fire(self, alarm: dict, action: str, state: str, message: dict) -> None:
        name = alarm["AlarmName"]
        if not action.startswith("arn:aws:sns:"):
            self._record(
                name,
                "Action",
                f"Failed to execute action {action}",
                {
                    "actionState": "Failed",
                    "notificationResource": action,
                    "error": "only SNS actions run locally",
                },
            )
            return
        subject = f'{state}: "{name}" in {_REGION_NAMES.get(self.region, self.region)}'
        try:
            reply = self.client("sns").publish(
                TopicArn=action, Subject=subject[:100], Message=json.dumps(message)
            )
            self._record(
                name,
                "Action",
                f"Successfully executed action {action}",
                {
                    "actionState": "Succeeded",
                    "notificationResource": action,
                    "stateUpdateTimestamp": message["StateChangeTime"],
                    "publishedMessage": {"messageId": reply["MessageId"]},
                },
            )
        except (ClientError, BotoCoreError) as error:
            self._record(
                name,
                "Action",
                f"Failed to execute action {action}",
                {"actionState": "Failed", "notificationResource": action, "error": str(error)},
            )

    def _describe(self, name: str | None) -> dict | None:
        if not name:
            return None
        found = self.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
        return found[0] if found else None

    def _record(self, name: str, kind: str, summary: str, data: dict) -> None:
        with self._lock:
            self.history.append(
                {
                    "AlarmName": name,
                    "AlarmType": "MetricAlarm",
                    "Timestamp": self.clock.now(),
                    "HistoryItemType": kind,
                    "HistorySummary": summary,
                    "HistoryData": json.dumps(data),
                }
            )
            del self.history[:-_MAX_HISTORY]

    # -- reading -------------------------------------------------------------------------------
    def describe_history(self, params: dict) -> dict:
        """DescribeAlarmHistory: filters AlarmName, AlarmTypes, HistoryItemType, StartDate,
        EndDate, ScanBy (newest first by default), MaxRecords/NextToken."""
        from localcloud.cloudwatch.metrics import to_epoch

        kind = params.get("HistoryItemType")
        if kind and kind not in ("ConfigurationUpdate", "StateUpdate", "Action"):
            raise InvalidParameterValue(
                f"HistoryItemType {kind!r} is not one of ConfigurationUpdate, StateUpdate, Action"
            )
        start, end = to_epoch(params.get("StartDate")), to_epoch(params.get("EndDate"))
        with self._lock:
            items = [dict(i) for i in self.history]
        items = [
            i
            for i in items
            if (not params.get("AlarmName") or i["AlarmName"] == params["AlarmName"])
            and (
                not params.get("HistoryItemType")
                or i["HistoryItemType"] == params["HistoryItemType"]
            )
            and (start is None or i["Timestamp"] >= start)
            and (end is None or i["Timestamp"] <= end)
        ]
        if params.get("ScanBy") != "TimestampAscending":
            items.reverse()
        size = _bounded_int(_given(params, "MaxRecords", 100), "MaxRecords", 1, 100)
        offset = _bounded_int(_given(params, "NextToken", 0), "NextToken", 0, 10**9)
        page = items[offset : offset + size]
        for item in page:
            item["Timestamp"] = datetime.fromtimestamp(item["Timestamp"], timezone.utc)
        result: dict[str, Any] = {"AlarmHistoryItems": page}
        if offset + size < len(items):
            result["NextToken"] = str(offset + size)
        return result

    def export(self) -> dict:
        with self._lock:
            return {"states": dict(self.states), "history": list(self.history)}

    def restore(self, data: dict) -> None:
        with self._lock:
            self.states.update((data or {}).get("states", {}))
            self.history.extend((data or {}).get("history", []))
            self.history.sort(key=lambda item: item["Timestamp"])


def _given(params: dict, name: str, default: Any) -> Any:
    value = params.get(name)
    return default if value is None or value == "" else value


def _bounded_int(value: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise InvalidParameterValue(
            f"The value {value!r} for parameter {name} is not valid "
            f"(expected an integer from {low} to {high})."
        )
    return number


def _json_or_text(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text
