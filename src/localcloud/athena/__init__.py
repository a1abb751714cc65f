"""Local Athena: the Athena API answered by executing the SQL on DuckDB over the Glue catalog's
tables in the local S3 (see docs/athena-local.md)."""
