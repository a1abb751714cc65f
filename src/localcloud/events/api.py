"""EventBridge operations answered here (PutEvents) and the private routes of the local cloud:
`POST /_datalake/events/fire-schedules`, `GET /_datalake/events/deliveries`."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from localcloud.events.bus import EventBus, bus_name
from localcloud.events.errors import ValidationException
from localcloud.events.scheduler import Scheduler
from localcloud.registry import Response
from localcloud.routing import ApiCall

_MAX_ENTRIES = 10


def _json(data) -> Response:
    return Response.json(data, content_type="application/json")


class EventsApi:
    def __init__(self, bus: EventBus, scheduler: Scheduler) -> None:
        self.bus = bus
        self.scheduler = scheduler

    def put_events(self, call: ApiCall) -> Response:
        entries = call.json().get("Entries")
        if not isinstance(entries, list) or not 1 <= len(entries) <= _MAX_ENTRIES:
            raise ValidationException(
                "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                f"Member must have length between 1 and {_MAX_ENTRIES}"
            )
        results, failed = [], 0
        for entry in entries:
            try:
                event = self._event(entry)
            except _EntryError as error:
                failed += 1
                results.append({"ErrorCode": error.code, "ErrorMessage": str(error)})
                continue
            try:
                self.bus.publish(event, bus_name(entry.get("EventBusName")))
            except ClientError as error:  # e.g. an event bus that does not exist
                failed += 1
                results.append(
                    {
                        "ErrorCode": error.response["Error"]["Code"],
                        "ErrorMessage": error.response["Error"].get("Message", ""),
                    }
                )
                continue
            results.append({"EventId": event["id"]})
        return Response.json({"FailedEntryCount": failed, "Entries": results})

    def _event(self, entry: dict) -> dict:
        for field in ("Source", "DetailType", "Detail"):
            if not entry.get(field):
                raise _EntryError(
                    "InvalidArgument",
                    f"Parameter {field} is not valid. Reason: {field} is a required argument.",
                )
        try:
            detail = json.loads(entry["Detail"])
        except ValueError:
            raise _EntryError("MalformedDetail", "Detail is malformed.") from None
        if not isinstance(detail, dict):
            raise _EntryError("MalformedDetail", "Detail is malformed.")
        when = entry.get("Time")
        time_text = None
        if isinstance(when, (int, float)):
            from localcloud.events.bus import iso_time

            time_text = iso_time(float(when))
        return self.bus.make_event(
            entry["Source"], entry["DetailType"], detail, entry.get("Resources"), time_text
        )

    def fire_schedules(self, call: ApiCall) -> Response:
        return _json({"fired": self.scheduler.fire_all()})

    def list_deliveries(self, call: ApiCall) -> Response:
        self.bus.drain(10)
        rule = (call.query.get("rule") or [None])[0]
        records = [r for r in list(self.bus.deliveries) if rule in (None, r["rule"])]
        return _json({"deliveries": records, "schedules_fired": self.scheduler.fired})


class _EntryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
