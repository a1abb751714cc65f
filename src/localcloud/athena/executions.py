"""State of query executions and workgroups: what Get/List/BatchGet answer, persisted through
the registry's state hooks (export/restore as JSON)."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from localcloud.errors import AwsError

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
    "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"
)
FINAL_STATES = (SUCCEEDED, FAILED, CANCELLED)
PRIMARY = "primary"
_ROWS_KEPT_IN_STATE = 1000


class InvalidRequest(AwsError):
    status = 400
    code = "InvalidRequestException"


@dataclass
class QueryExecution:
    """One query execution, shaped after Athena's QueryExecution."""

    id: str
    query: str
    workgroup: str
    database: str | None
    catalog: str
    output_location: str | None
    execution_parameters: list[str] = field(default_factory=list)
    statement_type: str = "DML"
    substatement_type: str = "SELECT"
    state: str = QUEUED
    reason: str | None = None
    athena_error: dict | None = None
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    completed: float | None = None
    bytes_scanned: int = 0
    engine_ms: int = 0
    planning_ms: int = 0
    data_manifest: str | None = None
    reused_from: str | None = None
    reuse_max_age_minutes: int | None = None
    result_key: str | None = None  # result file location (csv or txt)
    columns: list[dict] = field(default_factory=list)
    rows: list[list[str | None]] | None = None  # result values as text (None = NULL)
    header_row: bool = True
    update_count: int | None = None
    encryption: dict | None = None
    client_request_token: str | None = None

    def describe(self) -> dict[str, Any]:
        """The QueryExecution structure of GetQueryExecution."""
        status: dict[str, Any] = {"State": self.state, "SubmissionDateTime": self.submitted}
        if self.completed:
            status["CompletionDateTime"] = self.completed
        if self.reason:
            status["StateChangeReason"] = self.reason
        if self.athena_error:
            status["AthenaError"] = self.athena_error
        result_conf: dict[str, Any] = {}
        if self.result_key:
            result_conf["OutputLocation"] = self.result_key
        if self.encryption:
            result_conf["EncryptionConfiguration"] = self.encryption
        context = {"Catalog": self.catalog}
        if self.database:
            context["Database"] = self.database
        out: dict[str, Any] = {
            "QueryExecutionId": self.id,
            "Query": self.query,
            "StatementType": self.statement_type,
            "SubstatementType": self.substatement_type,
            "ResultConfiguration": result_conf,
            "ResultReuseConfiguration": {
                "ResultReuseByAgeConfiguration": {
                    "Enabled": self.reuse_max_age_minutes is not None,
                    **({"MaxAgeInMinutes": self.reuse_max_age_minutes}
                       if self.reuse_max_age_minutes is not None else {}),
                }
            },
            "QueryExecutionContext": context,
            "Status": status,
            "Statistics": self._statistics(),
            "WorkGroup": self.workgroup,
            "EngineVersion": {
                "SelectedEngineVersion": "Athena engine version 3",
                "EffectiveEngineVersion": "Athena engine version 3",
            },
        }
        if self.execution_parameters:
            out["ExecutionParameters"] = list(self.execution_parameters)
        return out

    def _statistics(self) -> dict[str, Any]:
        end = self.completed or time.time()
        queue_ms = int(((self.started or end) - self.submitted) * 1000)
        stats: dict[str, Any] = {
            "EngineExecutionTimeInMillis": self.engine_ms,
            "DataScannedInBytes": self.bytes_scanned,
            "TotalExecutionTimeInMillis": int((end - self.submitted) * 1000),
            "QueryQueueTimeInMillis": queue_ms,
            "QueryPlanningTimeInMillis": self.planning_ms,
            "ServicePreProcessingTimeInMillis": 0,
            "ServiceProcessingTimeInMillis": 0,
            "ResultReuseInformation": {"ReusedPreviousResult": self.reused_from is not None},
        }
        if self.data_manifest:
            stats["DataManifestLocation"] = self.data_manifest
        return stats

    def to_json(self) -> dict:
        data = asdict(self)
        if self.rows is not None and len(self.rows) > _ROWS_KEPT_IN_STATE and self.result_key:
            data["rows"] = None  # GetQueryResults reads them back from the result file
        return data

    @classmethod
    def from_json(cls, data: dict) -> QueryExecution:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class ExecutionStore:
    """Executions by id, in submission order; thread-safe."""

    def __init__(self) -> None:
        self._items: dict[str, QueryExecution] = {}
        self._lock = threading.RLock()

    def new_id(self) -> str:
        return str(uuid.uuid4())

    def add(self, execution: QueryExecution) -> None:
        with self._lock:
            self._items[execution.id] = execution

    def get(self, execution_id: str) -> QueryExecution:
        with self._lock:
            found = self._items.get(execution_id)
        if found is None:
            raise InvalidRequest(f"QueryExecution {execution_id} was not found")
        return found

    def find(self, execution_id: str) -> QueryExecution | None:
        with self._lock:
            return self._items.get(execution_id)

    def by_token(self, token: str) -> QueryExecution | None:
        with self._lock:
            return next(
                (e for e in self._items.values() if e.client_request_token == token), None
            )

    def list_ids(self, workgroup: str) -> list[str]:
        """Newest first, as Athena lists them."""
        with self._lock:
            items = [e for e in self._items.values() if e.workgroup == workgroup]
        return [e.id for e in sorted(items, key=lambda e: e.submitted, reverse=True)]

    def reusable(self, execution: QueryExecution, max_age_minutes: int) -> QueryExecution | None:
        """A previous SUCCEEDED run of the same query text, context and location, young enough."""
        horizon = time.time() - max_age_minutes * 60
        with self._lock:
            candidates = [
                e for e in self._items.values()
                if e.id != execution.id and e.state == SUCCEEDED and e.query == execution.query
                and e.database == execution.database and e.workgroup == execution.workgroup
                and e.execution_parameters == execution.execution_parameters
                and e.statement_type == "DML" and e.substatement_type == "SELECT"
                and (e.completed or 0) >= horizon and e.reused_from is None
            ]
        return max(candidates, key=lambda e: e.completed or 0) if candidates else None

    def export(self) -> list[dict]:
        with self._lock:
            return [e.to_json() for e in self._items.values()]

    def restore(self, data: list[dict] | None) -> None:
        with self._lock:
            self._items = {}
            for item in data or []:
                execution = QueryExecution.from_json(item)
                if execution.state not in FINAL_STATES:
                    # The process that ran it is gone.
                    execution.state, execution.reason = FAILED, "Query was interrupted"
                    execution.completed = execution.completed or time.time()
                self._items[execution.id] = execution


