import pytest

from localcloud.glue import runner


def test_get_resolved_options_as_glue(shim):
    from awsglue.utils import GlueArgumentError, getResolvedOptions

    argv = ["script.py", "--JOB_NAME", "j", "--JOB_RUN_ID", "jr_1", "--job-bookmark-option",
            "job-bookmark-enable", "--raw_path", "s3://raw/", "--unknown", "x"]
    args = getResolvedOptions(argv, ["JOB_NAME", "raw_path"])
    assert args["JOB_NAME"] == "j"
    assert args["raw_path"] == "s3://raw/"
    assert args["job_bookmark_option"] == "job-bookmark-enable"
    assert args["JOB_RUN_ID"] == "jr_1"
    assert "unknown" not in args
    with pytest.raises(GlueArgumentError, match="processed_path"):
        getResolvedOptions(argv, ["processed_path"])
    with pytest.raises(GlueArgumentError, match="reserved"):
        getResolvedOptions(argv, ["job-bookmark-option"])


def test_shim_and_runner_agree_on_bookmark_files(shim):
    from awsglue import context

    assert (context.STATE_ENV, context.COMMIT_ENV) == (runner.STATE_ENV, runner.COMMIT_ENV)


def test_shim_exclusions_option(shim):
    from awsglue._s3 import parse_exclusions

    assert parse_exclusions('["**.csv"]') == ["**.csv"]
    with pytest.raises(ValueError, match="exclusions"):
        parse_exclusions('{"a": 1}')


def test_modified_after_is_a_second_before_the_oldest_selected_object(shim):
    from awsglue.context import _modified_after, _without_scheme

    # 2026-11-25T10:00:00.500Z -> one whole second earlier, in the session's zone
    assert _modified_after(1_795_600_800_500, "UTC") == "2026-11-25T09:59:59"
    assert _modified_after(1_795_600_800_000, "UTC") == "2026-11-25T09:59:59"
    assert _modified_after(1_795_600_800_500, "America/New_York") == "2026-11-25T04:59:59"
    assert _without_scheme("s3a://b/k=1/a%20b.json") == "b/k=1/a%20b.json"
