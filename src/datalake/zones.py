"""Look into the lake's S3 zones: objects, sizes and event counts per prefix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from datalake import aws


def iter_objects(bucket: str, prefix: str = "", target: str | None = "local") -> Iterator[dict]:
    """Every object under `prefix` (Key, Size, LastModified, ...)."""
    paginator = aws.client("s3", target).get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", [])


def summarize_zone(bucket: str, prefix: str = "", target: str | None = "local") -> dict:
    """Objects and bytes under a prefix, and objects per top-level folder."""
    objects = [o for o in iter_objects(bucket, prefix, target) if not o["Key"].endswith("/")]
    folders = Counter(o["Key"][len(prefix):].split("/", 1)[0] for o in objects)
    return {
        "objects": len(objects),
        "bytes": sum(o["Size"] for o in objects),
        "by_folder": dict(sorted(folders.items())),
    }


def count_raw_events(bucket: str, prefix: str = "", target: str | None = "local") -> Counter:
    """Events per source in the raw zone (one JSON line per event)."""
    s3 = aws.client("s3", target)
    counts: Counter = Counter()
    for obj in iter_objects(bucket, prefix, target):
        if not obj["Key"].endswith(".json"):
            continue
        source = obj["Key"].split("/", 1)[0]
        text = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode()
        counts[source] += sum(1 for line in text.splitlines() if line.strip())
    return counts
