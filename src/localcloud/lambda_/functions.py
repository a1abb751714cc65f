"""What the runtime needs to know about a function: its configuration and its unpacked code.

Configuration comes from moto through the public GetFunction API. The package bytes have no
public download in moto (its Code.Location is a fake URL), so they are read from moto's
in-process Lambda backend once per CodeSha256 and unpacked under the data directory.
"""

from __future__ import annotations

import io
import logging
import shutil
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from localcloud.lambda_.errors import InvalidParameterValue, ResourceNotFound

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FunctionSpec:
    """One function version as the runtime runs it."""

    name: str
    arn: str
    handler: str
    runtime: str
    timeout: int
    memory: int
    code_sha: str
    version: str = "$LATEST"
    environment: dict[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.name}"

    @property
    def revision(self) -> tuple:
        """Changes whenever code or configuration changes: warm workers of an older revision
        are retired (as AWS does after UpdateFunctionCode/Configuration)."""
        return (self.code_sha, self.handler, self.timeout, self.memory,
                tuple(sorted(self.environment.items())))


def spec_from_api(response: dict) -> FunctionSpec:
    """Build a FunctionSpec from a GetFunction response."""
    conf = response["Configuration"]
    if conf.get("PackageType", "Zip") != "Zip":
        raise InvalidParameterValue("Only Zip packages run locally (no container images).")
    return FunctionSpec(
        name=conf["FunctionName"],
        arn=conf["FunctionArn"],
        handler=conf.get("Handler") or "",
        runtime=conf.get("Runtime") or "",
        timeout=int(conf.get("Timeout") or 3),
        memory=int(conf.get("MemorySize") or 128),
        code_sha=conf.get("CodeSha256") or "",
        version=conf.get("Version") or "$LATEST",
        environment=dict((conf.get("Environment") or {}).get("Variables") or {}),
        reserved_concurrency=(response.get("Concurrency") or {}).get(
            "ReservedConcurrentExecutions"
        ),
    )


def split_function_ref(ref: str) -> tuple[str, str | None]:
    """(name, qualifier) from a name, `name:qualifier`, or a (partial) function ARN."""
    parts = ref.split(":")
    if ref.startswith("arn:"):
        # arn:aws:lambda:region:account:function:name[:qualifier]
        if len(parts) < 7:
            raise InvalidParameterValue(f"Invalid function ARN: {ref}")
        return parts[6], (parts[7] if len(parts) > 7 else None)
    if len(parts) == 3 and parts[1] == "function":  # account:function:name
        return parts[2], None
    if len(parts) == 2:
        return parts[0], parts[1]
    return ref, None


class CodeStore:
    """Unpacked function packages under `root`, one folder per CodeSha256."""

    def __init__(self, root: Path, account: str, region: str) -> None:
        self.root = Path(root)
        self.account = account
        self.region = region
        self._lock = threading.Lock()

    def code_dir(self, spec: FunctionSpec) -> Path:
        """The folder holding the function's unpacked package (unpacked on first use)."""
        safe = spec.code_sha.replace("/", "_").replace("+", "-").rstrip("=") or "empty"
        target = self.root / spec.name / safe
        with self._lock:
            if not (target / ".complete").exists():
                data = self._code_bytes(spec.name)
                _unpack(data, target)
        return target

    def _code_bytes(self, name: str) -> bytes:
        from moto.awslambda.models import lambda_backends

        try:
            fn = lambda_backends[self.account][self.region].get_function(name)
        except Exception as error:
            raise ResourceNotFound(f"Function not found: {name}") from error
        data = getattr(fn, "code_bytes", b"")
        if not data:
            raise InvalidParameterValue(f"Function {name} has no code package")
        return data


def _unpack(data: bytes, target: Path) -> None:
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(tmp)
    except zipfile.BadZipFile as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InvalidParameterValue(f"Could not unzip the function package: {error}") from error
    (tmp / ".complete").write_text("ok")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
