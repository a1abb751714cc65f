"""AWS::Lambda::Function, AWS::Lambda::Permission and AWS::Lambda::EventInvokeConfig through the
Lambda API.

Code given as S3Bucket/S3Key is read from the endpoint's S3 and passed as ZipFile, so the local
Lambda runtime holds the exact package. Inline `Code.ZipFile` source becomes `index.py` (or
`index.js`) in a zip, as CloudFormation does.
"""

from __future__ import annotations

import io
import logging
import uuid
import zipfile
from typing import Any

from localcloud.provision.base import (
    ALL,
    Context,
    Provisioned,
    ResourceHandler,
    as_int,
    compact,
    ignore_missing,
    tag_dict,
)
from localcloud.provision.errors import TemplateError

_logger = logging.getLogger(__name__)

_CONFIG_PROPS = (
    "Runtime",
    "Handler",
    "Role",
    "Description",
    "Timeout",
    "MemorySize",
    "Environment",
    "Layers",
    "TracingConfig",
    "DeadLetterConfig",
    "EphemeralStorage",
    "LoggingConfig",
    "KmsKeyArn",
)


def code_zip(ctx: Context, code: dict[str, Any], runtime: str | None) -> bytes:
    """The deployment package bytes for a `Code` property."""
    if "ZipFile" in code:
        name = "index.js" if (runtime or "").startswith("nodejs") else "index.py"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o644 << 16
            archive.writestr(info, code["ZipFile"])
        return buffer.getvalue()
    if "S3Bucket" in code and "S3Key" in code:
        kwargs = compact(
            Bucket=code["S3Bucket"], Key=code["S3Key"], VersionId=code.get("S3ObjectVersion")
        )
        try:
            return ctx.client("s3").get_object(**kwargs)["Body"].read()
        except Exception as error:
            raise TemplateError(
                f"Code s3://{code['S3Bucket']}/{code['S3Key']}: cannot be read ({error}); "
                "upload the package before deploying"
            ) from error
    raise TemplateError("Code: needs ZipFile or S3Bucket and S3Key (ImageUri is not supported)")


