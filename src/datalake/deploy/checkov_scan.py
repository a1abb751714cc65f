"""Scan a generated template with checkov (CloudFormation checks, offline: no Bridgecrew API key,
no download of its guidelines). `make lint` runs this through `datalake lint-checkov`; a finding
the template accepts carries its reason in the resource's Metadata (infra_gen/suppressions.py,
decision 139), so checkov prints it as SKIPPED; any other failure fails the lint."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

_logger = logging.getLogger(__name__)

# The arguments `make lint` documents (docs/deploy-aws.md, "Review fixes: checkov").
CHECKOV_ARGUMENTS = ("--framework", "cloudformation", "--quiet", "--compact", "--skip-download")


def checkov_executable() -> str:
    """checkov beside this interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "checkov"
    if beside.exists():
        return str(beside)
    found = shutil.which("checkov")
    if found is None:
        raise FileNotFoundError(
            "checkov is not installed: pip install -e '.[dev]' (pinned in pyproject.toml)"
        )
    return found


def checkov_command(template: Path, executable: str) -> list[str]:
    """The checkov command line for one template file (pure)."""
    return [executable, "-f", str(template), *CHECKOV_ARGUMENTS]


def scan_template(
    template: Path,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    executable: str | None = None,
) -> int:
    """Run checkov on `template`, its report going to this process's output; checkov's exit
    code: 0 when every check passed or was skipped with a reason, 1 on any other failure."""
    if not template.exists():
        raise FileNotFoundError(f"{template} does not exist: run `datalake synth` first")
    command = checkov_command(template, executable or checkov_executable())
    _logger.info("running %s", " ".join(command))
    return run(command, check=False).returncode
