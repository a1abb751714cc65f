"""`datalake demo --local-files` on a small event count: every zone printed and reconciled."""

from __future__ import annotations

import re

import pytest

from datalake.cli.main import main

pytestmark = pytest.mark.spark


def test_demo_local_files_prints_reconciled_zones(spark, tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--local-files", "--events", "400", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "raw:        400 events" in text
    assert re.search(r"reconcile:  processed \+ quarantine = 400 of 400 raw events \[ok\]", text)
    assert re.search(r"run 2: .*already written by an earlier run: [1-9]", text)
    assert "curated:    daily_summary" in text and "source_statistics:" in text
    for source in ("iot", "web", "mobile"):
        assert re.search(rf"^{source}\s+2026\s+11\s", text, re.MULTILINE)
    assert (out / "raw").is_dir()
    assert list((out / "processed" / "processed_data").rglob("*.parquet"))
    assert list((out / "curated" / "source_statistics").rglob("*.parquet"))
