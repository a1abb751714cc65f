"""Athena API operation handlers: JSON in, JSON out, errors shaped as Athena's."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from localcloud.athena import catalog as glue_catalog
from localcloud.athena.errors import QueryFailed
from localcloud.athena.executions import (
    FINAL_STATES,
    SUCCEEDED,
    ExecutionStore,
    InvalidRequest,
    QueryExecution,
    WorkGroupStore,
)
from localcloud.athena.results import parse_csv
from localcloud.athena.runner import Runner
from localcloud.athena.sql.statements import classify
from localcloud.athena.storage import split_uri
from localcloud.registry import Response
from localcloud.routing import ApiCall

_logger = logging.getLogger(__name__)

_MAX_RESULTS = 1000
# GetQueryExecution of a query still running answers when it finishes or after this long,
# so a client's first poll usually sees the final state (decision 115).
_STATE_WAIT_SECONDS = 0.2


class AthenaApi:
    """One handler per Athena operation."""

    def __init__(
        self,
        executions: ExecutionStore,
        workgroups: WorkGroupStore,
        runner: Runner,
        client: Callable[[str], object],
    ):
        self.executions = executions
        self.workgroups = workgroups
        self.runner = runner
        self.client = client

    def handlers(self) -> dict[str, Callable[[ApiCall], Response]]:
        names = [
            "StartQueryExecution", "GetQueryExecution", "GetQueryResults", "StopQueryExecution",
            "ListQueryExecutions", "BatchGetQueryExecution", "CreateWorkGroup", "GetWorkGroup",
            "ListWorkGroups", "UpdateWorkGroup", "DeleteWorkGroup", "ListDataCatalogs",
            "GetDataCatalog", "ListDatabases", "GetDatabase", "ListTableMetadata",
            "GetTableMetadata",
        ]
        return {name: self._wrap(getattr(self, _snake(name))) for name in names}

    @staticmethod
    def _wrap(fn: Callable[[dict], dict]) -> Callable[[ApiCall], Response]:
        def handler(call: ApiCall) -> Response:
            return Response.json(fn(call.json()))

        return handler

    # -- executions ----------------------------------------------------------------------------
    def start_query_execution(self, req: dict) -> dict:
        query = _required(req, "QueryString")
        if not 1 <= len(query) <= 262144:
            raise InvalidRequest("QueryString must be 1 to 262144 characters")
        token = req.get("ClientRequestToken")
        if token:
            previous = self.executions.by_token(token)
            if previous:
                return {"QueryExecutionId": previous.id}
        group = self.workgroups.get(req.get("WorkGroup") or "primary")
        if group.state != "ENABLED":
            raise InvalidRequest(f"WorkGroup {group.name} is disabled.")
        context = req.get("QueryExecutionContext") or {}
        output = self._output_location(group, req.get("ResultConfiguration") or {})
        kind = classify(query)
        execution = QueryExecution(
            id=self.executions.new_id(), query=query, workgroup=group.name,
            database=context.get("Database"),
            catalog=context.get("Catalog") or "AwsDataCatalog", output_location=output,
            execution_parameters=list(req.get("ExecutionParameters") or []),
            client_request_token=token,
            encryption=(req.get("ResultConfiguration") or {}).get("EncryptionConfiguration"),
        )
        if kind:
            execution.statement_type = kind.statement_type
            execution.substatement_type = kind.substatement_type
        reuse = (req.get("ResultReuseConfiguration") or {}).get(
            "ResultReuseByAgeConfiguration"
        ) or {}
        if reuse.get("Enabled"):
            execution.reuse_max_age_minutes = int(reuse.get("MaxAgeInMinutes", 60))
        self.executions.add(execution)
        if not self._reuse(execution):
            self.runner.submit(execution)
        return {"QueryExecutionId": execution.id}

    def _output_location(self, group, result_conf: dict) -> str | None:
        # A workgroup that enforces its configuration overrides the client's location.
        if group.output_location and (group.enforced or not result_conf.get("OutputLocation")):
            return group.output_location
        location = result_conf.get("OutputLocation")
        if location is None:
            raise InvalidRequest(
                "Unable to verify/create output bucket: no output location was given and the "
                f"workgroup {group.name} has none. Set ResultConfiguration.OutputLocation."
            )
        if not location.startswith("s3://"):
            raise InvalidRequest(f"OutputLocation must be an s3:// URI, got {location!r}")
        return location

    def _reuse(self, execution: QueryExecution) -> bool:
        """Answer from a previous identical query's results (ResultReuseConfiguration)."""
        if execution.reuse_max_age_minutes is None:
            return False
        previous = self.executions.reusable(execution, execution.reuse_max_age_minutes)
        if previous is None:
            return False
        now = time.time()
        execution.reused_from = previous.id
        execution.started = now
        execution.completed = now
        execution.columns, execution.rows = previous.columns, previous.rows
        execution.result_key = previous.result_key
        execution.header_row = previous.header_row
        execution.bytes_scanned = 0
        execution.state = SUCCEEDED
        return True

    def get_query_execution(self, req: dict) -> dict:
        execution = self.executions.get(_required(req, "QueryExecutionId"))
        self.runner.wait(execution, _STATE_WAIT_SECONDS)
        return {"QueryExecution": execution.describe()}

    def batch_get_query_execution(self, req: dict) -> dict:
        found, missing = [], []
        for execution_id in _required(req, "QueryExecutionIds"):
            execution = self.executions.find(execution_id)
            if execution:
                found.append(execution.describe())
            else:
                missing.append({
                    "QueryExecutionId": execution_id, "ErrorCode": "INVALID_INPUT",
                    "ErrorMessage": f"QueryExecution {execution_id} was not found",
                })
        return {"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing}

    def list_query_executions(self, req: dict) -> dict:
        ids = self.executions.list_ids(req.get("WorkGroup") or "primary")
        return _page(ids, req, "QueryExecutionIds", 50)

    def stop_query_execution(self, req: dict) -> dict:
        execution = self.executions.get(_required(req, "QueryExecutionId"))
        self.runner.cancel(execution)
        return {}

    def get_query_results(self, req: dict) -> dict:
        execution = self.executions.get(_required(req, "QueryExecutionId"))
        if execution.state != SUCCEEDED:
            if execution.state in FINAL_STATES:
                raise InvalidRequest(
                    "Query did not finish successfully. Final query state: "
                    f"{execution.state}"
                )
            raise InvalidRequest(f"Query has not yet finished. Current state: {execution.state}")
        rows = self._rows(execution)
        names = [c["Name"] for c in execution.columns]
        all_rows = ([names] if execution.header_row else []) + rows
        max_results = int(req.get("MaxResults") or _MAX_RESULTS)
        if not 1 <= max_results <= _MAX_RESULTS:
            raise InvalidRequest(f"MaxResults must be between 1 and {_MAX_RESULTS}")
        start = int(req.get("NextToken") or 0)
        chunk = all_rows[start:start + max_results]
        out: dict = {
            "ResultSet": {
                "Rows": [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]}
                         for row in chunk],
                "ResultSetMetadata": {"ColumnInfo": execution.columns},
            },
        }
        if execution.update_count is not None:
            out["UpdateCount"] = execution.update_count
        if start + max_results < len(all_rows):
            out["NextToken"] = str(start + max_results)
        return out

    def _rows(self, execution: QueryExecution) -> list[list[str | None]]:
        if execution.rows is not None:
            return execution.rows
        if not execution.result_key:
            return []
        bucket, key = split_uri(execution.result_key)
        body = self.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        if execution.result_key.endswith(".txt"):
            execution.rows = [line.split("\t") for line in body.decode().splitlines()]
        else:
            _, execution.rows = parse_csv(body) if body else ([], [])
        return execution.rows

    # -- workgroups ----------------------------------------------------------------------------
    def create_work_group(self, req: dict) -> dict:
        self.workgroups.create(
            _required(req, "Name"), req.get("Configuration") or {}, req.get("Description", ""),
            req.get("Tags") or [],
        )
        return {}

    def get_work_group(self, req: dict) -> dict:
        return {"WorkGroup": self.workgroups.get(_required(req, "WorkGroup")).describe()}

    def list_work_groups(self, req: dict) -> dict:
        summaries = [w.summary() for w in self.workgroups.list()]
        return _page(summaries, req, "WorkGroups", 50)

    def update_work_group(self, req: dict) -> dict:
        self.workgroups.update(
            _required(req, "WorkGroup"), req.get("ConfigurationUpdates") or {},
            req.get("Description"), req.get("State"),
        )
        return {}

    def delete_work_group(self, req: dict) -> dict:
        self.workgroups.delete(_required(req, "WorkGroup"))
        return {}

    # -- catalog -------------------------------------------------------------------------------
    def list_data_catalogs(self, req: dict) -> dict:
        return {"DataCatalogsSummary": [
            {"CatalogName": "AwsDataCatalog", "Type": "GLUE", "Status": "CREATE_COMPLETE"}
        ]}

    def get_data_catalog(self, req: dict) -> dict:
        _check_catalog(_required(req, "Name"))
        return {"DataCatalog": {
            "Name": "AwsDataCatalog", "Description": "The AWS Glue Data Catalog", "Type": "GLUE",
            "Parameters": {"catalog-id": "123456789012"}, "Status": "CREATE_COMPLETE",
        }}

    def list_databases(self, req: dict) -> dict:
        _check_catalog(_required(req, "CatalogName"))
        glue = self.client("glue")
        databases = []
        for page in glue.get_paginator("get_databases").paginate():
            databases += [_database(d) for d in page["DatabaseList"]]
        return _page(databases, req, "DatabaseList", 50)

    def get_database(self, req: dict) -> dict:
        _check_catalog(_required(req, "CatalogName"))
        name = _required(req, "DatabaseName")
        glue = self.client("glue")
        try:
            return {"Database": _database(glue.get_database(Name=name)["Database"])}
        except glue.exceptions.EntityNotFoundException:
            raise _metadata_error(f"Database {name} not found.") from None

    def list_table_metadata(self, req: dict) -> dict:
        _check_catalog(_required(req, "CatalogName"))
        database = _required(req, "DatabaseName")
        glue = self.client("glue")
        tables = []
        try:
            for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
                tables += [_table_metadata(t) for t in page["TableList"]]
        except glue.exceptions.EntityNotFoundException:
            raise _metadata_error(f"Database {database} not found.") from None
        pattern = req.get("Expression")
        if pattern:
            # A regular expression over table names ('*' alone is also accepted, as Athena does).
            regex = re.compile(re.sub(r"(?<!\.)\*", ".*", pattern), re.IGNORECASE)
            tables = [t for t in tables if regex.fullmatch(t["Name"])]
        return _page(tables, req, "TableMetadataList", 50)

    def get_table_metadata(self, req: dict) -> dict:
        _check_catalog(_required(req, "CatalogName"))
        database, name = _required(req, "DatabaseName"), _required(req, "TableName")
        glue = self.client("glue")
        try:
            raw = glue.get_table(DatabaseName=database, Name=name)["Table"]
        except glue.exceptions.EntityNotFoundException:
            raise _metadata_error(f"Table {name} not found in database {database}.") from None
        return {"TableMetadata": _table_metadata(raw)}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _required(req: dict, name: str):
    value = req.get(name)
    if value in (None, "", []):
        raise InvalidRequest(f"{name} is required")
    return value


