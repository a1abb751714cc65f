"""boto3 clients that hand each request to this local cloud's WSGI application in this process.

The request is the one botocore would send over HTTP, and the local cloud answers it exactly as
it answers a socket (routing, plugin handlers, interceptors, observers such as S3 notifications,
moto), without the socket, the HTTP server's thread and its parsing: about half of a small
PutObject's 4 ms. The local Athena writes its result files and metrics with them (decision 115).
"""

from __future__ import annotations

import io
import logging
import threading
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse
from werkzeug.test import EnvironBuilder

from localcloud.clients import new_client

_logger = logging.getLogger(__name__)


class InProcessClients:
    """One cached in-process boto3 client per service for `cloud` (a LocalCloud)."""

    def __init__(self, cloud: Any):
        self._cloud = cloud
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str):
        client = self._clients.get(service)
        if client is None:
            with self._lock:
                client = self._clients.get(service)
                if client is None:
                    client = self._clients[service] = self._create(service)
        return client

    def _create(self, service: str):
        config = self._cloud.config
        client = new_client(service, config.endpoint, config.region)
        client.meta.events.register("before-send", self._send)
        return client

    def _send(self, request, **_: Any) -> AWSResponse:
        """Answer botocore's prepared request with the local cloud's WSGI answer."""
        url = urlsplit(request.url)
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        headers = [(k, v.decode() if isinstance(v, bytes) else v)
                   for k, v in request.headers.items()]
        environ = EnvironBuilder(
            method=request.method, path=url.path, query_string=url.query,
            headers=headers, data=body or b"",
            base_url=f"{url.scheme}://{url.netloc}",
        ).get_environ()
        answer: dict[str, Any] = {}

        def start_response(status: str, headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), headers

        chunks = self._cloud(environ, start_response)
        data = b"".join(chunks)
        return AWSResponse(request.url, answer["status"], dict(answer["headers"]), _Raw(data))


class _Raw:
    """The raw body botocore reads (streamed operations read it, the others stream it)."""

    def __init__(self, data: bytes):
        self._buffer = io.BytesIO(data)

    def stream(self, amt: int | None = None, decode_content: bool = False):
        while True:
            chunk = self._buffer.read(amt or 65536)
            if not chunk:
                return
            yield chunk

    def read(self, amt: int | None = None, decode_content: bool = False) -> bytes:
        return self._buffer.read(amt) if amt is not None else self._buffer.read()

    def close(self) -> None:
        self._buffer.close()
