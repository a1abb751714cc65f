"""Match a request path and method against an API's resources, as API Gateway does (pure).

Priority: a literal path segment beats `{param}`, which beats a greedy `{proxy+}`; a method
beats `ANY`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RouteMatch:
    """The resource and method a request resolved to."""

    resource: dict  # one item of GetResources(embed=methods)
    method: dict  # resource["resourceMethods"][verb]
    path_parameters: dict[str, str]


def match_route(resources: list[dict], http_method: str, path: str) -> RouteMatch | None:
    """The best resource+method for `path` (without the stage), or None."""
    segments = _split(path)
    best: tuple[tuple, dict, dict[str, str]] | None = None
    for resource in resources:
        params = _match_path(_split(resource.get("path", "/")), segments)
        if params is None:
            continue
        methods = resource.get("resourceMethods") or {}
        method = methods.get(http_method.upper()) or methods.get("ANY")
        if method is None:
            continue
        score = (_path_score(resource.get("path", "/")), http_method.upper() in methods)
        if best is None or score > best[0]:
            best = (score, resource, params)
    if best is None:
        return None
    _, resource, params = best
    methods = resource["resourceMethods"]
    return RouteMatch(resource, methods.get(http_method.upper()) or methods["ANY"], params)


def _split(path: str) -> list[str]:
    return [s for s in path.split("/") if s != ""]


def _match_path(pattern: list[str], segments: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for index, part in enumerate(pattern):
        if part.startswith("{") and part.endswith("+}"):
            rest = segments[index:]
            if not rest:  # a greedy parameter needs at least one segment
                return None
            params[part[1:-2]] = "/".join(rest)
            return params
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = segments[index]
        elif part != segments[index]:
            return None
    return params if len(pattern) == len(segments) else None


def _path_score(path: str) -> tuple:
    """Sort key: more literal segments first, then more single parameters, greedy last."""
    parts = _split(path)
    literal = sum(1 for p in parts if not p.startswith("{"))
    single = sum(1 for p in parts if p.startswith("{") and not p.endswith("+}"))
    greedy = any(p.endswith("+}") for p in parts)
    return (not greedy, literal, single)
