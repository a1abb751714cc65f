from datetime import datetime, timedelta, timezone

import pytest

from localcloud.glue.errors import ConcurrentRunsExceeded, EntityNotFound, InvalidInput
from localcloud.glue.jobs import (
    JobRun,
    JobRuns,
    glue_version_problem,
    merge_arguments,
    new_run_id,
    script_argv,
)

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


def _run(job="j", state="STARTING") -> JobRun:
    run = JobRun(job, new_run_id(), {}, 10, T0)
    run.state = state
    return run


def test_run_arguments_override_defaults_and_non_overridable_win():
    merged = merge_arguments(
        {"--a": "default", "--b": "default", "--job-bookmark-option": "job-bookmark-enable"},
        {"--a": "run", "--c": "run"},
        {"--b": "fixed"},
    )
    assert merged == {"--a": "run", "--b": "fixed", "--c": "run",
                      "--job-bookmark-option": "job-bookmark-enable"}


def test_bad_arguments_are_refused_with_the_rule():
    with pytest.raises(InvalidInput, match="must start with '--'"):
        merge_arguments({"a": "1"}, None)
    with pytest.raises(InvalidInput, match="job-bookmark-option"):
        merge_arguments({"--job-bookmark-option": "on"}, None)


def test_script_argv_has_glue_ids_then_each_argument():
    run_id = "jr_" + "ab" * 32
    argv = script_argv("job", run_id, {"--x": "1", "--JOB_NAME": "ignored"})
    assert argv == [
        "--JOB_ID", "j_" + "ab" * 32, "--JOB_RUN_ID", run_id, "--JOB_NAME", "job",
        "--job-bookmark-option", "job-bookmark-disable", "--x", "1",
    ]


def test_max_concurrent_runs_counts_active_runs_only():
    runs = JobRuns()
    runs.add(_run(state="SUCCEEDED"), 1)
    first = _run()
    runs.add(first, 1)
    with pytest.raises(ConcurrentRunsExceeded, match="Concurrent runs exceeded for j"):
        runs.add(_run(), 1)
    runs.add(_run(), 2)
    assert runs.list("j")[1] is first  # newest first


def test_final_state_is_final_and_sets_completion():
    runs = JobRuns()
    run = _run()
    runs.add(run, 1)
    assert runs.set_state(run, "FAILED", T0 + timedelta(seconds=42), "ValueError: x")
    assert not runs.set_state(run, "SUCCEEDED", T0 + timedelta(seconds=50))
    api = runs.get("j", run.run_id).to_api()
    assert (api["JobRunState"], api["ExecutionTime"], api["ErrorMessage"]) == (
        "FAILED", 42, "ValueError: x")
    assert api["CompletedOn"] == T0 + timedelta(seconds=42)
    with pytest.raises(EntityNotFound):
        runs.get("j", "jr_missing")


def test_export_restore_keeps_finished_runs():
    runs = JobRuns()
    done, active = _run(), _run()
    runs.add(done, 2)
    runs.add(active, 2)
    runs.set_state(done, "SUCCEEDED", T0 + timedelta(seconds=5))
    restored = JobRuns()
    restored.restore(runs.export())
    assert [r.run_id for r in restored.list("j")] == [done.run_id]
    assert restored.list("j")[0].to_api() == done.to_api()


def test_a_stopping_run_does_not_go_back_to_running():
    runs = JobRuns()
    run = _run()
    runs.add(run, 1)
    assert runs.set_state(run, "STOPPING", T0)
    assert not runs.set_state(run, "RUNNING", T0)
    assert runs.set_state(run, "STOPPED", T0 + timedelta(seconds=1))
    assert run.state == "STOPPED"


def test_only_the_glue_versions_the_local_runtime_matches_are_run():
    assert glue_version_problem("5.1") is None
    assert glue_version_problem("5.0") is None
    assert glue_version_problem(None) is None  # AWS's default for a job without one: 5.1
    problem = glue_version_problem("4.0")
    assert problem.startswith("GlueVersion 4.0 is not run by the local Glue runtime")
    assert "Spark 3.3, Python 3.10, Java 8" in problem and "Spark 3.5, Python 3.11" in problem
    assert "Set the job's GlueVersion to 5.1 or 5.0" in problem
    assert "GlueVersion 9.9 is not run" in glue_version_problem("9.9")
