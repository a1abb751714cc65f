"""A background thread that calls one function every few seconds until stopped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

_logger = logging.getLogger(__name__)


class Periodic:
    """Runs `work()` every `interval()` seconds on a daemon thread named `name`. A failing
    round is logged and the next one runs (the endpoint may be busy or shutting down)."""

    def __init__(self, name: str, work: Callable[[], object], interval: Callable[[], float]):
        self.name = name
        self._work = work
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=self.name)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval()):
            try:
                self._work()
            except Exception:
                _logger.debug("%s: round failed", self.name, exc_info=True)
