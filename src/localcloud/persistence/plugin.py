"""Routes `POST /_datalake/state/export` and `/import` ({"dir": path}) and the persistence
health entry (`starting` → `restoring` → `ready`, set by `python -m localcloud`)."""

from __future__ import annotations

import json
from pathlib import Path

from localcloud.errors import AwsError
from localcloud.persistence import state_dir
from localcloud.persistence.archive import export_state, import_state
from localcloud.registry import Response

ORDER = 90


class Persistence:
    """What the health check reports about state export/import."""

    def __init__(self) -> None:
        self.status = "ok"
        self.last: dict = {}

    def health(self) -> dict:
        return {"status": self.status, **self.last}


def install(cloud) -> None:
    persistence = Persistence()
    cloud.services["persistence"] = persistence
    default = state_dir(cloud.config.data_dir)

    def target(call) -> Path:
        try:
            body = call.json()
        except ValueError:
            raise AwsError("body must be JSON: {\"dir\": \"/path\"}") from None
        return Path(body.get("dir") or default)

    def export_route(call) -> Response:
        summary = export_state(cloud, target(call))
        persistence.last["last_export"] = summary
        return _json(summary)

    def import_route(call) -> Response:
        source = target(call)
        if not (source / "manifest.json").exists():
            raise AwsError(f"no exported state at {source}", "NotFound", 404)
        persistence.status = "restoring"
        try:
            summary = import_state(cloud, source)
        finally:
            persistence.status = "ok"
        persistence.last["last_import"] = summary
        return _json(summary)

    cloud.registry.route("POST", r"^/_datalake/state/export$", export_route)
    cloud.registry.route("POST", r"^/_datalake/state/import$", import_route)
    cloud.registry.health("persistence", persistence.health)


def _json(data) -> Response:
    return Response(200, {"Content-Type": "application/json"}, json.dumps(data).encode())