def function_configuration(props: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments shared by CreateFunction and UpdateFunctionConfiguration (pure)."""
    return compact(
        Runtime=props.get("Runtime"),
        Handler=props.get("Handler"),
        Role=props.get("Role"),
        Description=props.get("Description"),
        Timeout=as_int(props.get("Timeout")),
        MemorySize=as_int(props.get("MemorySize")),
        Environment=(
            {"Variables": {k: str(v) for k, v in props["Environment"].get("Variables", {}).items()}}
            if "Environment" in props
            else None
        ),
        Layers=props.get("Layers"),
        TracingConfig=props.get("TracingConfig"),
        DeadLetterConfig=props.get("DeadLetterConfig"),
        EphemeralStorage=(
            {"Size": as_int(props["EphemeralStorage"]["Size"])}
            if "EphemeralStorage" in props
            else None
        ),
        LoggingConfig=props.get("LoggingConfig"),
        KMSKeyArn=props.get("KmsKeyArn"),
    )


class FunctionHandler(ResourceHandler):
    type_name = "AWS::Lambda::Function"
    properties = frozenset(
        {
            "FunctionName",
            "Code",
            "Architectures",
            "PackageType",
            "ReservedConcurrentExecutions",
            "Tags",
            *_CONFIG_PROPS,
        }
    )
    required = frozenset({"Code", "Role"})
    replace_on = frozenset({"FunctionName", "PackageType"})

    def create(self, ctx, props):
        name = props.get("FunctionName") or ctx.physical_name(64)
        client = ctx.client("lambda")
        response = client.create_function(
            FunctionName=name,
            Code={"ZipFile": code_zip(ctx, props["Code"], props.get("Runtime"))},
            Publish=False,
            PackageType=props.get("PackageType", "Zip"),
            Tags=tag_dict(props.get("Tags")),
            **compact(Architectures=props.get("Architectures")),
            **function_configuration(props),
        )
        current = Provisioned(name, {"Arn": response["FunctionArn"]})
        self._apply_concurrency(client, name, props)
        return current

    def update(self, ctx, current, old, new):
        client = ctx.client("lambda")
        name = current.physical_id
        if old.get("Code") != new.get("Code") or old.get("Architectures") != new.get(
            "Architectures"
        ):
            client.update_function_code(
                FunctionName=name,
                ZipFile=code_zip(ctx, new["Code"], new.get("Runtime")),
                **compact(Architectures=new.get("Architectures")),
            )
        if any(old.get(p) != new.get(p) for p in _CONFIG_PROPS):
            config = function_configuration(new)
            if "Environment" not in new:
                config["Environment"] = {"Variables": {}}
            client.update_function_configuration(FunctionName=name, **config)
        if old.get("ReservedConcurrentExecutions") != new.get("ReservedConcurrentExecutions"):
            self._apply_concurrency(client, name, new)
        if old.get("Tags") != new.get("Tags"):
            arn = current.attributes["Arn"]
            stale = sorted(set(tag_dict(old.get("Tags"))) - set(tag_dict(new.get("Tags"))))
            if stale:
                client.untag_resource(Resource=arn, TagKeys=stale)
            if new.get("Tags"):
                client.tag_resource(Resource=arn, Tags=tag_dict(new["Tags"]))
        return current

    def delete(self, ctx, current, props):
        client = ctx.client("lambda")
        ignore_missing(lambda: client.delete_function(FunctionName=current.physical_id))

    @staticmethod
    def _apply_concurrency(client, name: str, props: dict[str, Any]) -> None:
        reserved = as_int(props.get("ReservedConcurrentExecutions"))
        if reserved is None:
            ignore_missing(lambda: client.delete_function_concurrency(FunctionName=name))
        else:
            client.put_function_concurrency(
                FunctionName=name, ReservedConcurrentExecutions=reserved
            )


class PermissionHandler(ResourceHandler):
    type_name = "AWS::Lambda::Permission"
    properties = frozenset(
        {
            "Action",
            "FunctionName",
            "Principal",
            "SourceArn",
            "SourceAccount",
            "EventSourceToken",
            "PrincipalOrgID",
            "FunctionUrlAuthType",
        }
    )
    required = frozenset({"Action", "FunctionName", "Principal"})
    replace_on = ALL

    def create(self, ctx, props):
        statement_id = f"{ctx.stack_name}-{ctx.logical_id}-{uuid.uuid4().hex[:8]}"[:100]
        ctx.client("lambda").add_permission(
            FunctionName=props["FunctionName"],
            StatementId=statement_id,
            Action=props["Action"],
            Principal=props["Principal"],
            **compact(
                SourceArn=props.get("SourceArn"),
                SourceAccount=props.get("SourceAccount"),
                EventSourceToken=props.get("EventSourceToken"),
                PrincipalOrgID=props.get("PrincipalOrgID"),
                FunctionUrlAuthType=props.get("FunctionUrlAuthType"),
            ),
        )
        return Provisioned(statement_id)

    def delete(self, ctx, current, props):
        client = ctx.client("lambda")
        ignore_missing(
            lambda: client.remove_permission(
                FunctionName=props["FunctionName"], StatementId=current.physical_id
            )
        )


def event_invoke_config(props: dict[str, Any]) -> dict[str, Any]:
    """PutFunctionEventInvokeConfig keyword arguments from the resource properties (pure)."""
    return compact(
        FunctionName=props["FunctionName"],
        Qualifier=props["Qualifier"],
        MaximumRetryAttempts=as_int(props.get("MaximumRetryAttempts")),
        MaximumEventAgeInSeconds=as_int(props.get("MaximumEventAgeInSeconds")),
        DestinationConfig=props.get("DestinationConfig"),
    )


class EventInvokeConfigHandler(ResourceHandler):
    type_name = "AWS::Lambda::EventInvokeConfig"
    properties = frozenset(
        {
            "FunctionName",
            "Qualifier",
            "MaximumRetryAttempts",
            "MaximumEventAgeInSeconds",
            "DestinationConfig",
        }
    )
    required = frozenset({"FunctionName", "Qualifier"})
    replace_on = frozenset({"FunctionName", "Qualifier"})

    def create(self, ctx, props):
        ctx.client("lambda").put_function_event_invoke_config(**event_invoke_config(props))
        return Provisioned(f"{props['FunctionName']}:{props['Qualifier']}")

    def update(self, ctx, current, old, new):
        # moto appends on Put and answers Get with the first one: delete, then put
        self.delete(ctx, current, old)
        self.create(ctx, new)
        return current

    def delete(self, ctx, current, props):
        client = ctx.client("lambda")
        ignore_missing(
            lambda: client.delete_function_event_invoke_config(
                FunctionName=props["FunctionName"], Qualifier=props["Qualifier"]
            )
        )


HANDLERS = [FunctionHandler(), PermissionHandler(), EventInvokeConfigHandler()]
