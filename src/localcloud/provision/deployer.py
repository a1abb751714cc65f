"""Apply a template to the endpoint: create, update, replace and delete resources through the
handlers, roll back a failed deploy as CloudFormation does, and destroy a stack.

A deploy first checks the whole template (unknown types or properties stop it before anything
exists), then walks the plan's order. Each resource is created, left alone (same resolved
properties), updated in place, or replaced (a new one made; the old one deleted after success).
Resources no longer in the template are deleted last, dependents first. On a failure, what this
deploy created is deleted and what it updated is put back; the error names the resource.
"""

from __future__ import annotations

import copy
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from localcloud.provision.base import ClientFactory, Context
from localcloud.provision.errors import ResourceFailed, StackNotFound, TemplateError
from localcloud.provision.graph import creation_order
from localcloud.provision.handlers import handler_for
from localcloud.provision.intrinsics import NO_VALUE
from localcloud.provision.parameters import DEFAULT_ACCOUNT, stack_id_for
from localcloud.provision.planning import Plan, plan_stack, resolve_outputs
from localcloud.provision.stack import ResourceState, StackRecord, StackStore

_logger = logging.getLogger(__name__)


@dataclass
class _Change:
    """One step taken by a deploy, kept so a failure can undo it."""

    action: str  # "create", "update" or "replace"
    logical_id: str
    before: ResourceState | None
    after: ResourceState


@dataclass
class DeployResult:
    outputs: dict[str, Any]
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def deploy_stack(
    stack_name: str,
    template: dict[str, Any],
    parameters: dict[str, Any] | None,
    client: ClientFactory,
    region: str,
    account: str = DEFAULT_ACCOUNT,
) -> DeployResult:
    """Create or update stack `stack_name` from `template`; returns its outputs and what
    changed. Raises TemplateError (nothing touched) or ResourceFailed (rolled back)."""
    store = StackStore(client, account, region)
    prior = store.load(stack_name)
    if prior is not None and prior.pending_deletes:
        _delete_pending(Context(client, stack_name, region, account), prior, store)
    stack_id = (
        prior.stack_id if prior else stack_id_for(stack_name, region, account, str(uuid.uuid4()))
    )
    plan = plan_stack(template, parameters or {}, stack_name, stack_id, region, account)
    run = _Deployment(plan, prior, store, Context(client, stack_name, region, account))
    return run.execute(parameters or {})


def destroy_stack(
    stack_name: str, client: ClientFactory, region: str, account: str = DEFAULT_ACCOUNT
) -> list[str]:
    """Delete every resource of the stack, dependents first (buckets emptied of all versions),
    then its record. Returns the logical ids deleted. Raises StackNotFound or ResourceFailed
    (the record then keeps what is left, so destroy can be run again)."""
    store = StackStore(client, account, region)
    record = store.load(stack_name)
    if record is None:
        raise StackNotFound(f"stack {stack_name!r} does not exist on this endpoint")
    ctx = Context(client, stack_name, region, account)
    _delete_pending(ctx, record, store)
    graph = {
        lid: [d for d in r.depends_on if d in record.resources]
        for lid, r in record.resources.items()
    }
    deleted = []
    record.status = "DELETE_IN_PROGRESS"
    for logical_id in reversed(creation_order(graph)):
        state = record.resources[logical_id]
        _delete_resource(ctx, logical_id, state, record, store)
        deleted.append(logical_id)
    store.delete(stack_name)
    _logger.info("stack %s deleted (%d resources)", stack_name, len(deleted))
    return deleted


def _delete_resource(ctx, logical_id, state: ResourceState, record, store) -> None:
    if state.deletion_policy == "Retain":
        _logger.info("retain %s (%s) %s", logical_id, state.type, state.physical_id)
    else:
        _logger.info("delete %s (%s) %s", logical_id, state.type, state.physical_id)
        try:
            handler_for(state.type).delete(
                ctx.for_resource(logical_id), state.provisioned, state.properties
            )
        except Exception as error:
            record.status, record.status_reason = "DELETE_FAILED", f"{logical_id}: {error}"
            store.save(record)
            raise ResourceFailed(logical_id, state.type, "delete", str(error)) from error
    del record.resources[logical_id]
    store.save(record)


