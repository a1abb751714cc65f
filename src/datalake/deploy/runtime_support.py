"""How long AWS keeps running the template's Lambda runtime: the dates of AWS's runtime
deprecation policy, as cfn-lint ships them, and the notice `datalake deploy` prints as they come
near. The dates are facts; only the notice depends on the day it is asked (decision 119)."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from importlib import resources

_logger = logging.getLogger(__name__)

# How long before the deprecation date deploy starts saying so.
NOTICE_WINDOW = timedelta(days=180)
_PHASES = (
    ("deprecated", "AWS deprecates it (no more security patches)"),
    ("create-block", "new functions can no longer be created with it"),
    ("update-block", "existing functions can no longer be updated"),
)


def runtime_schedule(runtime: str) -> dict[str, date] | None:
    """{"deprecated", "create-block", "update-block": date} and the successor's name for
    `runtime`, from cfn-lint's copy of AWS's Lambda runtime lifecycle; None if unknown."""
    try:
        text = resources.files("cfnlint.data.AdditionalSpecs").joinpath(
            "LmbdRuntimeLifecycle.json").read_text()
    except (ModuleNotFoundError, FileNotFoundError):  # cfn-lint is a development dependency
        return None
    entry = json.loads(text).get(runtime)
    if not entry:
        return None
    schedule = {name: date.fromisoformat(entry[name]) for name, _ in _PHASES if entry.get(name)}
    if entry.get("successor"):
        schedule["successor"] = entry["successor"]
    return schedule


def runtime_notice(runtime: str, today: date, schedule: dict | None = None) -> str | None:
    """A sentence about `runtime` when its deprecation is within NOTICE_WINDOW of `today` or
    past; None otherwise."""
    schedule = schedule if schedule is not None else runtime_schedule(runtime)
    if not schedule or "deprecated" not in schedule:
        return None
    if today < schedule["deprecated"] - NOTICE_WINDOW:
        return None
    steps = [f"{schedule[name].isoformat()}: {what}" for name, what in _PHASES if name in schedule]
    move = f"; move LAMBDA_RUNTIME (infra_gen/ingestion.py) to {schedule['successor']}" if (
        schedule.get("successor")) else ""
    tense = "passed" if today >= schedule["deprecated"] else "comes"
    return (f"Lambda runtime {runtime}: its deprecation {tense} ({'; '.join(steps)}){move}. "
            "See docs/deploy-aws.md, 'Lambda runtime support'.")
