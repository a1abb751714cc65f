"""`datalake crawl` and `datalake run-job` against the local endpoint."""

from __future__ import annotations

import json

import pytest

from datalake.cli.main import main


@pytest.fixture
def no_outputs(tmp_path, monkeypatch):
    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path))  # contract names, not outputs


def test_crawl_waits_and_reports(clients, unique, no_outputs, capsys):
    s3, glue = clients["s3"], clients["glue"]
    s3.create_bucket(Bucket=unique)
    s3.put_object(Bucket=unique, Key="daily_summary/x=1/a.json", Body=json.dumps({"a": 1}))
    glue.create_database(DatabaseInput={"Name": unique})
    glue.create_crawler(Name=f"{unique}-curated-crawler", Role="r", DatabaseName=unique,
                        Targets={"S3Targets": [{"Path": f"s3://{unique}/daily_summary/"}]})
    code = main(["crawl", "--stack-name", unique, "--crawler", "curated", "--wait"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"crawler {unique}-curated-crawler: SUCCEEDED (tables created 1, updated 0)" in out
    assert glue.get_table(DatabaseName=unique, Name="daily_summary")["Table"]


def test_crawl_of_a_missing_stack_is_one_clear_error(unique, no_outputs, capsys):
    assert main(["crawl", "--stack-name", unique]) == 1
    assert f"crawler {unique}-lake-crawler not found" in capsys.readouterr().err


@pytest.mark.spark
def test_run_job_failure_shows_the_error(make_job, unique, no_outputs, capsys):
    make_job(f"{unique}-raw-to-processed", "import sys\nraise SystemExit('bad ' + sys.argv[-1])")
    code = main(["run-job", "raw-to-processed", "--stack-name", unique, "--wait",
                 "--arg", "x=1"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in out
    assert "logs: /aws-glue/jobs/error" in out
