"""The one endpoint: routes each request to a plugin's handler or to moto, then runs observers."""

from __future__ import annotations

import gzip
import importlib
import io
import logging
import pkgutil
import threading
import time
from typing import Any

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

import localcloud
from localcloud.clients import INTERNAL_AGENT, local_client
from localcloud.config import CloudConfig
from localcloud.errors import AwsError, NotImplementedOperation, render_error
from localcloud.registry import Registry, Response
from localcloud.routing import ApiCall, error_protocol, identify_call

_logger = logging.getLogger(__name__)

# Services whose state and remaining operations moto answers. Anything else is refused loudly.
MOTO_SERVICES = frozenset(
    {
        "s3", "lambda", "apigateway", "glue", "athena", "stepfunctions", "events", "cloudwatch",
        "logs", "sns", "sqs", "iam", "sts", "kms", "scheduler", "cloudformation", "moto_api",
    }
)


class LocalCloud:
    """A WSGI application plus its server thread. Plugins are the packages of `localcloud`
    that have a `plugin` module with `install(cloud)`; they are installed in ORDER order."""

    def __init__(self, config: CloudConfig | None = None, plugins: list[str] | None = None):
        self.config = config or CloudConfig()
        self.registry = Registry()
        self._moto = DomainDispatcherApplication(create_backend_app)
        self._server = None
        self._thread: threading.Thread | None = None
        self.started_at = time.time()
        # Objects plugins publish for each other (e.g. "lambda": the runtime that invokes
        # functions, "telemetry": the CloudWatch Logs/metrics shipper).
        self.services: dict[str, Any] = {}
        self.plugin_errors: dict[str, str] = {}
        self._flight = threading.Condition()
        self._in_flight = 0
        self._draining = False
        self._restoring = False
        self.plugin_names = self._install_plugins(plugins)

    # -- plugins -------------------------------------------------------------------------------
    def _install_plugins(self, names: list[str] | None) -> list[str]:
        if names is None:
            names = [
                m.name
                for m in pkgutil.iter_modules(localcloud.__path__)
                if m.ispkg and importlib.util.find_spec(f"localcloud.{m.name}.plugin")
            ]
            strict = False
        else:
            strict = True
        modules = []
        for name in names:
            try:
                modules.append(importlib.import_module(f"localcloud.{name}.plugin"))
            except Exception as error:
                if strict:
                    raise
                # One broken plugin must not take the whole endpoint down: its service
                # reports the error in /_datalake/health instead.
                _logger.exception("plugin %s failed to import", name)
                self.plugin_errors[name] = f"{type(error).__name__}: {error}"
        modules.sort(key=lambda m: getattr(m, "ORDER", 100))
        installed = []
        for module in modules:
            name = module.__name__.split(".")[1]
            try:
                module.install(self)
                installed.append(name)
            except Exception as error:
                if strict:
                    raise
                _logger.exception("plugin %s failed to install", name)
                self.plugin_errors[name] = f"{type(error).__name__}: {error}"
        return installed

    def client(self, service: str):
        """A boto3 client to this cloud itself (how plugins read and write moto's state)."""
        return local_client(service, self.config.endpoint, self.config.region)

    # -- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response):
        request = Request(environ)
        body = request.get_data(cache=True)
        headers = dict(request.headers)
        call = identify_call(
            request.method, request.path, environ.get("QUERY_STRING", ""), headers, body,
        )
        if call.service != "s3" and headers.get("Content-Encoding", "").lower() == "gzip":
            # botocore gzips large request bodies (request compression, e.g. PutMetricData);
            # for S3, Content-Encoding is the object's metadata and the body stays as sent.
            body = gzip.decompress(body)
            headers.pop("Content-Encoding")
            environ = dict(environ)
            environ.pop("HTTP_CONTENT_ENCODING", None)
            call = identify_call(
                request.method, request.path, environ.get("QUERY_STRING", ""), headers, body,
            )
        call.raw_headers = list(request.headers.items())
        call.remote_addr = request.remote_addr or "127.0.0.1"
        # Calls of the cloud's own clients and its /_datalake routes are never refused; every
        # other request counts as in flight, so that `drain` can wait for them.
        external = INTERNAL_AGENT not in headers.get("User-Agent", "") and \
            not request.path.startswith("/_datalake/")
        try:
            if external:
                self._enter()
            try:
                response = self.dispatch(call, environ)
            finally:
                if external:
                    self._leave()
        except AwsError as error:
            response = Response(*render_error(error, error_protocol(call)))
        except Exception as error:  # a bug of ours: answer like AWS's InternalFailure, log it
            _logger.exception("internal error on %s %s", call.service, call.operation or call.path)
            response = Response(
                *render_error(AwsError(str(error), "InternalFailure", 500), error_protocol(call))
            )
        length = str(len(response.body))
        if request.method == "HEAD":  # a HEAD answer has no body but the GET's length
            length = next((v for k, v in response.headers.items()
                           if k.lower() == "content-length"), length)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        headers.append(("Content-Length", length))
        start_response(f"{response.status} {_reason(response.status)}", headers)
        return [response.body] if request.method != "HEAD" else [b""]

    def _enter(self) -> None:
        with self._flight:
            if self._draining:
                raise AwsError("The local cloud is stopping; retry the request.",
                               "ServiceUnavailable", 503)
            if self._restoring:
                raise AwsError("The local cloud is restoring its state; retry the request.",
                               "ServiceUnavailable", 503)
            self._in_flight += 1

    def hold(self, restoring: bool = True) -> None:
        """While `restoring`, refuse client requests with 503 (SDKs retry): a request served
        from half-restored state would get a wrong answer (e.g. 403 for an API not yet back).
        The cloud's own calls (the restore itself) and /_datalake routes still pass."""
        with self._flight:
            self._restoring = restoring

    def _leave(self) -> None:
        with self._flight:
            self._in_flight -= 1
            self._flight.notify_all()

    def drain(self, timeout: float = 60.0) -> bool:
        """Refuse new client requests (503, which SDKs retry) and wait until the ones in flight
        have been answered, so that a state export after it misses no acknowledged write."""
        with self._flight:
            self._draining = True
            return self._flight.wait_for(lambda: self._in_flight == 0, timeout)

    def dispatch(self, call: ApiCall, environ: dict[str, Any]) -> Response:
        found = self.registry.find_route(call.method, call.path)
        if found:
            handler, params = found
            call.route_params = params
            return handler(call)
        for intercept in self.registry.matching_interceptors(call):
            early = intercept(call)
            if early is not None:
                return early
        handler = self.registry.operations.get((call.service or "", call.operation or ""))
        if handler:
            return handler(call)
        if call.service is not None and call.service not in MOTO_SERVICES:
            raise NotImplementedOperation(
                f"The local cloud does not emulate {call.service}:{call.operation or call.path}"
            )
        response = self._forward_to_moto(environ, call.body)
        if response.status < 300:
            for observer in self.registry.matching_observers(call):
                try:
                    observer(call, response)
                except Exception:  # an observer's failure must not fail the client's call
                    _logger.exception("observer failed for %s %s", call.service, call.path)
        return response

    def _forward_to_moto(self, environ: dict[str, Any], body: bytes) -> Response:
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(body)
        env["CONTENT_LENGTH"] = str(len(body))
        env.pop("HTTP_TRANSFER_ENCODING", None)
        captured: dict[str, Any] = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        chunks = self._moto(env, start_response)
        data = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        status = int(captured["status"].split()[0])
        return Response(status, dict(captured["headers"]), data)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Serve on config.host:config.port in a background thread, then run plugin starters."""
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = make_server(self.config.host, self.config.port, self, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        for fn in self.registry.starters:
            fn()

    def stop(self) -> None:
        for fn in reversed(self.registry.stoppers):
            try:
                fn()
            except Exception:
                _logger.exception("stopper failed")
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def health(self) -> dict[str, Any]:
        services = {}
        for name, check in self.registry.health_checks.items():
            try:
                services[name] = check()
            except Exception as error:
                services[name] = {"status": "error", "error": str(error)}
        return {
            "status": "running",
            "endpoint": self.config.endpoint,
            "uptime_seconds": round(time.time() - self.started_at, 1),
            "plugins": self.plugin_names,
            "services": services,
            **({"plugin_errors": dict(self.plugin_errors)} if self.plugin_errors else {}),
        }


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
