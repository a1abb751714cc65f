"""The request context a policy is evaluated against: context keys and their values (pure).

Context key names are case-insensitive, as AWS reads them. A key holds one value
(single-valued: `aws:SourceArn`) or a list (multivalued: `aws:TagKeys`, possibly empty).
Values are kept as the strings AWS compares; `bytes` stay bytes for `BinaryEquals`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

_logger = logging.getLogger(__name__)

Value = str | bytes


class RequestContext:
    """Case-insensitive, read-only view of the context keys of one request."""

    def __init__(self, values: Mapping[str, object] | None = None):
        self._values: dict[str, tuple[Value, ...]] = {}
        self._multi: set[str] = set()
        self._names: dict[str, str] = {}
        for key, value in (values or {}).items():
            lower = key.lower()
            self._names[lower] = key
            if isinstance(value, (list, tuple, set, frozenset)):
                self._multi.add(lower)
                self._values[lower] = tuple(_as_value(v) for v in value)
            elif value is not None:
                self._values[lower] = (_as_value(value),)

    def has(self, key: str) -> bool:
        return key.lower() in self._values

    def values(self, key: str) -> tuple[Value, ...] | None:
        """The key's values (a one-item tuple for a single-valued key); None when absent."""
        return self._values.get(key.lower())

    def is_multivalued(self, key: str) -> bool:
        return key.lower() in self._multi

    def single(self, key: str) -> str | None:
        """The value of a single-valued string key; None when absent or multivalued (policy
        variables cannot use multivalued keys)."""
        lower = key.lower()
        values = self._values.get(lower)
        if values is None or lower in self._multi or not isinstance(values[0], str):
            return None
        return values[0]

    def keys(self) -> list[str]:
        return [self._names[k] for k in self._values]

    def only(self, keys: Iterable[str]) -> RequestContext:
        """A context holding only `keys` (case-insensitive)."""
        wanted = {k.lower() for k in keys}
        out = RequestContext()
        for lower, values in self._values.items():
            if lower in wanted:
                out._values[lower] = values
                out._names[lower] = self._names[lower]
                if lower in self._multi:
                    out._multi.add(lower)
        return out

    def merged(self, extra: Mapping[str, object]) -> RequestContext:
        """A context with `extra` keys added (they win over existing ones)."""
        out = RequestContext(extra)
        for lower, values in self._values.items():
            if lower not in out._values:
                out._values[lower] = values
                out._names[lower] = self._names[lower]
                if lower in self._multi:
                    out._multi.add(lower)
        return out


def as_context(context: RequestContext | Mapping[str, object] | None) -> RequestContext:
    return context if isinstance(context, RequestContext) else RequestContext(context)


def _as_value(value: object) -> Value:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, str)):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)
