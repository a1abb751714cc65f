"""CloudWatch's three wire protocols for the calls we read or answer ourselves: JSON 1.0,
query (form in, XML out) and smithy rpc-v2-cbor (boto3 ≥ 1.40 may pick it)."""

from __future__ import annotations

import json
import math
import re
import struct
from datetime import datetime, timezone
from typing import Any
from xml.sax.saxutils import escape

from localcloud.registry import Response
from localcloud.routing import ApiCall

_XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/"
_INDEX = re.compile(r"^\d+$")


def request_params(call: ApiCall) -> dict:
    """The call's parameters as one nested dict, whatever the protocol."""
    if call.protocol == "cbor":
        return decode_cbor(call.body) if call.body else {}
    if call.protocol == "query":
        return unflatten_query(call.form())
    return call.json()


def decode_cbor(data: bytes) -> Any:
    from botocore.parsers import RpcV2CBORParser

    parser = RpcV2CBORParser()
    return parser.parse_data_item(parser.get_peekable_stream_from_bytes(data))


def unflatten_query(form: dict[str, str]) -> dict:
    """'MetricData.member.1.Dimensions.member.2.Name=x' → nested dicts and lists."""
    root: dict = {}
    for key, value in form.items():
        if key in ("Action", "Version"):
            continue
        parts = [p for p in key.split(".") if p not in ("member", "entry")]
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and _INDEX.match(parts[i + 1])
            if _INDEX.match(part):
                index = int(part) - 1
                while len(node) <= index:
                    node.append({} if not last else None)
                if last:
                    node[index] = value
                else:
                    if node[index] is None or (nxt_is_index and not isinstance(node[index], list)):
                        node[index] = [] if nxt_is_index else {}
                    node = node[index]
            elif last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if nxt_is_index else {})
    return root


def reply(call: ApiCall, operation: str, result: dict) -> Response:
    """`result` encoded for the caller's protocol."""
    if call.protocol == "cbor":
        return Response(
            200,
            {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"},
            encode_cbor(result),
        )
    if call.protocol == "query":
        body = (
            f'<{operation}Response xmlns="{_XMLNS}"><{operation}Result>{_xml(result)}'
            f"</{operation}Result><ResponseMetadata><RequestId>localcloud</RequestId>"
            f"</ResponseMetadata></{operation}Response>"
        )
        return Response(200, {"Content-Type": "text/xml"}, body.encode())
    return Response.json(_epochs(result), content_type="application/x-amz-json-1.0")


def _epochs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _epochs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_epochs(v) for v in value]
    if isinstance(value, datetime):
        return value.timestamp()
    return value


def _xml(value: Any) -> str:
    if isinstance(value, dict):
        return "".join(f"<{k}>{_xml(v)}</{k}>" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return "".join(f"<member>{_xml(v)}</member>" for v in value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def encode_cbor(value: Any) -> bytes:
    """A minimal CBOR encoder (maps, arrays, text, ints, floats, bools, null, timestamps)."""
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _head(major: int, length: int, out: bytearray) -> None:
    if length < 24:
        out.append(major << 5 | length)
    elif length < 1 << 8:
        out += bytes([major << 5 | 24, length])
    elif length < 1 << 16:
        out.append(major << 5 | 25)
        out += struct.pack(">H", length)
    elif length < 1 << 32:
        out.append(major << 5 | 26)
        out += struct.pack(">I", length)
    else:
        out.append(major << 5 | 27)
        out += struct.pack(">Q", length)


def _encode(value: Any, out: bytearray) -> None:
    if value is None:
        out.append(0xF6)
    elif isinstance(value, bool):
        out.append(0xF5 if value else 0xF4)
    elif isinstance(value, int):
        _head(0, value, out) if value >= 0 else _head(1, -1 - value, out)
    elif isinstance(value, float):
        out.append(0xFB)
        out += struct.pack(">d", value if not math.isnan(value) else float("nan"))
    elif isinstance(value, str):
        data = value.encode()
        _head(3, len(data), out)
        out += data
    elif isinstance(value, bytes):
        _head(2, len(value), out)
        out += value
    elif isinstance(value, datetime):
        out.append(0xC1)  # tag 1: epoch seconds
        _encode(value.timestamp(), out)
    elif isinstance(value, (list, tuple)):
        _head(4, len(value), out)
        for item in value:
            _encode(item, out)
    elif isinstance(value, dict):
        _head(5, len(value), out)
        for key, item in value.items():
            _encode(str(key), out)
            _encode(item, out)
    else:
        _encode(json.loads(json.dumps(value, default=str)), out)
