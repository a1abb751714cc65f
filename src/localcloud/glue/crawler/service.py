"""The crawler operations the local cloud answers itself: start/stop, state, LastCrawl, metrics.

Crawler definitions stay in moto (CreateCrawler, UpdateCrawler, DeleteCrawler pass through);
their run state lives here, so moto's own crawl state never shows.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from localcloud.glue import telemetry
from localcloud.glue.crawler import sampling
from localcloud.glue.crawler.crawl import Crawl, CrawlCancelled, CrawlResult
from localcloud.glue.errors import (
    CrawlerNotRunning,
    CrawlerRunning,
    CrawlerStopping,
    EntityNotFound,
    InvalidInput,
)

_logger = logging.getLogger(__name__)
CRAWLER_EVENT = "Glue Crawler State Change"


@dataclass
class CrawlerState:
    """Run state of one crawler (what moto does not know)."""

    state: str = "READY"
    started: float | None = None
    last_crawl: dict | None = None
    runtimes: list[float] = field(default_factory=list)
    last_result: CrawlResult = field(default_factory=CrawlResult)
    stop: threading.Event = field(default_factory=threading.Event)


class CrawlerService:
    """StartCrawler, StopCrawler, GetCrawler(s), BatchGetCrawlers, GetCrawlerMetrics."""

    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud
        self._states: dict[str, CrawlerState] = {}
        self._lock = threading.Lock()

    # -- operations ----------------------------------------------------------------------------
    def start_crawler(self, params: dict) -> dict:
        name = _required(params, "Name")
        definition = self._definition(name)
        with self._lock:
            state = self._states.setdefault(name, CrawlerState())
            if state.state != "READY":
                raise CrawlerRunning(f"Crawler with name {name} has already started")
            state.state, state.started = "RUNNING", time.time()
            state.stop = threading.Event()
            prefix = str(uuid.uuid4())
            state.last_crawl = None
            crawl_info = {
                "LogGroup": telemetry.CRAWLER_LOG_GROUP, "LogStream": name,
                "MessagePrefix": prefix, "StartTime": datetime.now(timezone.utc),
            }
        threading.Thread(
            target=self._crawl, args=(definition, state, crawl_info), daemon=True,
            name=f"glue-crawler-{name}",
        ).start()
        return {}

    def stop_crawler(self, params: dict) -> dict:
        name = _required(params, "Name")
        self._definition(name)
        with self._lock:
            state = self._states.get(name)
            if state is None or state.state == "READY":
                raise CrawlerNotRunning(f"Crawler with name {name} isn't running")
            if state.state == "STOPPING":
                raise CrawlerStopping(f"Crawler with name {name} is stopping")
            state.state = "STOPPING"
            state.stop.set()
        return {}

    def get_crawler(self, params: dict) -> dict:
        return {"Crawler": self._describe(_required(params, "Name"))}

    def get_crawlers(self, params: dict) -> dict:
        names = sorted(self._backend().crawlers)
        start, size = _page(params)
        page = {"Crawlers": [self._describe(n) for n in names[start:start + size]]}
        if start + size < len(names):
            page["NextToken"] = str(start + size)
        return page

    def batch_get_crawlers(self, params: dict) -> dict:
        names = params.get("CrawlerNames") or []
        known = self._backend().crawlers
        return {
            "Crawlers": [self._describe(n) for n in names if n in known],
            "CrawlersNotFound": [n for n in names if n not in known],
        }

    def get_crawler_metrics(self, params: dict) -> dict:
        known = self._backend().crawlers
        names = params.get("CrawlerNameList") or sorted(known)
        start, size = _page(params)
        metrics = [self._metrics(n) for n in names[start:start + size] if n in known]
        page = {"CrawlerMetricsList": metrics}
        if start + size < len(names):
            page["NextToken"] = str(start + size)
        return page

    # -- state export ----------------------------------------------------------------------------
    def export(self) -> dict:
        with self._lock:
            return {
                name: {"last_crawl": _jsonable(s.last_crawl), "runtimes": s.runtimes}
                for name, s in self._states.items()
            }

    def restore(self, data: dict) -> None:
        with self._lock:
            for name, item in data.items():
                crawl = item.get("last_crawl")
                if crawl and isinstance(crawl.get("StartTime"), str):
                    crawl["StartTime"] = datetime.fromisoformat(crawl["StartTime"])
                self._states[name] = CrawlerState(last_crawl=crawl, runtimes=item["runtimes"])

    # -- the crawl -----------------------------------------------------------------------------
    def _crawl(self, definition: dict, state: CrawlerState, info: dict) -> None:
        name = definition["Name"]
        log = telemetry.LogStream(self.cloud.client("logs"), telemetry.CRAWLER_LOG_GROUP, name)

        def write(message: str) -> None:
            log.write(f"[{info['MessagePrefix']}] {message}")

        write(f"BENCHMARK : Running Start Crawl for Crawler {name}")
        events = self.cloud.client("events")
        account = self.cloud.config.account
        telemetry.put_glue_event(events, CRAWLER_EVENT, telemetry.crawler_state_detail(
            name, "Started", account, "Crawler Started", info["StartTime"]))
        status, error, result = "SUCCEEDED", None, None
        try:
            config = self.cloud.config
            env = config.child_env()
            crawl = Crawl(
                definition, self.cloud.client("glue"), self.cloud.client("s3"),
                sampling.parquet_filesystem(
                    config.endpoint, config.region, env["AWS_ACCESS_KEY_ID"],
                    env["AWS_SECRET_ACCESS_KEY"],
                ),
                write, state.stop,
            )
            result = crawl.run()
            state.last_result = result
            write(f"BENCHMARK : Finished writing to Catalog: {result.tables_created} tables "
                  f"created, {result.tables_updated} updated, {result.tables_deleted} deleted, "
                  f"{result.partitions_added} partitions added")
        except CrawlCancelled:
            status = "CANCELLED"
            write("BENCHMARK : Crawler was stopped")
        except Exception as exc:
            _logger.exception("crawler %s failed", name)
            status, error = "FAILED", f"{type(exc).__name__}: {exc}"
            write(f"ERROR : Internal Service Exception: {error}")
        with self._lock:
            state.state = "STOPPING"  # Glue passes through STOPPING at the end of every crawl
        elapsed = time.time() - (state.started or time.time())
        write(f"BENCHMARK : Crawler has finished running and is in state READY ({status})")
        log.flush()
        with self._lock:
            state.runtimes.append(elapsed)
            state.last_crawl = {**info, "Status": status}
            if error:
                state.last_crawl["ErrorMessage"] = error
            state.state, state.started = "READY", None
        if status != "CANCELLED":
            outcome = "Succeeded" if status == "SUCCEEDED" else "Failed"
            telemetry.put_glue_event(events, CRAWLER_EVENT, telemetry.crawler_state_detail(
                name, outcome, account, error or f"Crawler {outcome}", info["StartTime"],
                result, elapsed))

    # -- views ---------------------------------------------------------------------------------
    def _describe(self, name: str) -> dict:
        crawler = self._definition(name)
        with self._lock:
            state = self._states.get(name) or CrawlerState()
            crawler["State"] = state.state
            crawler["CrawlElapsedTime"] = (
                int((time.time() - state.started) * 1000) if state.started else 0
            )
            crawler.pop("LastCrawl", None)  # moto's own, never started
            if state.last_crawl:
                crawler["LastCrawl"] = dict(state.last_crawl)
        return crawler

    def _metrics(self, name: str) -> dict:
        with self._lock:
            state = self._states.get(name) or CrawlerState()
            result = state.last_result
            running = state.state != "READY" and state.started
            return {
                "CrawlerName": name,
                "TimeLeftSeconds": 0.0,
                "StillEstimating": bool(running),
                "LastRuntimeSeconds": round(state.runtimes[-1], 3) if state.runtimes else 0.0,
                "MedianRuntimeSeconds": (
                    round(statistics.median(state.runtimes), 3) if state.runtimes else 0.0
                ),
                "TablesCreated": result.tables_created,
                "TablesUpdated": result.tables_updated,
                "TablesDeleted": result.tables_deleted,
            }

    def _backend(self):
        # Crawler definitions are read from moto's backend in this process: the Glue API
        # calls that would return them (GetCrawler, BatchGetCrawlers) are answered here.
        from moto.glue.models import glue_backends

        return glue_backends[self.cloud.config.account][self.cloud.config.region]

    def _definition(self, name: str) -> dict:
        crawler = self._backend().crawlers.get(name)
        if crawler is None:
            raise EntityNotFound(f"Crawler entry with name {name} does not exist")
        return crawler.as_dict()


def _required(params: dict, name: str) -> str:
    value = params.get(name)
    if not value or not isinstance(value, str):
        raise InvalidInput(f"{name} is required and must be a non-empty string")
    return value


def _page(params: dict) -> tuple[int, int]:
    size = int(params.get("MaxResults") or 100)
    if not 1 <= size <= 1000:
        raise InvalidInput("MaxResults must be between 1 and 1000")
    return int(params.get("NextToken") or 0), size


def _jsonable(crawl: dict | None) -> dict | None:
    if not crawl:
        return crawl
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in crawl.items()}
