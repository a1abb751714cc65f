"""Glue's error codes, each with the HTTP status AWS answers it with."""

from __future__ import annotations

from localcloud.errors import AwsError


class EntityNotFound(AwsError):
    status = 400
    code = "EntityNotFoundException"


class InvalidInput(AwsError):
    status = 400
    code = "InvalidInputException"


class CrawlerRunning(AwsError):
    status = 400
    code = "CrawlerRunningException"


class CrawlerNotRunning(AwsError):
    status = 400
    code = "CrawlerNotRunningException"


class CrawlerStopping(AwsError):
    status = 400
    code = "CrawlerStoppingException"


class ConcurrentRunsExceeded(AwsError):
    status = 400
    code = "ConcurrentRunsExceededException"
