"""S3 for queries: fetch a table's data files into a local cache (keyed by bucket, key and ETag,
so a repeated query does not read an unchanged file again, and an overwritten file, whose ETag
changes, is read anew), and write results and table data through the endpoint.

Listing and reading go through an `ObjectReader` (local_state.MotoObjects: moto's backend in this
process). Every byte a query reads goes through `Scan.fetch`, which is how DataScannedInBytes is
measured (decision 070): a file served from the cache counts as read, as it does on Athena.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from localcloud.athena.errors import BytesScannedCutoff, QueryFailed

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    size: int
    etag: str
    # What the reader needs to read exactly this version (moto's key); not part of identity.
    handle: Any = field(default=None, compare=False, repr=False, hash=False)

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


class ObjectReader(Protocol):
    """Where a query's files are listed and read from."""

    def list_files(self, location: str) -> list[S3Object]: ...

    def list_locations(self, locations: list[str]) -> dict[str, list[S3Object]]: ...

    def read(self, obj: S3Object) -> tuple[S3Object, bytes]: ...


@dataclass
class Scan:
    """The files one query reads, and the bytes it has read so far."""

    reader: ObjectReader
    cache_dir: Path
    cutoff: int | None = None
    bytes_scanned: int = 0
    files_read: list[str] = field(default_factory=list)
    local_paths: dict[str, str] = field(default_factory=dict)  # cache path -> s3 uri
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fetch(self, obj: S3Object) -> str:
        """A local path holding `obj`'s bytes; counts them as scanned."""
        path = self._cache_path(obj)
        if not path.exists():
            self._count(obj)
            read, data = self.reader.read(obj)
            if read.etag != obj.etag:  # overwritten since it was listed: cache what was read
                _logger.debug("%s changed while the query ran", obj.uri)
                with self._lock:
                    self.bytes_scanned += read.size - obj.size
                path = self._cache_path(read)
            self._store(path, data)
        else:
            self._count(obj)
        self.local_paths[str(path)] = obj.uri
        return str(path)

    def _count(self, obj: S3Object) -> None:
        with self._lock:
            self.bytes_scanned += obj.size
            self.files_read.append(obj.uri)
            if self.cutoff is not None and self.bytes_scanned > self.cutoff:
                raise BytesScannedCutoff()

    def _cache_path(self, obj: S3Object) -> Path:
        digest = hashlib.sha256(f"{obj.bucket}/{obj.key}/{obj.etag}".encode()).hexdigest()[:32]
        suffix = "".join(Path(obj.key).suffixes[-2:])[:20]
        return self.cache_dir / f"{digest}{suffix}"

    def _store(self, path: Path, data: bytes) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        tmp.write_bytes(data)
        os.replace(tmp, path)


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
