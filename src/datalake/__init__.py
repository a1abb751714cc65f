"""datalake: the lake's own logic. Runs unchanged against AWS or the local cloud; knows AWS only
through `datalake.aws`."""

__version__ = "0.1.0"