@dataclass
class WorkGroup:
    name: str
    description: str = ""
    state: str = "ENABLED"
    configuration: dict = field(default_factory=dict)
    tags: list = field(default_factory=list)
    created: float = field(default_factory=time.time)

    @property
    def output_location(self) -> str | None:
        return (self.configuration.get("ResultConfiguration") or {}).get("OutputLocation")

    @property
    def enforced(self) -> bool:
        return bool(self.configuration.get("EnforceWorkGroupConfiguration", True))

    @property
    def bytes_cutoff(self) -> int | None:
        value = self.configuration.get("BytesScannedCutoffPerQuery")
        return int(value) if value else None

    def describe(self) -> dict[str, Any]:
        conf = {
            "EnforceWorkGroupConfiguration": True,
            "PublishCloudWatchMetricsEnabled": False,
            "RequesterPaysEnabled": False,
            "EngineVersion": {
                "SelectedEngineVersion": "AUTO",
                "EffectiveEngineVersion": "Athena engine version 3",
            },
            **self.configuration,
        }
        return {
            "Name": self.name, "State": self.state, "Configuration": conf,
            "Description": self.description, "CreationTime": self.created,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "Name": self.name, "State": self.state, "Description": self.description,
            "CreationTime": self.created,
            "EngineVersion": {
                "SelectedEngineVersion": "AUTO",
                "EffectiveEngineVersion": "Athena engine version 3",
            },
        }


_CUTOFF_MINIMUM = 10_000_000  # Athena's smallest per-query data usage control


class WorkGroupStore:
    """Workgroups by name; `primary` always exists (as in every Athena account)."""

    def __init__(self) -> None:
        self._items: dict[str, WorkGroup] = {PRIMARY: WorkGroup(PRIMARY)}
        self._lock = threading.RLock()

    def create(self, name: str, configuration: dict, description: str, tags: list) -> None:
        _check_configuration(configuration)
        with self._lock:
            if name in self._items:
                raise InvalidRequest(f"WorkGroup {name} is already created")
            self._items[name] = WorkGroup(name, description, "ENABLED", configuration, tags)

    def get(self, name: str) -> WorkGroup:
        with self._lock:
            found = self._items.get(name)
        if found is None:
            raise InvalidRequest(f"WorkGroup {name} is not found.")
        return found

    def find(self, name: str) -> WorkGroup | None:
        with self._lock:
            return self._items.get(name)

    def list(self) -> list[WorkGroup]:
        with self._lock:
            return sorted(self._items.values(), key=lambda w: w.name)

    def update(self, name: str, updates: dict, description: str | None, state: str | None):
        with self._lock:
            group = self.get(name)
            conf = dict(group.configuration)
            result_updates = updates.get("ResultConfigurationUpdates") or {}
            result = dict(conf.get("ResultConfiguration") or {})
            if result_updates.get("RemoveOutputLocation"):
                result.pop("OutputLocation", None)
            if "OutputLocation" in result_updates:
                result["OutputLocation"] = result_updates["OutputLocation"]
            conf["ResultConfiguration"] = result
            if updates.get("RemoveBytesScannedCutoffPerQuery"):
                conf.pop("BytesScannedCutoffPerQuery", None)
            for key in ("BytesScannedCutoffPerQuery", "EnforceWorkGroupConfiguration",
                        "PublishCloudWatchMetricsEnabled", "RequesterPaysEnabled"):
                if key in updates:
                    conf[key] = updates[key]
            _check_configuration(conf)
            group.configuration = conf
            if description is not None:
                group.description = description
            if state:
                group.state = state

    def delete(self, name: str) -> None:
        with self._lock:
            if name == PRIMARY:
                raise InvalidRequest("The primary workgroup cannot be deleted")
            self.get(name)
            del self._items[name]

    def export(self) -> list[dict]:
        with self._lock:
            return [asdict(w) for w in self._items.values()]

    def restore(self, data: list[dict] | None) -> None:
        with self._lock:
            self._items = {PRIMARY: WorkGroup(PRIMARY)}
            for item in data or []:
                self._items[item["name"]] = WorkGroup(**item)


def _check_configuration(conf: dict) -> None:
    cutoff = conf.get("BytesScannedCutoffPerQuery")
    if cutoff is not None and int(cutoff) < _CUTOFF_MINIMUM:
        raise InvalidRequest(
            f"BytesScannedCutoffPerQuery must be at least {_CUTOFF_MINIMUM} (10 MB), got {cutoff}"
        )
    location = (conf.get("ResultConfiguration") or {}).get("OutputLocation")
    if location is not None and not str(location).startswith("s3://"):
        raise InvalidRequest(f"OutputLocation must be an s3:// URI, got {location!r}")
