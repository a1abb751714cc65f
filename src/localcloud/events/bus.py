"""Event buses: turn PutEvents entries into events, match them against the rules kept in moto,
and deliver to each matching rule's targets on a background worker.

In-process API for other plugins (e.g. Glue's "Glue Job State Change"):
    from localcloud.events import bus
    bus.publish(cloud, {"source": "aws.glue", "detail-type": "Glue Job State Change",
                        "detail": {...}})
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
import weakref
from collections import deque
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from localcloud.events.patterns import PatternError, matches, parse_pattern
from localcloud.events.targets import TargetError, deliver, render_input

_logger = logging.getLogger(__name__)
_buses: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MAX_LOG = 1000
_ENABLED = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def iso_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def bus_name(name_or_arn: str | None) -> str:
    if not name_or_arn:
        return "default"
    return (
        name_or_arn.rsplit("event-bus/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
    )


class EventBus:
    """Matching and delivery for all buses of one local cloud. `client(service)` reaches moto
    (rules, targets) and the delivery services through the endpoint."""

    def __init__(self, client, clock, region: str, account: str) -> None:
        self.client = client
        self.clock = clock
        self.region = region
        self.account = account
        self.deliveries: deque = deque(maxlen=_MAX_LOG)
        self._queue: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- events --------------------------------------------------------------------------------
    def make_event(
        self,
        source: str,
        detail_type: str,
        detail: Any,
        resources=None,
        time_text: str | None = None,
    ) -> dict:
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": detail_type,
            "source": source,
            "account": self.account,
            "time": time_text or iso_time(self.clock.now()),
            "region": self.region,
            "resources": list(resources or []),
            "detail": detail,
        }

    def publish(self, event: dict, bus: str = "default", wait: bool = False) -> list[dict]:
        """Match `event` on `bus` and queue deliveries (or deliver now with wait=True).
        Returns the matched (rule, target) pairs."""
        matched = self.matching_targets(event, bus)
        if wait:
            for rule, target in matched:
                self._deliver(rule, target, event)
        else:
            for rule, target in matched:
                self._queue.put((rule, target, event))
            if matched:
                self._ensure_worker()
        return [{"rule": r["Name"], "target": t["Id"], "arn": t["Arn"]} for r, t in matched]

    def matching_targets(self, event: dict, bus: str = "default") -> list[tuple[dict, dict]]:
        out = []
        for rule in self.list_rules(bus):
            if rule.get("State") not in _ENABLED or not rule.get("EventPattern"):
                continue  # schedule-only rules never match put events (moto matches them all)
            try:
                if not matches(parse_pattern(rule["EventPattern"]), event):
                    continue
            except (PatternError, ValueError):
                _logger.warning("rule %s has an invalid pattern; skipped", rule["Name"])
                continue
            out.extend((rule, t) for t in self.list_targets(rule["Name"], bus))
        return out

    def list_rules(self, bus: str = "default") -> list[dict]:
        events, rules, token = self.client("events"), [], None
        while True:
            kwargs = {"EventBusName": bus, **({"NextToken": token} if token else {})}
            page = events.list_rules(**kwargs)
            rules.extend(page.get("Rules", []))
            token = page.get("NextToken")
            if not token:
                return rules

    def list_targets(self, rule: str, bus: str = "default") -> list[dict]:
        return self.client("events").list_targets_by_rule(Rule=rule, EventBusName=bus)["Targets"]

    # -- delivery ------------------------------------------------------------------------------
    def fire_rule(self, rule: dict, event: dict) -> list[dict]:
        """Deliver `event` to every target of `rule` now (schedules); returns the log records."""
        bus = bus_name(rule.get("EventBusName"))
        return [self._deliver(rule, t, event) for t in self.list_targets(rule["Name"], bus)]

    def _deliver(self, rule: dict, target: dict, event: dict) -> dict:
        record = {
            "time": iso_time(self.clock.now()),
            "rule": rule["Name"],
            "target": target["Id"],
            "arn": target["Arn"],
            "event_id": event["id"],
            "detail_type": event.get("detail-type"),
        }
        try:
            payload = render_input(target, event, rule["Name"], rule.get("Arn", ""))
            record.update(status="delivered", **deliver(self.client, target, payload))
        except (TargetError, ClientError, BotoCoreError, ValueError, KeyError) as error:
            _logger.warning("rule %s → %s failed: %s", rule["Name"], target["Arn"], error)
            record.update(status="failed", error=str(error))
        with self._lock:
            self.deliveries.append(record)
        return record

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, daemon=True, name="events-delivery"
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            try:
                rule, target, event = self._queue.get(timeout=5)
            except queue.Empty:
                return
            try:
                self._deliver(rule, target, event)
            except Exception:  # keep the worker alive for the next events
                _logger.exception("delivery crashed")
            finally:
                self._queue.task_done()

    def drain(self, timeout: float = 30) -> None:
        """Wait until queued deliveries are done (tests, shutdown)."""
        done = threading.Event()
        threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True).start()
        done.wait(timeout)

    def export(self) -> dict:
        with self._lock:
            return {"deliveries": list(self.deliveries)}

    def restore(self, data: dict) -> None:
        with self._lock:
            self.deliveries.extend((data or {}).get("deliveries", []))


def register_bus(cloud, bus: EventBus) -> None:
    _buses[cloud] = bus
    if isinstance(getattr(cloud, "services", None), dict):
        cloud.services["events"] = bus


def publish(cloud, event: dict, bus: str = "default") -> dict:
    """Put one event on `cloud`'s bus from inside the process (no HTTP). Missing envelope
    fields (id, time, account, region, version, resources) are filled in; `source`,
    `detail-type` and `detail` (an object) are required. Returns the full event."""
    instance = _buses.get(cloud)
    if instance is None:
        raise RuntimeError("the events plugin is not installed in this local cloud")
    for key in ("source", "detail-type"):
        if not isinstance(event.get(key), str) or not event[key]:
            raise ValueError(f"event field {key!r} is required (a non-empty string)")
    if not isinstance(event.get("detail"), dict):
        raise ValueError("event field 'detail' must be an object")
    full = instance.make_event(
        event["source"],
        event["detail-type"],
        event["detail"],
        event.get("resources"),
        event.get("time"),
    )
    full.update({k: v for k, v in event.items() if k in ("id", "account", "region", "version")})
    instance.publish(full, bus_name(bus))
    return full
