"""Step Functions: executions run by our own ASL interpreter (docs/decisions/080); state
machine definitions stay in moto."""

from __future__ import annotations

from localcloud.clock import clock_for
from localcloud.stepfunctions.api import StepFunctionsApi
from localcloud.stepfunctions.executions import ExecutionStore
from localcloud.stepfunctions.notify import make_listener
from localcloud.stepfunctions.tasks import TaskRunner

ORDER = 60


def install(cloud) -> None:
    config = cloud.config
    tasks = TaskRunner(cloud.client, region=config.region)
    store = ExecutionStore(tasks, clock_for(cloud))
    report = make_listener(cloud)
    store.start_listeners.append(report)
    store.listeners.append(report)
    api = StepFunctionsApi(store, lambda: cloud.client("stepfunctions"))
    for operation, handler in api.handlers().items():
        cloud.registry.operation("stepfunctions", operation, handler)
    cloud.registry.state("stepfunctions", store.export, store.restore)
    cloud.registry.health("stepfunctions", lambda: {"status": "ok", "executions": store.count()})
    if isinstance(getattr(cloud, "services", None), dict):
        cloud.services["stepfunctions"] = store
