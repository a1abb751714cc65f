"""EventBridge: PutEvents matched and delivered by us (moto 500s on SNS/Step Functions targets
and matches schedule-only rules); schedule rules fired on the scaled clock. Rules and targets
stay in moto (PutRule/PutTargets pass through). See docs/decisions/081."""

from __future__ import annotations

from localcloud.clock import clock_for
from localcloud.events.api import EventsApi
from localcloud.events.bus import EventBus, register_bus
from localcloud.events.scheduler import Scheduler

ORDER = 60


def install(cloud) -> None:
    config, registry = cloud.config, cloud.registry
    clock = clock_for(cloud)
    bus = EventBus(cloud.client, clock, config.region, config.account)
    scheduler = Scheduler(bus, clock)
    api = EventsApi(bus, scheduler)
    register_bus(cloud, bus)
    registry.operation("events", "PutEvents", api.put_events)
    registry.route("POST", r"^/_datalake/events/fire-schedules$", api.fire_schedules)
    registry.route("GET", r"^/_datalake/events/deliveries$", api.list_deliveries)
    registry.on_start(scheduler.start)
    registry.on_stop(scheduler.stop)
    registry.state(
        "events",
        lambda: {"bus": bus.export(), "schedules": scheduler.export()},
        lambda data: (
            bus.restore((data or {}).get("bus")),
            scheduler.restore((data or {}).get("schedules")),
        ),
    )
    registry.health(
        "events",
        lambda: {
            "status": "ok",
            "scheduled_rules": len(scheduler.plan),
            "time_scale": clock.time_scale,
        },
    )
