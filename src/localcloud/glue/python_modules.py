"""`--additional-python-modules` as Glue treats it: the S3 wheels are fetched and pip-installed
with the job's `--python-modules-installer-option`, before the script starts; a wheel that is
missing or a dependency pip cannot resolve fails the run."""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_PIP_TIMEOUT_SECONDS = 300


class ModulesFailed(Exception):
    """The modules could not be installed: becomes the run's ErrorMessage."""


def module_wheels(args: dict[str, str]) -> list[str]:
    """The s3:// wheel URIs of `--additional-python-modules`, in order, without repeats."""
    wheels: list[str] = []
    for item in args.get("--additional-python-modules", "").split(","):
        item = item.strip()
        if item.startswith("s3://") and item.endswith(".whl") and item not in wheels:
            wheels.append(item)
    return wheels


def is_pure(uri: str) -> bool:
    """A wheel any Python can import from a zip (no compiled code): tag `none-any`."""
    return uri.endswith("-none-any.whl")


def pip_command(wheels: list[Path], options: str, target: Path) -> list[str]:
    """pip install of `wheels` into `target` with the job's installer options. `--isolated`:
    this machine's pip configuration (extra indexes, find-links) must not resolve what the
    job's own options would not find on Glue."""
    return [
        sys.executable, "-m", "pip", "install", "--isolated", "--disable-pip-version-check",
        "--quiet", "--no-compile", "--target", str(target), *shlex.split(options or ""),
        *[str(w) for w in wheels],
    ]


def install(wheels: list[Path], options: str, target: Path) -> None:
    """Install as Glue does before the script runs; ModulesFailed with pip's error."""
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(pip_command(wheels, options, target), capture_output=True,
                            text=True, timeout=_PIP_TIMEOUT_SECONDS)
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        reason = next((line for line in reversed(lines) if "ERROR" in line),
                      lines[-1] if lines else f"exit code {result.returncode}")
        raise ModulesFailed(
            f"Installation of Python modules failed (--additional-python-modules, installer "
            f"options {options!r}): {reason.strip()}"
        )


def install_cached(wheels: list[Path], options: str, cache: Path) -> Path:
    """`install` into `cache/<hash of the wheels' bytes and the options>`, once per content."""
    digest = hashlib.sha256(options.encode())
    for wheel in wheels:
        digest.update(wheel.name.encode() + b"\0" + wheel.read_bytes())
    target = cache / digest.hexdigest()[:16]
    if (target / ".complete").exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="install-", dir=cache))
    try:
        install(wheels, options, staging)
        (staging / ".complete").write_text("\n".join(w.name for w in wheels) + "\n")
        try:
            os.replace(staging, target)
        except OSError:
            pass  # a concurrent run installed the same set first
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
