"""Matching of the Action, Resource and Principal elements of a statement (pure).

- Actions: `service:Name`, case-insensitive in both parts, `*` and `?` wildcards
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
- Resources and ARN conditions: case-sensitive, `*` and `?` wildcards; an ARN is compared
  component by component (partition, service, region, account, resource), as AWS documents
  for ArnLike, so `*` in the region never swallows the account.
- Principals: `"*"`, an account (`123456789012` or `arn:aws:iam::123456789012:root`), a role
  or assumed-role session ARN, or a `Service` principal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from localcloud.iam.variables import Tokens, pattern_tokens

_logger = logging.getLogger(__name__)

_ACCOUNT = re.compile(r"^\d{12}$")
_ROOT = re.compile(r"^arn:[\w-]+:iam::(\d{12}):root$")


@dataclass(frozen=True)
class Principal:
    """Who makes the request: an IAM identity (`arn`, `account`; for an assumed-role session
    also the role's IAM ARN) or an AWS service (`service`, e.g. `lambda.amazonaws.com`)."""

    arn: str = ""
    account: str = ""
    role_arn: str | None = None
    service: str | None = None

    @classmethod
    def for_session(cls, role_arn: str, session: str) -> Principal:
        """The principal of a session of `role_arn` (`arn:aws:iam::ACCOUNT:role/path/NAME`)."""
        head, _, path = role_arn.partition(":role/")
        partition, account = head.split(":")[1], head.split(":")[4]
        name = path.rsplit("/", 1)[-1]
        arn = f"arn:{partition}:sts::{account}:assumed-role/{name}/{session}"
        return cls(arn=arn, account=account, role_arn=role_arn)

    @classmethod
    def for_service(cls, service: str) -> Principal:
        return cls(arn=service, service=service)

    def identities(self) -> list[tuple[str, str]]:
        """Each (principal type, id) this principal is, for NotPrincipal: an assumed-role
        session is its session ARN, its role ARN and its account."""
        if self.service:
            return [("Service", self.service)]
        out = [("AWS", self.arn)]
        if self.role_arn:
            out.append(("AWS", self.role_arn))
        if self.account:
            out.append(("AWS", self.account))
        return out


@lru_cache(maxsize=4096)
def _compile(tokens: Tokens, ignore_case: bool) -> re.Pattern:
    parts = []
    for char, wild in tokens:
        if wild:
            parts.append(".*" if char == "*" else ".")
        else:
            parts.append(re.escape(char))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(parts), flags)


def glob_matches(tokens: Tokens, value: str, ignore_case: bool = False) -> bool:
    """Whether the whole of `value` matches `tokens` (wildcard tokens: `*` any run, `?` one)."""
    return _compile(tokens, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Whether `action` (e.g. `s3:GetObject`) matches an Action entry (e.g. `s3:get*`)."""
    return glob_matches(pattern_tokens(pattern), action, ignore_case=True)


def _split_tokens(tokens: Tokens, parts: int) -> list[Tokens]:
    out, current = [], []
    for token in tokens:
        if token == (":", False) and len(out) < parts - 1:
            out.append(tuple(current))
            current = []
        else:
            current.append(token)
    out.append(tuple(current))
    return out


def arn_matches(tokens: Tokens, arn: str) -> bool:
    """ArnLike: each of the six colon-separated components matched on its own."""
    if tokens == (("*", True),):
        return True
    pattern_parts = _split_tokens(tokens, 6)
    value_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    return all(glob_matches(p, v) for p, v in zip(pattern_parts, value_parts, strict=True))


def resource_matches(tokens: Tokens, resource: str) -> bool:
    """A Resource entry against the request's resource: per component when both are ARNs,
    else (e.g. a bare `*`) the whole string."""
    if len(_split_tokens(tokens, 6)) == 6 and len(resource.split(":", 5)) == 6:
        return arn_matches(tokens, resource)
    return glob_matches(tokens, resource)


def principal_match(block: Mapping[str, tuple[str, ...]], principal: Principal) -> str | None:
    """How `principal` matches a Principal element: `any`, `account`, `role`, `session`,
    `service`; None when it does not."""
    if principal.service:
        if principal.service in block.get("Service", ()):
            return "service"
        return "any" if "*" in block.get("AWS", ()) else None
    best = None
    for entry in block.get("AWS", ()):
        if entry == "*":
            best = best or "any"
        elif entry == principal.arn:
            return "session" if principal.role_arn else "role"
        elif principal.role_arn and entry == principal.role_arn:
            best = "role"
        elif _account_of(entry) == principal.account and principal.account:
            best = best if best == "role" else "account"
    return best


def not_principal_excludes(block: Mapping[str, tuple[str, ...]], principal: Principal) -> bool:
    """Whether NotPrincipal exempts `principal`: only when every identity it is (session,
    role, account) is listed, as AWS documents for Deny with NotPrincipal."""
    for ptype, ident in principal.identities():
        entries = block.get(ptype, ())
        if ptype == "AWS" and _ACCOUNT.match(ident):
            if not any(_account_of(e) == ident for e in entries):
                return False
        elif ident not in entries:
            return False
    return True


def _account_of(entry: str) -> str | None:
    if _ACCOUNT.match(entry):
        return entry
    root = _ROOT.match(entry)
    return root.group(1) if root else None
