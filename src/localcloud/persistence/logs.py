"""CloudWatch Logs: log groups with retention and tags (log events are not kept)."""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError

from localcloud.persistence.common import exists_error, paginate, read_json, write_json


def export(cloud, root: Path) -> dict:
    logs = cloud.client("logs")
    groups = []
    for group in paginate(logs, "describe_log_groups", "logGroups"):
        tags = logs.list_tags_log_group(logGroupName=group["logGroupName"]).get("tags", {})
        groups.append({"name": group["logGroupName"],
                       "retention": group.get("retentionInDays"),
                       "kms": group.get("kmsKeyId"), "tags": tags})
    write_json(root / "logs.json", groups)
    return {"log_groups": len(groups)}


def restore(cloud, root: Path) -> dict:
    logs = cloud.client("logs")
    groups = read_json(root / "logs.json", [])
    for group in groups:
        kwargs = {"logGroupName": group["name"]}
        if group.get("tags"):
            kwargs["tags"] = group["tags"]
        try:
            logs.create_log_group(**kwargs)
        except ClientError as error:
            if not exists_error(error):
                raise
        if group.get("retention"):
            logs.put_retention_policy(logGroupName=group["name"],
                                      retentionInDays=group["retention"])
    return {"log_groups": len(groups)}
