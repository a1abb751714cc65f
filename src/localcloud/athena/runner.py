"""Runs query executions on a worker pool: QUEUED → RUNNING → SUCCEEDED / FAILED / CANCELLED,
writing the result files and measured statistics."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from pathlib import Path

import duckdb

from localcloud.athena import results, storage
from localcloud.athena.catalog import CatalogReader
from localcloud.athena.engine import QueryContext, ResultTable
from localcloud.athena.errors import SYSTEM, QueryFailed, not_supported
from localcloud.athena.executions import (
    CANCELLED,
    FAILED,
    FINAL_STATES,
    RUNNING,
    SUCCEEDED,
    ExecutionStore,
    QueryExecution,
    WorkGroup,
)
from localcloud.athena.metrics import publish_metrics
from localcloud.athena.sql import ddl, query, show, write
from localcloud.athena.sql.diagnose import athena_error
from localcloud.athena.sql.params import bind_parameters
from localcloud.athena.sql.statements import classify, strip_comments

_logger = logging.getLogger(__name__)

_FAMILIES = {"query": query.run, "ddl": ddl.run, "show": show.run, "write": write.run}


class Runner:
    """A small pool of workers executing queued executions."""

    def __init__(
        self,
        executions: ExecutionStore,
        client: Callable[[str], object],
        cache_dir: Path,
        workgroup_for: Callable[[str], WorkGroup | None],
        objects: storage.ObjectReader,
        catalog: CatalogReader,
        workers: int = 4,
        clock: Callable[[], float] = time.time,
    ):
        self._executions = executions
        self._client = client
        self._objects = objects
        self._catalog = catalog
        self._cache_dir = cache_dir
        self._workgroup_for = workgroup_for
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="athena")
        self._running: dict[str, QueryContext] = {}
        self._pending: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()  # state transitions: run, finish, cancel

    def submit(self, execution: QueryExecution) -> None:
        future = self._pool.submit(self._run_safely, execution)
        with self._lock:
            self._pending[execution.id] = future
        future.add_done_callback(lambda _: self._forget(execution.id))

    def _forget(self, execution_id: str) -> None:
        with self._lock:
            self._pending.pop(execution_id, None)

    def wait(self, execution: QueryExecution, timeout: float) -> None:
        """Return when `execution` is final or after `timeout` seconds, whichever is first."""
        if execution.state in FINAL_STATES:
            return
        with self._lock:
            future = self._pending.get(execution.id)
        if future is not None:
            wait_futures([future], timeout)

    def cancel(self, execution: QueryExecution) -> None:
        with self._state_lock:  # a query that finishes meanwhile must not overwrite CANCELLED
            if execution.state in FINAL_STATES:
                return
            execution.state, execution.completed = CANCELLED, self._clock()
            execution.reason = "Query cancelled by user"
            execution.athena_error = QueryFailed("USER_CANCELLED", "Query cancelled by user")\
                .athena_error()
        with self._lock:
            ctx = self._running.get(execution.id)
        if ctx is not None:
            ctx.interrupt()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run_safely(self, execution: QueryExecution) -> None:
        try:
            self._run(execution)
        except Exception as error:  # a bug of ours: the query fails, the worker lives
            _logger.exception("query %s crashed", execution.id)
            self._fail(execution, QueryFailed(
                "GENERIC_INTERNAL_ERROR", f"{type(error).__name__}: {error}", category=SYSTEM
            ))

    def _run(self, execution: QueryExecution) -> None:
        with self._state_lock:
            if execution.state in FINAL_STATES:
                return
            execution.state, execution.started = RUNNING, self._clock()
        group = self._workgroup_for(execution.workgroup)
        scan = storage.Scan(
            self._objects, self._cache_dir, group.bytes_cutoff if group else None
        )
        ctx = QueryContext(
            self._client("glue"), self._client("s3"), self._catalog, scan, execution.database
        )
        with self._lock:
            self._running[execution.id] = ctx
        try:
            self._execute(execution, ctx, scan)
        finally:
            with self._lock:
                self._running.pop(execution.id, None)
            ctx.close()

    def _finish(
        self, execution: QueryExecution, state: str, writes: list[Callable[[], None]] = ()
    ) -> None:
        """Put the result files (`writes`) and the workgroup's metrics, then make the final
        state visible (so a client that sees the query finished finds its result files and its
        metrics)."""
        execution.completed = self._clock()
        for put in writes:
            put()
        group = self._workgroup_for(execution.workgroup)
        if group is not None and group.configuration.get("PublishCloudWatchMetricsEnabled"):
            publish_metrics(self._client("cloudwatch"), execution, state)
        with self._state_lock:
            if execution.state != CANCELLED:  # StopQueryExecution won the race: it stays final
                execution.state = state

    def _execute(self, execution: QueryExecution, ctx: QueryContext, scan) -> None:
        began = time.perf_counter()
        try:
            sql = bind_parameters(execution.query, execution.execution_parameters) \
                if execution.execution_parameters else execution.query
            kind = classify(sql)
            if kind is None:
                raise _unknown_statement(sql)
            table = _FAMILIES[kind.family](sql, ctx, execution)
        except QueryFailed as failure:
            execution.bytes_scanned = scan.bytes_scanned
            execution.engine_ms = int((time.perf_counter() - began) * 1000)
            self._fail(execution, failure)
            return
        except duckdb.Error as error:
            execution.bytes_scanned = scan.bytes_scanned
            execution.engine_ms = int((time.perf_counter() - began) * 1000)
            failure = athena_error(error, execution.query)
            failure.message = storage.with_s3_uris(failure.message, scan)
            self._fail(execution, failure)
            return
        execution.bytes_scanned = scan.bytes_scanned
        execution.engine_ms = int((time.perf_counter() - began) * 1000)
        if execution.state == CANCELLED:
            return
        self._finish(execution, SUCCEEDED, self._result_writes(execution, table))

    def _fail(self, execution: QueryExecution, failure: QueryFailed) -> None:
        if execution.state == CANCELLED:
            return
        execution.reason = failure.reason
        execution.athena_error = failure.athena_error()
        execution.athena_error["ErrorMessage"] = failure.reason
        self._finish(execution, FAILED)

    def _result_writes(
        self, execution: QueryExecution, table: ResultTable
    ) -> list[Callable[[], None]]:
        """Keep the result on the execution (GetQueryResults answers from memory) and return
        the puts of its files: `<id>.csv` + `.csv.metadata`, or `<id>.txt` (decision 071)."""
        rows = [
            [results.value_text(v, t) for v, t in zip(row, table.types, strict=True)]
            for row in table.rows
        ]
        execution.columns = results.column_info(table.names, table.types)
        execution.rows = rows
        execution.update_count = table.update_count
        if table.extra.get("manifest"):
            execution.data_manifest = table.extra["manifest"]
        utility = execution.statement_type in ("DDL", "UTILITY")
        execution.header_row = not utility and bool(table.names)
        if not execution.output_location:
            return []
        base = execution.output_location.rstrip("/") + "/" + execution.id
        s3 = self._client("s3")
        if utility:
            execution.result_key = base + ".txt"
            body = results.txt_bytes(rows)
            return [lambda: storage.write_object(s3, base + ".txt", body, "text/plain")]
        execution.result_key = base + ".csv"
        csv = results.csv_bytes(table.names, rows) if table.names else b""
        metadata = results.metadata_bytes(execution.columns)
        return [
            lambda: storage.write_object(s3, base + ".csv", csv, "text/csv"),
            lambda: storage.write_object(s3, base + ".csv.metadata", metadata),
        ]


def _unknown_statement(sql: str) -> QueryFailed:
    words = strip_comments(sql).split()
    first = words[0].upper() if words else ""
    known = ("EXPLAIN", "UPDATE", "DELETE", "MERGE", "VACUUM", "OPTIMIZE", "PREPARE",
             "EXECUTE", "DEALLOCATE", "CREATE", "ALTER", "DROP", "SHOW", "GRANT", "REVOKE",
             "USE", "SET", "RESET", "CALL")
    if first in known:
        return not_supported(f"The statement '{' '.join(words[:3])}'")
    return QueryFailed("SYNTAX_ERROR", f"line 1:1: mismatched input '{words[0] if words else ''}'"
                       ". Expecting: 'SELECT', 'WITH', 'CREATE', 'INSERT', 'SHOW', ...")
