"""Glue in the local cloud: answers crawler and job-run operations itself, moto keeps the rest.

Job runs execute on local Spark (runner.py); crawls read S3 and write moto's catalog
(crawler/). Everything else of Glue (CreateJob, CreateCrawler, tables, partitions) is moto's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from localcloud.glue.crawler.service import CrawlerService
from localcloud.glue.service import JobService
from localcloud.registry import Response

ORDER = 50
_logger = logging.getLogger(__name__)


def install(cloud: Any) -> None:
    jobs = JobService(cloud)
    crawlers = CrawlerService(cloud)
    cloud.services["glue_jobs"] = jobs
    cloud.services["glue_crawlers"] = crawlers
    operations: dict[str, Callable[[dict], dict]] = {
        "StartJobRun": jobs.start_job_run,
        "GetJobRun": jobs.get_job_run,
        "GetJobRuns": jobs.get_job_runs,
        "BatchStopJobRun": jobs.batch_stop_job_run,
        "GetJobBookmark": jobs.get_job_bookmark,
        "ResetJobBookmark": jobs.reset_job_bookmark,
        "StartCrawler": crawlers.start_crawler,
        "StopCrawler": crawlers.stop_crawler,
        "GetCrawler": crawlers.get_crawler,
        "GetCrawlers": crawlers.get_crawlers,
        "BatchGetCrawlers": crawlers.batch_get_crawlers,
        "GetCrawlerMetrics": crawlers.get_crawler_metrics,
    }
    for operation, fn in operations.items():
        cloud.registry.operation("glue", operation, _json_handler(fn))
    cloud.registry.state(
        "glue", lambda: _export(jobs, crawlers), lambda data: _restore(jobs, crawlers, data)
    )
    cloud.registry.on_stop(jobs.shutdown)
    cloud.registry.health("glue", lambda: {
        "status": "ok", "spark_master": jobs.spark.master, "s3a_jars": len(jobs.spark.jars),
        "maven_packages": jobs.spark.packages,
    })


def services_for(cloud: Any) -> tuple[JobService, CrawlerService]:
    """This cloud's (JobService, CrawlerService), e.g. to change Spark settings in tests."""
    return cloud.services["glue_jobs"], cloud.services["glue_crawlers"]


def _json_handler(fn: Callable[[dict], dict]):
    def handle(call) -> Response:
        return Response.json(_epoch_times(fn(call.json())))

    return handle


def _epoch_times(value: Any) -> Any:
    """Timestamps as the JSON protocol sends them: epoch seconds."""
    if isinstance(value, datetime):
        # moto's datetimes are naive UTC
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    if isinstance(value, dict):
        return {k: _epoch_times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_epoch_times(v) for v in value]
    return value


def _export(jobs: JobService, crawlers: CrawlerService) -> dict:
    return {
        "bookmarks": jobs.bookmarks.export(),
        "job_runs": jobs.runs.export(),
        "crawlers": crawlers.export(),
    }


def _restore(jobs: JobService, crawlers: CrawlerService, data: dict) -> None:
    jobs.bookmarks.restore(data.get("bookmarks") or {})
    jobs.runs.restore(data.get("job_runs") or {})
    crawlers.restore(data.get("crawlers") or {})
