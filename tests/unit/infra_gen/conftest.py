"""Shared fixtures: the generated template and a small view to query it (helpers live on the
view because test modules cannot import conftest under --import-mode=importlib)."""

from __future__ import annotations

import re

import pytest

from infra_gen import TemplateConfig, to_dict

SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class TemplateView:
    """Read-only helpers over a template dict."""

    def __init__(self, template: dict) -> None:
        self.template = template
        self.resources = template["Resources"]

    def of_type(self, resource_type: str) -> dict:
        """logical id -> resource, for one resource type."""
        return {k: v for k, v in self.resources.items() if v["Type"] == resource_type}

    def props(self, logical_id: str) -> dict:
        return self.resources[logical_id]["Properties"]

    def nodes(self, node=None) -> list[dict]:
        """Every dict inside the template (or inside `node`)."""
        found: list[dict] = []
        stack = [self.template if node is None else node]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                found.append(item)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return found

    def policy_statements(self) -> list[tuple[str, dict]]:
        """(owner logical id, statement) for every IAM, bucket and topic policy statement."""
        found = []
        for logical_id, resource in self.resources.items():
            p = resource.get("Properties", {})
            docs = [pol["PolicyDocument"] for pol in p.get("Policies", [])]
            if "PolicyDocument" in p:
                docs.append(p["PolicyDocument"])
            for doc in docs:
                found.extend((logical_id, s) for s in unconditional(doc["Statement"]))
        return found

    def role_actions(self, role_id: str) -> set[str]:
        """The actions a role always has (conditional statements left out)."""
        actions: set[str] = set()
        for pol in self.props(role_id)["Policies"]:
            for s in pol["PolicyDocument"]["Statement"]:
                if "Fn::If" not in s:
                    actions.update(as_list(s["Action"]))
        return actions

    def conditional_statements(self, role_id: str) -> dict[str, list[dict]]:
        """condition name -> the statements a role has only when it holds."""
        found: dict[str, list[dict]] = {}
        for pol in self.props(role_id)["Policies"]:
            for s in pol["PolicyDocument"]["Statement"]:
                if "Fn::If" in s:
                    condition, statement, otherwise = s["Fn::If"]
                    assert otherwise == {"Ref": "AWS::NoValue"}
                    found.setdefault(condition, []).append(statement)
        return found


def unconditional(items: list) -> list:
    """`items` with each Fn::If replaced by its branches that hold a value (a conditional
    policy statement counts as a statement)."""
    found = []
    for item in items:
        if isinstance(item, dict) and "Fn::If" in item:
            _, *branches = item["Fn::If"]
            found.extend(b for b in branches if b != {"Ref": "AWS::NoValue"})
        else:
            found.append(item)
    return found


def sub_text(value) -> str:
    """The format string of a Fn::Sub (either form), or the value itself if a plain string."""
    if isinstance(value, str):
        return value
    sub = value["Fn::Sub"]
    return sub if isinstance(sub, str) else sub[0]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="session")
def template() -> dict:
    return to_dict()


@pytest.fixture(scope="session")
def view(template) -> TemplateView:
    return TemplateView(template)


@pytest.fixture(scope="session")
def variant_view() -> TemplateView:
    """The template generated with every non-default option."""
    config = TemplateConfig().with_params(
        {
            "ApiAuthMode": "IAM",
            "EncryptionMode": "KMS",
            "ReplicationEnabled": "true",
            "AlertEmail": "ops@example.com",
            "GlueNumberOfWorkers": "5",
        }
    )
    return TemplateView(to_dict(config))


@pytest.fixture(scope="session")
def helpers():
    """Module-level helpers for tests: sub_text, as_list, SUB_VARIABLE."""

    class _Helpers:
        pass

    h = _Helpers()
    h.sub_text = sub_text
    h.as_list = as_list
    h.SUB_VARIABLE = SUB_VARIABLE
    return h
