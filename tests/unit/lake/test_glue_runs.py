"""Start-and-wait calls shared by the notebook facade and the `datalake` job verbs."""

import pytest

from datalake.glue_runs import (
    FINAL_JOB_STATES,
    is_crawl_finished,
    is_run_finished,
    start_job_run,
    wait_for_crawler,
    wait_for_job_run,
)


class _FakeGlue:
    def __init__(self, crawlers=(), runs=()):
        self.crawlers, self.runs, self.calls = list(crawlers), list(runs), []

    def get_crawler(self, Name):
        self.calls.append(("get_crawler", Name))
        return {"Crawler": self.crawlers.pop(0)}

    def get_job_run(self, JobName, RunId):
        self.calls.append(("get_job_run", JobName, RunId))
        return {"JobRun": self.runs.pop(0)}

    def start_job_run(self, JobName, Arguments):
        self.calls.append(("start_job_run", JobName, Arguments))
        return {"JobRunId": "jr_1"}


def test_a_crawl_is_finished_when_ready_with_a_last_crawl():
    assert is_crawl_finished({"State": "READY", "LastCrawl": {"Status": "SUCCEEDED"}})
    assert not is_crawl_finished({"State": "READY"})
    assert not is_crawl_finished({"State": "STOPPING", "LastCrawl": {"Status": "SUCCEEDED"}})


def test_a_run_is_finished_in_every_final_state_only():
    assert all(is_run_finished({"JobRunState": state}) for state in FINAL_JOB_STATES)
    assert not is_run_finished({"JobRunState": "RUNNING"})


def test_wait_for_crawler_polls_until_the_crawl_has_finished():
    done = {"State": "READY", "LastCrawl": {"Status": "FAILED", "ErrorMessage": "boom"}}
    glue = _FakeGlue(crawlers=[{"State": "RUNNING"}, done])
    assert wait_for_crawler(glue, "c1", timeout=30) == done
    assert glue.calls == [("get_crawler", "c1"), ("get_crawler", "c1")]


def test_start_and_wait_for_a_job_run():
    glue = _FakeGlue(runs=[{"JobRunState": "SUCCEEDED", "ExecutionTime": 12}])
    assert start_job_run(glue, "j1", {"--k": "v"}) == "jr_1"
    assert wait_for_job_run(glue, "j1", "jr_1", timeout=30)["ExecutionTime"] == 12
    assert glue.calls == [("start_job_run", "j1", {"--k": "v"}), ("get_job_run", "j1", "jr_1")]


def test_waiting_past_the_timeout_names_what_did_not_finish():
    glue = _FakeGlue(runs=[{"JobRunState": "RUNNING"}])
    with pytest.raises(TimeoutError, match="job run jr_1 of j1 did not finish within 0 s"):
        wait_for_job_run(glue, "j1", "jr_1", timeout=0)
    glue = _FakeGlue(crawlers=[{"State": "RUNNING"}])
    with pytest.raises(TimeoutError, match="crawler c1 did not finish within 0 s"):
        wait_for_crawler(glue, "c1", timeout=0)
