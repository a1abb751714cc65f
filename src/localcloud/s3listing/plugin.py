"""Quirk fixed: in a versioned bucket moto 5.2 still lists a CommonPrefix whose keys are all
deleted (their latest version is a delete marker). Real S3 does not, and Spark's file committer
then finds stale `_temporary/` folders and fails. Folders are kept only where a live key is."""

from __future__ import annotations

ORDER = 1
_PATCHED = "_localcloud_live_common_prefixes"


def live_common_prefixes(keys, prefix: str, delimiter: str) -> set[str]:
    """The CommonPrefixes of `keys` ((name, key) pairs) under `prefix`, skipping delete markers."""
    from moto.s3.models import FakeDeleteMarker

    folders = set()
    for name, key in keys:
        if not name.startswith(prefix) or isinstance(key, FakeDeleteMarker):
            continue
        rest = name[len(prefix):]
        if delimiter in rest:
            folders.add(prefix + rest.split(delimiter, 1)[0] + delimiter)
    return folders


def install(cloud) -> None:
    from moto.s3.models import S3Backend

    if getattr(S3Backend, _PATCHED, False):
        return
    original = S3Backend.list_objects

    def list_objects(self, bucket, prefix, delimiter, marker, max_keys):
        keys, folders, truncated, next_marker = original(
            self, bucket, prefix, delimiter, marker, max_keys
        )
        if delimiter and folders:
            live = live_common_prefixes(bucket.keys.items(), prefix or "", delimiter)
            folders = [folder for folder in folders if folder in live]
        return keys, folders, truncated, next_marker

    S3Backend.list_objects = list_objects
    setattr(S3Backend, _PATCHED, True)
