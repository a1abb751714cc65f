"""`datalake local alerts` (what SNS published and delivered on the local cloud) and
`datalake local fire-schedules` (fire every enabled schedule rule now).

Both talk to private routes of the local cloud (`/_datalake/...`), so they work only with the
local target; `cli/local.py` finds this module and calls `register_local`."""

from __future__ import annotations

import argparse
import json
import logging

import requests

from datalake import aws
from datalake.cli.common import CliError

_logger = logging.getLogger(__name__)
_TIMEOUT = 30


def register_local(local_subparsers) -> None:
    """Add `alerts` and `fire-schedules` under `datalake local`."""
    alerts = local_subparsers.add_parser(
        "alerts",
        help="list SNS messages published on the local cloud and their deliveries",
        description="Messages published to SNS topics on the local cloud (alarm notices, "
        "pipeline success/failure, Glue failures) and where each was delivered. "
        "E-mail and SMS are recorded here instead of being sent.",
    )
    alerts.add_argument("--topic", help="topic name or ARN (default: all topics)")
    alerts.add_argument("--since", help="ISO-8601 time, or a duration back from now: 30m, 2h, 1d")
    alerts.add_argument("--json", action="store_true", help="print the records as JSON")
    alerts.set_defaults(func=run_alerts)
    fire = local_subparsers.add_parser(
        "fire-schedules",
        help="fire every enabled EventBridge schedule rule now",
        description="Deliver a Scheduled Event to the targets of every enabled schedule rule "
        "(rate/cron) at once, as if each were due now.",
    )
    fire.add_argument("--json", action="store_true", help="print the result as JSON")
    fire.set_defaults(func=run_fire_schedules)


def _call(method: str, route: str, **kwargs) -> dict:
    endpoint = aws.endpoint_url("local")
    try:
        reply = requests.request(method, f"{endpoint}{route}", timeout=_TIMEOUT, **kwargs)
    except requests.ConnectionError:
        raise CliError(
            f"no local cloud answers at {endpoint}: start it with `datalake local up`"
        ) from None
    if reply.status_code == 404:
        raise CliError(f"{endpoint} has no {route}: is it a datalake local cloud?")
    if reply.status_code >= 400:
        raise CliError(f"{route}: HTTP {reply.status_code}: {_error_text(reply)}")
    return reply.json()


def _error_text(reply) -> str:
    text = reply.text
    for start, end in (("<Message>", "</Message>"),):
        if start in text:
            return text.split(start, 1)[1].split(end, 1)[0]
    return text[:300]


def fetch_alerts(topic: str | None = None, since: str | None = None) -> list[dict]:
    """The local cloud's SNS message log (oldest first)."""
    params = {k: v for k, v in (("topic", topic), ("since", since)) if v}
    return _call("GET", "/_datalake/sns/messages", params=params)["messages"]


def format_alerts(records: list[dict]) -> str:
    """One block per message: time, topic, subject, the message (JSON pretty-printed
    when it is an alarm notice or a pipeline result), and its deliveries."""
    if not records:
        return "no messages published"
    blocks = []
    for record in records:
        topic = (record.get("TopicArn") or "(direct SMS)").rsplit(":", 1)[-1]
        head = f"{record['Timestamp']}  {topic}  {record.get('Subject') or '(no subject)'}"
        deliveries = (
            ", ".join(
                f"{d['protocol']}:{d['endpoint']} {d['status']}"
                + (f" ({d['error']})" if d.get("error") else "")
                for d in record.get("deliveries", [])
            )
            or "no subscriptions"
        )
        blocks.append(f"{head}\n  {_summary(record['Message'])}\n  -> {deliveries}")
    return "\n".join(blocks)


def _summary(message: str) -> str:
    try:
        data = json.loads(message)
    except ValueError:
        return message if len(message) <= 300 else message[:297] + "..."
    if isinstance(data, dict) and "NewStateValue" in data:  # a CloudWatch alarm notice
        return (
            f"alarm {data.get('AlarmName')}: {data.get('OldStateValue')} -> "
            f"{data.get('NewStateValue')}: {data.get('NewStateReason')}"
        )
    text = json.dumps(data, sort_keys=True)
    return text if len(text) <= 300 else text[:297] + "..."


def run_alerts(args: argparse.Namespace) -> int:
    records = fetch_alerts(args.topic, args.since)
    print(json.dumps(records, indent=2) if args.json else format_alerts(records))
    return 0


def run_fire_schedules(args: argparse.Namespace) -> int:
    fired = _call("POST", "/_datalake/events/fire-schedules")["fired"]
    if args.json:
        print(json.dumps(fired, indent=2))
        return 0
    if not fired:
        print("no enabled schedule rules")
        return 0
    failed = 0
    for record in fired:
        print(f"{record['rule']}: fired at {record['time']}")
        for target in record["targets"]:
            detail = (
                target.get("executionArn")
                or target.get("JobRunId")
                or target.get("MessageId")
                or target.get("error", "")
            )
            print(f"  -> {target['arn']} {target['status']} {detail}".rstrip())
            failed += target["status"] != "delivered"
    return 1 if failed else 0
