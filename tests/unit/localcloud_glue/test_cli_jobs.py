import pytest

from datalake.cli.common import CliError
from datalake.cli.jobs import crawler_names, job_name, parse_job_arguments


def test_arguments_become_glue_run_arguments():
    pairs = ["raw_path=s3://b/x=1/", "--job-bookmark-option=job-bookmark-disable"]
    assert parse_job_arguments(pairs) == {
        "--raw_path": "s3://b/x=1/", "--job-bookmark-option": "job-bookmark-disable"}
    with pytest.raises(CliError, match="expected KEY=VALUE"):
        parse_job_arguments(["novalue"])


def test_names_from_outputs_else_contract_names():
    outputs = {"LakeCrawlerName": "from-outputs", "RawToProcessedJobName": "job-out"}
    assert crawler_names("lake", outputs, None) == ["from-outputs", "lake-curated-crawler"]
    assert crawler_names("lake", {}, "curated") == ["lake-curated-crawler"]
    assert crawler_names("lake", {}, "any-crawler") == ["any-crawler"]
    assert job_name("lake", outputs, "raw-to-processed") == "job-out"
    assert job_name("lake", {}, "processed-to-curated") == "lake-processed-to-curated"
