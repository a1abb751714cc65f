"""Job bookmark entries per job: what GetJobBookmark shows and what the next run starts from.

The per-source state inside is produced by the awsglue shim (`awsglue/_bookmarks.py`) and
committed here only when a run that called `job.commit()` succeeded.
"""

from __future__ import annotations

import json
import threading

from localcloud.glue.errors import EntityNotFound


class BookmarkStore:
    """JobBookmarkEntry per job name; thread-safe; exported with the cloud's state."""

    def __init__(self) -> None:
        self._entries: dict[str, dict] = {}
        self._lock = threading.Lock()

    def sources(self, job_name: str) -> dict:
        """The committed per-source states ({transformation_ctx: state}) for the next run."""
        with self._lock:
            entry = self._entries.get(job_name)
            return dict(entry["sources"]) if entry else {}

    def commit(self, job_name: str, run_id: str, attempt: int, sources: dict) -> None:
        """Record a successful run's committed sources; Run counts committed runs."""
        with self._lock:
            entry = self._entries.get(job_name) or {
                "Version": 0, "Run": 0, "RunId": None, "sources": {},
            }
            self._entries[job_name] = {
                "Version": entry["Version"] + 1,
                "Run": entry["Run"] + 1,
                "Attempt": attempt,
                "PreviousRunId": entry["RunId"],
                "RunId": run_id,
                "sources": sources,
            }

    def get(self, job_name: str) -> dict:
        """GetJobBookmark's JobBookmarkEntry."""
        with self._lock:
            entry = self._entries.get(job_name)
            if entry is None:
                # AWS's wording for a job that never committed a bookmark.
                raise EntityNotFound(f"Continuation for job {job_name} not found")
            return _to_api(job_name, entry)

    def reset(self, job_name: str) -> dict:
        """Forget the sources (the next run reads everything); keep the counters."""
        with self._lock:
            entry = self._entries.get(job_name)
            if entry is None:
                raise EntityNotFound(f"Continuation for job {job_name} not found")
            entry = {**entry, "Version": entry["Version"] + 1, "sources": {}}
            self._entries[job_name] = entry
            return _to_api(job_name, entry)

    def export(self) -> dict:
        with self._lock:
            return json.loads(json.dumps(self._entries))

    def restore(self, data: dict) -> None:
        with self._lock:
            self._entries = dict(data or {})


def _to_api(job_name: str, entry: dict) -> dict:
    bookmark = {
        "jobName": job_name,
        "version": entry["Version"],
        "run": entry["Run"],
        "attempt": entry.get("Attempt", 0),
        "runId": entry["RunId"],
        **entry["sources"],
    }
    result = {
        "JobName": job_name,
        "Version": entry["Version"],
        "Run": entry["Run"],
        "Attempt": entry.get("Attempt", 0),
        "RunId": entry["RunId"],
        "JobBookmark": json.dumps(bookmark),
    }
    if entry.get("PreviousRunId"):
        result["PreviousRunId"] = entry["PreviousRunId"]
    return result
