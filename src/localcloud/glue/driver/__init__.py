"""The Spark driver's entry point for local Glue job runs (run by spark-submit, not imported)."""
