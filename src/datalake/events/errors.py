"""The two error shapes of the event contract: a field error and a request error with a status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One broken rule: `field` is the JSON path ("source", "data.temperature", "events[3]"),
    `rule` a stable machine-readable name ("required", "pattern", "type", ...)."""

    field: str
    rule: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class EventError(ValueError):
    """A request that cannot be taken at all. `status` is the HTTP status to answer with
    (400 bad request, 413 too large, 415 unsupported media type)."""

    def __init__(self, status: int, field: str, rule: str, message: str):
        super().__init__(f"{field}: {message} (rule: {rule})")
        self.status = status
        self.field = field
        self.rule = rule
        self.detail = message

    def to_field_error(self) -> FieldError:
        return FieldError(self.field, self.rule, self.detail)
