"""Registers `GET /_datalake/health`: per-service health of this local cloud."""

from __future__ import annotations

ORDER = 0


def install(cloud) -> None:
    from localcloud.registry import Response

    cloud.registry.route(
        "GET", r"^/_datalake/health$",
        lambda call: Response.json(cloud.health(), content_type="application/json"),
    )
