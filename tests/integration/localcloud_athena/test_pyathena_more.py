"""pyathena beyond the basic cursors: PandasCursor on utility statements, `unload=True`,
and what ArrowCursor needs to reach the local endpoint."""

from __future__ import annotations

import pyathena
import pytest
from pyathena.arrow.cursor import ArrowCursor
from pyathena.error import OperationalError
from pyathena.pandas.cursor import PandasCursor

DATABASE = "conf_db"


@pytest.fixture
def connection(lake, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return pyathena.connect(s3_staging_dir=lake["output"], region_name="us-east-1",
                            schema_name=DATABASE)


def test_pandas_cursor_reads_utility_results(connection):
    frame = connection.cursor(PandasCursor).execute("SHOW TABLES").as_pandas()
    assert {"events", "users"} <= set(frame.iloc[:, 0])


def test_pandas_cursor_unload(connection):
    cursor = connection.cursor(PandasCursor, unload=True)
    frame = cursor.execute("SELECT id, user_id FROM events ORDER BY id").as_pandas()
    assert sorted(frame["id"].tolist()) == [1, 2, 3, 4, 5]


def test_arrow_cursor_ignores_aws_endpoint_url(connection):
    # pyathena builds ArrowCursor's pyarrow S3FileSystem without an endpoint override, and
    # pyarrow reads no endpoint variable: it goes to AWS even with AWS_ENDPOINT_URL set.
    with pytest.raises(OperationalError, match="amazonaws.com"):
        connection.cursor(ArrowCursor).execute("SELECT 1").as_arrow()


def test_arrow_cursor_with_an_endpoint_override(connection, lake, monkeypatch):
    # What docs/athena-local.md tells ArrowCursor users to do locally.
    from pyarrow import fs
    from pyathena.arrow.result_set import AthenaArrowResultSetMetadataReader

    host = lake["endpoint"].split("://", 1)[1]
    monkeypatch.setattr(
        AthenaArrowResultSetMetadataReader, "_create_s3_file_system",
        lambda self: fs.S3FileSystem(endpoint_override=host, scheme="http", region="us-east-1",
                                     access_key="test", secret_key="test"),
    )
    table = connection.cursor(ArrowCursor).execute(
        "SELECT id, amount FROM events ORDER BY id").as_arrow()
    assert table.column("id").to_pylist() == [1, 2, 3, 4, 5]
    assert table.column("amount").to_pylist() == [10.5, 20.0, 5.25, 7.0, None]
