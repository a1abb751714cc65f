"""Fault injection (off by default): S3 PutObject errors and latency, Lambda workers killed
mid-invocation. Settings come from `CloudConfig.faults` (`--faults JSON`) and can be changed
while running through `POST /_datalake/faults`."""
