"""Querying the lake with Athena through pyathena, as notebooks and `datalake query` do.

The same code reaches AWS or the local cloud: endpoints and credentials come only from
`datalake.aws`. User values are bound as Athena execution parameters (`?` placeholders), never
formatted into the SQL text.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyathena.connection import Connection
from pyathena.pandas.cursor import PandasCursor

from datalake import aws
from datalake.config import ATHENA_RESULTS_PREFIX, database_name, load_outputs

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryStatistics:
    """What Athena measured for one query."""

    query_id: str
    data_scanned_bytes: int
    engine_ms: int
    total_ms: int
    output_location: str | None


@dataclass(frozen=True)
class QueryResult:
    """Rows of a query as a pandas DataFrame, with its statistics."""

    frame: Any  # pandas.DataFrame
    statistics: QueryStatistics


@dataclass(frozen=True)
class LakeTarget:
    """Where a stack's queries run: workgroup, database and result location."""

    workgroup: str
    database: str
    staging_dir: str | None


def lake_target(stack: str) -> LakeTarget:
    """The workgroup/database/results of `stack`, from its saved outputs when there are any
    (else from the naming contract in docs/contracts.md)."""
    try:
        outputs = load_outputs(stack)
    except FileNotFoundError:
        outputs = {}
    bucket = outputs.get("ProcessedBucket")
    return LakeTarget(
        workgroup=outputs.get("WorkGroupName") or f"{stack}-workgroup",
        database=outputs.get("DatabaseName") or database_name(stack),
        staging_dir=f"s3://{bucket}/{ATHENA_RESULTS_PREFIX}" if bucket else None,
    )


def connect(stack: str, target: str | None = "local", **kwargs: Any):
    """A pyathena connection to `stack`'s workgroup and database on `target` (local or aws).

    For the local target the connection's S3 client (PandasCursor reads result files with it)
    also goes to the local endpoint, which pyathena's own `endpoint_url` does not do.
    """
    where = lake_target(stack)
    session = aws.session(target)
    options: dict[str, Any] = {
        "work_group": where.workgroup,
        "schema_name": where.database,
        "region_name": aws.region_name(),
        "session": session,
        **kwargs,
    }
    if where.staging_dir:
        options.setdefault("s3_staging_dir", where.staging_dir)
    endpoint = aws.endpoint_url(target)
    if endpoint is None:
        return Connection(**options)
    return _LocalConnection(s3_client=aws.client("s3", target), endpoint_url=endpoint, **options)


class _LocalConnection(Connection):
    """A pyathena Connection whose S3 client is the local endpoint's (from datalake.aws)."""

    def __init__(self, s3_client, **kwargs: Any):
        super().__init__(**kwargs)
        self._local_s3_client = s3_client

    @property
    def s3_client(self):
        return self._local_s3_client


def to_literal(value: Any) -> str:
    """The SQL literal Athena's ExecutionParameters take for a Python value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"cannot bind a {type(value).__name__} as an Athena parameter: {value!r}")


def run_query(
    sql: str,
    params: list[Any] | tuple[Any, ...] | None = None,
    *,
    connection=None,
    stack: str = "datalake",
    target: str | None = "local",
) -> QueryResult:
    """Run `sql` (with `?` placeholders bound to `params`) and return its rows and statistics."""
    own = connection is None
    connection = connection or connect(stack, target)
    try:
        cursor = connection.cursor(PandasCursor)
        if params:
            cursor.execute(sql, [to_literal(p) for p in params], paramstyle="qmark")
        else:
            cursor.execute(sql)
        frame = cursor.as_pandas()
        statistics = QueryStatistics(
            query_id=cursor.query_id,
            data_scanned_bytes=int(cursor.data_scanned_in_bytes or 0),
            engine_ms=int(cursor.engine_execution_time_in_millis or 0),
            total_ms=int(cursor.total_execution_time_in_millis or 0),
            output_location=cursor.output_location,
        )
        _logger.debug("query %s scanned %d bytes", statistics.query_id,
                      statistics.data_scanned_bytes)
        return QueryResult(frame, statistics)
    finally:
        if own:
            connection.close()
