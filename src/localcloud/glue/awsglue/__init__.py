"""A local stand-in for AWS Glue's `awsglue` library, for job scripts run by the local cloud.

Only the part of the API the lake's scripts use is here: `utils.getResolvedOptions`,
`context.GlueContext` (`create_dynamic_frame.from_options` / `write_dynamic_frame.from_options`
over S3), `dynamicframe.DynamicFrame` and `job.Job` — with AWS Glue's job bookmark semantics for
S3 sources (see docs/decisions/060-glue-job-bookmarks.md). The local Glue executor puts the
folder holding this package on the job's PYTHONPATH; on AWS Glue the real library is used.
"""

from awsglue.dynamicframe import DynamicFrame

__all__ = ["DynamicFrame"]
