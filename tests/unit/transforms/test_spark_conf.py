"""The session settings, as plain dicts (no JVM)."""

from __future__ import annotations

from datalake.spark import S3A_FILESYSTEM, find_jars, s3a_conf, spark_conf


def test_s3a_conf_for_a_local_endpoint(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AK")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "SK")
    conf = s3a_conf("http://127.0.0.1:4566")
    assert conf["fs.s3.impl"] == conf["fs.s3a.impl"] == S3A_FILESYSTEM
    assert conf["fs.s3a.endpoint"] == "http://127.0.0.1:4566"
    assert conf["fs.s3a.path.style.access"] == "true"
    assert conf["fs.s3a.connection.ssl.enabled"] == "false"
    assert conf["fs.s3a.aws.credentials.provider"].endswith("SimpleAWSCredentialsProvider")
    assert (conf["fs.s3a.access.key"], conf["fs.s3a.secret.key"]) == ("AK", "SK")


def test_s3a_conf_https_endpoint_keeps_ssl_and_no_endpoint_keeps_default_chain():
    assert s3a_conf("https://s3.example")["fs.s3a.connection.ssl.enabled"] == "true"
    conf = s3a_conf(None)
    assert conf["fs.s3.impl"] == S3A_FILESYSTEM
    assert "fs.s3a.endpoint" not in conf and "fs.s3a.aws.credentials.provider" not in conf


def test_spark_conf_jars_from_env_dir(tmp_path, monkeypatch):
    (tmp_path / "b.jar").write_bytes(b"")
    (tmp_path / "a.jar").write_bytes(b"")
    monkeypatch.setenv("DATALAKE_SPARK_JARS", str(tmp_path))
    monkeypatch.delenv("DATALAKE_SPARK_PACKAGES", raising=False)
    assert find_jars() == [str(tmp_path / "a.jar"), str(tmp_path / "b.jar")]
    conf = spark_conf("app", endpoint="http://localhost:1")
    assert conf["spark.jars"] == f"{tmp_path / 'a.jar'},{tmp_path / 'b.jar'}"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.master"] == "local[*]"
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://localhost:1"


def test_spark_conf_packages_route_and_cluster_master(monkeypatch):
    monkeypatch.setenv("DATALAKE_SPARK_PACKAGES", "org.apache.hadoop:hadoop-aws:3.3.4")
    conf = spark_conf("app", master=None, shuffle_partitions=3)
    assert conf["spark.jars.packages"] == "org.apache.hadoop:hadoop-aws:3.3.4"
    assert "spark.jars" not in conf and "spark.master" not in conf
    assert conf["spark.sql.shuffle.partitions"] == "3"
