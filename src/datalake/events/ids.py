"""Ingest ids: random UUIDs (version 4), made in bulk.

`uuid.uuid4()` reads 16 bytes from the OS and builds a `UUID` object per call. Here the random
bytes of 256 ids are read at once and written in the same text form
(`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lower case), with the version and variant bits set
as RFC 4122 §4.4 says; `take_ingest_ids` hands them out from a pool that a forked child empties,
so two processes never share ids (decision 113).
"""

from __future__ import annotations

import os
import threading

_VERSION_4 = bytes((byte & 0x0F) | 0x40 for byte in range(256))  # byte 6: 0100xxxx
_VARIANT_RFC4122 = bytes((byte & 0x3F) | 0x80 for byte in range(256))  # byte 8: 10xxxxxx
_POOL_REFILL = 256
_pool: list[str] = []  # ready ids, taken under _lock


def new_ingest_ids(count: int) -> list[str]:
    """`count` new random version-4 UUIDs in their canonical text form (as `str(uuid.uuid4())`)."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT_RFC4122)
    digits = raw.hex()
    return [
        f"{digits[o:o + 8]}-{digits[o + 8:o + 12]}-{digits[o + 12:o + 16]}-"
        f"{digits[o + 16:o + 20]}-{digits[o + 20:o + 32]}"
        for o in range(0, 32 * count, 32)
    ]


def take_ingest_ids(count: int) -> list[str]:
    """`count` ids from the pool (refilled with new_ingest_ids as needed); each id is handed
    out once."""
    with _lock:
        if count > len(_pool):
            _pool.extend(new_ingest_ids(max(_POOL_REFILL, count)))
        start = len(_pool) - count
        taken = _pool[start:]
        del _pool[start:]
    return taken


def _forget_pool() -> None:
    """In a forked child: drop the parent's ids (and a lock another thread may have held)."""
    global _lock
    _lock = threading.Lock()
    _pool.clear()


_lock = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)
