"""Ships log lines and metric data points to the local CloudWatch (moto) in the background.

Executors (Lambda runtime, API Gateway) must not pay a CloudWatch round trip per request, so
they enqueue here; one thread batches the queue into PutLogEvents / PutMetricData calls.
Log groups and streams are created on first use, as the AWS services do for their own logs.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from typing import Any

_logger = logging.getLogger(__name__)

_MAX_LOG_BATCH = 5000  # PutLogEvents limit: 10,000 events; stay well below
_MAX_METRIC_BATCH = 500  # PutMetricData limit: 1,000 data points


class Telemetry:
    """A queue of log events and metric data points flushed by one daemon thread."""

    def __init__(self, client_factory, interval: float = 0.2) -> None:
        self._client = client_factory
        self._queue: queue.Queue = queue.Queue()
        self._interval = interval
        self._known_streams: set[tuple[str, str]] = set()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- producers -----------------------------------------------------------------------------
    def put_log(self, group: str, stream: str, message: str, timestamp_ms: int | None = None):
        """Append one log event to `group`/`stream` (created when missing)."""
        ts = int(time.time() * 1000) if timestamp_ms is None else int(timestamp_ms)
        self._queue.put(("log", group, stream, ts, message))
        self._ensure_thread()

    def put_metric(
        self, namespace: str, name: str, value: float, unit: str, dimensions: dict[str, str]
    ) -> None:
        """Record one data point of `namespace`/`name` with `dimensions`."""
        datum = {
            "MetricName": name,
            "Value": float(value),
            "Unit": unit,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
            "Timestamp": time.time(),
        }
        self._queue.put(("metric", namespace, datum))
        self._ensure_thread()

    # -- consumer ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Send everything queued so far (blocking)."""
        with self._flush_lock:
            items = []
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if items:
                self._send(items)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self.flush()
        except Exception:  # the endpoint may already be gone at shutdown
            _logger.debug("final telemetry flush failed", exc_info=True)

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            with self._flush_lock:
                if self._thread is None or not self._thread.is_alive():
                    self._stop.clear()
                    self._thread = threading.Thread(
                        target=self._run, name="telemetry", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception:
                _logger.exception("telemetry flush failed")

    def _send(self, items: list[tuple]) -> None:
        logs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        metrics: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in items:
            if item[0] == "log":
                _, group, stream, ts, message = item
                logs[(group, stream)].append({"timestamp": ts, "message": message})
            else:
                metrics[item[1]].append(item[2])
        for (group, stream), events in logs.items():
            events.sort(key=lambda e: e["timestamp"])  # PutLogEvents wants chronological order
            for start in range(0, len(events), _MAX_LOG_BATCH):
                self._put_log_events(group, stream, events[start : start + _MAX_LOG_BATCH])
        cloudwatch = self._client("cloudwatch")
        for namespace, data in metrics.items():
            for start in range(0, len(data), _MAX_METRIC_BATCH):
                cloudwatch.put_metric_data(
                    Namespace=namespace, MetricData=data[start : start + _MAX_METRIC_BATCH]
                )

    def _put_log_events(self, group: str, stream: str, events: list[dict[str, Any]]) -> None:
        logs = self._client("logs")
        if (group, stream) not in self._known_streams:
            _create_stream(logs, group, stream)
            self._known_streams.add((group, stream))
        try:
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        except logs.exceptions.ResourceNotFoundException:  # group deleted meanwhile: recreate
            _create_stream(logs, group, stream)
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def _create_stream(logs, group: str, stream: str) -> None:
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    try:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass


def telemetry_for(cloud) -> Telemetry:
    """The cloud's one Telemetry (created on first use, stopped with the cloud)."""
    existing = cloud.services.get("telemetry")
    if existing is None:
        existing = cloud.services["telemetry"] = Telemetry(cloud.client)
        cloud.registry.on_stop(existing.stop)
    return existing
