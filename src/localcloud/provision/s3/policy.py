"""AWS::S3::BucketPolicy through PutBucketPolicy/DeleteBucketPolicy."""

from __future__ import annotations

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    ignore_missing,
    json_text,
)


class BucketPolicyHandler(ResourceHandler):
    type_name = "AWS::S3::BucketPolicy"
    properties = frozenset({"Bucket", "PolicyDocument"})
    required = properties
    replace_on = frozenset({"Bucket"})

    def create(self, ctx, props):
        ctx.client("s3").put_bucket_policy(
            Bucket=props["Bucket"], Policy=json_text(props["PolicyDocument"])
        )
        return Provisioned(props["Bucket"])

    def update(self, ctx, current, old, new):
        return self.create(ctx, new)

    def delete(self, ctx, current, props):
        s3 = ctx.client("s3")
        ignore_missing(lambda: s3.delete_bucket_policy(Bucket=props["Bucket"]))
