"""Parquet relations kept between queries (decision 115).

When a second query reads exactly the same Parquet files of a table (same cache files, which are
named after bucket, key and ETag; same catalog columns and types; same partition values), the
rows are taken from a DuckDB table made at that second read instead of reading, matching and
casting the files again. A changed, added or deleted file, a changed partition or a changed
column gives another key, so an entry can never answer for data that changed; it only ages out.
Entries in use by a running query are never dropped. JSON and text tables are always read.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

_logger = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024 * 1024  # Parquet bytes kept in all entries together
MAX_RELATION_BYTES = 32 * 1024 * 1024  # a bigger relation is read from its files every time
_REMEMBERED = 256  # keys read once, waiting for a second read
_NAMES = itertools.count()  # table names unique in the process's one DuckDB database


def relation_key(columns: list[tuple[str, str]], files: list[tuple[str, list[str]]]) -> str:
    """The identity of a relation: catalog columns (name, DuckDB type, partition keys last) and
    the local files with their partition values (pure)."""
    text = json.dumps([columns, files], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Entry:
    table: str
    size: int
    users: int = 0


class RelationCache:
    """Keys seen once, and DuckDB tables for keys read again, least recently used first."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_relation_bytes: int = MAX_RELATION_BYTES):
        self.max_bytes = max_bytes
        self.max_relation_bytes = max_relation_bytes
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._create_lock = threading.Lock()

    def relation(
        self, con, key: str, size: int, build: Callable[[], str], pins: list[str]
    ) -> str:
        """SQL of the relation `key` (`size` bytes of Parquet): a kept table, or `build()`.
        A key appended to `pins` stays until `release(key)`."""
        hit = self._use(key, pins)
        if hit is not None:
            return hit
        with self._lock:
            second = key in self._seen
            self._seen[key] = None
            self._seen.move_to_end(key)
            while len(self._seen) > _REMEMBERED:
                self._seen.popitem(last=False)
        sql = build()
        if not second or size > self.max_relation_bytes:
            return sql
        with self._create_lock:
            hit = self._use(key, pins)  # made meanwhile by another query
            if hit is not None:
                return hit
            table = f"__relation_{next(_NAMES)}"
            try:
                con.execute(f'CREATE TABLE main."{table}" AS {sql}')
            except duckdb.InterruptException:
                raise
            except duckdb.Error as error:  # the query reports it, as it would without us
                _logger.debug("relation not kept: %s", error)
                return sql
            with self._lock:
                self._entries[key] = _Entry(table, size, users=1)
                pins.append(key)
                victims = self._evict()
        for victim in victims:
            con.execute(f'DROP TABLE IF EXISTS main."{victim}"')
        return f'SELECT * FROM main."{table}"'

    def release(self, key: str) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.users > 0:
                entry.users -= 1

    def tables(self) -> list[str]:
        """Names of the kept tables, least recently used first."""
        with self._lock:
            return [e.table for e in self._entries.values()]

    def _use(self, key: str, pins: list[str]) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            entry.users += 1
            pins.append(key)
            self._entries.move_to_end(key)
            return f'SELECT * FROM main."{entry.table}"'

    def _evict(self) -> list[str]:
        """Drop unused entries, oldest first, until the rest fit (call with the lock held)."""
        total = sum(e.size for e in self._entries.values())
        victims = []
        for key, entry in list(self._entries.items()):
            if total <= self.max_bytes:
                break
            if entry.users == 0:
                del self._entries[key]
                total -= entry.size
                victims.append(entry.table)
        return victims


relations = RelationCache()
