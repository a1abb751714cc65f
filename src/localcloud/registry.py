"""Where plugins plug in: operation handlers, path routes, observers, lifecycle and state hooks."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from localcloud.routing import ApiCall

_logger = logging.getLogger(__name__)


@dataclass
class Response:
    """An HTTP answer: what handlers return and what observers see of moto's answer."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json(cls, data: Any, status: int = 200, content_type: str = "application/x-amz-json-1.1"):
        import json

        return cls(status, {"Content-Type": content_type}, json.dumps(data, default=str).encode())


Handler = Callable[[ApiCall], Response]
Observer = Callable[[ApiCall, Response], None]
Matcher = Callable[[ApiCall], bool]


@dataclass
class _Route:
    method: str
    pattern: re.Pattern
    handler: Handler


@dataclass
class _Interceptor:
    service: str
    match: Matcher
    intercept: Callable[[ApiCall], Response | None]


@dataclass
class _Observer:
    service: str
    match: Matcher
    observer: Observer


class Registry:
    """The extension points of a LocalCloud. Plugins call these from their `install(cloud)`."""

    def __init__(self) -> None:
        self.operations: dict[tuple[str, str], Handler] = {}
        self.routes: list[_Route] = []
        self.observers: list[_Observer] = []
        self.interceptors: list[_Interceptor] = []
        self.health_checks: dict[str, Callable[[], dict]] = {}
        self.starters: list[Callable[[], None]] = []
        self.stoppers: list[Callable[[], None]] = []
        self.state_hooks: dict[str, tuple[Callable[[], Any], Callable[[Any], None]]] = {}

    def operation(self, service: str, operation: str, handler: Handler) -> None:
        """Answer `service`'s `operation` ourselves instead of moto."""
        self.operations[(service, operation)] = handler

    def route(self, method: str, path_regex: str, handler: Handler) -> None:
        """Answer requests whose path matches (before any service identification)."""
        self.routes.append(_Route(method.upper(), re.compile(path_regex), handler))

    def observe(self, service: str, match: str | Matcher, observer: Observer) -> None:
        """Call `observer(call, response)` after moto answered a matching call successfully."""
        matcher = (lambda c, op=match: c.operation == op) if isinstance(match, str) else match
        self.observers.append(_Observer(service, matcher, observer))

    def intercept(
        self, service: str, match: str | Matcher, fn: Callable[[ApiCall], Response | None]
    ) -> None:
        """Call `fn(call)` before a matching call reaches an operation handler or moto; a
        Response it returns is the answer, None lets the call go on (latency, fault injection)."""
        matcher = (lambda c, op=match: c.operation == op) if isinstance(match, str) else match
        self.interceptors.append(_Interceptor(service, matcher, fn))

    def matching_interceptors(self, call: ApiCall) -> list[Callable[[ApiCall], Response | None]]:
        return [i.intercept for i in self.interceptors
                if i.service == call.service and i.match(call)]

    def health(self, name: str, check: Callable[[], dict]) -> None:
        self.health_checks[name] = check

    def on_start(self, fn: Callable[[], None]) -> None:
        self.starters.append(fn)

    def on_stop(self, fn: Callable[[], None]) -> None:
        self.stoppers.append(fn)

    def state(self, name: str, export: Callable[[], Any], restore: Callable[[Any], None]) -> None:
        """State a plugin keeps outside moto: exported to JSON on down, restored on up."""
        self.state_hooks[name] = (export, restore)

    def find_route(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route in self.routes:
            if route.method in (method, "*"):
                m = route.pattern.match(path)
                if m:
                    return route.handler, m.groupdict()
        return None

    def matching_observers(self, call: ApiCall) -> list[Observer]:
        return [o.observer for o in self.observers if o.service == call.service and o.match(call)]
