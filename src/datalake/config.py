"""Stack naming and the deployed stack's outputs: the names every other module looks up."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

DEFAULT_STACK_NAME = "datalake"
_STACK_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")

# Dataset prefixes inside the buckets (see docs/event-contract.md).
PROCESSED_PREFIX = "processed_data/"
QUARANTINE_PREFIX = "quarantine/"
ATHENA_RESULTS_PREFIX = "athena-results/"
CURATED_DATASETS = ("daily_summary", "hourly_metrics", "source_statistics")


def stack_name(value: str | None = None) -> str:
    """The stack name from the argument, DATALAKE_STACK_NAME, or the default; validated because
    it becomes part of bucket, function and log group names."""
    name = value or os.environ.get("DATALAKE_STACK_NAME") or DEFAULT_STACK_NAME
    if not _STACK_NAME.match(name):
        raise ValueError(
            f"stack name {name!r}: use 2-32 characters, lowercase letters, digits and '-', "
            "starting with a letter (it becomes part of S3 bucket names)"
        )
    return name


def database_name(stack: str) -> str:
    """Glue database `{stack-name}_db`, made a valid Glue/Athena identifier."""
    return stack.replace("-", "_") + "_db"


def build_dir() -> Path:
    return Path(os.environ.get("DATALAKE_BUILD_DIR", "build"))


def outputs_path(stack: str) -> Path:
    return build_dir() / stack / "outputs.json"


def save_outputs(stack: str, outputs: dict[str, str]) -> Path:
    path = outputs_path(stack)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(outputs, indent=2, sort_keys=True) + "\n")
    return path


def load_outputs(stack: str) -> dict[str, str]:
    """Outputs saved by the last deploy of `stack` (any target)."""
    path = outputs_path(stack)
    if not path.exists():
        raise FileNotFoundError(
            f"no outputs for stack {stack!r} at {path}: run `datalake deploy --stack-name {stack}`"
        )
    return json.loads(path.read_text())