def _check_catalog(name: str) -> None:
    if name.lower() != glue_catalog.DEFAULT_CATALOG:
        raise _metadata_error(f"Catalog {name} not found (the local Athena serves AwsDataCatalog)")


def _metadata_error(message: str) -> InvalidRequest:
    error = InvalidRequest(message)
    error.code = "MetadataException"
    return error


def _page(items: list, req: dict, key: str, default_max: int) -> dict:
    start = int(req.get("NextToken") or 0)
    size = int(req.get("MaxResults") or default_max)
    out = {key: items[start:start + size]}
    if start + size < len(items):
        out["NextToken"] = str(start + size)
    return out


def _database(raw: dict) -> dict:
    out = {"Name": raw["Name"]}
    if raw.get("Description"):
        out["Description"] = raw["Description"]
    if raw.get("Parameters"):
        out["Parameters"] = raw["Parameters"]
    return out


def _table_metadata(raw: dict) -> dict:
    sd = raw.get("StorageDescriptor") or {}
    params = dict(raw.get("Parameters") or {})
    if sd.get("Location"):
        params.setdefault("location", sd["Location"])
    if sd.get("InputFormat"):
        params.setdefault("inputformat", sd["InputFormat"])
    if sd.get("OutputFormat"):
        params.setdefault("outputformat", sd["OutputFormat"])
    serde = (sd.get("SerdeInfo") or {}).get("SerializationLibrary")
    if serde:
        params.setdefault("serde.serialization.lib", serde)
    out = {
        "Name": raw["Name"],
        "TableType": raw.get("TableType", "EXTERNAL_TABLE"),
        "Columns": [_column(c) for c in sd.get("Columns", [])],
        "PartitionKeys": [_column(c) for c in raw.get("PartitionKeys", [])],
        "Parameters": params,
    }
    if raw.get("CreateTime"):
        out["CreateTime"] = raw["CreateTime"]
    return out


def _column(raw: dict) -> dict:
    out = {"Name": raw["Name"], "Type": raw.get("Type", "string")}
    if raw.get("Comment"):
        out["Comment"] = raw["Comment"]
    return out


__all__ = ["AthenaApi", "QueryFailed"]
