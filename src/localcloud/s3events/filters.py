"""Which notification configurations an event matches: event names and key filters (pure)."""

from __future__ import annotations


def event_matches(event_name: str, configured: list[str]) -> bool:
    """`event_name` like "ObjectCreated:Put" against "s3:ObjectCreated:*" / exact names."""
    full = f"s3:{event_name}"
    for pattern in configured:
        if pattern == full:
            return True
        if pattern.endswith(":*") and full.startswith(pattern[:-1]):
            return True
    return False


def key_matches(key: str, filter_rules: list[dict]) -> bool:
    """S3 key filters: every `prefix`/`suffix` rule must hold (names are case-insensitive)."""
    for rule in filter_rules:
        name, value = rule.get("Name", "").lower(), rule.get("Value", "")
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


def matching_functions(config: dict, event_name: str, key: str) -> list[tuple[str, str]]:
    """[(configuration id, function ARN)] of the LambdaFunctionConfigurations matching."""
    found = []
    for item in config.get("LambdaFunctionConfigurations") or []:
        rules = ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
        if event_matches(event_name, item.get("Events") or []) and key_matches(key, rules):
            found.append((item.get("Id") or "", item["LambdaFunctionArn"]))
    return found
