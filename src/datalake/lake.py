"""One object per deployed lake, for notebooks: each notebook cell is one call on a `Lake`.

`Lake` adds no behaviour of its own where the package already has it: it calls `datalake.aws`
(clients), `client` (the ingestion API), `zones` (S3), `query` (Athena via pyathena),
`monitoring` (metrics, alarms, dashboard), the deploy verbs and `localcloud.process`. What is
here is the glue a notebook would otherwise hold: planning synthetic events into requests,
waiting for Glue crawlers, job runs and Step Functions executions, tables for display, and the
figures each notebook records in `{build}/notebooks/figures.json` for the notebook tests.
Module-level functions are pure (no I/O) and unit-tested.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from datalake import aws, client, config, monitoring, zones
from datalake.glue_runs import start_job_run, wait_for_crawler, wait_for_job_run
from datalake.synthetic import SyntheticEvent, generate_events, summarize_events
from datalake.waiting import poll_until

_logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIGURES_FILE = "figures.json"
ATHENA_PRICE_PER_TB = 5.0  # USD per TB scanned (us-east-1 list price)
_COUNTS_LINE = re.compile(r"raw_to_processed: (\{.*\})")


# -- pure helpers (unit-tested) -------------------------------------------------------------------
@dataclass(frozen=True)
class PlannedRequest:
    """One POST /ingest body and the synthetic events it carries."""

    body: bytes
    events: tuple[SyntheticEvent, ...]


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def batch_body(bodies: Sequence[str]) -> bytes:
    """A batch request `{"events": [...]}` whose events are the given texts byte for byte (the
    raw zone then keeps each event exactly as the client wrote it)."""
    if not bodies:
        raise ValueError("bodies: a batch holds 1..500 events, got none")
    return ('{"events": [' + ", ".join(bodies) + "]}").encode()


def plan_requests(events: Sequence[SyntheticEvent], batch_size: int = 100) -> list[PlannedRequest]:
    """Requests a client would send for `events`, in order: batches of up to `batch_size`;
    an event that is not JSON at all goes alone (inside a batch it would make the whole request
    invalid JSON and lose the others)."""
    if not 1 <= batch_size <= 500:
        raise ValueError(f"batch_size must be between 1 and 500, got {batch_size}")
    plan: list[PlannedRequest] = []
    pending: list[SyntheticEvent] = []

    def flush() -> None:
        if pending:
            plan.append(PlannedRequest(batch_body([e.body for e in pending]), tuple(pending)))
            pending.clear()

    for event in events:
        if not is_json(event.body):
            flush()
            plan.append(PlannedRequest(event.body.encode(), (event,)))
            continue
        pending.append(event)
        if len(pending) == batch_size:
            flush()
    flush()
    return plan


def expected_figures(events: Sequence[SyntheticEvent]) -> dict[str, int]:
    """What the lake must end with for `events` sent through the API: envelope-invalid events
    are refused at ingestion; schema-invalid ones are stored but quarantined; re-sends are
    duplicates of a valid event; each valid original becomes one processed row."""
    kinds = Counter(e.kind for e in events)
    refused = sum(v for k, v in kinds.items() if k.startswith("invalid:") and k != "invalid:schema")
    duplicates = kinds["duplicate"] + kinds["late_duplicate"]
    return {
        "generated": len(events),
        "refused_at_ingestion": refused,
        "stored_in_raw": len(events) - refused,
        "schema_invalid": kinds["invalid:schema"],
        "duplicates": duplicates,
        "valid_unique": kinds["valid"],
    }


def split_for_second_run(
    events: Sequence[SyntheticEvent], share: float
) -> tuple[list[SyntheticEvent], list[SyntheticEvent]]:
    """(first part, last `share` of the events): the second part arrives after the first job
    run, so the second run shows the bookmark (only new objects read) and cross-run dedup."""
    if not 0.0 <= share < 1.0:
        raise ValueError(f"share must be in [0, 1), got {share}")
    cut = len(events) - int(round(len(events) * share))
    return list(events[:cut]), list(events[cut:])


def parse_job_counts(messages: Iterable[str]) -> dict[str, int] | None:
    """The raw_to_processed counts line (`raw_to_processed: {...}`) of a run's log, if any."""
    for message in messages:
        match = _COUNTS_LINE.search(message)
        if match:
            return json.loads(match.group(1).replace("'", '"'))
    return None


