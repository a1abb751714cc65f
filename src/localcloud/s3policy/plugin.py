"""Makes moto evaluate bucket policies as AWS would for an HTTPS request: statements whose
`aws:SecureTransport` condition does not hold are left out of moto's permission check. The
stored policy (GetBucketPolicy) is unchanged."""

from __future__ import annotations

import logging

from localcloud.s3policy.conditions import effective_policy

_logger = logging.getLogger(__name__)

ORDER = 1
_PATCHED = "_localcloud_secure_transport"


def install(cloud) -> None:
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    if getattr(FakeBucket, _PATCHED, False):
        return

    def get_permission(self, action: str, resource: str):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        text = self.policy.decode() if isinstance(self.policy, bytes) else self.policy
        return IAMPolicy(effective_policy(text)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission
    setattr(FakeBucket, _PATCHED, True)
