"""State that survives `datalake local down` → `up`: exported through the services' public APIs
into a directory (one module per service), restored into a fresh local cloud.

`archive.export_state(cloud, dir)` / `archive.import_state(cloud, dir)` run inside the local
cloud process (the `/_datalake/state/*` routes and `python -m localcloud` call them).
"""

from __future__ import annotations

from pathlib import Path


def state_dir(data_dir: Path) -> Path:
    """Where `down` exports and `up` restores: `{data_dir}/state`."""
    return Path(data_dir) / "state"
