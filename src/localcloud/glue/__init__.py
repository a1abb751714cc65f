"""Local AWS Glue: real crawls of S3 into the catalog, job runs on local Spark, job bookmarks.

moto keeps the Glue catalog, crawler and job definitions; this package runs what moto only
records. `listeners` lets other plugins follow job state changes in-process.
"""

from localcloud.glue.listeners import add_job_state_listener, remove_job_state_listener

__all__ = ["add_job_state_listener", "remove_job_state_listener"]
