"""Which S3 calls produce which notification events (pure): from method, path and query."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote
from xml.etree import ElementTree

# Sub-resources whose PUT/POST/DELETE change an object's metadata, not its data: no event.
_SUBRESOURCES = {
    "acl", "tagging", "retention", "legal-hold", "restore", "select", "torrent", "attributes",
    "uploads", "partNumber",
}
_IP_HOST = re.compile(r"^\d+\.\d+\.\d+\.\d+(:\d+)?$")


@dataclass(frozen=True)
class ObjectEvent:
    """One notification-worthy change to one object."""

    event_name: str  # e.g. "ObjectCreated:Put" (without the "s3:" prefix)
    bucket: str
    key: str
    version_id: str | None = None


def bucket_and_key(path: str, host: str | None) -> tuple[str, str]:
    """(bucket, key) from a path-style or virtual-hosted-style request."""
    host = (host or "").split(":")[0]
    labels = host.split(".")
    virtual = (
        len(labels) > 1 and not _IP_HOST.match(host)
        and (labels[1] == "localhost" or ".s3" in host[len(labels[0]):])
        and labels[0] not in ("s3", "localhost")
    )
    if virtual:
        return labels[0], unquote(path.lstrip("/"))
    parts = path.lstrip("/").split("/", 1)
    return parts[0], unquote(parts[1]) if len(parts) > 1 else ""


def classify_call(method: str, path: str, query: dict[str, list[str]], headers: dict[str, str],
                  body: bytes, response_headers: dict[str, str]) -> list[ObjectEvent]:
    """The events a successful S3 call produced (empty for reads and metadata changes).
    `headers` are lower-cased request headers."""
    bucket, key = bucket_and_key(path, headers.get("host"))
    if not bucket:
        return []
    version = _header(response_headers, "x-amz-version-id")
    if method == "PUT" and key and not (_SUBRESOURCES & set(query)) and "uploadId" not in query:
        name = "ObjectCreated:Copy" if "x-amz-copy-source" in headers else "ObjectCreated:Put"
        return [ObjectEvent(name, bucket, key, version)]
    if method == "POST" and key and "uploadId" in query:
        return [ObjectEvent("ObjectCreated:CompleteMultipartUpload", bucket, key, version)]
    if method == "POST" and not key and "delete" in query:
        return [ObjectEvent("ObjectRemoved:Delete", bucket, k, None) for k in _deleted_keys(body)]
    if method == "DELETE" and key and "uploadId" not in query and not (_SUBRESOURCES & set(query)):
        marker = _header(response_headers, "x-amz-delete-marker") == "true"
        if marker and "versionId" not in query:
            return [ObjectEvent("ObjectRemoved:DeleteMarkerCreated", bucket, key, version)]
        return [ObjectEvent("ObjectRemoved:Delete", bucket, key, None)]
    return []


def post_upload_event(bucket: str, form_key: str, filename: str | None,
                      version: str | None) -> ObjectEvent:
    """The event of a browser POST upload (`key` may hold `${filename}`)."""
    key = form_key.replace("${filename}", filename or "")
    return ObjectEvent("ObjectCreated:Post", bucket, key, version)


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _deleted_keys(body: bytes) -> list[str]:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return []
    return [el.text or "" for el in root.iter() if el.tag.split("}")[-1] == "Key"]
