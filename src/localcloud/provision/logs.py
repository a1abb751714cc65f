"""AWS::Logs::LogGroup through the CloudWatch Logs API (retention, KMS key, tags).

Where the endpoint lacks AssociateKmsKey/DisassociateKmsKey (moto implements neither), a changed
KmsKeyId re-creates the group under the same name with all new properties (decision 052's rule;
the group's local log events are lost, as they are on every restart)."""

from __future__ import annotations

import logging

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_int,
    compact,
    error_code,
    ignore_missing,
    is_unimplemented,
    tag_dict,
)

_logger = logging.getLogger(__name__)


class LogGroupHandler(ResourceHandler):
    type_name = "AWS::Logs::LogGroup"
    properties = frozenset({"LogGroupName", "RetentionInDays", "KmsKeyId", "Tags", "LogGroupClass"})
    replace_on = frozenset({"LogGroupName", "LogGroupClass"})

    def create(self, ctx, props):
        name = props.get("LogGroupName") or ctx.physical_name(512)
        self._create_group(ctx.client("logs"), name, props)
        return Provisioned(name, {"Arn": ctx.arn("logs", f"log-group:{name}:*")})

    def _create_group(self, logs, name: str, props) -> None:
        try:
            logs.create_log_group(
                logGroupName=name,
                **compact(
                    kmsKeyId=props.get("KmsKeyId"),
                    tags=tag_dict(props.get("Tags")) or None,
                    logGroupClass=props.get("LogGroupClass"),
                ),
            )
        except Exception as error:
            # A function that ran before the stack existed may have made its group already,
            # as Lambda does on AWS; CloudFormation then fails, which helps nobody locally.
            if error_code(error) != "ResourceAlreadyExistsException":
                raise
        self._apply_retention(logs, name, props)

    def update(self, ctx, current, old, new):
        logs = ctx.client("logs")
        if old.get("RetentionInDays") != new.get("RetentionInDays"):
            self._apply_retention(logs, current.physical_id, new)
        if old.get("KmsKeyId") != new.get("KmsKeyId"):
            self._apply_key(logs, current.physical_id, new)
        if old.get("Tags") != new.get("Tags"):
            arn = current.attributes["Arn"].removesuffix(":*")
            stale = sorted(set(tag_dict(old.get("Tags"))) - set(tag_dict(new.get("Tags"))))
            if stale:
                logs.untag_resource(resourceArn=arn, tagKeys=stale)
            if new.get("Tags"):
                logs.tag_resource(resourceArn=arn, tags=tag_dict(new["Tags"]))
        return current

    def delete(self, ctx, current, props):
        logs = ctx.client("logs")
        ignore_missing(lambda: logs.delete_log_group(logGroupName=current.physical_id))

    def _apply_key(self, logs, name: str, props) -> None:
        try:
            if props.get("KmsKeyId"):
                logs.associate_kms_key(logGroupName=name, kmsKeyId=props["KmsKeyId"])
            else:
                logs.disassociate_kms_key(logGroupName=name)
        except Exception as error:
            if not is_unimplemented(error):
                raise
            _logger.info("AssociateKmsKey unavailable: re-creating log group %s", name)
            logs.delete_log_group(logGroupName=name)
            self._create_group(logs, name, props)

    @staticmethod
    def _apply_retention(logs, name: str, props) -> None:
        days = as_int(props.get("RetentionInDays"))
        if days is None:
            ignore_missing(lambda: logs.delete_retention_policy(logGroupName=name))
        else:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)


HANDLERS = [LogGroupHandler()]
