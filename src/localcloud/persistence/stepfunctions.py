"""Step Functions: state machines (definition, role, type, logging, tags)."""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError

from localcloud.persistence.common import exists_error, paginate, read_json, write_json


def export(cloud, root: Path) -> dict:
    sfn = cloud.client("stepfunctions")
    machines = []
    for item in paginate(sfn, "list_state_machines", "stateMachines"):
        arn = item["stateMachineArn"]
        desc = sfn.describe_state_machine(stateMachineArn=arn)
        record = {"name": desc["name"], "definition": desc["definition"],
                  "roleArn": desc["roleArn"], "type": desc.get("type", "STANDARD"),
                  "tags": sfn.list_tags_for_resource(resourceArn=arn).get("tags", [])}
        if desc.get("loggingConfiguration"):
            record["loggingConfiguration"] = desc["loggingConfiguration"]
        machines.append(record)
    write_json(root / "stepfunctions.json", machines)
    return {"state_machines": len(machines)}


def restore(cloud, root: Path) -> dict:
    sfn = cloud.client("stepfunctions")
    machines = read_json(root / "stepfunctions.json", [])
    for machine in machines:
        kwargs = {k: v for k, v in machine.items() if v not in (None, [], {})}
        try:
            sfn.create_state_machine(**kwargs)
        except ClientError as error:
            if not exists_error(error):
                raise
    return {"state_machines": len(machines)}
