"""The stack record: what a deploy made (template, parameters, physical ids, properties,
attributes, outputs), kept as JSON in an S3 bucket on the endpoint itself so that destroy and
re-deploy work from any process and survive restarts with the rest of the cloud's state."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from localcloud.provision.base import ClientFactory, Provisioned, error_code

_logger = logging.getLogger(__name__)


def stacks_bucket(account: str, region: str) -> str:
    """The bucket holding stack records: `localcloud-stacks-{account}-{region}`."""
    return f"localcloud-stacks-{account}-{region}"


@dataclass
class ResourceState:
    """One resource as it exists: enough to update, replace or delete it later."""

    type: str
    physical_id: str
    properties: dict[str, Any]
    attributes: dict[str, Any] = field(default_factory=dict)
    depends_on: list[str] = field(default_factory=list)
    deletion_policy: str = "Delete"

    @property
    def provisioned(self) -> Provisioned:
        return Provisioned(self.physical_id, dict(self.attributes))


@dataclass
class StackRecord:
    name: str
    stack_id: str
    status: str = "CREATE_IN_PROGRESS"
    template: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, ResourceState] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    # Old physical resources replaced or removed by a deploy, deleted once it succeeded.
    pending_deletes: list[dict[str, Any]] = field(default_factory=list)
    status_reason: str = ""
    updated_at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, default=str)

    @classmethod
    def from_json(cls, text: str) -> StackRecord:
        data = json.loads(text)
        data["resources"] = {k: ResourceState(**v) for k, v in data["resources"].items()}
        return cls(**data)


class StackStore:
    """Load, save and delete stack records on the endpoint's S3."""

    def __init__(self, client: ClientFactory, account: str, region: str):
        self._s3 = client("s3")
        self.bucket = stacks_bucket(account, region)
        self.region = region

    def load(self, name: str) -> StackRecord | None:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=_key(name))["Body"].read()
        except Exception as error:
            if error_code(error) in ("NoSuchKey", "NoSuchBucket", "404"):
                return None
            raise
        return StackRecord.from_json(body.decode())

    def save(self, record: StackRecord) -> None:
        record.updated_at = time.time()
        self._ensure_bucket()
        self._s3.put_object(
            Bucket=self.bucket,
            Key=_key(record.name),
            Body=record.to_json().encode(),
            ContentType="application/json",
        )

    def delete(self, name: str) -> None:
        try:
            self._s3.delete_object(Bucket=self.bucket, Key=_key(name))
        except Exception as error:
            if error_code(error) != "NoSuchBucket":
                raise

    def list_names(self) -> list[str]:
        try:
            pages = self._s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix="stacks/"
            )
            return sorted(
                o["Key"][len("stacks/") : -len(".json")]
                for p in pages
                for o in p.get("Contents", [])
            )
        except Exception as error:
            if error_code(error) == "NoSuchBucket":
                return []
            raise

    def _ensure_bucket(self) -> None:
        try:
            self._s3.head_bucket(Bucket=self.bucket)
            return
        except Exception as error:
            if error_code(error) not in ("404", "NoSuchBucket", "NotFound"):
                raise
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        if self.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self._s3.create_bucket(**kwargs)


def _key(name: str) -> str:
    return f"stacks/{name}.json"
