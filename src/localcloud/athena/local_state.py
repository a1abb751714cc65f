"""Reads of moto's S3 objects and Glue catalog in this process, for queries.

The local Athena runs in the same process as moto, so a query lists and reads its data files and
resolves its tables and partitions from moto's backends directly instead of through HTTP round
trips to its own endpoint (decision 115). Every read sees moto's current state, so nothing here
needs invalidating. Writes (result files, CTAS/UNLOAD data, catalog changes) still go through
the endpoint, so that observers (S3 notifications, fault rules) see them as they see any client.
"""

from __future__ import annotations

import bisect
import copy
import logging
from collections.abc import Iterable

from localcloud.athena.errors import QueryFailed
from localcloud.athena.storage import S3Object, is_data_file, split_uri

_logger = logging.getLogger(__name__)


class MotoObjects:
    """List and read S3 objects of one account from moto's S3 backend."""

    def __init__(self, account: str, region: str):
        self.account = account
        self.region = region

    def _backend(self):
        from moto.s3.models import s3_backends
        from moto.utilities.utils import get_partition

        return s3_backends[self.account][get_partition(self.region)]

    def list_files(self, location: str) -> list[S3Object]:
        """The data files under `location` (recursively, as Athena reads them), by key."""
        return self.list_locations([location])[location]

    def list_locations(self, locations: Iterable[str]) -> dict[str, list[S3Object]]:
        """The data files under each location; one pass over each bucket's keys."""
        by_bucket: dict[str, list[tuple[str, str]]] = {}
        for location in locations:
            bucket, prefix = split_uri(location)
            if prefix and not prefix.endswith("/"):
                prefix += "/"
            by_bucket.setdefault(bucket, []).append((location, prefix))
        found: dict[str, list[S3Object]] = {}
        for bucket, wanted in by_bucket.items():
            names, latest = self._snapshot(bucket)
            for location, prefix in wanted:
                start = bisect.bisect_left(names, prefix)
                files = []
                for name in names[start:]:
                    if not name.startswith(prefix):
                        break
                    obj = _data_file(bucket, name, latest[name])
                    if obj is not None:
                        files.append(obj)
                found[location] = files
        return found

    def _snapshot(self, bucket_name: str) -> tuple[list[str], dict[str, object]]:
        """Sorted key names and each key's latest version (a FakeKey or a delete marker)."""
        from moto.s3.exceptions import MissingBucket

        try:
            bucket = self._backend().get_bucket(bucket_name)
        except MissingBucket:
            raise QueryFailed(
                "HIVE_CANNOT_OPEN_SPLIT", f"The specified bucket does not exist: {bucket_name}"
            ) from None
        # dict.items on moto's versioned key store gives name -> [versions]; list() of a dict
        # view runs without releasing the GIL, so a concurrent PUT cannot break the iteration.
        latest = {name: versions[-1] for name, versions in list(dict.items(bucket.keys))
                  if versions}
        return sorted(latest), latest

    def read(self, obj: S3Object) -> tuple[S3Object, bytes]:
        """The bytes of `obj` as listed, or of the key's current version when the listed one
        is gone (overwritten since); the S3Object returned describes the bytes returned."""
        handle = obj.handle
        if handle is not None and not getattr(handle, "disposed", False):
            try:
                return obj, handle.value
            except ValueError:  # its buffer was closed by an overwrite or delete meanwhile
                pass
        current = self._backend().get_object(obj.bucket, obj.key)
        if current is None:
            raise QueryFailed(
                "HIVE_CANNOT_OPEN_SPLIT", f"Error opening Hive split {obj.uri}: the object no "
                "longer exists (it was deleted while the query ran)"
            )
        fresh = _data_file(obj.bucket, obj.key, current)
        if fresh is None:
            return S3Object(obj.bucket, obj.key, 0, "", None), b""
        return fresh, current.value


def _data_file(bucket: str, name: str, key) -> S3Object | None:
    """An S3Object for a live, non-empty data file (None for markers, empty or hidden files)."""
    from moto.s3.models import FakeKey

    if not isinstance(key, FakeKey) or not is_data_file(name):
        return None
    size = key.size
    if not size:
        return None
    with key.lock:  # moto computes a missing ETag by seeking in the buffer `value` reads
        etag = key.etag.strip('"')
    return S3Object(bucket, name, size, etag, key)


class MotoCatalog:
    """Databases, tables and partitions of one account and region from moto's Glue backend,
    shaped as Glue's GetDatabase/GetTable/GetPartitions answers (copies: callers may change
    them without changing the catalog; a partition carries only its values and location)."""

    def __init__(self, account: str, region: str):
        self.account = account
        self.region = region

    def _backend(self):
        from moto.glue.models import glue_backends

        return glue_backends[self.account][self.region]

    def database(self, name: str) -> dict | None:
        found = self._backend().databases.get(name)
        return copy.deepcopy(found.as_dict()) if found is not None else None

    def table(self, database: str, name: str) -> dict | None:
        db = self._backend().databases.get(database)
        found = db.tables.get(name) if db is not None else None
        return copy.deepcopy(found.as_dict()) if found is not None else None

    def partitions(self, database: str, name: str) -> list[dict]:
        db = self._backend().databases.get(database)
        table = db.tables.get(name) if db is not None else None
        if table is None:
            return []
        out = []
        for partition in list(table.partitions.values()):
            sd = partition.partition_input.get("StorageDescriptor") or {}
            out.append({"Values": list(partition.values),
                        "StorageDescriptor": {"Location": sd.get("Location") or ""}})
        return out
