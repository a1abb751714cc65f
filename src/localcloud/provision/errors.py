"""Errors of template provisioning: each names the template part or resource at fault."""

from __future__ import annotations


class ProvisionError(Exception):
    """Base class: anything that stops a deploy or destroy."""


class TemplateError(ProvisionError):
    """The template (or its parameters) is invalid: names the section, resource or field."""


class UnsupportedResourceTypes(TemplateError):
    """The template holds resource types that have no local handler; nothing was created."""

    def __init__(self, types: dict[str, list[str]]):
        self.types = types
        listed = "; ".join(f"{t} ({', '.join(sorted(ids))})" for t, ids in sorted(types.items()))
        super().__init__(f"resource types without a local handler: {listed}")


class DependencyCycle(TemplateError):
    """Resources depend on each other in a circle; `cycle` lists it, first id repeated last."""

    def __init__(self, cycle: list[str]):
        self.cycle = cycle
        super().__init__("circular dependency between resources: " + " -> ".join(cycle))


class ResourceFailed(ProvisionError):
    """One resource's create/update/delete failed (the deploy was rolled back)."""

    def __init__(self, logical_id: str, type_name: str, action: str, reason: str):
        self.logical_id = logical_id
        self.type_name = type_name
        self.action = action
        self.reason = reason
        super().__init__(f"{action} of {logical_id} ({type_name}) failed: {reason}")


class StackNotFound(ProvisionError):
    """No stack record of that name on this endpoint."""
