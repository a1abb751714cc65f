"""Restore raw objects from their S3 versions (the raw bucket is versioned).

A deleted object has a delete marker as its latest version; an overwritten one has older
versions behind the current one. `restore_object` copies the chosen older version over the key
(a new version on top, so history is kept and nothing is deleted). The copy fires the bucket's
ObjectCreated notification (the validation Lambda checks it again) and is newer than the last
raw_to_processed bookmark, so the next run reads it; events already processed are recognised
by the job's dedup and not written twice.

Pure choice logic (`choose_version`) is apart from the S3 calls (`list_versions`,
`list_deleted_keys`, `restore_object`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

_logger = logging.getLogger(__name__)


class RecoveryError(ValueError):
    """Nothing to restore, or the asked version cannot be restored; the message says why."""


@dataclass(frozen=True)
class ObjectVersion:
    """One version or delete marker of a key, newest first in listings."""

    key: str
    version_id: str
    is_latest: bool
    is_delete_marker: bool
    last_modified: datetime
    size: int | None = None
    etag: str | None = None


def list_versions(s3, bucket: str, key: str) -> list[ObjectVersion]:
    """Every version and delete marker of exactly `key`, newest first."""
    found: list[ObjectVersion] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        for item in page.get("Versions", []):
            if item["Key"] == key:
                found.append(ObjectVersion(key, item["VersionId"], item["IsLatest"], False,
                                           item["LastModified"], item.get("Size"),
                                           item.get("ETag")))
        for item in page.get("DeleteMarkers", []):
            if item["Key"] == key:
                found.append(ObjectVersion(key, item["VersionId"], item["IsLatest"], True,
                                           item["LastModified"]))
    return sort_newest_first(found)


def sort_newest_first(versions: list[ObjectVersion]) -> list[ObjectVersion]:
    """Newest first; on equal times the latest version comes first."""
    return sorted(versions, key=lambda v: (v.last_modified, v.is_latest), reverse=True)


def list_deleted_keys(s3, bucket: str, prefix: str = "") -> list[ObjectVersion]:
    """The delete markers that are the latest version of their key (deleted objects)."""
    deleted = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        deleted += [ObjectVersion(item["Key"], item["VersionId"], True, True,
                                  item["LastModified"])
                    for item in page.get("DeleteMarkers", []) if item["IsLatest"]]
    return sorted(deleted, key=lambda v: v.key)


def choose_version(versions: list[ObjectVersion], version_id: str | None = None
                   ) -> ObjectVersion:
    """The version to restore. With `version_id`: that version (not a delete marker, not the
    current one). Without: for a deleted key the newest real version; for an overwritten key
    the version before the current one."""
    if not versions:
        raise RecoveryError("the key has no versions: nothing to restore (was versioning on?)")
    ordered = sort_newest_first(versions)
    current = ordered[0]
    if version_id is not None:
        match = next((v for v in ordered if v.version_id == version_id), None)
        if match is None:
            raise RecoveryError(f"version {version_id} not found; choose one of "
                                f"{', '.join(v.version_id for v in ordered)}")
        if match.is_delete_marker:
            raise RecoveryError(f"version {version_id} is a delete marker, not an object")
        if match is current:
            raise RecoveryError(f"version {version_id} is already the current version")
        return match
    candidates = [v for v in ordered[1:] if not v.is_delete_marker]
    if not candidates:
        raise RecoveryError("no older version to restore: the key has only its current version")
    return candidates[0]


def restore_object(s3, bucket: str, key: str, version_id: str | None = None,
                   dry_run: bool = False) -> dict:
    """Copy the chosen version (see `choose_version`) over `key`. Returns {key,
    restored_version_id, new_version_id, was_deleted}; with `dry_run` nothing is written and
    new_version_id is None."""
    versions = list_versions(s3, bucket, key)
    chosen = choose_version(versions, version_id)
    was_deleted = sort_newest_first(versions)[0].is_delete_marker
    new_version = None
    if not dry_run:
        reply = s3.copy_object(Bucket=bucket, Key=key, MetadataDirective="COPY",
                               CopySource={"Bucket": bucket, "Key": key,
                                           "VersionId": chosen.version_id})
        new_version = reply.get("VersionId")
        _logger.info("restored s3://%s/%s from version %s (new version %s)", bucket, key,
                     chosen.version_id, new_version)
    return {"key": key, "restored_version_id": chosen.version_id,
            "new_version_id": new_version, "was_deleted": was_deleted}
