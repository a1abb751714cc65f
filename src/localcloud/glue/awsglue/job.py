"""`Job`: init/commit around a script; commit is what makes a run's bookmark state stick."""

from __future__ import annotations

import logging
from typing import Any

_logger = logging.getLogger(__name__)


class Job:
    """Same calls as awsglue.job.Job: `Job(glue_context).init(name, args)`, then `commit()`."""

    def __init__(self, glue_context: Any) -> None:
        self._context = glue_context
        self._name: str | None = None
        self._initialized = False

    def init(self, job_name: str, args: dict | None = None) -> None:
        self._name = job_name
        option = (args or {}).get("job_bookmark_option")
        if option:
            self._context._bookmarks.option = option
        self._initialized = True

    def isInitialized(self) -> bool:
        return self._initialized

    def commit(self) -> None:
        """Record what this run read so the next run skips it (bookmark option enable only)."""
        if not self._initialized:
            raise RuntimeError("Job.commit() called before Job.init()")
        self._context._bookmarks.commit()
        _logger.info("job %s committed", self._name)
