"""AWS::KMS::Key and AWS::KMS::Alias through the KMS API."""

from __future__ import annotations

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_bool,
    as_int,
    compact,
    ignore_missing,
    json_text,
    tag_list,
)


class KeyHandler(ResourceHandler):
    type_name = "AWS::KMS::Key"
    properties = frozenset(
        {
            "Description",
            "KeyPolicy",
            "EnableKeyRotation",
            "Enabled",
            "KeySpec",
            "KeyUsage",
            "PendingWindowInDays",
            "MultiRegion",
            "Tags",
        }
    )
    replace_on = frozenset({"KeySpec", "KeyUsage", "MultiRegion"})

    def create(self, ctx, props):
        kms = ctx.client("kms")
        meta = kms.create_key(
            **compact(
                Description=props.get("Description"),
                Policy=json_text(props["KeyPolicy"]) if "KeyPolicy" in props else None,
                KeySpec=props.get("KeySpec"),
                KeyUsage=props.get("KeyUsage"),
                MultiRegion=as_bool(props.get("MultiRegion")),
                Tags=[
                    {"TagKey": t["Key"], "TagValue": t["Value"]}
                    for t in tag_list(props.get("Tags"))
                ]
                or None,
            )
        )["KeyMetadata"]
        current = Provisioned(meta["KeyId"], {"Arn": meta["Arn"], "KeyId": meta["KeyId"]})
        self.update(ctx, current, {}, props)
        return current

    def update(self, ctx, current, old, new):
        kms = ctx.client("kms")
        key = current.physical_id
        if old and old.get("Description") != new.get("Description"):
            kms.update_key_description(KeyId=key, Description=new.get("Description", ""))
        if old and old.get("KeyPolicy") != new.get("KeyPolicy") and "KeyPolicy" in new:
            kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json_text(new["KeyPolicy"]))
        if bool(as_bool(old.get("EnableKeyRotation"))) != bool(
            as_bool(new.get("EnableKeyRotation"))
        ):
            if as_bool(new.get("EnableKeyRotation")):
                kms.enable_key_rotation(KeyId=key)
            else:
                kms.disable_key_rotation(KeyId=key)
        enabled = as_bool(new.get("Enabled", True))
        if as_bool(old.get("Enabled", True)) != enabled:
            (kms.enable_key if enabled else kms.disable_key)(KeyId=key)
        return current

    def delete(self, ctx, current, props):
        kms = ctx.client("kms")
        days = as_int(props.get("PendingWindowInDays")) or 7
        ignore_missing(
            lambda: kms.schedule_key_deletion(KeyId=current.physical_id, PendingWindowInDays=days)
        )


class AliasHandler(ResourceHandler):
    type_name = "AWS::KMS::Alias"
    properties = frozenset({"AliasName", "TargetKeyId"})
    required = properties
    replace_on = frozenset({"AliasName"})

    def create(self, ctx, props):
        ctx.client("kms").create_alias(
            AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"]
        )
        return Provisioned(props["AliasName"])

    def update(self, ctx, current, old, new):
        ctx.client("kms").update_alias(
            AliasName=current.physical_id, TargetKeyId=new["TargetKeyId"]
        )
        return current

    def delete(self, ctx, current, props):
        kms = ctx.client("kms")
        ignore_missing(lambda: kms.delete_alias(AliasName=current.physical_id))


HANDLERS = [KeyHandler(), AliasHandler()]
