"""SNS: Publish recorded and delivered by us (SQS envelope/raw, Lambda, local HTTP; e-mail and
SMS recorded). Topics and subscriptions stay in moto. See docs/decisions/083."""

from __future__ import annotations

from localcloud.clock import clock_for
from localcloud.sns.api import SnsApi
from localcloud.sns.delivery import SnsDelivery

ORDER = 55


def install(cloud) -> None:
    config, registry = cloud.config, cloud.registry
    delivery = SnsDelivery(cloud.client, clock_for(cloud), config.region, config.endpoint)
    api = SnsApi(delivery, cloud.client)
    registry.operation("sns", "Publish", api.publish)
    registry.route("GET", r"^/_datalake/sns/messages$", api.list_messages)
    registry.state("sns", delivery.export, delivery.restore)
    registry.health("sns", lambda: {"status": "ok", "messages": len(delivery.log)})
    if isinstance(getattr(cloud, "services", None), dict):
        cloud.services["sns"] = delivery
