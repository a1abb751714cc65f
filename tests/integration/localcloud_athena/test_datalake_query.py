"""`datalake.query` and `datalake query` against the local endpoint (a stack's saved outputs
point at the conformance dataset's database and a workgroup that enforces its location)."""

from __future__ import annotations

import json

import pytest

from datalake import aws
from datalake.cli.main import main
from datalake.query import connect, lake_target, run_query, to_literal

STACK = "qtest"


@pytest.fixture(scope="module")
def stack(lake, tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    outputs = {"WorkGroupName": f"{STACK}-workgroup", "DatabaseName": lake["database"],
               "ProcessedBucket": lake["bucket"]}
    (build / STACK).mkdir()
    (build / STACK / "outputs.json").write_text(json.dumps(outputs))
    athena = aws.client("athena", "local")
    athena.create_work_group(Name=f"{STACK}-workgroup", Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{lake['bucket']}/athena-results/"},
        "EnforceWorkGroupConfiguration": True})
    return build


@pytest.fixture
def build_dir(stack, monkeypatch):
    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(stack))
    return stack


def test_lake_target_reads_outputs(build_dir, lake):
    target = lake_target(STACK)
    assert target.workgroup == f"{STACK}-workgroup"
    assert target.database == lake["database"]
    assert target.staging_dir == f"s3://{lake['bucket']}/athena-results/"


def test_run_query_binds_parameters_and_reports_statistics(build_dir, lake):
    result = run_query("SELECT id, user_id FROM events WHERE user_id = ? AND dt = ? ORDER BY id",
                       ["u1", "2026-01-01"], stack=STACK, target="local")
    assert result.frame.to_dict("records") == [{"id": 1, "user_id": "u1"},
                                               {"id": 3, "user_id": "u1"}]
    assert result.statistics.data_scanned_bytes > 0
    assert result.statistics.output_location.startswith(
        f"s3://{lake['bucket']}/athena-results/")


def test_run_query_keeps_quotes_in_values_as_data(build_dir):
    result = run_query("SELECT count(*) AS n FROM users WHERE name = ?", ["x' OR '1'='1"],
                       stack=STACK)
    assert result.frame["n"].tolist() == [0]


def test_connect_reaches_the_local_endpoint(build_dir):
    connection = connect(STACK, "local")
    try:
        cursor = connection.cursor()
        cursor.execute("SHOW TABLES")
        assert {"events", "users"} <= {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def test_to_literal():
    import datetime as dt

    assert to_literal("O'Neil") == "'O''Neil'"
    assert to_literal(None) == "NULL" and to_literal(True) == "TRUE" and to_literal(3) == "3"
    assert to_literal(dt.date(2026, 1, 2)) == "DATE '2026-01-02'"
    with pytest.raises(TypeError):
        to_literal(object())


def test_cli_query_prints_csv(build_dir, capsys):
    code = main(["query", "SELECT user_id, count(*) AS n FROM events GROUP BY user_id "
                 "ORDER BY user_id", "--stack-name", STACK, "--format", "csv"])
    out = capsys.readouterr()
    assert code == 0
    assert out.out == "user_id,n\nu1,2\nu2,2\nu3,1\n"
    assert "scanned" in out.err


def test_cli_query_failure_is_one_line(build_dir, capsys):
    code = main(["query", "SELECT nope FROM events", "--stack-name", STACK])
    err = capsys.readouterr().err
    assert code == 1
    assert "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" in err
    assert len(err.strip().splitlines()) == 1
