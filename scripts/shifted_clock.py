"""Run a command, and every process it starts, with the wall clock moved to another instant.

    python scripts/shifted_clock.py 2027-12-31T23:57:00Z -- bash scripts/pytest_tier.sh notebooks

The clock keeps running from that instant. libfaketime (the `libfaketime` package from PyPI
carries the shared library) is preloaded with a *relative* offset, so every process of the run
(pytest, the local cloud, Lambda workers, Jupyter kernels, the Spark JVM) sees the same shifted
time whenever it starts; an absolute `@instant` would restart the clock in each new process.
Monotonic clocks are left alone (timeouts and Spark's heartbeats measure real durations), and
so is the Java VM: under libfaketime every clock read of the JVM goes through the preloaded
library and Spark's query analyzer slowed from seconds to tens of minutes. No transform reads
the JVM's clock (`processed_at` and the bookmarks' times come from the Python side), so the
Spark jobs still run on the shifted dates.
Used by `make notebooks` to prove that no committed output depends on the date of the run
(notebooks/README.md, "Dates and times").
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path


def library_path() -> Path:
    """The libfaketime shared library shipped in the `libfaketime` package."""
    import libfaketime

    path = Path(libfaketime.__file__).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
    if not path.is_file():
        raise SystemExit(f"libfaketime's library is missing at {path}")
    return path


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; one without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SystemExit(f"not an ISO 8601 instant: {text!r} (e.g. 2027-12-31T23:57:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def shifted_environment(target: datetime, environ: dict[str, str], now: float) -> dict[str, str]:
    """`environ` plus what makes libfaketime move the clock by `target - now` seconds."""
    offset = round(target.timestamp() - now)
    preload = environ.get("LD_PRELOAD", "")
    return {
        **environ,
        "LD_PRELOAD": f"{library_path()}:{preload}" if preload else str(library_path()),
        "FAKETIME": f"{offset:+d}",
        "DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_SKIP_CMDS": "java",
        "DATALAKE_SHIFTED_CLOCK": target.isoformat(),
    }


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit("usage: shifted_clock.py INSTANT -- COMMAND [ARGS...]")
    target = parse_instant(argv[0])
    env = shifted_environment(target, dict(os.environ), time.time())
    print(f"clock moved to {target.isoformat()} for: {' '.join(argv[2:])}", flush=True)
    os.execvpe(argv[2], argv[2:], env)


if __name__ == "__main__":
    main(sys.argv[1:])
