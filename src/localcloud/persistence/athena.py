"""Athena: workgroups (configuration, description, tags); `primary` exists already."""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError

from localcloud.persistence.common import exists_error, read_json, write_json


def export(cloud, root: Path) -> dict:
    athena = cloud.client("athena")
    groups = []
    for item in athena.list_work_groups().get("WorkGroups", []):
        group = athena.get_work_group(WorkGroup=item["Name"])["WorkGroup"]
        arn = f"arn:aws:athena:{cloud.config.region}:{cloud.config.account}:workgroup/" \
              f"{group['Name']}"
        try:
            tags = athena.list_tags_for_resource(ResourceARN=arn).get("Tags", [])
        except ClientError:
            tags = []
        groups.append({"Name": group["Name"], "Description": group.get("Description", ""),
                       "Configuration": group.get("Configuration", {}), "Tags": tags})
    write_json(root / "athena.json", groups)
    return {"workgroups": len(groups)}


def restore(cloud, root: Path) -> dict:
    athena = cloud.client("athena")
    groups = read_json(root / "athena.json", [])
    for group in groups:
        if group["Name"] == "primary":
            continue
        kwargs = {k: v for k, v in group.items() if v not in (None, "", [], {})}
        kwargs.get("Configuration", {}).pop("EngineVersion", None)
        try:
            athena.create_work_group(**kwargs)
        except ClientError as error:
            if not exists_error(error) and "already" not in str(error):
                raise
    return {"workgroups": len(groups)}
