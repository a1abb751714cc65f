"""Observes successful S3 writes/deletes and queues Lambda invocations for matching
notification configurations (retries and failure logging are the Lambda async queue's)."""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid

from localcloud.s3events.calls import ObjectEvent, bucket_and_key, classify_call, post_upload_event
from localcloud.s3events.filters import matching_functions
from localcloud.s3events.records import build_record

_logger = logging.getLogger(__name__)

ORDER = 40
_CREDENTIAL = re.compile(r"Credential=([^/]+)/")


class Notifier:
    """Bucket notification configurations (cached) and the dispatch of events to Lambda."""

    def __init__(self, cloud) -> None:
        self.cloud = cloud
        self._configs: dict[str, dict] = {}
        self._lock = threading.Lock()

    def config(self, bucket: str) -> dict:
        with self._lock:
            if bucket in self._configs:
                return self._configs[bucket]
        s3 = self.cloud.client("s3")
        try:
            config = s3.get_bucket_notification_configuration(Bucket=bucket)
        except s3.exceptions.NoSuchBucket:
            config = {}
        with self._lock:
            self._configs[bucket] = config
        return config

    def invalidate(self, bucket: str | None = None) -> None:
        with self._lock:
            if bucket is None:
                self._configs.clear()
            else:
                self._configs.pop(bucket, None)

    def on_call(self, call, response) -> None:
        bucket, key = bucket_and_key(call.path, call.header("host"))
        if not key and call.method in ("PUT", "DELETE"):  # bucket-level change
            self.invalidate(bucket)
            return
        events = classify_call(call.method, call.path, call.query, call.headers, call.body,
                               response.headers)
        if not events and call.method == "POST" and not key and \
                "multipart/form-data" in (call.header("content-type") or ""):
            events = self._post_upload(call, bucket, response)
        for event in events:
            self.notify(event, call, response)

    def notify(self, event: ObjectEvent, call, response) -> None:
        targets = matching_functions(self.config(event.bucket), event.event_name, event.key)
        if not targets:
            return
        size, etag = None, None
        if event.event_name.startswith("ObjectCreated"):
            head = self._head(event)
            if head is None:
                return
            size, etag = head["ContentLength"], head["ETag"]
            event = ObjectEvent(event.event_name, event.bucket, event.key,
                                head.get("VersionId") if head.get("VersionId") != "null"
                                else event.version_id)
        auth = _CREDENTIAL.search(call.header("authorization") or "")
        for configuration_id, function_arn in targets:
            record = build_record(
                event_name=event.event_name, region=self.cloud.config.region,
                bucket=event.bucket, key=event.key, configuration_id=configuration_id,
                owner_id=self.cloud.config.account,
                principal_id=f"AWS:{auth.group(1) if auth else 'anonymous'}",
                source_ip=call.remote_addr,
                request_id=_header(response.headers, "x-amz-request-id") or uuid.uuid4().hex[:16],
                host_id=_header(response.headers, "x-amz-id-2") or uuid.uuid4().hex,
                size=size, etag=etag, version_id=event.version_id,
            )
            payload = json.dumps({"Records": [record]}).encode()
            self.cloud.services["lambda"].events.submit(function_arn, payload)
            _logger.debug("s3 %s s3://%s/%s -> %s", event.event_name, event.bucket, event.key,
                          function_arn)

    def _head(self, event: ObjectEvent) -> dict | None:
        s3 = self.cloud.client("s3")
        kwargs = {"Bucket": event.bucket, "Key": event.key}
        if event.version_id and event.version_id != "null":
            kwargs["VersionId"] = event.version_id
        try:
            return s3.head_object(**kwargs)
        except Exception:  # overwritten or deleted meanwhile; S3 would still send the event
            _logger.warning("object s3://%s/%s vanished before its event was sent",
                            event.bucket, event.key)
            return None

    def _post_upload(self, call, bucket: str, response) -> list[ObjectEvent]:
        import io

        from werkzeug.formparser import parse_form_data

        environ = {"wsgi.input": io.BytesIO(call.body), "CONTENT_LENGTH": str(len(call.body)),
                   "CONTENT_TYPE": call.header("content-type"), "REQUEST_METHOD": "POST"}
        _, form, files = parse_form_data(environ)
        if "key" not in form:
            return []
        upload = files.get("file")
        return [post_upload_event(bucket, form["key"], upload.filename if upload else None,
                                  _header(response.headers, "x-amz-version-id"))]


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _disable_moto_lambda_notifications() -> None:
    """moto tries to run the function itself through Docker on every notified write: ~0.7 s
    per PutObject spent failing to reach Docker. This plugin delivers those events instead."""
    from moto.s3 import notifications

    notifications._invoke_awslambda = lambda *args, **kwargs: None


def install(cloud) -> None:
    _disable_moto_lambda_notifications()
    notifier = Notifier(cloud)
    cloud.services["s3events"] = notifier
    cloud.registry.observe("s3", lambda call: call.method in ("PUT", "POST", "DELETE"),
                           notifier.on_call)
    cloud.registry.health("s3events", lambda: {"status": "ok"})
