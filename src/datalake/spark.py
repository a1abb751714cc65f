"""Build the SparkSession the lake's jobs run on: local Spark that reads and writes `s3://` and
`s3a://` paths on a local endpoint (the local cloud) or on AWS, through hadoop-aws (s3a).

`s3a_conf` is the pure part (a dict of Hadoop settings), so the local Glue executor can pass the
same settings to spark-submit as `--conf spark.hadoop.<key>=<value>`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyspark is a dev dependency; importing this module must not need it
    from pyspark.sql import SparkSession

_logger = logging.getLogger(__name__)

S3A_FILESYSTEM = "org.apache.hadoop.fs.s3a.S3AFileSystem"
SIMPLE_CREDENTIALS = "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
JARS_ENV = "DATALAKE_SPARK_JARS"
PACKAGES_ENV = "DATALAKE_SPARK_PACKAGES"
DEFAULT_SHUFFLE_PARTITIONS = 8


def s3a_conf(
    endpoint: str | None,
    access_key: str | None = None,
    secret_key: str | None = None,
    region: str | None = None,
) -> dict[str, str]:
    """Hadoop settings (without the `spark.hadoop.` prefix) for s3a.

    `s3://` and `s3a://` both map to S3AFileSystem so job scripts use Glue's `s3://` URIs
    unchanged. With an `endpoint` (the local cloud), requests go there path-style over plain HTTP
    with static keys (the environment's, else "test"); without one, s3a's default AWS chain.
    """
    conf = {
        "fs.s3.impl": S3A_FILESYSTEM,
        "fs.s3a.impl": S3A_FILESYSTEM,
        # s3a's FileOutputCommitter v1: task output becomes visible only at job commit.
        "mapreduce.fileoutputcommitter.algorithm.version": "1",
    }
    if not endpoint:
        return conf
    conf.update(
        {
            "fs.s3a.endpoint": endpoint,
            "fs.s3a.path.style.access": "true",
            "fs.s3a.connection.ssl.enabled": str(endpoint.startswith("https://")).lower(),
            "fs.s3a.aws.credentials.provider": SIMPLE_CREDENTIALS,
            "fs.s3a.access.key": access_key or os.environ.get("AWS_ACCESS_KEY_ID") or "test",
            "fs.s3a.secret.key": secret_key or os.environ.get("AWS_SECRET_ACCESS_KEY") or "test",
            "fs.s3a.endpoint.region": region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1",
            # The local endpoint answers quickly or not at all: fail fast instead of retrying
            # for minutes.
            "fs.s3a.attempts.maximum": "3",
            "fs.s3a.retry.limit": "3",
            # Directory markers are not needed by anything that reads the lake.
            "fs.s3a.directory.marker.retention": "keep",
        }
    )
    return conf


def find_jars(jars_dir: str | os.PathLike | None = None) -> list[str]:
    """The s3a jars: `jars_dir`, else $DATALAKE_SPARK_JARS, else `<repo>/.cache/jars`."""
    candidates = [jars_dir, os.environ.get(JARS_ENV), _repo_root() / ".cache" / "jars"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            jars = sorted(str(p) for p in Path(candidate).glob("*.jar"))
            if jars:
                return jars
    return []


def spark_conf(
    app_name: str,
    master: str | None = "local[*]",
    endpoint: str | None = None,
    shuffle_partitions: int = DEFAULT_SHUFFLE_PARTITIONS,
    jars_dir: str | os.PathLike | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Every Spark setting `build_session` applies, as a plain dict (pure, testable)."""
    conf = {
        "spark.app.name": app_name,
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.parquet.compression.codec": "snappy",
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
        "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
    }
    if master:
        conf["spark.master"] = master
    packages = os.environ.get(PACKAGES_ENV)
    if packages:
        conf["spark.jars.packages"] = packages
    else:
        jars = find_jars(jars_dir)
        if jars:
            conf["spark.jars"] = ",".join(jars)
    conf.update({f"spark.hadoop.{k}": v for k, v in s3a_conf(endpoint).items()})
    conf.update(extra or {})
    return conf


def build_session(
    app_name: str,
    master: str | None = "local[*]",
    endpoint: str | None = None,
    shuffle_partitions: int = DEFAULT_SHUFFLE_PARTITIONS,
    jars_dir: str | os.PathLike | None = None,
    extra: dict[str, str] | None = None,
) -> SparkSession:
    """A SparkSession for the lake's jobs (or the one already running, with s3a settings applied).

    `master=None` leaves the master to spark-submit (a cluster). Without s3a jars, local paths
    still work; `s3://` paths then fail with ClassNotFoundException for S3AFileSystem.
    """
    from pyspark.sql import SparkSession

    # Python workers must be this interpreter (the one with the datalake package), not `python3`.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = spark_conf(app_name, master, endpoint, shuffle_partitions, jars_dir, extra)
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    apply_runtime_conf(session, endpoint)
    _logger.debug("spark session %s (master %s)", app_name, session.sparkContext.master)
    return session


def apply_runtime_conf(session: SparkSession, endpoint: str | None = None) -> None:
    """Settings that can change on a running session (a Glue-provided or reused one)."""
    session.conf.set("spark.sql.session.timeZone", "UTC")
    if not endpoint:
        return  # on Glue, s3:// belongs to Glue's own filesystem: leave it alone
    hadoop = session.sparkContext._jsc.hadoopConfiguration()
    for key, value in s3a_conf(endpoint).items():
        hadoop.set(key, value)


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]
