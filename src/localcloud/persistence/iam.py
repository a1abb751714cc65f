"""IAM: roles with trust policy, inline and attached policies; customer managed policies."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from botocore.exceptions import ClientError

from localcloud.persistence.common import exists_error, paginate, read_json, write_json


def _doc(value) -> str:
    # boto3 returns policy documents decoded (dict) or URL-encoded text depending on the call.
    return json.dumps(value) if isinstance(value, dict) else unquote(value)


def export(cloud, root: Path) -> dict:
    iam = cloud.client("iam")
    policies = []
    for policy in paginate(iam, "list_policies", "Policies", Scope="Local"):
        version = iam.get_policy_version(PolicyArn=policy["Arn"],
                                         VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        policies.append({"name": policy["PolicyName"], "path": policy.get("Path", "/"),
                         "description": policy.get("Description", ""),
                         "document": _doc(version["Document"])})
    roles = []
    for role in paginate(iam, "list_roles", "Roles"):
        name = role["RoleName"]
        inline = {p: _doc(iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"])
                  for p in paginate(iam, "list_role_policies", "PolicyNames", RoleName=name)}
        attached = [p["PolicyArn"] for p in
                    paginate(iam, "list_attached_role_policies", "AttachedPolicies",
                             RoleName=name)]
        roles.append({"name": name, "path": role.get("Path", "/"),
                      "trust": _doc(role["AssumeRolePolicyDocument"]),
                      "description": role.get("Description", ""),
                      "max_session": role.get("MaxSessionDuration", 3600),
                      "tags": role.get("Tags", []), "inline": inline, "attached": attached})
    write_json(root / "iam.json", {"policies": policies, "roles": roles})
    return {"roles": len(roles), "policies": len(policies)}


def restore(cloud, root: Path) -> dict:
    data = read_json(root / "iam.json", {"policies": [], "roles": []})
    iam = cloud.client("iam")
    for policy in data["policies"]:
        try:
            iam.create_policy(PolicyName=policy["name"], Path=policy["path"],
                              PolicyDocument=policy["document"],
                              Description=policy["description"])
        except ClientError as error:
            if not exists_error(error):
                raise
    for role in data["roles"]:
        kwargs = {"RoleName": role["name"], "Path": role["path"],
                  "AssumeRolePolicyDocument": role["trust"],
                  "Description": role["description"],
                  "MaxSessionDuration": role["max_session"]}
        if role["tags"]:
            kwargs["Tags"] = role["tags"]
        try:
            iam.create_role(**kwargs)
        except ClientError as error:
            if not exists_error(error):
                raise
        for name, document in role["inline"].items():
            iam.put_role_policy(RoleName=role["name"], PolicyName=name, PolicyDocument=document)
        for arn in role["attached"]:
            iam.attach_role_policy(RoleName=role["name"], PolicyArn=arn)
    return {"roles": len(data["roles"]), "policies": len(data["policies"])}
