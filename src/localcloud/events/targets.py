"""Rule targets: what a target receives (Input / InputPath / InputTransformer, pure) and how
it is delivered (SNS, Step Functions, Lambda, SQS, Glue job/crawler/workflow, another bus)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from localcloud.stepfunctions.errors import StatesError
from localcloud.stepfunctions.paths import read_path

_logger = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


class TargetError(Exception):
    """A target that cannot be delivered to (unknown service, bad input path)."""


def render_input(target: dict, event: dict, rule_name: str = "", rule_arn: str = "") -> str:
    """The text a target receives for `event`, as EventBridge computes it."""
    if target.get("Input") is not None:
        return target["Input"]
    if target.get("InputPath"):
        return json.dumps(_read(target["InputPath"], event))
    transformer = target.get("InputTransformer")
    if transformer:
        return transform_input(transformer, event, rule_name, rule_arn)
    return json.dumps(event)


def transform_input(transformer: dict, event: dict, rule_name: str = "", rule_arn: str = "") -> str:
    """InputTransformer: values from InputPathsMap substituted for <name> in InputTemplate.
    Strings inside quotes in the template go in raw (JSON-escaped); other values as JSON."""
    values: dict[str, Any] = {
        "aws.events.rule-name": rule_name,
        "aws.events.rule-arn": rule_arn,
        "aws.events.event": event,
        "aws.events.event.json": event,
        "aws.events.event.ingestion-time": event.get("time", ""),
    }
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        try:
            values[name] = _read(path, event)
        except TargetError:
            values[name] = None  # AWS substitutes null for a path that selects nothing
    template = transformer.get("InputTemplate", "")
    stripped = template.strip()
    in_string = stripped[:1] == '"'  # the whole template is one JSON string
    is_json = stripped[:1] in ("{", "[")

    def substitute(match: re.Match) -> str:
        name = match[1]
        if name not in values:
            return match[0]
        value = values[name]
        text = value if isinstance(value, str) else json.dumps(value)
        if in_string:
            return json.dumps(text)[1:-1]
        quoted = (
            template[match.start() - 1 : match.start()] == '"'
            and template[match.end() : match.end() + 1] == '"'
        )
        if is_json:
            return (
                json.dumps(value)[1:-1] if isinstance(value, str) and quoted else json.dumps(value)
            )
        return text

    return _PLACEHOLDER.sub(substitute, template)


def _read(path: str, event: dict) -> Any:
    try:
        return read_path(path, event)
    except StatesError as error:
        raise TargetError(error.cause) from None


def deliver(client, target: dict, payload: str) -> dict:
    """Send `payload` to the target's ARN through `client(service)`; returns what was done."""
    arn = target["Arn"]
    parts = arn.split(":", 5)
    if len(parts) < 6:
        raise TargetError(f"not an ARN: {arn}")
    service, resource = parts[2], parts[5]
    if service == "sns":
        reply = client("sns").publish(TopicArn=arn, Message=payload)
        return {"action": "sns:Publish", "MessageId": reply["MessageId"]}
    if service == "states":
        reply = client("stepfunctions").start_execution(stateMachineArn=arn, input=payload)
        return {"action": "states:StartExecution", "executionArn": reply["executionArn"]}
    if service == "lambda":
        client("lambda").invoke(FunctionName=arn, InvocationType="Event", Payload=payload)
        return {"action": "lambda:Invoke"}
    if service == "sqs":
        sqs = client("sqs")
        url = sqs.get_queue_url(QueueName=resource, QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
        extra = {}
        group = (target.get("SqsParameters") or {}).get("MessageGroupId")
        if group:
            extra["MessageGroupId"] = group
        reply = sqs.send_message(QueueUrl=url, MessageBody=payload, **extra)
        return {"action": "sqs:SendMessage", "MessageId": reply["MessageId"]}
    if service == "glue":
        return _deliver_glue(client("glue"), resource, payload)
    if service == "events" and resource.startswith("event-bus/"):
        event = json.loads(payload)
        client("events").put_events(
            Entries=[
                {
                    "Source": event.get("source", "aws.events"),
                    "DetailType": event.get("detail-type", ""),
                    "Detail": json.dumps(event.get("detail", {})),
                    "EventBusName": arn,
                }
            ]
        )
        return {"action": "events:PutEvents"}
    raise TargetError(f"the local cloud cannot deliver to {service} targets ({arn})")


def _deliver_glue(glue, resource: str, payload: str) -> dict:
    kind, _, name = resource.partition("/")
    if kind == "job":
        arguments = _job_arguments(payload)
        reply = glue.start_job_run(JobName=name, **({"Arguments": arguments} if arguments else {}))
        return {"action": "glue:StartJobRun", "JobRunId": reply["JobRunId"]}
    if kind == "crawler":
        glue.start_crawler(Name=name)
        return {"action": "glue:StartCrawler"}
    if kind == "workflow":
        reply = glue.start_workflow_run(Name=name)
        return {"action": "glue:StartWorkflowRun", "RunId": reply.get("RunId")}
    raise TargetError(f"unsupported Glue target {resource}")


def _job_arguments(payload: str) -> dict:
    """Job arguments from a target Input such as {"--day": "2026-11-25"} (string values of
    '--' keys); anything else (e.g. the scheduled event itself) passes no arguments."""
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    if isinstance(data, dict) and isinstance(data.get("Arguments"), dict):
        data = data["Arguments"]
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k.startswith("--") and isinstance(v, str)}
