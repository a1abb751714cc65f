"""Settings of one local cloud process: where it listens, where it keeps state, its clock."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 4566
DEFAULT_ACCOUNT = "123456789012"  # moto's default account id
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class CloudConfig:
    """Everything a LocalCloud needs to start; plugins read what concerns them."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = Path(".datalake/local")
    region: str = DEFAULT_REGION
    account: str = DEFAULT_ACCOUNT
    # Simulated seconds per real second for schedules and alarm windows (1 = real time).
    time_scale: float = 1.0
    # Optional fault injection settings (off by default); see docs/localcloud.md.
    faults: dict = field(default_factory=dict)
    # Account-wide Lambda concurrency limit (AWS's default quota is 1000).
    lambda_concurrency: int = 1000

    def __post_init__(self) -> None:
        # Workers chdir into folders below data_dir: a relative path would break there.
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())

    @property
    def endpoint(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def child_env(self) -> dict[str, str]:
        """Environment for processes we start (Lambda workers, Spark drivers): AWS calls local."""
        env = dict(os.environ)
        env.update(
            AWS_ENDPOINT_URL=self.endpoint,
            AWS_ACCESS_KEY_ID=env.get("AWS_ACCESS_KEY_ID", "test"),
            AWS_SECRET_ACCESS_KEY=env.get("AWS_SECRET_ACCESS_KEY", "test"),
            AWS_DEFAULT_REGION=self.region,
            AWS_REGION=self.region,
        )
        return env
