"""Task counts of a finished run from Spark's event log (what Glue's job metrics report)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path


def count_tasks(lines: Iterable[str]) -> dict[str, int]:
    """Completed and failed tasks, and completed stages, in event-log JSON lines."""
    counts = {"numCompletedTasks": 0, "numFailedTasks": 0, "numCompletedStages": 0}
    for line in lines:
        if '"SparkListenerTaskEnd"' in line:
            reason = (json.loads(line).get("Task End Reason") or {}).get("Reason")
            counts["numCompletedTasks" if reason == "Success" else "numFailedTasks"] += 1
        elif '"SparkListenerStageCompleted"' in line:
            info = json.loads(line).get("Stage Info") or {}
            if not info.get("Failure Reason"):
                counts["numCompletedStages"] += 1
    return counts


def read_task_counts(folder: Path) -> dict[str, int] | None:
    """Counts over every event log in `folder`; None when Spark wrote none (it never started)."""
    files = [p for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    if not files:
        return None
    total: dict[str, int] = {}
    for path in files:
        with open(path, errors="replace") as handle:
            for key, value in count_tasks(handle).items():
                total[key] = total.get(key, 0) + value
    return total
