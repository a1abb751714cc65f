"""Read what a crawler needs from S3: object listings, JSON samples, Parquet footers."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlparse

from localcloud.glue.crawler.hive_types import HiveType, arrow_type, json_type, merge_fields

_logger = logging.getLogger(__name__)

JSON_SAMPLE_BYTES = 1024 * 1024  # Glue's classifiers read the first megabyte of a file
_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class ListedObject:
    key: str
    size: int


@dataclass(frozen=True)
class Sample:
    """What one object revealed: its format, top-level columns and record count."""

    fmt: str
    columns: list[tuple[str, HiveType]]
    records: int


def split_s3_path(path: str) -> tuple[str, str]:
    """(bucket, prefix) of an s3:// path; the prefix ends with '/' unless empty."""
    parsed = urlparse(path)
    if parsed.scheme not in ("s3", "s3a") or not parsed.netloc:
        raise ValueError(f"S3 target path {path!r} is not an s3:// URI")
    prefix = parsed.path.lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return parsed.netloc, prefix


def list_objects(s3, bucket: str, prefix: str) -> list[ListedObject]:
    """Data objects under the prefix, without folder markers and Spark/Hadoop side files."""
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            relative = key[len(prefix):]
            if key.endswith("/") or any(
                p.startswith(("_", ".")) or p.endswith("_$folder$") for p in relative.split("/")
            ):
                continue
            found.append(ListedObject(key, int(item.get("Size", 0))))
    return found


def json_sample(data: bytes) -> Sample | None:
    """Columns of JSON Lines, or of one JSON document (an object or an array of objects).
    A record cut by the sample limit is skipped; None when nothing parses as objects."""
    text = data.decode("utf-8", errors="replace").lstrip()
    if not text:
        return None
    records: list[dict] = []
    if text.startswith("["):
        try:
            document = json.loads(text)
            records = [r for r in document if isinstance(r, dict)]
        except json.JSONDecodeError:
            records = []
    else:
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                records.append(value)
        if not records:
            try:
                value = json.loads(text)  # one pretty-printed object
                records = [value] if isinstance(value, dict) else []
            except json.JSONDecodeError:
                records = []
    if not records:
        return None
    columns: list[tuple[str, HiveType]] = []
    for record in records:
        columns = merge_fields(columns, json_type(record)[1])
    return Sample("json", columns, len(records))


def read_sample(s3, parquet_fs, bucket: str, obj: ListedObject) -> Sample | None:
    """Classify and sample one object: Parquet by footer, JSON by its first megabyte."""
    if obj.size == 0:
        return None
    if obj.key.endswith(".parquet"):
        return _parquet_sample(parquet_fs, bucket, obj.key)
    head = s3.get_object(Bucket=bucket, Key=obj.key, Range=f"bytes=0-{JSON_SAMPLE_BYTES - 1}")
    data = head["Body"].read()
    if data[:4] == b"PAR1":
        return _parquet_sample(parquet_fs, bucket, obj.key)
    sample = json_sample(data)
    if sample is None and obj.key.endswith(_JSON_SUFFIXES):
        _logger.info("s3://%s/%s: no JSON records in its first megabyte", bucket, obj.key)
    return sample


def parquet_filesystem(endpoint: str, region: str, access_key: str, secret_key: str):
    """A pyarrow S3 filesystem on the local endpoint (reads only footers: ranged GETs)."""
    from pyarrow import fs

    parsed = urlparse(endpoint)
    return fs.S3FileSystem(
        endpoint_override=parsed.netloc, scheme=parsed.scheme or "http", region=region,
        access_key=access_key, secret_key=secret_key,
    )


def _parquet_sample(parquet_fs, bucket: str, key: str) -> Sample | None:
    import pyarrow.parquet as pq

    try:
        with parquet_fs.open_input_file(f"{bucket}/{key}") as handle:
            metadata = pq.ParquetFile(handle).metadata
            schema = metadata.schema.to_arrow_schema()
    except Exception as error:
        _logger.warning("s3://%s/%s: unreadable Parquet footer (%s)", bucket, key, error)
        return None
    columns = [(f.name, arrow_type(f.type)) for f in schema]
    return Sample("parquet", columns, metadata.num_rows)
