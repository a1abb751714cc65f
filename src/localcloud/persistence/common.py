"""Small helpers shared by the per-service exporters: JSON files and tolerant API calls."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

_logger = logging.getLogger(__name__)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")


def read_json(path: Path, default: Any = None) -> Any:
    if not path.exists():
        return default
    return json.loads(path.read_text())


def optional(fn, *args, **kwargs) -> Any:
    """`fn(...)`, or None when the service answers that the thing is not configured."""
    try:
        return fn(*args, **kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code.startswith("NoSuch") or "NotFound" in code or code in (
            "ServerSideEncryptionConfigurationNotFoundError", "OwnershipControlsNotFoundError",
            "NoSuchPublicAccessBlockConfiguration", "ResourceNotFoundException",
        ):
            return None
        raise


def exists_error(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return "AlreadyExists" in code or "Conflict" in code or code in (
        "EntityAlreadyExists", "BucketAlreadyOwnedByYou", "ResourceConflictException",
        "ResourceInUseException")


def paginate(client, operation: str, key: str, **kwargs) -> list:
    """All items of a paginated list operation."""
    items: list = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def strip(data: dict, *keys: str) -> dict:
    """`data` without ResponseMetadata and `keys`."""
    return {k: v for k, v in data.items() if k not in ("ResponseMetadata", *keys)}
