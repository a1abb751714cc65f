"""Warm drivers: a spark-submit whose JVM and SparkContext start before the run that uses it.

On with `DATALAKE_GLUE_WARM_DRIVER=1`, which a served cloud sets by default (decisions 061,
117). After a run ends, the runner starts one spare driver with the same Spark settings;
`glue_launcher.py --warm DIR` creates the SparkContext, touches DIR/ready and waits for
DIR/run.json (script, arguments, environment, py-files, working folder). The next run with the
same settings takes it instead of starting a JVM; like AWS Glue, the script then finds its
SparkContext already made. Each driver serves one run, so stop and timeout still kill a process
group of its own.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

_logger = logging.getLogger(__name__)


class Relay:
    """Lines of one pipe: kept while nobody listens, then written to the attached sinks."""

    def __init__(self) -> None:
        self._sinks: list = []
        self._tail: collections.deque | None = None
        self._buffer: list[str] = []
        self._lock = threading.Lock()
        self.done = threading.Event()  # set when the pipe closed and every line was written

    def attach(self, sinks: list, tail: collections.deque | None) -> None:
        with self._lock:
            self._sinks, self._tail = sinks, tail
            buffered, self._buffer = self._buffer, []
        for line in buffered:
            self.write(line)

    def write(self, line: str) -> None:
        with self._lock:
            if not self._sinks:
                self._buffer.append(line)
                return
            sinks, tail = self._sinks, self._tail
        for sink in sinks:
            sink.write(line)
        if tail is not None:
            tail.append(line)


def pump(stream, relay: Relay) -> None:
    """Copy a process pipe into `relay` line by line until it closes."""
    for line in stream:
        relay.write(line.rstrip("\n"))
    stream.close()
    relay.done.set()


def start_pumps(process: subprocess.Popen) -> tuple[Relay, Relay]:
    out, err = Relay(), Relay()
    for stream, relay in ((process.stdout, out), (process.stderr, err)):
        threading.Thread(target=pump, args=(stream, relay), daemon=True).start()
    return out, err


@dataclass
class WarmDriver:
    """One started driver waiting for its run."""

    process: subprocess.Popen
    control: Path
    signature: tuple
    relays: tuple[Relay, Relay] = field(default=None)  # type: ignore[assignment]

    @property
    def events_dir(self) -> Path:
        return self.control / "spark-events"

    def is_ready(self) -> bool:
        return self.process.poll() is None and (self.control / "ready").exists()

    def hand_over(self, request: dict) -> None:
        """Give the driver its run: it starts as soon as run.json appears."""
        path = self.control / "run.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(request))
        os.replace(temporary, path)  # atomic: the launcher never reads half a file

    def discard(self) -> None:
        from localcloud.glue.runner import kill_process_group

        kill_process_group(self.process)
        shutil.rmtree(self.control, ignore_errors=True)


class WarmPool:
    """At most one spare driver; `take(signature)` hands it out when its settings match."""

    def __init__(self) -> None:
        self._spare: WarmDriver | None = None
        self._lock = threading.Lock()
        self._closed = False

    def take(self, signature: tuple) -> WarmDriver | None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is None:
            return None
        if spare.signature != signature or spare.process.poll() is not None:
            spare.discard()
            return None
        return spare

    def offer(self, driver: WarmDriver) -> None:
        with self._lock:
            if self._closed:  # the cloud is stopping: no JVM may outlive it
                previous = driver
            else:
                previous, self._spare = self._spare, driver
        if previous is not None:
            previous.discard()

    def has(self, signature: tuple) -> bool:
        with self._lock:
            return self._spare is not None and self._spare.signature == signature

    def spare(self) -> WarmDriver | None:
        with self._lock:
            return self._spare

    def clear(self) -> None:
        """Discard the spare (settings changed), keeping the pool open."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.discard()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.discard()
