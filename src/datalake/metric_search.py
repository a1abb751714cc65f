"""CloudWatch `SEARCH(...)` expressions of dashboard widgets, evaluated on the client: parse the
expression, then keep the ListMetrics results it selects. Pure functions; the ListMetrics call
is the caller's (`datalake.monitoring.expand_searches`).

The subset the lake's dashboard uses, and the one supported here: an optional exact-match schema
`{Namespace,Dim1,Dim2}` (a metric matches when its dimension names are exactly these) followed
by `Name="value"` terms joined by spaces or AND (`MetricName="..."` names the metric). Free-text
terms, OR, NOT and parentheses raise ValueError rather than being silently misread."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

_logger = logging.getLogger(__name__)

_SEARCH = re.compile(
    r"^\s*SEARCH\(\s*'(?P<query>[^']*)'\s*,\s*'(?P<stat>[^']+)'\s*,\s*(?P<period>\d+)\s*\)\s*$"
)
_SCHEMA = re.compile(r"^\s*\{(?P<schema>[^}]*)\}")
_TERM = re.compile(r'\s*(?P<name>[A-Za-z0-9_.:/-]+)\s*=\s*"(?P<value>[^"]*)"\s*')


@dataclass(frozen=True)
class MetricSearch:
    """One SEARCH expression: what it selects, the statistic and period of every match."""

    namespace: str | None
    schema: tuple[str, ...] | None  # exact dimension names, or None without a schema
    terms: dict[str, str] = field(default_factory=dict)  # dimension (or MetricName) -> value
    stat: str = "Average"
    period: int = 300
    label: str = ""

    @property
    def metric_name(self) -> str | None:
        return self.terms.get("MetricName")


def is_search(expression: str) -> bool:
    return expression.lstrip().upper().startswith("SEARCH(")


def parse_search(expression: str, label: str = "") -> MetricSearch:
    """The MetricSearch of `SEARCH('{NS,Dim,...} Name="v" ...', 'Stat', period)`."""
    m = _SEARCH.match(expression)
    if not m:
        raise ValueError(f"{expression!r}: expected SEARCH('query', 'stat', period)")
    query = m["query"]
    namespace: str | None = None
    schema: tuple[str, ...] | None = None
    head = _SCHEMA.match(query)
    if head:
        parts = [p.strip().strip('"') for p in head["schema"].split(",")]
        namespace, schema = parts[0], tuple(sorted(p for p in parts[1:] if p))
        query = query[head.end() :]
    terms: dict[str, str] = {}
    rest = re.sub(r"\s+AND\s+", " ", query)
    while rest.strip():
        term = _TERM.match(rest)
        if not term:
            raise ValueError(
                f'{expression!r}: only Name="value" terms are supported, not {rest.strip()!r}'
            )
        terms[term["name"]] = term["value"]
        rest = rest[term.end() :]
    if namespace is None:
        namespace = terms.pop("Namespace", None)
    return MetricSearch(namespace, schema, terms, m["stat"], int(m["period"]), label)


def matches(search: MetricSearch, metric: dict) -> bool:
    """Whether one ListMetrics entry ({Namespace, MetricName, Dimensions}) is selected."""
    if search.namespace is not None and metric.get("Namespace") != search.namespace:
        return False
    dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
    if search.schema is not None and tuple(sorted(dims)) != search.schema:
        return False
    for name, value in search.terms.items():
        actual = metric.get("MetricName") if name == "MetricName" else dims.get(name)
        if actual != value:
            return False
    return True


def selected(search: MetricSearch, metrics: list[dict]) -> list[tuple[str, str, dict[str, str]]]:
    """(namespace, metric name, dimensions) of every match, deduplicated, in a stable order."""
    found: dict[tuple, tuple[str, str, dict[str, str]]] = {}
    for metric in metrics:
        if matches(search, metric):
            dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            key = (metric["Namespace"], metric["MetricName"], tuple(sorted(dims.items())))
            found[key] = (metric["Namespace"], metric["MetricName"], dims)
    return [found[k] for k in sorted(found)]


def line_label(search: MetricSearch, name: str, dims: dict[str, str]) -> str:
    """A match's label: the search's label (or the metric name) and the dimension values the
    search left open, e.g. `ProcessedBytes SUCCEEDED DML`."""
    open_values = [v for k, v in sorted(dims.items()) if k not in search.terms]
    return " ".join([search.label or name, *open_values])
