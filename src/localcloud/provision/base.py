"""What every resource handler is: create/update/delete of one resource type through its
service's own API, plus the values Ref and Fn::GetAtt give for it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from localcloud.provision.errors import TemplateError

_logger = logging.getLogger(__name__)

ClientFactory = Callable[[str], Any]
ALL = frozenset({"*"})  # replace_on value: any property change needs a new resource


@dataclass
class Provisioned:
    """A resource that exists: `physical_id` is what Ref returns; `attributes` serve GetAtt."""

    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What a handler knows about where it runs."""

    client: ClientFactory
    stack_name: str
    region: str
    account: str
    logical_id: str = ""

    def for_resource(self, logical_id: str) -> Context:
        return Context(self.client, self.stack_name, self.region, self.account, logical_id)

    def physical_name(self, max_length: int = 64, lowercase: bool = False, sep: str = "-") -> str:
        """A name for a resource the template leaves unnamed, as CloudFormation makes them:
        `{stack}-{logical id}-{random}`, shortened to fit."""
        suffix = uuid.uuid4().hex[:12].upper()
        head = f"{self.stack_name}{sep}{self.logical_id}"
        name = f"{head[: max_length - len(suffix) - 1]}{sep}{suffix}"
        return name.lower() if lowercase else name

    def arn(self, service: str, resource: str, region: bool = True) -> str:
        where = self.region if region else ""
        return f"arn:aws:{service}:{where}:{self.account}:{resource}"


class ResourceHandler:
    """One CloudFormation resource type. Subclasses set `type_name`, `properties` (every
    property name they apply; others are refused before anything is created) and
    `required`, and implement create/delete, and update unless every change replaces."""

    type_name: str = ""
    properties: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    # Properties whose change needs a new resource (CloudFormation's "Replacement"); ALL = any.
    replace_on: frozenset[str] = frozenset()

    def create(self, ctx: Context, props: dict[str, Any]) -> Provisioned:
        raise NotImplementedError

    def update(
        self, ctx: Context, current: Provisioned, old: dict[str, Any], new: dict[str, Any]
    ) -> Provisioned:
        raise NotImplementedError(f"{self.type_name} is only ever replaced")

    def delete(self, ctx: Context, current: Provisioned, props: dict[str, Any]) -> None:
        raise NotImplementedError

    def needs_replacement(self, old: dict[str, Any], new: dict[str, Any]) -> bool:
        if self.replace_on == ALL:
            return old != new
        return any(old.get(name) != new.get(name) for name in self.replace_on)

    def check_properties(self, logical_id: str, props: dict[str, Any]) -> None:
        """Refuse unknown and missing properties (raw template properties: intrinsics allowed)."""
        unknown = sorted(set(props) - self.properties)
        if unknown:
            raise TemplateError(
                f"resource {logical_id} ({self.type_name}): properties {unknown} are not supported "
                f"by the local provisioner (supported: {sorted(self.properties)})"
            )
        missing = sorted(self.required - set(props))
        if missing:
            raise TemplateError(
                f"resource {logical_id} ({self.type_name}): required properties {missing} missing"
            )


class PolicyAttachmentHandler(ResourceHandler):
    """A resource that only attaches one policy document to a list of existing resources
    (AWS::SQS::QueuePolicy, AWS::SNS::TopicPolicy). Subclasses set `targets` (the list
    property) and implement `attach` and `detach` (what deleting the resource does to one
    target: it may be gone already)."""

    targets: str = ""

    def attach(self, ctx: Context, target: str, document: Any) -> None:
        raise NotImplementedError

    def detach(self, ctx: Context, target: str) -> None:
        raise NotImplementedError

    def create(self, ctx: Context, props: dict[str, Any]) -> Provisioned:
        for target in props[self.targets]:
            self.attach(ctx, target, props["PolicyDocument"])
        return Provisioned(f"{ctx.stack_name}-{ctx.logical_id}")

    def update(
        self, ctx: Context, current: Provisioned, old: dict[str, Any], new: dict[str, Any]
    ) -> Provisioned:
        for target in set(old[self.targets]) - set(new[self.targets]):
            self.detach(ctx, target)
        self.create(ctx, new)
        return current

    def delete(self, ctx: Context, current: Provisioned, props: dict[str, Any]) -> None:
        for target in props[self.targets]:
            self.detach(ctx, target)


# -- small pure helpers shared by the service modules -----------------------------------------
def as_int(value: Any) -> int | None:
    return None if value is None else int(value)


def as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def as_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise TemplateError(f"{value!r} is not a boolean")


def compact(**values: Any) -> dict[str, Any]:
    """Keyword arguments without the None ones (boto3 refuses None)."""
    return {k: v for k, v in values.items() if v is not None}


def tag_dict(tags: list[dict[str, str]] | dict[str, str] | None) -> dict[str, str]:
    """CloudFormation tags ([{Key, Value}] or a map, as Glue takes them) as a plain dict."""
    if not tags:
        return {}
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    return {t["Key"]: str(t["Value"]) for t in tags}


def tag_list(tags: Any) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tag_dict(tags).items()]


def json_text(value: Any) -> str:
    """A policy or document property (dict, or already JSON text) as JSON text."""
    import json

    return value if isinstance(value, str) else json.dumps(value)


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


def ignore_missing(fn: Callable[[], Any], *codes: str) -> None:
    """Run a delete call; a resource already gone is not an error."""
    try:
        fn()
    except Exception as error:  # botocore ClientError
        code = error_code(error)
        if code and (code in codes or "NotFound" in code or "NoSuch" in code):
            _logger.info("already gone (%s)", code)
            return
        raise


def is_unimplemented(error: Exception) -> bool:
    """The endpoint does not implement an operation (moto lacks several Update* calls)."""
    code = error_code(error)
    return (
        code in ("InternalFailure", "NotImplemented")
        and "not been implemented" in str(error)
        or code == "NotImplemented"
    )
