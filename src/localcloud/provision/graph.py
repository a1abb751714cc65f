"""Dependencies between resources (Ref, Fn::GetAtt, Fn::Sub, DependsOn) and the order to create
them in: a topological order, stable by template order, with cycles reported by name (pure)."""

from __future__ import annotations

from typing import Any

from localcloud.provision.errors import DependencyCycle, TemplateError
from localcloud.provision.intrinsics import SUB_VARIABLE


def references_in(value: Any, names: set[str]) -> set[str]:
    """Logical ids among `names` that `value` refers to through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    _collect(value, names, found)
    return found


def referenced_names(value: Any) -> set[str]:
    """Every name `value` refers to through Ref, Fn::GetAtt or a Fn::Sub variable (pseudo
    parameters included; Sub's own variables and `${!Literal}` excluded)."""
    found: set[str] = set()
    _collect(value, None, found)
    return found


def _collect(value: Any, names: set[str] | None, found: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, names, found)
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        ((key, argument),) = value.items()
        if key == "Ref" and isinstance(argument, str):
            if names is None or argument in names:
                found.add(argument)
            return
        if key == "Fn::GetAtt":
            target = argument.split(".")[0] if isinstance(argument, str) else argument[0]
            if names is None or target in names:
                found.add(target)
            _collect(argument, names, found)
            return
        if key == "Fn::Sub":
            _collect_sub(argument, names, found)
            return
    for item in value.values():
        _collect(item, names, found)


def _collect_sub(argument: Any, names: set[str] | None, found: set[str]) -> None:
    if isinstance(argument, list) and len(argument) == 2:
        text, variables = argument
        _collect(variables, names, found)
    else:
        text, variables = argument, {}
    if not isinstance(text, str):
        return
    for match in SUB_VARIABLE.finditer(text):
        inner = match.group(1).strip()
        if inner.startswith("!") or inner in (variables or {}):
            continue
        target = inner if inner.startswith("AWS::") else inner.split(".")[0]
        if names is None or target in names:
            found.add(target)


def dependencies_of(resources: dict[str, dict], logical_ids: list[str]) -> dict[str, list[str]]:
    """For each of `logical_ids` (the resources being created), the ids among them it needs
    first. A DependsOn naming a resource absent from the template is an error."""
    names = set(logical_ids)
    graph: dict[str, list[str]] = {}
    for logical_id in logical_ids:
        definition = resources[logical_id]
        needs = references_in(definition.get("Properties", {}), names)
        depends_on = definition.get("DependsOn", [])
        for target in [depends_on] if isinstance(depends_on, str) else depends_on:
            if target not in resources:
                raise TemplateError(f"resource {logical_id}: DependsOn {target} is not a resource")
            if target in names:
                needs.add(target)
        graph[logical_id] = sorted(needs, key=logical_ids.index)
    return graph


def creation_order(graph: dict[str, list[str]]) -> list[str]:
    """Every node after the nodes it depends on; ties keep the order of `graph`'s keys.
    Raises DependencyCycle naming one cycle."""
    order: list[str] = []
    state: dict[str, str] = {}  # "visiting" or "done"
    path: list[str] = []

    def visit(node: str) -> None:
        if state.get(node) == "done":
            return
        if state.get(node) == "visiting":
            raise DependencyCycle(path[path.index(node) :] + [node])
        state[node] = "visiting"
        path.append(node)
        for needed in graph.get(node, []):
            visit(needed)
        path.pop()
        state[node] = "done"
        order.append(node)

    for node in graph:
        visit(node)
    return order
