"""`GlueContext`: a SparkSession plus Glue's S3 readers and writers, bookmark-aware."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

from awsglue import _bookmarks
from awsglue._s3 import list_objects, parse_exclusions
from awsglue.dynamicframe import DynamicFrame

_logger = logging.getLogger(__name__)

# Set by the local Glue executor (docs/glue-local.md); absent elsewhere: bookmarks disabled.
STATE_ENV = "LOCALCLOUD_GLUE_BOOKMARK_STATE"
COMMIT_ENV = "LOCALCLOUD_GLUE_BOOKMARK_COMMIT"

# Glue format_options that Spark spells differently.
_FORMAT_OPTIONS = {"multiline": "multiLine", "withHeader": "header", "separator": "sep"}


class _BookmarkSession:
    """This run's bookmark: the committed state read at start, the states of sources read."""

    def __init__(self, argv: list[str]) -> None:
        self.option = _argv_value(argv, "--job-bookmark-option") or "job-bookmark-disable"
        state_path = os.environ.get(STATE_ENV)
        self.previous: dict = {}
        if state_path and os.path.exists(state_path):
            with open(state_path) as handle:
                self.previous = json.load(handle)
        self.pending: dict[str, dict] = {}

    def select(self, ctx: str, objects: list[_bookmarks.S3Object]) -> list:
        if self.option == "job-bookmark-disable" or not ctx:
            return objects
        selected, state = _bookmarks.select_objects(
            objects, self.previous.get(ctx), int(time.time() * 1000)
        )
        self.pending[ctx] = state
        _logger.info("bookmark %s: %d of %d objects are new", ctx, len(selected), len(objects))
        return selected

    def commit(self) -> None:
        path = os.environ.get(COMMIT_ENV)
        if self.option != "job-bookmark-enable" or not path:
            return
        with open(path, "w") as handle:
            json.dump({**self.previous, **self.pending}, handle)


class _Reader:
    def __init__(self, context: GlueContext) -> None:
        self._context = context

    def from_options(
        self,
        connection_type: str,
        connection_options: dict,
        format: str | None = None,  # Glue's parameter name
        format_options: dict | None = None,
        transformation_ctx: str = "",
        **_kwargs: Any,
    ) -> DynamicFrame:
        """Read S3 objects (`paths`, `recurse`, `exclusions`) in `format` (json, parquet, csv);
        with bookmarks enabled only the objects new since the last committed run. As on Glue,
        `input_file_name()` is "" on the result; `attachFilename` (a column name) adds each
        row's object as `s3://bucket/key`."""
        if connection_type != "s3":
            raise ValueError(f"connection_type {connection_type!r}: only 's3' is emulated")
        paths = connection_options.get("paths")
        if not paths or not isinstance(paths, list):
            raise ValueError("connection_options['paths'] must be a non-empty list of s3:// URIs")
        objects = list_objects(
            paths,
            bool(connection_options.get("recurse", False)),
            parse_exclusions(connection_options.get("exclusions")),
        )
        objects = self._context._bookmarks.select(transformation_ctx, objects)
        spark = self._context.spark_session
        if not objects:
            from pyspark.sql.types import StructType

            frame = spark.createDataFrame(spark.sparkContext.emptyRDD(), StructType([]))
            return DynamicFrame(frame, self._context, transformation_ctx)
        reader = spark.read.format(_spark_format(format))
        for key, value in (format_options or {}).items():
            reader = reader.option(_FORMAT_OPTIONS.get(key, key), value)
        recurse = bool(connection_options.get("recurse", False))
        if recurse and "basePath" not in (format_options or {}):
            frame = _read_listed(spark, reader, paths, objects)
        else:
            frame = reader.load([o.uri for o in objects])
        frame = _attach_source(spark, frame, objects, connection_options.get("attachFilename"))
        # Glue quirk: input_file_name() is "" on a DynamicFrame read from S3 (attachFilename is
        # how a script gets the file).
        return DynamicFrame(_without_file_context(frame), self._context, transformation_ctx)


    def from_catalog(
        self,
        database: str,
        table_name: str,
        transformation_ctx: str = "",
        additional_options: dict | None = None,
        **_kwargs: Any,
    ) -> DynamicFrame:
        """Read a catalog table's S3 location in its classification's format (json, parquet,
        csv, orc), all partitions, bookmark-aware like from_options."""
        import boto3

        glue = boto3.client("glue", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)
        table = glue.get_table(DatabaseName=database, Name=table_name)["Table"]
        location = (table.get("StorageDescriptor") or {}).get("Location")
        if not location:
            raise ValueError(f"table {database}.{table_name} has no StorageDescriptor.Location")
        fmt = (table.get("Parameters") or {}).get("classification") or _format_of(table)
        return self.from_options(
            "s3", {"paths": [location], "recurse": True,
                   **{k: v for k, v in (additional_options or {}).items() if k == "exclusions"}},
            format=fmt, transformation_ctx=transformation_ctx,
            # the table's partition keys become columns, as Glue adds them
            format_options={"basePath": location},
        )