def resources_table(template: dict, layers: dict[str, list[str]]) -> pd.DataFrame:
    """One row per resource (layer, logical id, type) from a template dict and the logical ids
    each layer added."""
    layer_of = {logical: layer for layer, ids in layers.items() for logical in ids}
    rows = [
        {"layer": layer_of.get(logical, "?"), "logical_id": logical, "type": spec["Type"]}
        for logical, spec in template.get("Resources", {}).items()
    ]
    frame = pd.DataFrame(rows, columns=["layer", "logical_id", "type"])
    order = {layer: i for i, layer in enumerate(layers)}
    frame["_order"] = frame["layer"].map(order)
    return frame.sort_values(["_order", "logical_id"]).drop(columns="_order").reset_index(drop=True)


def history_frame(events: Sequence[dict]) -> pd.DataFrame:
    """Step Functions history events as a table: id, time, type, state entered/exited."""
    rows = []
    for event in events:
        details = next((v for k, v in event.items() if k.endswith("EventDetails")), {}) or {}
        rows.append({
            "id": event["id"],
            "timestamp": pd.Timestamp(event["timestamp"]),
            "type": event["type"],
            "state": details.get("name", ""),
        })
    return pd.DataFrame(rows, columns=["id", "timestamp", "type", "state"])


STATE_LEVELS = {"OK": 0, "INSUFFICIENT_DATA": 1, "ALARM": 2}


def alarm_state_timeline(history: pd.DataFrame) -> pd.DataFrame:
    """Alarm history (timestamp, alarm, new_state) as one column per alarm and one row per
    change, the state as a level (OK 0, INSUFFICIENT_DATA 1, ALARM 2) carried forward: ready
    for a step plot."""
    changes = history.dropna(subset=["new_state"])
    if changes.empty:
        return pd.DataFrame()
    levels = changes.assign(level=changes["new_state"].map(STATE_LEVELS))
    wide = levels.pivot_table(index="timestamp", columns="alarm", values="level", aggfunc="last")
    return wide.sort_index().ffill()


def merge_figures(existing: dict, notebook: str, figures: dict) -> dict:
    """`existing` with `figures` recorded under `notebook` (replacing that notebook's)."""
    merged = dict(existing)
    merged[notebook] = dict(figures)
    return merged


def athena_cost_usd(bytes_scanned: int, minimum_bytes: int = 10 * 1024 * 1024) -> float:
    """What Athena bills for one query: $5 per TB with a 10 MB minimum per query."""
    billed = max(bytes_scanned, minimum_bytes) if bytes_scanned else 0
    return billed / 1024**4 * ATHENA_PRICE_PER_TB


