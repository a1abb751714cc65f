"""S3 reads and writes for queries: list a table's data files, fetch them into a local cache
(keyed by ETag, so repeated queries do not download again), and write results and table data.

Every byte a query reads goes through `Scan.fetch`, which is how DataScannedInBytes is measured.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from localcloud.athena.errors import BytesScannedCutoff, QueryFailed

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    size: int
    etag: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def split_uri(uri: str) -> tuple[str, str]:
    """(bucket, key) of `s3://bucket/key`; a clear error for anything else."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("s3", "s3a", "s3n") or not parsed.netloc:
        raise QueryFailed("INVALID_TABLE_PROPERTY", f"'{uri}' is not an s3:// location")
    return parsed.netloc, parsed.path.lstrip("/")


def is_data_file(key: str) -> bool:
    """Athena skips files whose name starts with _ or . and Hadoop folder markers."""
    name = key.rsplit("/", 1)[-1]
    return bool(name) and not name.startswith(("_", ".")) and not key.endswith("$folder$")


def list_files(s3, location: str) -> list[S3Object]:
    """The data files under `location` (recursively, as Athena reads them)."""
    bucket, prefix = split_uri(location)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    found = []
    paginator = s3.get_paginator("list_objects_v2")
    try:
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                if is_data_file(item["Key"]) and item["Size"] > 0:
                    found.append(
                        S3Object(bucket, item["Key"], item["Size"], item["ETag"].strip('"'))
                    )
    except s3.exceptions.NoSuchBucket:
        raise QueryFailed(
            "HIVE_CANNOT_OPEN_SPLIT", f"The specified bucket does not exist: {bucket}"
        ) from None
    return sorted(found, key=lambda o: o.key)


@dataclass
class Scan:
    """The files one query reads, and the bytes it has read so far."""

    s3: object
    cache_dir: Path
    cutoff: int | None = None
    bytes_scanned: int = 0
    files_read: list[str] = field(default_factory=list)
    local_paths: dict[str, str] = field(default_factory=dict)  # cache path -> s3 uri
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fetch(self, obj: S3Object) -> str:
        """A local path holding `obj`'s bytes; counts them as scanned."""
        with self._lock:
            self.bytes_scanned += obj.size
            self.files_read.append(obj.uri)
            if self.cutoff is not None and self.bytes_scanned > self.cutoff:
                raise BytesScannedCutoff()
        digest = hashlib.sha256(f"{obj.bucket}/{obj.key}/{obj.etag}".encode()).hexdigest()[:32]
        suffix = "".join(Path(obj.key).suffixes[-2:])[:20]
        path = self.cache_dir / f"{digest}{suffix}"
        self.local_paths[str(path)] = obj.uri
        if not path.exists():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
            self.s3.download_file(obj.bucket, obj.key, str(tmp))
            os.replace(tmp, path)
        return str(path)


def with_s3_uris(text: str, scan: Scan) -> str:
    """`text` with local cache paths replaced by the S3 objects they hold (for messages)."""
    for path, uri in scan.local_paths.items():
        text = text.replace(path, uri)
    return text


def write_object(s3, uri: str, body: bytes, content_type: str = "binary/octet-stream") -> None:
    bucket, key = split_uri(uri)
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def upload_file(s3, path: str, uri: str) -> None:
    bucket, key = split_uri(uri)
    s3.upload_file(path, bucket, key)


def has_objects(s3, location: str) -> bool:
    bucket, prefix = split_uri(location)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    page = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
    return page.get("KeyCount", 0) > 0


def delete_prefix(s3, location: str) -> None:
    bucket, prefix = split_uri(location)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    for obj in list_files(s3, location):
        s3.delete_object(Bucket=bucket, Key=obj.key)
