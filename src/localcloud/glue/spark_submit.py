"""The spark-submit command line of one job run: master, s3a settings, jars, py-files. Pure."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

# <repo>/src/localcloud/glue/spark_submit.py -> <repo>
_REPO = Path(__file__).resolve().parents[3]
# The folder holding the `awsglue` shim package: what a job's PYTHONPATH gets.
SHIM_PARENT = Path(__file__).resolve().parent
_S3A = "org.apache.hadoop.fs.s3a.S3AFileSystem"
# "1"/"true": keep a warm driver for the next run (warm.py); a served cloud sets it (decision 117)
WARM_DRIVER_ENV = "DATALAKE_GLUE_WARM_DRIVER"


@dataclass
class SparkSettings:
    """How job runs start Spark. From the environment by default (see docs/glue-local.md)."""

    master: str = "local[*]"
    jars: list[str] = field(default_factory=list)
    packages: str | None = None
    driver_memory: str = "1g"
    # Glue's 200 suits a cluster; on one machine every shuffle of a small incremental run would
    # be 200 tasks (persisted frames keep them even with adaptive execution): 1,800 tasks for
    # the curated job's handful of rows.
    shuffle_partitions: int = 8
    extra_conf: dict[str, str] = field(default_factory=dict)
    # Start the next run's driver ahead of time (warm.py); opt-in.
    warm_driver: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SparkSettings:
        """DATALAKE_SPARK_MASTER, DATALAKE_SPARK_PACKAGES (Maven coordinates), else jars from
        DATALAKE_SPARK_JARS (comma-separated jar paths or a folder) or <repo>/.cache/jars."""
        env = os.environ if env is None else env
        packages = env.get("DATALAKE_SPARK_PACKAGES") or None
        jars = [] if packages else find_jars(env.get("DATALAKE_SPARK_JARS"))
        return cls(
            master=env.get("DATALAKE_SPARK_MASTER") or "local[*]",
            jars=jars,
            packages=packages,
            driver_memory=env.get("DATALAKE_SPARK_DRIVER_MEMORY") or "1g",
            shuffle_partitions=_positive_int(env, "DATALAKE_SPARK_SHUFFLE_PARTITIONS", 8),
            warm_driver=(env.get(WARM_DRIVER_ENV) or "").lower() in ("1", "true"),
        )


def _positive_int(env, name: str, default: int) -> int:
    text = env.get(name)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name}={text!r}: must be a positive integer")
    return int(text)


def find_jars(spec: str | None) -> list[str]:
    """Jar paths from a comma-separated list or folders; default <repo>/.cache/jars."""
    items = [s for s in (spec or "").split(",") if s] or [str(_REPO / ".cache" / "jars")]
    jars: list[str] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            jars += sorted(str(p) for p in path.glob("*.jar"))
        elif path.is_file():
            jars.append(str(path))
    return jars


def spark_submit_path() -> Path:
    """spark-submit of the pyspark package installed with this Python."""
    import pyspark

    path = Path(pyspark.__file__).resolve().parent / "bin" / "spark-submit"
    if not path.exists():
        raise FileNotFoundError(f"spark-submit not found at {path}: is pyspark installed?")
    return path


def s3a_conf(endpoint: str, access_key: str, secret_key: str) -> dict[str, str]:
    """Hadoop settings so s3:// and s3a:// URIs reach `endpoint` (path style, no TLS)."""
    prefix = "spark.hadoop.fs.s3a."
    return {
        "spark.hadoop.fs.s3.impl": _S3A,
        "spark.hadoop.fs.s3a.impl": _S3A,
        prefix + "endpoint": endpoint,
        prefix + "path.style.access": "true",
        prefix + "connection.ssl.enabled": "false",
        prefix + "aws.credentials.provider":
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        prefix + "access.key": access_key,
        prefix + "secret.key": secret_key,
        prefix + "change.detection.mode": "none",
    }


def build_command(
    script: str,
    script_args: list[str],
    settings: SparkSettings,
    endpoint: str,
    credentials: tuple[str, str],
    app_name: str,
    py_files: list[str] | None = None,
    python: str | None = None,
    conf: dict[str, str] | None = None,
) -> list[str]:
    """The full argv: spark-submit, its options, the script and the script's arguments."""
    conf = {
        **s3a_conf(endpoint, *credentials),
        **(conf or {}),
        "spark.pyspark.python": python or sys.executable,
        "spark.pyspark.driver.python": python or sys.executable,
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": str(settings.shuffle_partitions),
        **settings.extra_conf,
    }
    command = [str(spark_submit_path()), "--master", settings.master, "--name", app_name]
    command += ["--driver-memory", settings.driver_memory]
    if settings.packages:
        command += ["--packages", settings.packages]
    elif settings.jars:
        command += ["--jars", ",".join(settings.jars)]
    if py_files:
        command += ["--py-files", ",".join(py_files)]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    return command + [script, *script_args]
