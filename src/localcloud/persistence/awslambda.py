"""Lambda: each function's configuration, code package (zip), reserved concurrency, tags,
resource policy statements and asynchronous invocation config (retries, age, destinations)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from botocore.exceptions import ClientError

from localcloud.persistence.common import exists_error, optional, paginate, read_json, write_json

_logger = logging.getLogger(__name__)

_CONFIG_FIELDS = ("Runtime", "Role", "Handler", "Description", "Timeout", "MemorySize",
                  "Environment", "DeadLetterConfig", "TracingConfig", "Architectures",
                  "EphemeralStorage", "PackageType")

_INVOKE_CONFIG_FIELDS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


def export(cloud, root: Path) -> dict:
    lam = cloud.client("lambda")
    runtime = cloud.services.get("lambda")
    functions = []
    for item in paginate(lam, "list_functions", "Functions"):
        name = item["FunctionName"]
        answer = lam.get_function(FunctionName=name)
        conf = answer["Configuration"]
        record = {k: conf[k] for k in _CONFIG_FIELDS if conf.get(k) is not None}
        record["FunctionName"] = name
        record["Tags"] = answer.get("Tags") or {}
        record["ReservedConcurrentExecutions"] = (answer.get("Concurrency") or {}).get(
            "ReservedConcurrentExecutions")
        invoke_config = optional(lam.get_function_event_invoke_config, FunctionName=name)
        record["EventInvokeConfig"] = (
            {k: invoke_config[k] for k in _INVOKE_CONFIG_FIELDS if k in invoke_config}
            if invoke_config else None)
        policy = optional(lam.get_policy, FunctionName=name)
        record["Policy"] = json.loads(policy["Policy"]) if policy else None
        if "Environment" in record:
            record["Environment"] = {"Variables": record["Environment"].get("Variables", {})}
        if runtime is not None:
            (root / "code").mkdir(parents=True, exist_ok=True)
            (root / "code" / f"{name}.zip").write_bytes(runtime.code._code_bytes(name))
        functions.append(record)
    write_json(root / "functions.json", functions)
    return {"functions": len(functions)}


def restore(cloud, root: Path) -> dict:
    lam = cloud.client("lambda")
    functions = read_json(root / "functions.json", [])
    for record in functions:
        name = record["FunctionName"]
        kwargs = {k: v for k, v in record.items()
                  if k in _CONFIG_FIELDS or k == "FunctionName"}
        if record.get("Tags"):
            kwargs["Tags"] = record["Tags"]
        kwargs["Code"] = {"ZipFile": (root / "code" / f"{name}.zip").read_bytes()}
        try:
            lam.create_function(**kwargs)
        except ClientError as error:
            if not exists_error(error):
                raise
            continue
        if record.get("ReservedConcurrentExecutions") is not None:
            lam.put_function_concurrency(
                FunctionName=name,
                ReservedConcurrentExecutions=int(record["ReservedConcurrentExecutions"]))
        if record.get("EventInvokeConfig"):
            lam.put_function_event_invoke_config(FunctionName=name,
                                                 **record["EventInvokeConfig"])
        for statement in (record.get("Policy") or {}).get("Statement", []):
            _add_permission(lam, name, statement)
    return {"functions": len(functions)}


def _add_permission(lam, name: str, statement: dict) -> None:
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("Service") or principal.get("AWS")
    kwargs = {"FunctionName": name, "StatementId": statement.get("Sid") or "restored",
              "Action": statement.get("Action", "lambda:InvokeFunction"),
              "Principal": principal}
    condition = statement.get("Condition") or {}
    source_arn = (condition.get("ArnLike") or {}).get("AWS:SourceArn")
    if source_arn:
        kwargs["SourceArn"] = source_arn
    account = (condition.get("StringEquals") or {}).get("AWS:SourceAccount")
    if account:
        kwargs["SourceAccount"] = account
    try:
        lam.add_permission(**kwargs)
    except ClientError:
        _logger.warning("could not restore permission %s of %s", kwargs["StatementId"], name)
