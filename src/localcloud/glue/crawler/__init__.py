"""The local Glue crawler: S3 samples → Hive types → tables and partitions in the catalog."""