# -- the facade ------------------------------------------------------------------------------------
class Lake:
    """A deployed (or to-be-deployed) lake: stack name + target ("local" or "aws")."""

    def __init__(self, stack_name: str = "datalake", target: str = "local", region: str = ""):
        if target not in aws.TARGETS:
            raise ValueError(f"target must be one of {aws.TARGETS}, got {target!r}")
        self.stack = config.stack_name(stack_name)
        self.target = target
        if region:
            os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = region
            aws.clear_clients()
        # Notebooks run with notebooks/ as cwd: keep outputs in the project's build/.
        os.environ.setdefault("DATALAKE_BUILD_DIR", str(PROJECT_ROOT / "build"))

    # settings --------------------------------------------------------------------------------
    @property
    def endpoint(self) -> str | None:
        return aws.endpoint_url(self.target)

    @property
    def build_dir(self) -> Path:
        return config.build_dir()

    def settings(self) -> dict[str, Any]:
        """Where this lake lives: target, stack, region, endpoint and build folder."""
        return {
            "target": self.target,
            "stack": self.stack,
            "region": aws.region_name(),
            "endpoint": self.endpoint or "(AWS)",
            "database": config.database_name(self.stack),
            "build_dir": str(self.build_dir),
        }

    def _client(self, service: str):
        return aws.client(service, self.target)

    # local cloud -----------------------------------------------------------------------------
    def ensure_local_cloud(
        self, data_dir: str | Path = PROJECT_ROOT / ".datalake" / "local", timeout: float = 120.0
    ) -> dict[str, Any]:
        """For the local target: start the local cloud at the endpoint unless it already
        answers healthy. Returns {endpoint, started, status}."""
        from localcloud import process

        if self.target != "local":
            return {"endpoint": "(AWS)", "started": False, "status": "not used"}
        endpoint = self.endpoint
        body = process.health(endpoint)
        started = False
        if body is None:
            host, port = _host_port(endpoint)
            process.start_background(host, port, Path(data_dir), timeout=timeout)
            body = process.wait_ready(endpoint, timeout)
            started = True
        os.environ.setdefault("AWS_ENDPOINT_URL", endpoint)
        aws.clear_clients()
        return {"endpoint": endpoint, "started": started, "status": body.get("status")}

    def services(self) -> pd.DataFrame:
        """Per-service health of the local cloud."""
        from localcloud import process

        body = process.health(self.endpoint) or {}
        rows = [{"service": name, "status": check.get("status")}
                for name, check in sorted(body.get("services", {}).items())]
        return pd.DataFrame(rows, columns=["service", "status"])

    # infrastructure --------------------------------------------------------------------------
    def synth(self, params: dict[str, str] | None = None) -> dict:
        """The generated CloudFormation template (dict), parameter defaults from `params`."""
        from datalake.cli.synth import synth_json

        return json.loads(synth_json(params or {}))

    def resources(self) -> pd.DataFrame:
        """Every resource of the template with the layer (infra_gen module) that adds it."""
        return resources_table(self.synth(), _layer_resources())

    def lint(self) -> list[str]:
        """cfn-lint findings for the template (an empty list: no error, no warning)."""
        import subprocess
        import sys
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "template.json"
            path.write_text(json.dumps(self.synth()))
            lint = Path(sys.executable).with_name("cfn-lint")
            # from the repository root, so cfn-lint reads .cfnlintrc as `make lint` does
            result = subprocess.run([str(lint), str(path)], capture_output=True, text=True,
                                    timeout=600, cwd=PROJECT_ROOT)
        return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]

    def deploy(self, params: Sequence[str] = ()) -> dict[str, str]:
        """Package, bootstrap and create/update the stack (`datalake deploy`); the outputs."""
        from datalake.cli.deploy import run_deploy

        args = argparse.Namespace(stack_name=self.stack, target=self.target, param=list(params),
                                  timeout=3600.0, replace_failed=False)
        with contextlib.redirect_stdout(io.StringIO()):  # the verb prints the outputs JSON
            run_deploy(args)
        return self.outputs

    @property
    def outputs(self) -> dict[str, str]:
        return config.load_outputs(self.stack)

    def output(self, name: str) -> str:
        return self.outputs[name]

    # ingestion -------------------------------------------------------------------------------
    def api_key(self) -> str:
        return client.get_api_key(self.output("ApiKeyId"), self.target)

    def synthetic_events(self, count: int, seed: int = 7, **options: Any) -> list[SyntheticEvent]:
        """Deterministic iot/web/mobile events with invalid ones and re-sends."""
        return generate_events(count, seed=seed, **options)

    @staticmethod
    def event_kinds(events: Sequence[SyntheticEvent]) -> dict[str, int]:
        return summarize_events(list(events))

    @staticmethod
    def expected(events: Sequence[SyntheticEvent]) -> dict[str, int]:
        return expected_figures(events)

    @staticmethod
    def split(events: Sequence[SyntheticEvent], share: float):
        return split_for_second_run(events, share)

    @staticmethod
    def batch_of(events: Sequence[SyntheticEvent]) -> bytes:
        """The batch request body carrying `events` exactly as written."""
        return batch_body([e.body for e in events])

    def post(self, event: dict | list | None = None, *, raw_body: bytes | None = None,
             api_key: str | None = "default", content_type: str = "application/json"):
        """One POST /ingest (an event, a batch list, or raw bytes); `api_key=None` sends none."""
        key = self.api_key() if api_key == "default" else api_key
        return client.post_events(self.output("ApiUrl"), event if event is not None else {}, key,
                                  raw_body=raw_body, content_type=content_type)

    def send(self, events: Sequence[SyntheticEvent], batch_size: int = 100,
             progress: bool = True) -> dict[str, Any]:
        """Send synthetic events as a client would (batches; non-JSON bodies alone); totals of
        requests by status and events accepted/rejected, per source."""
        key, url = self.api_key(), self.output("ApiUrl")
        plan = plan_requests(events, batch_size)
        statuses: Counter = Counter()
        accepted: Counter = Counter()
        rejected = 0
        bar = _progress(len(events), "events sent", progress)
        for request in plan:
            reply = client.post_events(url, [], key, raw_body=request.body)
            statuses[reply.status] += 1
            results = reply.body.get("results") if isinstance(reply.body, dict) else None
            if results is None:  # a request-level answer: nothing stored
                rejected += len(request.events)
            else:
                for result, event in zip(results, request.events, strict=True):
                    if result["status"] == "accepted":
                        accepted[event.source] += 1
                    else:
                        rejected += 1
            bar.update(len(request.events))
        bar.close()
        return {
            "requests": len(plan),
            "statuses": dict(sorted(statuses.items())),
            "sent": len(events),
            "accepted": sum(accepted.values()),
            "rejected": rejected,
            "accepted_by_source": dict(sorted(accepted.items())),
        }

    def show_throttling(self, requests: int = 12, rate: float = 1.0, burst: int = 1) -> dict:
        """Lower the usage plan's throttle to `rate`/`burst` for a moment, fire `requests`
        requests at once (health-free empty batches are refused anyway, so nothing is stored),
        restore it; the answers by status and one 429 body."""
        apigw = self._client("apigateway")
        plan = _usage_plan_for(apigw, self.output("ApiId"))
        old = plan.get("throttle", {})
        # whole rates are written without ".0": moto's UpdateUsagePlan parses them as int
        patch = [{"op": "replace", "path": "/throttle/rateLimit", "value": _number_text(rate)},
                 {"op": "replace", "path": "/throttle/burstLimit", "value": str(burst)}]
        apigw.update_usage_plan(usagePlanId=plan["id"], patchOperations=patch)
        key = self.api_key()
        try:
            with ThreadPoolExecutor(max_workers=requests) as pool:
                replies = list(pool.map(
                    lambda _: self.post(raw_body=b'{"events": []}', api_key=key),
                    range(requests)))
        finally:
            restore = [{"op": "replace", "path": f"/throttle/{name}",
                        "value": _number_text(old[name])}
                       for name in ("rateLimit", "burstLimit") if name in old]
            if restore:
                apigw.update_usage_plan(usagePlanId=plan["id"], patchOperations=restore)
        throttled = [r for r in replies if r.status == 429]
        return {
            "statuses": dict(sorted(Counter(r.status for r in replies).items())),
            "throttled_body": throttled[0].body if throttled else None,
        }

    # zones -----------------------------------------------------------------------------------
    def raw_summary(self) -> dict[str, Any]:
        """Raw zone: objects, bytes, objects per source, and events per source (lines)."""
        bucket = self.output("RawBucket")
        summary = zones.summarize_zone(bucket, target=self.target)
        events = zones.count_raw_events(bucket, target=self.target)
        summary["events_by_source"] = dict(sorted(events.items()))
        summary["events"] = sum(events.values())
        return summary

    def raw_objects(self) -> pd.DataFrame:
        """The raw zone's objects (key, size, last modified)."""
        rows = [{"key": o["Key"], "size": o["Size"], "last_modified": o["LastModified"]}
                for o in zones.iter_objects(self.output("RawBucket"), target=self.target)]
        return pd.DataFrame(rows, columns=["key", "size", "last_modified"])

    def zone_summary(self) -> pd.DataFrame:
        """Objects and bytes of each zone (raw, processed, quarantine, curated)."""
        places = [
            ("raw", self.output("RawBucket"), ""),
            ("processed", self.output("ProcessedBucket"), config.PROCESSED_PREFIX),
            ("quarantine", self.output("ProcessedBucket"), config.QUARANTINE_PREFIX),
            ("curated", self.output("CuratedBucket"), ""),
        ]
        rows = []
        for zone, bucket, prefix in places:
            summary = zones.summarize_zone(bucket, prefix, self.target)
            rows.append({"zone": zone, "objects": summary["objects"], "bytes": summary["bytes"]})
        return pd.DataFrame(rows, columns=["zone", "objects", "bytes"])

    def quarantine(self) -> pd.DataFrame:
        """Quarantined lines (reason, source, event_id, errors, raw_key) from the JSON Lines
        files the raw->processed job appends under quarantine/."""
        bucket = self.output("ProcessedBucket")
        s3 = self._client("s3")
        rows = []
        for obj in zones.iter_objects(bucket, config.QUARANTINE_PREFIX, self.target):
            if not obj["Key"].endswith(".json"):
                continue
            text = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode()
            for line in text.splitlines():
                if line.strip():
                    record = json.loads(line)
                    rows.append({k: record.get(k) for k in
                                 ("reason", "source", "event_id", "errors", "raw_key")})
        return pd.DataFrame(rows, columns=["reason", "source", "event_id", "errors", "raw_key"])

    # validation and alerts -------------------------------------------------------------------
    def alerts(self, subject_contains: str = "") -> pd.DataFrame:
        """SNS messages published on the local cloud to this stack's topic (oldest first)."""
        from datalake.cli.local_alerts import fetch_alerts

        if self.target != "local":
            raise RuntimeError("alerts are read from the local cloud's SNS log; on AWS, "
                               "subscribe an e-mail or SQS queue to the AlertsTopicArn output")
        rows = []
        for record in fetch_alerts(topic=self.output("AlertsTopicArn")):
            subject = record.get("Subject") or ""
            if subject_contains and subject_contains not in subject:
                continue
            rows.append({"timestamp": pd.Timestamp(record["Timestamp"]), "subject": subject,
                         "message": record["Message"]})
        return pd.DataFrame(rows, columns=["timestamp", "subject", "message"])

    def validation_alerts(self) -> pd.DataFrame:
        """The validation Lambda's alerts: one row per raw object with invalid events."""
        rows = []
        for _, alert in self.alerts("invalid event").iterrows():
            body = json.loads(alert["message"])
            rows.append({
                "source": body.get("source"),
                "events": body.get("events"),
                "valid": body.get("valid"),
                "invalid": body.get("invalid"),
                "first_error": _first_error(body.get("errors") or []),
            })
        frame = pd.DataFrame(rows, columns=["source", "events", "valid", "invalid", "first_error"])
        # alerts arrive in the order the Lambda finished; sort for a stable table
        return frame.sort_values(["source", "events", "invalid", "first_error"]).reset_index(
            drop=True)

    def wait_validated(self, events: int, timeout: float = 300.0) -> dict[str, int]:
        """Wait until the validation Lambda has counted `events` events (ValidEvents +
        InvalidEvents over the last hours); the totals."""
        def totals() -> dict[str, int]:
            table = self.metric_totals(("ValidEvents", "InvalidEvents"))
            return {"valid": int(table["ValidEvents"].sum()),
                    "invalid": int(table["InvalidEvents"].sum())}

        return poll_until(totals, lambda t: t["valid"] + t["invalid"] >= events, timeout,
                     f"validation of {events} events", interval=2.0)

    def metric_totals(self, names: Sequence[str] = ("EventsIngested", "ValidEvents",
                                                     "InvalidEvents"),
                      hours: float = 3.0) -> pd.DataFrame:
        """Sum of each custom metric per source over the last `hours` (namespace DataLake)."""
        series = self.metric_series(names, hours=hours, period=3600, by_source=True)
        if series.empty:
            return pd.DataFrame(columns=["source", *names])
        table = series.pivot_table(index="source", columns="metric", values="value",
                                   aggfunc="sum", fill_value=0)
        return table.reindex(columns=list(names), fill_value=0).reset_index()

    def metric_series(self, names: Sequence[str], hours: float = 3.0, period: int = 60,
                      by_source: bool = False, namespace: str = "DataLake") -> pd.DataFrame:
        """Sum per `period` of custom metrics over the last `hours` (per source if asked)."""
        sources = self._metric_sources(namespace) if by_source else [None]
        queries = []
        for name in names:
            for source in sources:
                dims = {"StackName": self.stack, **({"Source": source} if source else {})}
                label = f"{name}|{source or ''}"
                queries.append(monitoring.MetricQuery(namespace, name, dims, "Sum", period, label))
        now = datetime.now(timezone.utc)
        frame = monitoring.read_metric_series(queries, now - timedelta(hours=hours),
                                              now + timedelta(seconds=period), self.target)
        frame["source"] = frame["label"].str.split("|").str[1]
        return frame

    def _metric_sources(self, namespace: str) -> list[str]:
        found = set()
        paginator = self._client("cloudwatch").get_paginator("list_metrics")
        for page in paginator.paginate(Namespace=namespace):
            for metric in page["Metrics"]:
                dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
                if dims.get("StackName") == self.stack and "Source" in dims:
                    found.add(dims["Source"])
        return sorted(found)

    # catalog ---------------------------------------------------------------------------------
    def run_crawler(self, name: str, wait: bool = True, timeout: float = 600.0) -> dict:
        """Start a Glue crawler and (by default) wait for its crawl; the last crawl's summary."""
        glue = self._client("glue")
        glue.start_crawler(Name=name)
        if not wait:
            return {"crawler": name, "state": "RUNNING"}
        crawler = wait_for_crawler(glue, name, timeout)
        last = crawler["LastCrawl"]
        return {"crawler": name, "status": last.get("Status"),
                "error": last.get("ErrorMessage", "")}

    def tables(self) -> pd.DataFrame:
        """Tables of the lake's Glue database: name, columns, partition keys, location."""
        rows = []
        paginator = self._client("glue").get_paginator("get_tables")
        for page in paginator.paginate(DatabaseName=self.output("DatabaseName")):
            for table in page["TableList"]:
                descriptor = table.get("StorageDescriptor", {})
                rows.append({
                    "table": table["Name"],
                    "columns": len(descriptor.get("Columns", [])),
                    "partition_keys": ", ".join(p["Name"] for p in table.get("PartitionKeys", [])),
                    "location": descriptor.get("Location", ""),
                })
        return pd.DataFrame(rows, columns=["table", "columns", "partition_keys", "location"])

    def columns(self, table: str) -> pd.DataFrame:
        """Columns of `table` (partition keys last, marked)."""
        found = self._client("glue").get_table(DatabaseName=self.output("DatabaseName"),
                                               Name=table)["Table"]
        rows = [{"column": c["Name"], "type": c["Type"], "partition_key": False}
                for c in found.get("StorageDescriptor", {}).get("Columns", [])]
        rows += [{"column": c["Name"], "type": c["Type"], "partition_key": True}
                 for c in found.get("PartitionKeys", [])]
        return pd.DataFrame(rows, columns=["column", "type", "partition_key"])

    def partitions(self, table: str) -> pd.DataFrame:
        """Partitions of `table`: one column per partition key, and the location."""
        glue = self._client("glue")
        database = self.output("DatabaseName")
        keys = [k["Name"] for k in
                glue.get_table(DatabaseName=database, Name=table)["Table"].get("PartitionKeys", [])]
        rows = []
        for page in glue.get_paginator("get_partitions").paginate(DatabaseName=database,
                                                                  TableName=table):
            for part in page["Partitions"]:
                row = dict(zip(keys, part["Values"], strict=False))
                row["location"] = part.get("StorageDescriptor", {}).get("Location", "")
                rows.append(row)
        frame = pd.DataFrame(rows, columns=[*keys, "location"])
        return frame.sort_values(keys).reset_index(drop=True) if keys else frame

    # jobs ------------------------------------------------------------------------------------
    def run_job(self, name: str, wait: bool = True, arguments: dict[str, str] | None = None,
                timeout: float = 1800.0) -> dict:
        """Start a Glue job run and (by default) wait for it; state, seconds, error and, for
        raw->processed, the counts the job logged (read, new, duplicate, invalid, ...)."""
        glue = self._client("glue")
        run_id = start_job_run(glue, name, arguments or {})
        if not wait:
            return {"job": name, "run_id": run_id, "state": "STARTING"}
        with _spinner(f"{name} running"):
            run = wait_for_job_run(glue, name, run_id, timeout)
        return {
            "job": name,
            "run_id": run_id,
            "state": run["JobRunState"],
            "seconds": run.get("ExecutionTime"),
            "error": run.get("ErrorMessage", ""),
            "counts": self.job_counts(name, run_id),
        }

    def job_counts(self, name: str, run_id: str) -> dict[str, int] | None:
        """The counts line a raw->processed run wrote to its log group, if any."""
        logs = self._client("logs")
        try:
            reply = logs.filter_log_events(logGroupName=f"/aws-glue/jobs/{name}",
                                           logStreamNames=[run_id],
                                           filterPattern='"raw_to_processed:"')
        except logs.exceptions.ResourceNotFoundException:
            return None
        return parse_job_counts(e["message"] for e in reply.get("events", []))

    def job_runs(self, name: str) -> pd.DataFrame:
        """Runs of a Glue job, oldest first: id, state, started, seconds."""
        runs = self._client("glue").get_job_runs(JobName=name)["JobRuns"]
        rows = [{"run_id": r["Id"], "state": r["JobRunState"],
                 "started": pd.Timestamp(r["StartedOn"]), "seconds": r.get("ExecutionTime")}
                for r in runs]
        frame = pd.DataFrame(rows, columns=["run_id", "state", "started", "seconds"])
        return frame.sort_values("started").reset_index(drop=True)

    def job_bookmark(self, name: str) -> dict:
        """The job's bookmark: run number and how many raw objects it has already read."""
        entry = self._client("glue").get_job_bookmark(JobName=name)["JobBookmarkEntry"]
        state = json.loads(entry.get("JobBookmark") or "{}")
        contexts = {k: v for k, v in state.items() if isinstance(v, dict)}
        return {
            "run": entry.get("Run"),
            "contexts": {k: len(v.get("includeList", {})) for k, v in contexts.items()},
        }

    # orchestration ---------------------------------------------------------------------------
    def start_pipeline(self, run_curated: bool = False, name: str | None = None) -> str:
        """Start the ETL state machine as its schedules do; the execution ARN."""
        kwargs = {"name": name} if name else {}
        return self._client("stepfunctions").start_execution(
            stateMachineArn=self.output("StateMachineArn"),
            input=json.dumps({"run_curated": run_curated}), **kwargs)["executionArn"]

    def wait_pipeline(self, arn: str, timeout: float = 1800.0) -> dict:
        """Wait for an execution to end; its status, seconds and error."""
        sfn = self._client("stepfunctions")
        with _spinner("pipeline running"):
            done = poll_until(lambda: sfn.describe_execution(executionArn=arn),
                         lambda d: d["status"] != "RUNNING", timeout, f"execution {arn}",
                         interval=2.0)
        seconds = (done["stopDate"] - done["startDate"]).total_seconds()
        return {"status": done["status"], "seconds": round(seconds, 1),
                "error": done.get("error", ""), "cause": done.get("cause", "")}

    def execution_history(self, arn: str) -> pd.DataFrame:
        """The execution's history events (every page)."""
        sfn = self._client("stepfunctions")
        events, token = [], None
        while True:
            page = sfn.get_execution_history(executionArn=arn, maxResults=100,
                                             **({"nextToken": token} if token else {}))
            events.extend(page["events"])
            token = page.get("nextToken")
            if not token:
                return history_frame(events)

    @staticmethod
    def states_entered(history: pd.DataFrame) -> list[str]:
        """The states an execution went through, in order (repeated polls kept)."""
        return history.loc[history["type"].str.endswith("StateEntered"), "state"].tolist()

    def schedules(self) -> pd.DataFrame:
        """The stack's EventBridge rules: schedule, state, targets and their input."""
        events = self._client("events")
        rows = []
        for rule in events.list_rules(NamePrefix=self.stack)["Rules"]:
            targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
            rows.append({
                "rule": rule["Name"],
                "schedule": rule.get("ScheduleExpression", ""),
                "state": rule["State"],
                "targets": ", ".join(t["Arn"].rsplit(":", 1)[-1] for t in targets),
                "input": ", ".join(t.get("Input", "") for t in targets),
            })
        return pd.DataFrame(rows, columns=["rule", "schedule", "state", "targets", "input"])

    # analytics -------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None):
        """Run Athena SQL in the stack's workgroup (`?` bound to `params`); a QueryResult."""
        from datalake.query import run_query

        return run_query(sql, list(params) if params else None, stack=self.stack,
                         target=self.target)

    def frame(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Only the rows of `query(...)`."""
        return self.query(sql, params).frame

    def scan_costs(self, queries: dict[str, tuple[str, Sequence[Any] | None]]) -> pd.DataFrame:
        """Run each named query; bytes scanned, time and what Athena would bill for it."""
        rows = []
        for label, (sql, params) in queries.items():
            stats = self.query(sql, params).statistics
            rows.append({"query": label, "bytes_scanned": stats.data_scanned_bytes,
                         "engine_ms": stats.engine_ms,
                         "cost_usd": athena_cost_usd(stats.data_scanned_bytes)})
        return pd.DataFrame(rows, columns=["query", "bytes_scanned", "engine_ms", "cost_usd"])

    # monitoring ------------------------------------------------------------------------------
    def alarms(self) -> pd.DataFrame:
        """Current state of the stack's alarms."""
        return monitoring.alarm_states_frame(prefix=f"{self.stack}-", target=self.target)

    def alarm_history(self) -> pd.DataFrame:
        """State changes of the stack's alarms, oldest first."""
        frame = monitoring.alarm_history_frame(target=self.target)
        frame = frame[frame["alarm"].str.startswith(f"{self.stack}-")]
        return frame.sort_values("timestamp").reset_index(drop=True)

    def alarm_timeline(self) -> pd.DataFrame:
        """The stack's alarm states over time, one column per alarm (for a step plot)."""
        return alarm_state_timeline(self.alarm_history())

    def plot_alarm_timeline(self, figsize: tuple[float, float] = (9, 3)) -> None:
        """Draw the alarm states over time as steps (the notebook shows the figure)."""
        timeline = self.alarm_timeline()
        if timeline.empty:
            _logger.info("no alarm history to draw")
            return
        ax = timeline.plot(drawstyle="steps-post", title="alarm states", figsize=figsize)
        ax.set_yticks(list(STATE_LEVELS.values()), list(STATE_LEVELS))
        ax.set_ylim(-0.25, 2.25)

    def dashboard(self, out: str | Path | None = None, hours: float = 1.0) -> Path:
        """Render the stack's CloudWatch dashboard to a PNG (build/notebooks/ by default)."""
        path = Path(out) if out else self.build_dir / "notebooks" / f"{self.stack}-dashboard.png"
        return monitoring.build_dashboard(self.stack, path, hours, self.target)

    def freshness(self) -> dict[str, Any]:
        """Newest raw object and its age: what the data-freshness alarm watches."""
        newest = max(zones.iter_objects(self.output("RawBucket"), target=self.target),
                     key=lambda o: o["LastModified"], default=None)
        if newest is None:
            return {"newest_object": None, "age_minutes": None}
        age = datetime.now(timezone.utc) - newest["LastModified"]
        return {"newest_object": newest["Key"], "age_minutes": round(age.total_seconds() / 60, 1)}

    # figures ---------------------------------------------------------------------------------
    def record(self, notebook: str, **figures: Any) -> dict:
        """Store a notebook's key figures in `{build}/notebooks/figures.json` (the notebook tests
        assert on them) and return them."""
        path = self.build_dir / "notebooks" / FIGURES_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps(merge_figures(existing, notebook, figures), indent=2,
                                   sort_keys=True, default=str) + "\n")
        return figures

    def figures(self) -> dict:
        path = self.build_dir / "notebooks" / FIGURES_FILE
        return json.loads(path.read_text()) if path.exists() else {}

    # teardown --------------------------------------------------------------------------------
    def teardown(self, keep_artifacts: bool = False) -> str:
        """Empty the buckets and delete the stack (`datalake destroy --yes`): calling this is
        the confirmation (a notebook has no terminal to ask on; notebook 10 guards the call
        with its DESTROY parameter). Returns what destroy printed."""
        from datalake.cli.deploy import run_destroy

        args = argparse.Namespace(stack_name=self.stack, target=self.target,
                                  keep_artifacts=keep_artifacts, timeout=3600.0,
                                  yes=True, retain_failed=False)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            run_destroy(args)
        return printed.getvalue().strip() or f"stack {self.stack} destroyed"

    def stop_local_cloud(self, data_dir: str | Path = PROJECT_ROOT / ".datalake" / "local") -> str:
        """Stop a local cloud started by `ensure_local_cloud` (its state is exported first)."""
        from localcloud import process

        instance = process.stop(Path(data_dir))
        return f"stopped {instance.endpoint}" if instance else "no local cloud recorded there"


