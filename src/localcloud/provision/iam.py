"""AWS::IAM::Role, AWS::IAM::Policy and AWS::IAM::ManagedPolicy through the IAM API."""

from __future__ import annotations

import logging
from typing import Any

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_int,
    compact,
    error_code,
    ignore_missing,
    json_text,
    tag_list,
)
from localcloud.provision.errors import TemplateError

_logger = logging.getLogger(__name__)


def _attach(iam, role: str, policy_arn: str) -> None:
    try:
        iam.attach_role_policy(RoleName=role, PolicyArn=policy_arn)
    except Exception as error:
        if error_code(error) == "NoSuchEntity" and ":aws:policy/" in policy_arn:
            # moto knows AWS-managed policies only when its IAM starts with them loaded.
            raise TemplateError(
                f"ManagedPolicyArns: {policy_arn} is unknown to the local IAM; start the local "
                "cloud with MOTO_IAM_LOAD_MANAGED_POLICIES=true to have AWS-managed policies"
            ) from error
        raise


def _role_name_of(role: str) -> str:
    return role.rsplit("/", 1)[-1] if role.startswith("arn:") else role


class RoleHandler(ResourceHandler):
    type_name = "AWS::IAM::Role"
    properties = frozenset(
        {
            "RoleName",
            "AssumeRolePolicyDocument",
            "Policies",
            "ManagedPolicyArns",
            "Path",
            "Description",
            "MaxSessionDuration",
            "PermissionsBoundary",
            "Tags",
        }
    )
    required = frozenset({"AssumeRolePolicyDocument"})
    replace_on = frozenset({"RoleName", "Path"})

    def create(self, ctx, props):
        name = props.get("RoleName") or ctx.physical_name(64)
        iam = ctx.client("iam")
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json_text(props["AssumeRolePolicyDocument"]),
            **compact(
                Path=props.get("Path"),
                Description=props.get("Description"),
                MaxSessionDuration=as_int(props.get("MaxSessionDuration")),
                PermissionsBoundary=props.get("PermissionsBoundary"),
                Tags=tag_list(props.get("Tags")) or None,
            ),
        )["Role"]
        current = Provisioned(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})
        self._sync_policies(iam, name, {}, props)
        return current

    def update(self, ctx, current, old, new):
        iam = ctx.client("iam")
        name = current.physical_id
        if old.get("AssumeRolePolicyDocument") != new.get("AssumeRolePolicyDocument"):
            iam.update_assume_role_policy(
                RoleName=name, PolicyDocument=json_text(new["AssumeRolePolicyDocument"])
            )
        if old.get("Description") != new.get("Description") or old.get(
            "MaxSessionDuration"
        ) != new.get("MaxSessionDuration"):
            iam.update_role(
                RoleName=name,
                Description=new.get("Description", ""),
                **compact(MaxSessionDuration=as_int(new.get("MaxSessionDuration"))),
            )
        if old.get("Tags") != new.get("Tags"):
            stale = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if stale:
                iam.untag_role(RoleName=name, TagKeys=sorted(stale))
            if new.get("Tags"):
                iam.tag_role(RoleName=name, Tags=tag_list(new["Tags"]))
        self._sync_policies(iam, name, old, new)
        return current

    def delete(self, ctx, current, props):
        iam = ctx.client("iam")
        name = current.physical_id
        try:
            inline = iam.list_role_policies(RoleName=name)["PolicyNames"]
        except Exception as error:
            if error_code(error) == "NoSuchEntity":
                return
            raise
        for policy in inline:
            iam.delete_role_policy(RoleName=name, PolicyName=policy)
        for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
        ignore_missing(lambda: iam.delete_role(RoleName=name))

    @staticmethod
    def _sync_policies(iam, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_inline = {p["PolicyName"]: p for p in old.get("Policies", [])}
        new_inline = {p["PolicyName"]: p for p in new.get("Policies", [])}
        for policy_name in old_inline.keys() - new_inline.keys():
            ignore_missing(
                lambda n=policy_name: iam.delete_role_policy(RoleName=name, PolicyName=n)
            )
        for policy_name, policy in new_inline.items():
            if old_inline.get(policy_name) != policy:
                iam.put_role_policy(
                    RoleName=name,
                    PolicyName=policy_name,
                    PolicyDocument=json_text(policy["PolicyDocument"]),
                )
        old_managed = set(old.get("ManagedPolicyArns", []))
        new_managed = list(new.get("ManagedPolicyArns", []))
        for arn in old_managed - set(new_managed):
            ignore_missing(lambda a=arn: iam.detach_role_policy(RoleName=name, PolicyArn=a))
        for arn in new_managed:
            if arn not in old_managed:
                _attach(iam, name, arn)


class PolicyHandler(ResourceHandler):
    """An inline policy put on each listed role (users and groups are not used by the lake)."""

    type_name = "AWS::IAM::Policy"
    properties = frozenset({"PolicyName", "PolicyDocument", "Roles"})
    required = frozenset({"PolicyName", "PolicyDocument", "Roles"})
    replace_on = frozenset({"PolicyName"})

    def create(self, ctx, props):
        iam = ctx.client("iam")
        for role in props["Roles"]:
            iam.put_role_policy(
                RoleName=_role_name_of(role),
                PolicyName=props["PolicyName"],
                PolicyDocument=json_text(props["PolicyDocument"]),
            )
        return Provisioned(f"{ctx.stack_name}-{ctx.logical_id}")

    def update(self, ctx, current, old, new):
        self._remove(ctx, old["PolicyName"], set(old["Roles"]) - set(new["Roles"]))
        self.create(ctx, new)
        return current

    def delete(self, ctx, current, props):
        self._remove(ctx, props["PolicyName"], props["Roles"])

    @staticmethod
    def _remove(ctx, policy_name: str, roles) -> None:
        iam = ctx.client("iam")
        for role in roles:
            ignore_missing(
                lambda r=role: iam.delete_role_policy(
                    RoleName=_role_name_of(r), PolicyName=policy_name
                )
            )


class ManagedPolicyHandler(ResourceHandler):
    type_name = "AWS::IAM::ManagedPolicy"
    properties = frozenset({"ManagedPolicyName", "PolicyDocument", "Roles", "Path", "Description"})
    required = frozenset({"PolicyDocument"})
    replace_on = frozenset({"ManagedPolicyName", "Path", "Description"})

    def create(self, ctx, props):
        iam = ctx.client("iam")
        name = props.get("ManagedPolicyName") or ctx.physical_name(128)
        arn = iam.create_policy(
            PolicyName=name,
            PolicyDocument=json_text(props["PolicyDocument"]),
            **compact(Path=props.get("Path"), Description=props.get("Description")),
        )["Policy"]["Arn"]
        for role in props.get("Roles", []):
            iam.attach_role_policy(RoleName=_role_name_of(role), PolicyArn=arn)
        return Provisioned(arn, {"PolicyArn": arn})

    def update(self, ctx, current, old, new):
        iam = ctx.client("iam")
        arn = current.physical_id
        if old.get("PolicyDocument") != new.get("PolicyDocument"):
            versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
            for version in versions:
                if not version["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
            iam.create_policy_version(
                PolicyArn=arn, PolicyDocument=json_text(new["PolicyDocument"]), SetAsDefault=True
            )
        old_roles, new_roles = set(old.get("Roles", [])), set(new.get("Roles", []))
        for role in old_roles - new_roles:
            ignore_missing(
                lambda r=role: iam.detach_role_policy(RoleName=_role_name_of(r), PolicyArn=arn)
            )
        for role in new_roles - old_roles:
            iam.attach_role_policy(RoleName=_role_name_of(role), PolicyArn=arn)
        return current

    def delete(self, ctx, current, props):
        iam = ctx.client("iam")
        arn = current.physical_id
        for role in props.get("Roles", []):
            ignore_missing(
                lambda r=role: iam.detach_role_policy(RoleName=_role_name_of(r), PolicyArn=arn)
            )
        ignore_missing(lambda: iam.delete_policy(PolicyArn=arn))


HANDLERS = [RoleHandler(), PolicyHandler(), ManagedPolicyHandler()]
