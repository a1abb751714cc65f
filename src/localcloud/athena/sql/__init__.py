"""Athena SQL for the local engine: parsing, Trino→DuckDB translation, one module per
statement family (query, write, ddl, show)."""
