"""AWS::Athena::WorkGroup through the Athena API (result location, enforcement, cutoff).

moto implements no UpdateWorkGroup: where it is missing, an update re-creates the workgroup
under the same name with the new configuration.
"""

from __future__ import annotations

import logging
from typing import Any

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_bool,
    as_int,
    compact,
    ignore_missing,
    is_unimplemented,
    tag_list,
)

_logger = logging.getLogger(__name__)


def workgroup_configuration(config: dict[str, Any]) -> dict[str, Any]:
    """WorkGroupConfiguration as CreateWorkGroup's Configuration (pure; numbers and booleans
    coerced, since template parameters arrive as strings)."""
    out = dict(config)
    for key in (
        "EnforceWorkGroupConfiguration",
        "PublishCloudWatchMetricsEnabled",
        "RequesterPaysEnabled",
    ):
        if key in out:
            out[key] = as_bool(out[key])
    if "BytesScannedCutoffPerQuery" in out:
        out["BytesScannedCutoffPerQuery"] = as_int(out["BytesScannedCutoffPerQuery"])
    return out


def configuration_updates(config: dict[str, Any]) -> dict[str, Any]:
    """The same configuration as UpdateWorkGroup's ConfigurationUpdates (pure)."""
    full = workgroup_configuration(config)
    out = {k: v for k, v in full.items() if k not in ("ResultConfiguration",)}
    if "ResultConfiguration" in full:
        out["ResultConfigurationUpdates"] = full["ResultConfiguration"]
    if "BytesScannedCutoffPerQuery" not in full:
        out["RemoveBytesScannedCutoffPerQuery"] = True
    return out


class WorkGroupHandler(ResourceHandler):
    type_name = "AWS::Athena::WorkGroup"
    properties = frozenset(
        {"Name", "Description", "State", "Tags", "WorkGroupConfiguration", "RecursiveDeleteOption"}
    )
    required = frozenset({"Name"})
    replace_on = frozenset({"Name"})

    def create(self, ctx, props):
        athena = ctx.client("athena")
        athena.create_work_group(**self._request(props))
        if props.get("State") == "DISABLED":
            athena.update_work_group(WorkGroup=props["Name"], State="DISABLED")
        return Provisioned(props["Name"])

    def update(self, ctx, current, old, new):
        athena = ctx.client("athena")
        try:
            athena.update_work_group(
                WorkGroup=current.physical_id,
                ConfigurationUpdates=configuration_updates(new.get("WorkGroupConfiguration", {})),
                **compact(Description=new.get("Description"), State=new.get("State")),
            )
        except Exception as error:
            if not is_unimplemented(error):
                raise
            _logger.info("UpdateWorkGroup unavailable: re-creating %s", current.physical_id)
            athena.delete_work_group(WorkGroup=current.physical_id, RecursiveDeleteOption=True)
            athena.create_work_group(**self._request(new))
        return current

    def delete(self, ctx, current, props):
        athena = ctx.client("athena")
        recursive = as_bool(props.get("RecursiveDeleteOption", True))
        ignore_missing(
            lambda: athena.delete_work_group(
                WorkGroup=current.physical_id, RecursiveDeleteOption=bool(recursive)
            )
        )

    @staticmethod
    def _request(props: dict[str, Any]) -> dict[str, Any]:
        return compact(
            Name=props["Name"],
            Description=props.get("Description"),
            Configuration=workgroup_configuration(props["WorkGroupConfiguration"])
            if "WorkGroupConfiguration" in props
            else None,
            Tags=tag_list(props.get("Tags")) or None,
        )


HANDLERS = [WorkGroupHandler()]
