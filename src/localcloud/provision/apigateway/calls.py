"""What the API Gateway handlers do the same way: patch updates, quiet deletes, and the
sub-resources (a path part, a key in a usage plan) that one call makes and any change replaces."""

from __future__ import annotations

import logging
import re
from typing import Any

from localcloud.provision.base import ALL, Context, Provisioned, ResourceHandler, ignore_missing

_logger = logging.getLogger(__name__)


def apply_patch(ctx: Context, operation: str, ops: list[dict[str, Any]], **ids: str) -> None:
    """Send `ops` with the Update* call `operation` (e.g. `update_rest_api`), the resource named
    by `ids`; nothing is sent when there is nothing to change."""
    if ops:
        getattr(ctx.client("apigateway"), operation)(**ids, patchOperations=ops)


def delete_quietly(ctx: Context, operation: str, **ids: str) -> None:
    """The Delete* call `operation` on the resource named by `ids`; one already gone is fine."""
    api = ctx.client("apigateway")
    ignore_missing(lambda: getattr(api, operation)(**ids))


def snake_case(name: str) -> str:
    """`UsagePlanKey` -> `usage_plan_key`, as boto3 names operations (pure)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class ReplacedSubResourceHandler(ResourceHandler):
    """A resource under a parent that any change replaces. `arguments` maps each (required)
    property to its Create* argument, the parent's first; the calls are create_/delete_ and the
    type's name in snake case. Ref and the attribute `id_attribute` give the id Create* returns;
    Delete* names the parent as Create* does and the resource by `id_argument`."""

    replace_on = ALL
    arguments: dict[str, str] = {}
    id_argument = ""
    id_attribute = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.properties = cls.required = frozenset(cls.arguments)

    @property
    def _operation_suffix(self) -> str:
        return snake_case(self.type_name.rsplit(":", 1)[-1])

    def create(self, ctx, props):
        create = getattr(ctx.client("apigateway"), f"create_{self._operation_suffix}")
        created = create(**{argument: props[name] for name, argument in self.arguments.items()})
        return Provisioned(created["id"], {self.id_attribute: created["id"]})

    def delete(self, ctx, current, props):
        parent, parent_argument = next(iter(self.arguments.items()))
        delete_quietly(
            ctx,
            f"delete_{self._operation_suffix}",
            **{parent_argument: props[parent], self.id_argument: current.physical_id},
        )