class _Writer:
    def __init__(self, context: GlueContext) -> None:
        self._context = context

    def from_options(
        self,
        frame: DynamicFrame,
        connection_type: str,
        connection_options: dict,
        format: str | None = None,  # Glue's parameter name
        format_options: dict | None = None,
        transformation_ctx: str = "",
        **_kwargs: Any,
    ) -> DynamicFrame:
        """Append `frame` under connection_options['path'], partitioned by 'partitionKeys'."""
        if connection_type != "s3":
            raise ValueError(f"connection_type {connection_type!r}: only 's3' is emulated")
        path = connection_options.get("path")
        if not path:
            raise ValueError("connection_options['path'] is required")
        df = frame.toDF()
        if not df.columns:
            return frame
        writer = df.write.mode("append").format(_spark_format(format))
        for key, value in (format_options or {}).items():
            writer = writer.option(_FORMAT_OPTIONS.get(key, key), value)
        keys = connection_options.get("partitionKeys") or []
        if keys:
            writer = writer.partitionBy(*keys)
        writer.save(path)
        return frame


class GlueContext:
    """`GlueContext(sc)`: `.spark_session`, `.create_dynamic_frame`, `.write_dynamic_frame`."""

    def __init__(self, spark_context: Any) -> None:
        from pyspark.sql import SparkSession

        self._sc = spark_context
        self.spark_session = SparkSession(spark_context)
        self._bookmarks = _BookmarkSession(sys.argv)
        self.create_dynamic_frame = _Reader(self)
        self.write_dynamic_frame = _Writer(self)

    def get_logger(self) -> logging.Logger:
        return logging.getLogger("awsglue")


def _read_listed(spark: Any, reader: Any, paths: list[str], objects: list) -> Any:
    """The rows of exactly `objects` (listed and bookmark-selected under `paths`), read as one
    recursive scan of `paths` that skips files older than the oldest selected one
    (`modifiedAfter`); `_attach_source` then keeps only the selected files.

    Handing Spark every object as an explicit path costs two HEADs per object before reading
    (existence check, then listing each path); the recursive scan lists 1,000 keys a request.
    Files in the scanned window that the bookmark did not select (and side files) are read by
    schema inference too, so a JSON schema may carry their extra fields as null columns."""
    zone = spark.conf.get("spark.sql.session.timeZone", "UTC")
    after = _modified_after(min(o.modified_ms for o in objects), zone)
    return reader.option("recursiveFileLookup", "true").option("modifiedAfter", after).load(paths)


def _attach_source(spark: Any, frame: Any, objects: list, column: str | None) -> Any:
    """Only the rows of the listed `objects`, matched by the name Spark read them under; with
    Glue's `attachFilename` option, plus a column of that name holding each row's object as the
    listing names it (`s3://bucket/key`, not URI-encoded)."""
    from pyspark.sql import functions as F

    path_class = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    # The names as Spark reports them (Hadoop's URI encoding), without the scheme (the listing
    # says s3://, the paths may say s3a://).
    names = spark.createDataFrame(
        [(_without_scheme(path_class(o.uri).toUri().toString()), o.uri) for o in objects],
        "__awsglue_name string, __awsglue_uri string",
    )
    read_as = F.regexp_replace(F.input_file_name(), "^[A-Za-z0-9+.-]+://", "")
    joined = frame.withColumn("__awsglue_read_as", read_as).join(
        F.broadcast(names), F.col("__awsglue_read_as") == F.col("__awsglue_name"))
    if column:
        joined = joined.withColumn(column, F.col("__awsglue_uri"))
    return joined.drop("__awsglue_read_as", "__awsglue_name", "__awsglue_uri")


def _without_file_context(frame: Any) -> Any:
    """`frame` materialized (eager local checkpoint), so that later expressions no longer run
    inside the file scan's tasks: `input_file_name()` is then "" as on AWS Glue, where a
    DynamicFrame is not read by Spark's file sources and the function returns an empty string
    (the reason scripts ask for `attachFilename`)."""
    return frame.localCheckpoint(eager=True)


def _modified_after(oldest_ms: int, zone: str) -> str:
    """Spark's `modifiedAfter` (local time of the session's zone, whole seconds) one second
    before `oldest_ms`, so the oldest selected object is after it."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    moment = datetime.fromtimestamp(oldest_ms // 1000 - 1, tz=timezone.utc)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S")


def _without_scheme(uri: str) -> str:
    return uri.split("://", 1)[-1]


def _format_of(table: dict) -> str:
    serde = ((table.get("StorageDescriptor") or {}).get("SerdeInfo") or {}).get(
        "SerializationLibrary", "").lower()
    for fmt in ("parquet", "orc", "json"):
        if fmt in serde:
            return fmt
    return "csv"


def _spark_format(name: str | None) -> str:
    fmt = (name or "json").lower()
    if fmt not in ("json", "parquet", "csv", "orc"):
        raise ValueError(f"format {name!r}: use json, parquet, csv or orc")
    return fmt


def _argv_value(argv: list[str], flag: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None
