"""One worker at a time per scheduled job, whichever host it runs on.

arq already enqueues each cron tick once per Redis (its job id is the job's name and
time); this lock covers the rest: a second worker on another Redis, a manual run of the
same job, a tick that overran into the next one. On PostgreSQL it is a session advisory
lock on a connection of its own, held for the whole run (a dead worker's connection
closes and the lock goes with it); a worker that finds it taken skips the run. SQLite
is a single-host development database: a lock per process is all it needs.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine

# High 32 bits of every job's key: keeps them apart from api.migrate's lock and others'.
_NAMESPACE = 0x55A1 << 32
_local: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


def lock_key(name: str) -> int:
    return _NAMESPACE | zlib.crc32(name.encode())


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[bool]:
    """Yields True when this caller holds the job's lock (and should run it), else False."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": lock_key(name)}))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(name)})
                    conn.commit()
        return
    with _local_guard:
        lock = _local.setdefault(name, threading.Lock())
    held = lock.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            lock.release()
