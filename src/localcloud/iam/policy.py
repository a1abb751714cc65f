"""IAM policy documents parsed into one normal form (pure).

Every element that AWS accepts as "a string or a list of strings" becomes a tuple; `Statement`
as a single object becomes a one-item tuple; `"Principal": "*"` becomes `{"AWS": ("*",)}`;
condition values that JSON gives as booleans or numbers become the strings AWS compares.
A malformed document raises `PolicyError` naming the field (`Statement[1].Effect`).

Which elements are required depends on where the policy is attached (`kind`):
identity-based policies have no `Principal` and need `Resource`; resource-based policies need
`Principal` and `Resource`; role trust policies need `Principal` and have no `Resource`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

_logger = logging.getLogger(__name__)

VERSIONS = ("2012-10-17", "2008-10-17")
# A policy without Version is read as 2008-10-17, in which policy variables are plain text.
DEFAULT_VERSION = "2008-10-17"
KINDS = ("identity", "resource", "trust")
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
}


class PolicyError(ValueError):
    """A policy document AWS would refuse as malformed; the message names the field."""


@dataclass(frozen=True)
class Condition:
    """One operator/key pair of a Condition block with its values (OR-ed, NOR-ed if negated)."""

    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    effect: str
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principals: Mapping[str, tuple[str, ...]] | None = None
    not_principals: Mapping[str, tuple[str, ...]] | None = None
    conditions: tuple[Condition, ...] = ()
    index: int = 0

    @property
    def label(self) -> str:
        """How messages name this statement: its Sid, else its position."""
        return self.sid if self.sid else f"Statement[{self.index}]"


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...]
    version: str = DEFAULT_VERSION
    id: str | None = None
    kind: str = "identity"
    name: str = field(default="", compare=False)

    @property
    def substitutes_variables(self) -> bool:
        """Policy variables are only read as variables in Version 2012-10-17."""
        return self.version == "2012-10-17"


def parse_policy(document: str | Mapping, kind: str = "identity", name: str = "") -> Policy:
    """The normal form of a policy document given as JSON text or a dict."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"policy is not valid JSON: {exc}") from exc
    if not isinstance(document, Mapping):
        raise PolicyError("policy must be a JSON object")
    unknown = set(document) - {"Version", "Id", "Statement"}
    if unknown:
        raise PolicyError(f"unknown policy element: {sorted(unknown)[0]}")
    version = document.get("Version", DEFAULT_VERSION)
    if version not in VERSIONS:
        raise PolicyError(f"Version must be one of {', '.join(VERSIONS)}, not {version!r}")
    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError("Id must be a string")
    if "Statement" not in document:
        raise PolicyError("Statement is required")
    raw = document["Statement"]
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise PolicyError("Statement must be an object or a non-empty list of objects")
    statements = tuple(_parse_statement(s, i, kind) for i, s in enumerate(raw))
    return Policy(statements=statements, version=version, id=policy_id, kind=kind, name=name)


def _parse_statement(raw, index: int, kind: str) -> Statement:
    where = f"Statement[{index}]"
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where} must be an object")
    unknown = set(raw) - _STATEMENT_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown element {sorted(unknown)[0]}")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"{where}.Sid must be a string")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"{where}.Effect must be 'Allow' or 'Deny', not {effect!r}")
    actions, not_actions = _either(raw, "Action", "NotAction", where, required=True)
    resources, not_resources = _either(
        raw, "Resource", "NotResource", where, required=kind != "trust"
    )
    if kind == "trust" and (resources or not_resources):
        raise PolicyError(f"{where}: a trust policy has no Resource or NotResource")
    principals = not_principals = None
    if "Principal" in raw or "NotPrincipal" in raw:
        if kind == "identity":
            raise PolicyError(f"{where}: an identity-based policy has no Principal")
        if "Principal" in raw and "NotPrincipal" in raw:
            raise PolicyError(f"{where}: give Principal or NotPrincipal, not both")
        if "Principal" in raw:
            principals = _principal(raw["Principal"], f"{where}.Principal")
        else:
            not_principals = _principal(raw["NotPrincipal"], f"{where}.NotPrincipal")
    elif kind != "identity":
        raise PolicyError(f"{where}.Principal is required in a {kind} policy")
    conditions = _conditions(raw.get("Condition"), f"{where}.Condition")
    return Statement(
        effect=effect,
        sid=sid,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        principals=principals,
        not_principals=not_principals,
        conditions=conditions,
        index=index,
    )


def _either(raw: Mapping, name: str, not_name: str, where: str, required: bool):
    if name in raw and not_name in raw:
        raise PolicyError(f"{where}: give {name} or {not_name}, not both")
    if name in raw:
        return _strings(raw[name], f"{where}.{name}"), None
    if not_name in raw:
        return None, _strings(raw[not_name], f"{where}.{not_name}")
    if required:
        raise PolicyError(f"{where}.{name} (or {not_name}) is required")
    return None, None


def _strings(value, where: str) -> tuple[str, ...]:
    """A string or a non-empty list of non-empty strings, as a tuple."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise PolicyError(f"{where} must be a string or a non-empty list of strings")
    for item in values:
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{where} must hold non-empty strings, not {item!r}")
    return tuple(values)


def _principal(value, where: str) -> dict[str, tuple[str, ...]]:
    if value == "*":
        return {"AWS": ("*",)}
    if not isinstance(value, Mapping) or not value:
        raise PolicyError(f'{where} must be "*" or an object such as {{"AWS": ...}}')
    out = {}
    for ptype, ids in value.items():
        if ptype not in PRINCIPAL_TYPES:
            raise PolicyError(f"{where}: unknown principal type {ptype!r}")
        out[ptype] = _strings(ids, f"{where}.{ptype}")
    return out


def _conditions(value, where: str) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where} must be an object of operator -> {{key: values}}")
    out = []
    for operator, block in value.items():
        if not isinstance(block, Mapping) or not block:
            raise PolicyError(f"{where}.{operator} must be a non-empty object of key -> values")
        for key, values in block.items():
            out.append(Condition(operator, key, _condition_values(values, f"{where}.{operator}")))
    return tuple(out)


def _condition_values(values, where: str) -> tuple[str, ...]:
    values = values if isinstance(values, list) else [values]
    if not values:
        raise PolicyError(f"{where} needs at least one value")
    out = []
    for v in values:
        # JSON booleans and numbers are compared as AWS writes them: "true", "10".
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, (int, float)):
            out.append(str(v))
        elif isinstance(v, str):
            out.append(v)
        else:
            raise PolicyError(f"{where}: condition values are strings, numbers or booleans")
    return tuple(out)
