"""Schedule rules: fire `rate(...)`/`cron(...)` rules on time on the scaled clock.

Rules live in moto; this keeps, per rule ARN, the expression and the next fire time. A rate
rule first fires one period after it was first seen (as AWS counts from creation)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from localcloud.events.schedule import Rate, ScheduleError, parse_schedule
from localcloud.periodic import Periodic

_logger = logging.getLogger(__name__)


class Scheduler:
    """Polls the schedule rules of the default bus and fires those that are due."""

    def __init__(self, bus, clock, tick_seconds: float | None = None) -> None:
        self.bus = bus
        self.clock = clock
        # real seconds between polls: often enough that a fire is at most ~30 simulated
        # seconds late, but never more than 4 polls a second
        self.tick = tick_seconds or min(1.0, max(0.25, 30.0 / clock.time_scale))
        self.plan: dict[str, dict[str, Any]] = {}
        self.fired: list[dict] = []
        self._lock = threading.Lock()
        self._firing = threading.Lock()  # run_due and fire_all never interleave
        self._periodic = Periodic("events-scheduler", self.run_due, lambda: self.tick)

    def start(self) -> None:
        self._periodic.start()

    def stop(self) -> None:
        self._periodic.stop()

    def schedule_rules(self) -> list[dict]:
        return [r for r in self.bus.list_rules("default") if r.get("ScheduleExpression")]

    def run_due(self) -> list[dict]:
        """Fire every enabled schedule rule whose time has come; returns what fired."""
        with self._firing:
            return self._run_due()

    def _run_due(self) -> list[dict]:
        now = self.clock.now()
        fired = []
        for rule in self.schedule_rules():
            entry = self._entry(rule, now)
            if entry is None or rule.get("State") != "ENABLED":
                continue
            if now >= entry["next"]:
                fired.append(self._fire(rule, entry["next"]))
                entry["next"] = entry["schedule"].next_after(now, entry["anchor"])
        return fired

    def fire_all(self) -> list[dict]:
        """Fire every enabled schedule rule now (`datalake local fire-schedules`)."""
        with self._firing:
            return self._fire_all()

    def _fire_all(self) -> list[dict]:
        now = self.clock.now()
        fired = []
        for rule in self.schedule_rules():
            if rule.get("State") != "ENABLED":
                continue
            entry = self._entry(rule, now)
            if entry is None:
                continue
            fired.append(self._fire(rule, now))
            entry["anchor"] = now if isinstance(entry["schedule"], Rate) else entry["anchor"]
            entry["next"] = entry["schedule"].next_after(now, entry["anchor"])
        return fired

    def _entry(self, rule: dict, now: float) -> dict | None:
        arn, expression = rule["Arn"], rule["ScheduleExpression"]
        with self._lock:
            entry = self.plan.get(arn)
            if entry is not None and entry["expression"] == expression:
                return entry
            try:
                schedule = parse_schedule(expression)
            except ScheduleError as error:
                _logger.warning("rule %s: %s", rule["Name"], error)
                return None
            entry = {
                "expression": expression,
                "schedule": schedule,
                "anchor": now,
                "next": schedule.next_after(now, now),
            }
            self.plan[arn] = entry
            return entry

    def _fire(self, rule: dict, when: float) -> dict:
        from localcloud.events.bus import iso_time

        event = self.bus.make_event(
            "aws.events", "Scheduled Event", {}, [rule["Arn"]], iso_time(when)
        )
        results = self.bus.fire_rule(rule, event)
        record = {"rule": rule["Name"], "time": iso_time(when), "targets": results}
        with self._lock:
            self.fired.append(record)
            del self.fired[:-200]
        _logger.info("schedule rule %s fired (%d targets)", rule["Name"], len(results))
        return record

    # -- persistence (next fire times survive a restart) ----------------------------------------
    def export(self) -> dict:
        with self._lock:
            return {
                arn: {"expression": e["expression"], "anchor": e["anchor"], "next": e["next"]}
                for arn, e in self.plan.items()
            }

    def restore(self, data: dict) -> None:
        with self._lock:
            for arn, e in (data or {}).items():
                try:
                    schedule = parse_schedule(e["expression"])
                except ScheduleError:
                    continue
                self.plan[arn] = {**e, "schedule": schedule}
