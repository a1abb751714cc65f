"""EventBridge: rules (schedule or pattern, state) on the default bus, with their targets."""

from __future__ import annotations

from pathlib import Path

from localcloud.persistence.common import paginate, read_json, strip, write_json

_RULE_FIELDS = ("Name", "ScheduleExpression", "EventPattern", "State", "Description",
                "RoleArn", "EventBusName")


def export(cloud, root: Path) -> dict:
    events = cloud.client("events")
    rules = []
    for rule in paginate(events, "list_rules", "Rules"):
        targets = paginate(events, "list_targets_by_rule", "Targets", Rule=rule["Name"])
        rules.append({"rule": {k: rule[k] for k in _RULE_FIELDS if rule.get(k)},
                      "targets": [strip(t) for t in targets]})
    write_json(root / "events.json", rules)
    return {"rules": len(rules)}


def restore(cloud, root: Path) -> dict:
    events = cloud.client("events")
    rules = read_json(root / "events.json", [])
    for item in rules:
        events.put_rule(**item["rule"])
        if item["targets"]:
            events.put_targets(Rule=item["rule"]["Name"], Targets=item["targets"])
    return {"rules": len(rules)}
