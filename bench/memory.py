"""Peak memory of the whole demo: the sum of RSS over this process and all its descendants
(the local cloud runs in this process; Lambda workers, Spark JVMs and spark-submit job runs are
its children), sampled in a background thread."""

from __future__ import annotations

import logging
import os
import threading

import psutil

_logger = logging.getLogger(__name__)


def tree_rss(root: psutil.Process) -> tuple[int, int]:
    """(sum of RSS bytes, number of processes) of `root` and its descendants now."""
    total, count = 0, 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
            count += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total, count


class PeakSampler:
    """`start()`, then `stop()`; `peak_bytes`, `peak_processes` and `samples`."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self.peak_processes = 0
        self.samples = 0
        self.load_averages: list[float] = []  # 1-minute load average at each sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._root = psutil.Process()

    def start(self) -> PeakSampler:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            total, count = tree_rss(self._root)
            self.samples += 1
            self.load_averages.append(os.getloadavg()[0])
            if total > self.peak_bytes:
                self.peak_bytes, self.peak_processes = total, count
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
