"""Installs the local Athena: every Athena operation the lake uses is answered here (moto's
Athena returns canned results for any SQL), executed on DuckDB over the Glue catalog."""

from __future__ import annotations

import logging

from localcloud.athena.api import AthenaApi
from localcloud.athena.executions import ExecutionStore, WorkGroupStore
from localcloud.athena.inprocess import InProcessClients
from localcloud.athena.local_state import MotoCatalog, MotoObjects
from localcloud.athena.runner import Runner

_logger = logging.getLogger(__name__)

ORDER = 60


def install(cloud) -> None:
    executions = ExecutionStore()
    workgroups = WorkGroupStore()

    account, region = cloud.config.account, cloud.config.region
    clients = InProcessClients(cloud)  # Athena's own writes skip the socket (decision 115)
    runner = Runner(
        executions, clients, cloud.config.data_dir / "athena-cache", workgroups.find,
        MotoObjects(account, region), MotoCatalog(account, region),
    )
    api = AthenaApi(executions, workgroups, runner, clients)
    for operation, handler in api.handlers().items():
        cloud.registry.operation("athena", operation, handler)
    cloud.registry.state(
        "athena",
        lambda: {"executions": executions.export(), "workgroups": workgroups.export()},
        lambda data: (
            executions.restore((data or {}).get("executions")),
            workgroups.restore((data or {}).get("workgroups")),
        ),
    )
    cloud.registry.on_stop(runner.shutdown)
    cloud.registry.health("athena", lambda: {
        "status": "ok", "engine": "duckdb", "workgroups": len(workgroups.list()),
    })
