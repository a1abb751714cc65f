"""List S3 objects for a dynamic frame source (boto3 honours AWS_ENDPOINT_URL locally)."""

from __future__ import annotations

import fnmatch
import json
import os
from urllib.parse import urlparse

from awsglue._bookmarks import S3Object


def list_objects(paths: list[str], recurse: bool, exclusions: list[str]) -> list[S3Object]:
    """Data objects under each s3:// path (a prefix or one object), skipping Spark/Hadoop side
    files (`_SUCCESS`, `_temporary/`, names starting with `.` or `_`) and excluded globs."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)
    found: dict[str, S3Object] = {}
    for path in paths:
        bucket, prefix = _split(path)
        paginator = s3.get_paginator("list_objects_v2")
        kwargs = {"Bucket": bucket, "Prefix": prefix}
        if not recurse:
            kwargs["Delimiter"] = "/"
        for page in paginator.paginate(**kwargs):
            for item in page.get("Contents", []):
                key = item["Key"]
                relative = key[len(prefix):].lstrip("/") if prefix else key
                if _is_side_file(relative) or _excluded(key, exclusions):
                    continue
                uri = f"s3://{bucket}/{key}"
                found[uri] = S3Object(
                    uri,
                    int(item["LastModified"].timestamp() * 1000),
                    item.get("ETag", "").strip('"'),
                )
    return sorted(found.values(), key=lambda o: o.uri)


def parse_exclusions(value: str | list | None) -> list[str]:
    """Glue's `exclusions` connection option: a JSON list of glob patterns (or a list)."""
    if not value:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("connection_options['exclusions'] must be a JSON list of glob strings")
    return value


def _split(path: str) -> tuple[str, str]:
    parsed = urlparse(path)
    if parsed.scheme not in ("s3", "s3a", "s3n") or not parsed.netloc:
        raise ValueError(f"connection_options['paths']: {path!r} is not an s3:// URI")
    return parsed.netloc, parsed.path.lstrip("/")


def _is_side_file(relative: str) -> bool:
    parts = relative.split("/")
    return relative.endswith("/") or any(p.startswith(("_", ".")) for p in parts if p)


def _excluded(key: str, patterns: list[str]) -> bool:
    # Glue's exclusions are globs relative to the bucket ("**" crosses folders).
    return any(fnmatch.fnmatchcase(key, p.replace("**", "*")) for p in patterns)
