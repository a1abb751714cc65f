"""Security of the deployed lake on the local cloud.

- No request without a valid API key (API_KEY mode) or a valid SigV4 signature (IAM mode)
  reaches the ingestion Lambda: its START lines in CloudWatch Logs do not move.
- API keys never appear in any log group nor in the local cloud's log file.
- The local cloud listens on 127.0.0.1 unless told otherwise.
- Query helpers bind user values as parameters (live through the local Athena, and no
  `execute(...)` in the package gets SQL built by f-string, concatenation or format).

Template checks (public access block, TLS-only policies, encryption, no wildcard actions) live
in tests/unit/infra_gen/test_storage.py and test_security.py; `test_deployed_buckets_...` here
checks the same properties on the buckets as deployed.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import time
import uuid
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

pytestmark = pytest.mark.slow

EVENT = {"source": "iot", "event_type": "reading", "timestamp": "2026-11-25T10:00:00Z",
         "data": {"device_id": "sec-1"}}
SRC = Path(__file__).resolve().parents[2] / "src" / "datalake"


def _starts(stack) -> int:
    """Invocations of the ingestion Lambda so far (START lines of its log group)."""
    logs = stack.cloud.client("logs")
    group = f"/aws/lambda/{stack.outputs['IngestionFunctionName']}"
    total, kwargs = 0, {"logGroupName": group, "filterPattern": '"START RequestId"'}
    try:
        for page in logs.get_paginator("filter_log_events").paginate(**kwargs):
            total += sum(e["message"].startswith("START") for e in page["events"])
    except logs.exceptions.ResourceNotFoundException:
        return 0
    return total


def _settled_starts(stack) -> int:
    """Logs are shipped in the background: wait until two reads agree."""
    previous = -1
    for _ in range(20):
        time.sleep(0.6)
        current = _starts(stack)
        if current == previous:
            return current
        previous = current
    return current


def _post(url, headers, body=None):
    return requests.post(url, data=json.dumps(body or EVENT).encode(),
                         headers={"Content-Type": "application/json", **headers}, timeout=60)


def test_requests_without_a_valid_key_never_reach_the_lambda(stack):
    ok = _post(stack.ingest_url, {"x-api-key": stack.api_key})  # warm + control
    assert ok.status_code == 200, ok.text
    before = _settled_starts(stack)
    assert before >= 1
    apigw = stack.cloud.client("apigateway")
    disabled = apigw.create_api_key(name=f"disabled-{uuid.uuid4().hex[:6]}", enabled=False)
    unplanned = apigw.create_api_key(name=f"noplan-{uuid.uuid4().hex[:6]}", enabled=True)
    # (a valid, enabled key that is in no usage plan of the stage)
    for headers in ({}, {"x-api-key": ""}, {"x-api-key": "not-a-key-" + "x" * 30},
                    {"x-api-key": stack.api_key[:-1]}, {"x-api-key": stack.api_key.upper()},
                    {"x-api-key": disabled["value"]}, {"x-api-key": unplanned["value"]},
                    {"X-API-KEY": "wrong"}, {"Authorization": f"Bearer {stack.api_key}"}):
        reply = _post(stack.ingest_url, headers)
        assert reply.status_code == 403, (headers, reply.status_code, reply.text)
        assert reply.json()["message"] == "Forbidden"
    assert _settled_starts(stack) == before, "a request without a valid key reached the Lambda"
    ok = _post(stack.ingest_url, {"x-api-key": stack.api_key})
    assert ok.status_code == 200
    assert _settled_starts(stack) == before + 1  # the count does see invocations


def _signed(url: str, body: bytes, key: str, secret: str, when: datetime | None = None) -> dict:
    request = AWSRequest(method="POST", url=url, data=body,
                         headers={"Content-Type": "application/json"})
    signer = SigV4Auth(Credentials(key, secret), "execute-api", "us-east-1")
    if when:  # sign as if it were `when` (an old signature)
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            signer.add_auth(request)
    else:
        signer.add_auth(request)
    return dict(request.headers)


@pytest.fixture(scope="module")
def iam_stack(cli):
    name = "reliam" + uuid.uuid4().hex[:5]
    cli("deploy", "--target", "local", "--stack-name", name, "--param", "ApiAuthMode=IAM",
        timeout=600)
    outputs = json.loads((Path(os.environ["DATALAKE_BUILD_DIR"]) / name /
                          "outputs.json").read_text())
    return outputs


def test_iam_mode_refuses_unsigned_and_badly_signed_requests(cloud, iam_stack):
    outputs = iam_stack
    url = f"{outputs['ApiUrl']}/ingest"
    function = outputs["IngestionFunctionName"]

    class View:  # what _starts needs
        pass

    view = View()
    view.cloud, view.outputs = cloud, {"IngestionFunctionName": function}
    body = json.dumps(EVENT).encode()
    good = requests.post(url, data=body, headers=_signed(url, body, "test", "test"), timeout=60)
    assert good.status_code == 200, good.text
    before = _settled_starts(view)
    tampered = _signed(url, body, "test", "test")
    cases = {
        "unsigned": {"Content-Type": "application/json"},
        "unknown key": _signed(url, body, "AKIDUNKNOWN000000000", "secret"),
        "wrong secret": _signed(url, body, "test", "not-the-secret"),
        "expired": _signed(url, body, "test", "test", when=datetime(2020, 1, 1)),
        "malformed": {"Content-Type": "application/json", "Authorization": "AWS4-HMAC-SHA256 x",
                      "X-Amz-Date": tampered["X-Amz-Date"]},
    }
    for name, headers in cases.items():
        reply = requests.post(url, data=body, headers=headers, timeout=60)
        assert reply.status_code == 403, (name, reply.status_code, reply.text)
    # a valid signature over another body: the signature does not match
    reply = requests.post(url, data=body + b" ", headers=tampered, timeout=60)
    assert reply.status_code == 403, reply.text
    assert _settled_starts(view) == before, "an unauthenticated request reached the Lambda"


def _all_log_text(cloud) -> str:
    logs, chunks = cloud.client("logs"), []
    for page in logs.get_paginator("describe_log_groups").paginate():
        for group in page["logGroups"]:
            for events in logs.get_paginator("filter_log_events").paginate(
                    logGroupName=group["logGroupName"]):
                chunks += [e["message"] for e in events["events"]]
    return "\n".join(chunks)


def test_api_keys_never_appear_in_any_log(stack):
    wrong = "wrong-key-" + uuid.uuid4().hex
    assert _post(stack.ingest_url, {"x-api-key": stack.api_key}).status_code == 200
    assert _post(stack.ingest_url, {"x-api-key": wrong}).status_code == 403
    bad = _post(stack.ingest_url, {"x-api-key": stack.api_key}, {"source": "../x"})
    assert bad.status_code == 400
    _settled_starts(stack)
    text = _all_log_text(stack.cloud)
    assert "START RequestId" in text  # the logs were read
    assert stack.api_key not in text and wrong not in text
    local_log = stack.cloud.log_file.read_text(encoding="utf-8", errors="replace")
    assert local_log and stack.api_key not in local_log and wrong not in local_log


def test_local_cloud_listens_on_loopback_only(cloud):
    instance = json.loads((cloud.data_dir / "localcloud.json").read_text())
    assert instance["host"] == "127.0.0.1"
    from localcloud import CloudConfig

    assert CloudConfig().host == "127.0.0.1"
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{cloud.port}"], capture_output=True,
                               text=True, check=False).stdout
    if listening.strip():
        assert all(f"127.0.0.1:{cloud.port}" in line for line in listening.splitlines()), \
            listening
    other = [a for a in subprocess.run(["hostname", "-I"], capture_output=True, text=True,
                                       check=False).stdout.split() if ":" not in a]
    for address in other:
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((address, cloud.port)) != 0, f"reachable on {address}"


def test_query_helpers_bind_user_values(stack):
    from datalake.query import run_query, to_literal

    hostile = "x' OR '1'='1"
    assert to_literal(hostile) == "'x'' OR ''1''=''1'"
    result = run_query("SELECT ? AS v, ? AS n", [hostile, 3], stack=stack.name, target="local")
    assert result.frame.to_dict("records") == [{"v": hostile, "n": 3}]


def _sql_built_by_string_operations(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                "execute", "executemany", "start_query_execution") and (node.args or node.keywords):
            arg = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg in ("sql", "QueryString", "operation")),
                None)
            dynamic = isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                isinstance(arg, ast.Call) and getattr(arg.func, "attr", "") == "format")
            if dynamic:
                lines.append(node.lineno)
    return lines


def test_no_sql_is_built_from_strings_in_the_package():
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        found = _sql_built_by_string_operations(ast.parse(path.read_text(), str(path)))
        if found:
            offenders[str(path.relative_to(SRC))] = found
    assert not offenders, f"SQL built by string operations passed to execute: {offenders}"


def test_deployed_buckets_block_public_access_encrypt_and_deny_plain_http(stack):
    s3 = stack.s3()
    for output in ("RawBucket", "ProcessedBucket", "CuratedBucket", "AccessLogsBucket"):
        bucket = stack.outputs[output]
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values()) and len(block) == 4, (bucket, block)
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
        assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in (
            "AES256", "aws:kms")
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        assert any(st["Effect"] == "Deny" and st.get("Condition", {}).get("Bool", {}).get(
            "aws:SecureTransport") == "false" for st in policy["Statement"]), bucket