def _delete_pending(ctx: Context, record: StackRecord, store: StackStore) -> None:
    """Delete resources a deploy replaced or removed (dependents were queued first)."""
    while record.pending_deletes:
        item = record.pending_deletes[0]
        state = ResourceState(**item["state"])
        if state.deletion_policy != "Retain":
            _logger.info("delete old %s (%s) %s", item["logical_id"], state.type, state.physical_id)
            try:
                handler_for(state.type).delete(
                    ctx.for_resource(item["logical_id"]), state.provisioned, state.properties
                )
            except Exception as error:
                store.save(record)
                raise ResourceFailed(
                    item["logical_id"], state.type, "delete", str(error)
                ) from error
        record.pending_deletes.pop(0)
    store.save(record)


class _Deployment:
    """One run of deploy_stack over a checked plan."""

    def __init__(self, plan: Plan, prior: StackRecord | None, store: StackStore, ctx: Context):
        self.plan = plan
        self.prior = prior
        self.store = store
        self.ctx = ctx
        self.record = (
            copy.deepcopy(prior)
            if prior
            else StackRecord(name=ctx.stack_name, stack_id=plan.pseudo["AWS::StackId"])
        )
        self.changes: list[_Change] = []
        self.result = DeployResult(outputs={})
        self.resolver = plan.resolver(self._ref, self._attr)

    # -- lookups for intrinsics ------------------------------------------------------------------
    def _live(self, logical_id: str) -> ResourceState:
        if logical_id in self.plan.order and logical_id in self.record.resources:
            return self.record.resources[logical_id]
        if logical_id in self.plan.resources:
            raise TemplateError(
                f"{logical_id} is not created (its Condition is false) but is referred to"
            )
        raise TemplateError(f"{logical_id} is not a parameter or resource of the template")

    def _ref(self, logical_id: str) -> str:
        return self._live(logical_id).physical_id

    def _attr(self, logical_id: str, attribute: str) -> Any:
        state = self._live(logical_id)
        if attribute not in state.attributes:
            raise TemplateError(
                f"Fn::GetAtt {logical_id}.{attribute}: {state.type} offers "
                f"{sorted(state.attributes) or 'no attributes'} locally"
            )
        return state.attributes[attribute]

    # -- the run ---------------------------------------------------------------------------------
    def execute(self, given: dict[str, Any]) -> DeployResult:
        first = self.prior is None
        self.record.status = "CREATE_IN_PROGRESS" if first else "UPDATE_IN_PROGRESS"
        self.record.template, self.record.parameters = self.plan.template, dict(given)
        self.store.save(self.record)
        current = None
        try:
            for logical_id in self.plan.order:
                current = logical_id
                self._apply(logical_id)
            current = None
            outputs = resolve_outputs(self.plan, self.resolver)
        except Exception as error:
            self._roll_back(first, current, error)
            if isinstance(error, TemplateError) and current is None:
                raise
            definition = self.plan.resources.get(current or "", {})
            raise ResourceFailed(
                current or "Outputs", definition.get("Type", "-"), "deploy", str(error)
            ) from error
        self._queue_removed()
        self.record.outputs = outputs
        self.record.status = "CREATE_COMPLETE" if first else "UPDATE_COMPLETE"
        self.record.status_reason = ""
        self.store.save(self.record)
        _delete_pending(self.ctx, self.record, self.store)
        self.result.outputs = outputs
        return self.result

    def _apply(self, logical_id: str) -> None:
        definition = self.plan.resources[logical_id]
        type_name = definition["Type"]
        handler = handler_for(type_name)
        props = self.resolver.resolve(definition.get("Properties", {}))
        props = {} if props is NO_VALUE else props
        handler.check_properties(logical_id, props)
        ctx = self.ctx.for_resource(logical_id)
        before = self.record.resources.get(logical_id)
        depends_on = self.plan.graph.get(logical_id, [])
        policy = definition.get("DeletionPolicy", "Delete")
        if before is not None and before.type == type_name and before.properties == props:
            _logger.info("unchanged %s (%s)", logical_id, type_name)
            before.depends_on, before.deletion_policy = depends_on, policy
            self.result.unchanged.append(logical_id)
            return
        if (
            before is None
            or before.type != type_name
            or handler.needs_replacement(before.properties, props)
        ):
            action = "create" if before is None else "replace"
            _logger.info("%s %s (%s)", action, logical_id, type_name)
            made = handler.create(ctx, props)
        else:
            action = "update"
            _logger.info("update %s (%s) %s", logical_id, type_name, before.physical_id)
            made = handler.update(ctx, before.provisioned, before.properties, props)
        after = ResourceState(
            type_name, made.physical_id, props, made.attributes, depends_on, policy
        )
        self.changes.append(_Change(action, logical_id, before, after))
        self.record.resources[logical_id] = after
        if action == "replace":
            self._queue_delete(logical_id, before, definition.get("UpdateReplacePolicy"))
        self.store.save(self.record)
        getattr(
            self.result, {"create": "created", "update": "updated"}.get(action, "replaced")
        ).append(logical_id)

    def _queue_delete(self, logical_id: str, state: ResourceState, policy: str | None) -> None:
        state = copy.deepcopy(state)
        if policy == "Retain":
            state.deletion_policy = "Retain"
        # Dependents before what they depend on: later queued items are deleted first.
        self.record.pending_deletes.insert(0, {"logical_id": logical_id, "state": state.__dict__})

    def _queue_removed(self) -> None:
        """Resources of the old stack that the new template no longer has (or whose Condition
        turned false): queued for deletion, dependents first."""
        removed = {
            lid: state for lid, state in self.record.resources.items() if lid not in self.plan.order
        }
        graph = {lid: [d for d in s.depends_on if d in removed] for lid, s in removed.items()}
        for logical_id in creation_order(graph):
            self._queue_delete(logical_id, removed[logical_id], None)
            del self.record.resources[logical_id]
            self.result.deleted.insert(0, logical_id)  # reported in deletion order

    def _roll_back(self, first: bool, failed: str | None, error: Exception) -> None:
        _logger.error("deploy failed at %s: %s; rolling back", failed or "outputs", error)
        self.record.status = "ROLLBACK_IN_PROGRESS" if first else "UPDATE_ROLLBACK_IN_PROGRESS"
        self.record.status_reason = f"{failed}: {error}"
        self.store.save(self.record)
        problems = []
        for change in reversed(self.changes):
            try:
                self._undo(change)
            except Exception as undo_error:  # keep going: undo as much as possible
                _logger.error("rollback of %s failed: %s", change.logical_id, undo_error)
                problems.append(f"{change.logical_id}: {undo_error}")
        if problems:
            self.record.status = "ROLLBACK_FAILED" if first else "UPDATE_ROLLBACK_FAILED"
            self.record.status_reason += "; rollback failed for " + "; ".join(problems)
            self.store.save(self.record)
            return
        if first and not self.record.resources:
            self.store.delete(self.record.name)
            return
        self.record.status = "UPDATE_ROLLBACK_COMPLETE"
        self.store.save(self.record)

    def _undo(self, change: _Change) -> None:
        handler = handler_for(change.after.type)
        ctx = self.ctx.for_resource(change.logical_id)
        if change.action == "update":
            _logger.info("roll back update of %s", change.logical_id)
            handler.update(
                ctx, change.after.provisioned, change.after.properties, change.before.properties
            )
            self.record.resources[change.logical_id] = change.before
        else:
            _logger.info("roll back %s of %s", change.action, change.logical_id)
            handler.delete(ctx, change.after.provisioned, change.after.properties)
            if change.before is not None:
                self.record.resources[change.logical_id] = change.before
                self.record.pending_deletes = [
                    p
                    for p in self.record.pending_deletes
                    if p["state"]["physical_id"] != change.before.physical_id
                ]
            else:
                del self.record.resources[change.logical_id]
        self.store.save(self.record)
