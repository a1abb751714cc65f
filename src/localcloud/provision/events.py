"""AWS::Events::Rule through the EventBridge API: schedule or pattern, state, and targets."""

from __future__ import annotations

import json
from typing import Any

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_int,
    compact,
    error_code,
    ignore_missing,
    tag_list,
)
from localcloud.provision.errors import TemplateError

_TARGET_KEYS = (
    "Id",
    "Arn",
    "RoleArn",
    "Input",
    "InputPath",
    "InputTransformer",
    "RetryPolicy",
    "DeadLetterConfig",
    "SqsParameters",
    "HttpParameters",
)


def rule_targets(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Targets as PutTargets takes them (pure): only known keys, integers coerced."""
    out = []
    for target in targets:
        unknown = set(target) - set(_TARGET_KEYS)
        if unknown:
            raise TemplateError(f"Targets: keys {sorted(unknown)} are not supported locally")
        item = {k: target[k] for k in _TARGET_KEYS if k in target}
        if "RetryPolicy" in item:
            item["RetryPolicy"] = compact(
                MaximumRetryAttempts=as_int(item["RetryPolicy"].get("MaximumRetryAttempts")),
                MaximumEventAgeInSeconds=as_int(
                    item["RetryPolicy"].get("MaximumEventAgeInSeconds")
                ),
            )
        out.append(item)
    return out


class RuleHandler(ResourceHandler):
    type_name = "AWS::Events::Rule"
    properties = frozenset(
        {
            "Name",
            "Description",
            "ScheduleExpression",
            "EventPattern",
            "State",
            "EventBusName",
            "RoleArn",
            "Targets",
            "Tags",
        }
    )
    replace_on = frozenset({"Name", "EventBusName"})

    def create(self, ctx, props):
        name = props.get("Name") or ctx.physical_name(64)
        events = ctx.client("events")
        arn = self._put_rule(events, name, props)
        self._sync_targets(events, name, props, [], props.get("Targets", []))
        return Provisioned(name, {"Arn": arn})

    def update(self, ctx, current, old, new):
        events = ctx.client("events")
        arn = self._put_rule(events, current.physical_id, new)
        self._sync_targets(
            events, current.physical_id, new, old.get("Targets", []), new.get("Targets", [])
        )
        return Provisioned(current.physical_id, {"Arn": arn})

    def delete(self, ctx, current, props):
        events = ctx.client("events")
        bus = compact(EventBusName=props.get("EventBusName"))
        try:
            ids = [
                t["Id"]
                for t in events.list_targets_by_rule(Rule=current.physical_id, **bus)["Targets"]
            ]
        except Exception as error:
            if "NotFound" in error_code(error):
                return
            raise
        if ids:
            events.remove_targets(Rule=current.physical_id, Ids=ids, **bus)
        ignore_missing(lambda: events.delete_rule(Name=current.physical_id, **bus))

    @staticmethod
    def _put_rule(events, name: str, props: dict[str, Any]) -> str:
        pattern = props.get("EventPattern")
        return events.put_rule(
            Name=name,
            State=props.get("State", "ENABLED"),
            **compact(
                ScheduleExpression=props.get("ScheduleExpression"),
                EventPattern=json.dumps(pattern) if isinstance(pattern, dict) else pattern,
                Description=props.get("Description"),
                RoleArn=props.get("RoleArn"),
                EventBusName=props.get("EventBusName"),
                Tags=tag_list(props.get("Tags")) or None,
            ),
        )["RuleArn"]

    @staticmethod
    def _sync_targets(events, name, props, old: list, new: list) -> None:
        bus = compact(EventBusName=props.get("EventBusName"))
        stale = sorted({t["Id"] for t in old} - {t["Id"] for t in new})
        if stale:
            events.remove_targets(Rule=name, Ids=stale, **bus)
        if new and new != old:
            response = events.put_targets(Rule=name, Targets=rule_targets(new), **bus)
            if response.get("FailedEntryCount"):
                raise RuntimeError(f"PutTargets failed: {response['FailedEntries']}")


HANDLERS = [RuleHandler()]