# -- private helpers ------------------------------------------------------------------------------
def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _host_port(endpoint: str) -> tuple[str, int]:
    from urllib.parse import urlparse

    parsed = urlparse(endpoint)
    return parsed.hostname or "127.0.0.1", parsed.port or 4566


def _layer_resources() -> dict[str, list[str]]:
    """Logical ids each infra_gen layer adds, layer by layer in the template's own order."""
    from troposphere import Template

    from infra_gen import TemplateConfig
    from infra_gen.parameters import add_parameters
    from infra_gen.template import _LAYERS  # the one list of layers and their order

    template = Template()
    add_parameters(template, TemplateConfig())
    layers: dict[str, list[str]] = {}
    for add_layer in _LAYERS:
        before = set(template.resources)
        add_layer(template)
        added = sorted(set(template.resources) - before)
        if added:
            layers[add_layer.__name__.removeprefix("add_")] = added
    return layers


def _usage_plan_for(apigw, api_id: str) -> dict:
    for plan in apigw.get_usage_plans()["items"]:
        if any(stage.get("apiId") == api_id for stage in plan.get("apiStages", [])):
            return plan
    raise LookupError(f"no usage plan is attached to API {api_id}")


def _first_error(errors: list[dict]) -> str:
    if not errors:
        return ""
    first = errors[0]
    return f"{first.get('field')}: {first.get('rule')}"



def _progress(total: int, description: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=description, disable=not enabled, unit="event")


@contextlib.contextmanager
def _spinner(description: str):
    """A tqdm bar counting seconds while a long step runs (Glue jobs, pipeline executions)."""
    import threading

    from tqdm import tqdm

    stop = threading.Event()
    bar = tqdm(desc=description, unit="s", bar_format="{desc}: {n:.0f} s", mininterval=10)

    def tick() -> None:
        while not stop.wait(1.0):
            bar.update(1)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        bar.close()
