"""S3: buckets with their configuration, and every object version (or current objects) with
metadata. Objects are written as files, their descriptions in `objects.jsonl` per bucket.

Restore order matters: versioning first (so versions stack up again), objects oldest first,
delete markers replayed, notification configuration last (restoring must not fire events).
Version ids are new after a restore (S3 assigns them); content, order, metadata and tags are
kept. A multipart object is re-uploaded in the same number of parts when its part size can be
inferred, which keeps its `"<md5>-<parts>"` ETag.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from pathlib import Path

from botocore.exceptions import ClientError

from localcloud.persistence.common import exists_error, optional, read_json, strip, write_json

_logger = logging.getLogger(__name__)

MIN_PART = 5 * 1024 * 1024
DEFAULT_PART = 8 * 1024 * 1024  # boto3's default multipart chunk size

_CONFIG_GETTERS = {
    "versioning": ("get_bucket_versioning", None),
    "encryption": ("get_bucket_encryption", "ServerSideEncryptionConfiguration"),
    "lifecycle": ("get_bucket_lifecycle_configuration", "Rules"),
    "public_access_block": ("get_public_access_block", "PublicAccessBlockConfiguration"),
    "policy": ("get_bucket_policy", "Policy"),
    "notification": ("get_bucket_notification_configuration", None),
    "tags": ("get_bucket_tagging", "TagSet"),
    "cors": ("get_bucket_cors", "CORSRules"),
    "ownership": ("get_bucket_ownership_controls", "OwnershipControls"),
    "logging": ("get_bucket_logging", "LoggingEnabled"),
}


def export(cloud, root: Path) -> dict:
    s3 = cloud.client("s3")
    buckets = s3.list_buckets().get("Buckets", [])
    summary = {"buckets": 0, "objects": 0, "bytes": 0}
    for bucket in buckets:
        name = bucket["Name"]
        folder = root / name
        config = {"name": name, "region": _region(s3, name)}
        for key, (getter, field) in _CONFIG_GETTERS.items():
            answer = optional(getattr(s3, getter), Bucket=name)
            if answer is not None:
                answer = strip(answer)
                config[key] = answer.get(field) if field else answer
        write_json(folder / "bucket.json", config)
        versioned = (config.get("versioning") or {}).get("Status") in ("Enabled", "Suspended")
        count, size = _export_objects(s3, name, folder, versioned)
        summary["buckets"] += 1
        summary["objects"] += count
        summary["bytes"] += size
    return summary


def _region(s3, name: str) -> str:
    location = s3.get_bucket_location(Bucket=name).get("LocationConstraint")
    return location or "us-east-1"


def _listing(s3, name: str, versioned: bool) -> list[dict]:
    """Every entry to restore, oldest first; delete markers included."""
    if not versioned:
        paginator = s3.get_paginator("list_objects_v2")
        return [dict(o, Kind="object") for page in paginator.paginate(Bucket=name)
                for o in page.get("Contents", [])]
    entries: list[tuple[int, dict]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for kind, items in (("version", page.get("Versions", [])),
                            ("marker", page.get("DeleteMarkers", []))):
            entries += [(-i, dict(item, Kind=kind)) for i, item in enumerate(items)]
    # Oldest first. Times have one-second resolution: among equal times the current (latest)
    # entry goes last, and each list's own newest-first order is reversed.
    entries.sort(key=lambda p: (p[1]["LastModified"], bool(p[1].get("IsLatest")), p[0]))
    return [e for _, e in entries]


def _export_objects(s3, name: str, folder: Path, versioned: bool) -> tuple[int, int]:
    data_dir = folder / "objects"
    data_dir.mkdir(parents=True, exist_ok=True)
    count = size = 0
    with open(folder / "objects.jsonl", "w") as index:
        for number, entry in enumerate(_listing(s3, name, versioned)):
            record = {"key": entry["Key"], "kind": entry["Kind"],
                      "version_id": entry.get("VersionId"), "is_latest": entry.get("IsLatest")}
            if entry["Kind"] != "marker":
                kwargs = {"Bucket": name, "Key": entry["Key"]}
                if versioned and entry.get("VersionId"):
                    kwargs["VersionId"] = entry["VersionId"]
                answer = s3.get_object(**kwargs)
                path = data_dir / f"{number:08d}.bin"
                with open(path, "wb") as out:
                    shutil.copyfileobj(answer["Body"], out, 1 << 20)
                tags = optional(s3.get_object_tagging, **kwargs) or {}
                record.update(
                    file=path.name, size=answer["ContentLength"], etag=answer["ETag"],
                    content_type=answer.get("ContentType"), metadata=answer.get("Metadata", {}),
                    content_encoding=answer.get("ContentEncoding"),
                    content_disposition=answer.get("ContentDisposition"),
                    content_language=answer.get("ContentLanguage"),
                    cache_control=answer.get("CacheControl"),
                    storage_class=entry.get("StorageClass"),
                    tags=tags.get("TagSet", []),
                )
                count += 1
                size += answer["ContentLength"]
            index.write(json.dumps(record) + "\n")
    return count, size


def restore(cloud, root: Path) -> dict:
    s3 = cloud.client("s3")
    summary = {"buckets": 0, "objects": 0}
    if not root.exists():
        return summary
    configs = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        config = read_json(folder / "bucket.json")
        if config is None:
            continue
        name = config["name"]
        _create_bucket(s3, name, config.get("region", "us-east-1"))
        status = (config.get("versioning") or {}).get("Status")
        if status:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        summary["objects"] += _restore_objects(s3, name, folder)
        if status == "Suspended":
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": status})
        configs.append(config)
        summary["buckets"] += 1
    # In phases across buckets: access logging before any policy (moto's PutBucketLogging
    # fails on a target bucket whose policy has `"Principal": "*"`), notifications last.
    by_name = {c["name"]: c for c in configs}
    for phase in _PHASES:
        for config in configs:
            if phase == ("logging",) and config.get("logging"):
                _grant_log_delivery(s3, by_name.get(config["logging"].get("TargetBucket")))
            _restore_config(s3, config["name"], config, phase)
    return summary


def _grant_log_delivery(s3, target: dict | None) -> None:
    """moto checks that the logging target's policy lets the logging service write, but fails
    on statements with `"Principal": "*"`: put the target's other statements first (the full
    policy follows in the policy phase)."""
    if not target or not target.get("policy"):
        return
    policy = json.loads(target["policy"])
    statements = policy.get("Statement", [])
    kept = [st for st in (statements if isinstance(statements, list) else [statements])
            if isinstance(st.get("Principal"), dict)]
    if kept:
        s3.put_bucket_policy(Bucket=target["name"],
                             Policy=json.dumps(dict(policy, Statement=kept)))


def _create_bucket(s3, name: str, region: str) -> None:
    kwargs = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.create_bucket(**kwargs)
    except ClientError as error:
        if not exists_error(error):
            raise


_PHASES = (
    ("encryption", "lifecycle", "public_access_block", "tags", "cors", "ownership"),
    ("logging",),
    ("policy",),
    ("notification",),
)


def _restore_config(s3, name: str, config: dict, keys: tuple[str, ...]) -> None:
    setters = [
        ("encryption", lambda v: s3.put_bucket_encryption(
            Bucket=name, ServerSideEncryptionConfiguration=v)),
        ("lifecycle", lambda v: s3.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": v})),
        ("public_access_block", lambda v: s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=v)),
        ("policy", lambda v: s3.put_bucket_policy(Bucket=name, Policy=v)),
        ("tags", lambda v: s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": v})),
        ("cors", lambda v: s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": v})),
        ("ownership", lambda v: s3.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls=v)),
        ("logging", lambda v: s3.put_bucket_logging(
            Bucket=name, BucketLoggingStatus={"LoggingEnabled": v})),
        # Last: restored objects must not fire notifications.
        ("notification", lambda v: s3.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration=strip(v, "EventBridgeConfiguration")
            | ({"EventBridgeConfiguration": {}} if "EventBridgeConfiguration" in v else {}))),
    ]
    for key, setter in setters:
        value = config.get(key)
        if value and key in keys:
            try:
                setter(value)
            except ClientError:
                _logger.exception("could not restore %s of bucket %s", key, name)


def _restore_objects(s3, name: str, folder: Path) -> int:
    index = folder / "objects.jsonl"
    if not index.exists():
        return 0
    count = 0
    for line in index.read_text().splitlines():
        record = json.loads(line)
        if record["kind"] == "marker":
            s3.delete_object(Bucket=name, Key=record["key"])
            continue
        _put(s3, name, record, folder / "objects" / record["file"])
        count += 1
    return count


def _put(s3, name: str, record: dict, path: Path) -> None:
    extra = {"Metadata": record.get("metadata") or {}}
    for field, arg in (("content_type", "ContentType"), ("content_encoding", "ContentEncoding"),
                       ("content_disposition", "ContentDisposition"),
                       ("content_language", "ContentLanguage"),
                       ("cache_control", "CacheControl"), ("storage_class", "StorageClass")):
        if record.get(field):
            extra[arg] = record[field]
    if record.get("tags"):
        from urllib.parse import urlencode

        extra["Tagging"] = urlencode({t["Key"]: t["Value"] for t in record["tags"]})
    parts = _part_count(record.get("etag") or "")
    part_size = _part_size(record["size"], parts) if parts else None
    if part_size is None:
        with open(path, "rb") as body:
            s3.put_object(Bucket=name, Key=record["key"], Body=body.read(), **extra)
        return
    upload = s3.create_multipart_upload(Bucket=name, Key=record["key"], **extra)
    done = []
    with open(path, "rb") as body:
        for number in range(1, parts + 1):
            answer = s3.upload_part(Bucket=name, Key=record["key"], UploadId=upload["UploadId"],
                                    PartNumber=number, Body=body.read(part_size))
            done.append({"PartNumber": number, "ETag": answer["ETag"]})
    s3.complete_multipart_upload(Bucket=name, Key=record["key"], UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": done})


def _part_count(etag: str) -> int | None:
    etag = etag.strip('"')
    if "-" in etag:
        try:
            return int(etag.rsplit("-", 1)[1])
        except ValueError:
            return None
    return None


def _part_size(size: int, parts: int) -> int | None:
    """A part size that splits `size` into exactly `parts` parts (all but the last ≥ 5 MiB):
    boto3's 8 MiB default when it fits, else equal parts; None when no split works."""
    if parts == 1:
        return max(size, 1)
    for candidate in (DEFAULT_PART, math.ceil(size / parts)):
        if candidate >= MIN_PART and math.ceil(size / candidate) == parts:
            return candidate
    return None
