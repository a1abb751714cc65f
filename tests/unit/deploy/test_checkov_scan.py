"""checkov on the generated template (`make lint`, decision 139): the command line, and the exit
code passed through."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from datalake.deploy.checkov_scan import checkov_command, scan_template


def test_command_is_offline_cloudformation_only():
    assert checkov_command(Path("build/template.json"), "/venv/bin/checkov") == [
        "/venv/bin/checkov",
        "-f",
        "build/template.json",
        "--framework",
        "cloudformation",
        "--quiet",
        "--compact",
        "--skip-download",
    ]


@pytest.mark.parametrize("returncode", [0, 1])
def test_scan_runs_the_command_and_returns_checkov_exit_code(tmp_path, returncode):
    template = tmp_path / "template.json"
    template.write_text("{}")
    calls = []

    def run(command, check):
        calls.append((command, check))
        return subprocess.CompletedProcess(command, returncode)

    assert scan_template(template, run=run, executable="ck") == returncode
    assert calls == [(checkov_command(template, "ck"), False)]


def test_a_missing_template_says_to_synth_first(tmp_path):
    with pytest.raises(FileNotFoundError, match="datalake synth"):
        scan_template(tmp_path / "none.json", run=None, executable="ck")
