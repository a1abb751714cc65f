"""Job bookmark selection for S3 sources: which objects a run reads, and the state it commits.

AWS Glue's semantics (docs: "Tracking processed data using job bookmarks"): a run reads the
objects whose last-modified time is after the previous committed run's start, and, to survive
objects that become visible late, it remembers the objects it saw within a window (HIGH_BAND,
15 minutes) before that start and reads any object in that window it has not seen. A modified
object has a new last-modified time (and ETag) and is read again. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH_BAND_MS = 15 * 60 * 1000
STATE_CLASS = "HadoopDataSourceJobBookmarkState"


@dataclass(frozen=True)
class S3Object:
    """One listed object: its s3:// URI, last-modified (epoch ms) and ETag."""

    uri: str
    modified_ms: int
    etag: str = ""


def select_objects(
    objects: list[S3Object], previous: dict | None, run_start_ms: int, band_ms: int = HIGH_BAND_MS
) -> tuple[list[S3Object], dict]:
    """(objects to read, state to commit) for one transformation context.

    `previous` is the state committed by the last successful run (None: read everything).
    """
    if not previous:
        selected = list(objects)
        seen: dict[str, list] = {}
    else:
        high_water = int(previous["timestamps"]["CURR_RUN_START_TIME"])
        band = int(previous["timestamps"].get("HIGH_BAND", band_ms))
        seen = previous.get("includeList", {})
        selected = [o for o in objects if _is_new(o, high_water - band, seen)]
    window_start = run_start_ms - band_ms
    include = {
        o.uri: [o.modified_ms, o.etag] for o in objects if o.modified_ms > window_start
    }
    state = {
        "jsonClass": STATE_CLASS,
        "timestamps": {
            "HIGH_BAND": str(band_ms),
            "CURR_RUN_START_TIME": str(run_start_ms),
            "PREV_RUN_START_TIME": (
                previous["timestamps"]["CURR_RUN_START_TIME"] if previous else "0"
            ),
            "CURR_LATEST_OBJECT_TIME": str(max((o.modified_ms for o in objects), default=0)),
        },
        "includeList": include,
    }
    return selected, state


def _is_new(obj: S3Object, window_start: int, seen: dict[str, list]) -> bool:
    if obj.modified_ms <= window_start:
        return False
    # Inside the window (or later): new unless seen with the same time and ETag.
    return seen.get(obj.uri) != [obj.modified_ms, obj.etag]
