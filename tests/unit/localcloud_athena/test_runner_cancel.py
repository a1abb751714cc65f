"""StopQueryExecution racing the end of a query: CANCELLED is final, the finishing worker must
not turn it into SUCCEEDED (seen in the integration tier under load: GetQueryResults then
answered for a query the client had seen cancelled)."""

from __future__ import annotations

from localcloud.athena.executions import CANCELLED, RUNNING, SUCCEEDED, QueryExecution
from localcloud.athena.runner import Runner


def _runner(tmp_path) -> Runner:
    return Runner(executions=None, client=lambda service: None, cache_dir=tmp_path,
                  workgroup_for=lambda name: None, objects=None, catalog=None, workers=1,
                  clock=lambda: 1_700_000_000.0)


def _execution() -> QueryExecution:
    return QueryExecution(id="q1", query="SELECT 1", workgroup="primary", database=None,
                          catalog="AwsDataCatalog", output_location=None, state=RUNNING)


def test_a_query_cancelled_while_finishing_stays_cancelled(tmp_path):
    runner, execution = _runner(tmp_path), _execution()
    runner.cancel(execution)
    runner._finish(execution, SUCCEEDED)
    assert execution.state == CANCELLED
    assert execution.reason == "Query cancelled by user"
    runner.shutdown()


def test_a_finished_query_cannot_be_cancelled(tmp_path):
    runner, execution = _runner(tmp_path), _execution()
    runner._finish(execution, SUCCEEDED)
    runner.cancel(execution)
    assert execution.state == SUCCEEDED
    runner.shutdown()
