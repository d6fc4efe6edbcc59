"""The database's guard that one council's nightly run is the only one: held for the whole night,
taken with a short wait, released when the night ends or its process dies.

PostgreSQL: a session advisory lock on a connection of its own, keyed by the schema and the council
(the same council in two schemas of one database is two councils). SQLite: an exclusive lock on a
file beside the database (`<database>.night-<council>.lock`), because SQLite's own write lock cannot
be held for a night whose stages write through other connections. An in-memory SQLite database is one
process's own: nothing else can run a night on it.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from governance_model.errors import Error

POLL_SECONDS = 0.2


class NightLockBusy(Error):
    """Another process holds the council's night lock (it is running that council's night)."""


@contextmanager
def night_lock(engine: Engine, organisation: str, wait_seconds: float) -> Iterator[None]:
    """Hold the lock of `organisation`'s night on this database; NightLockBusy when another process
    still holds it after `wait_seconds`."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, organisation, wait_seconds):
            yield
        return
    database = engine.url.database or ""
    if engine.dialect.name != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        yield
        return
    with _file_lock(Path(database).expanduser().resolve(), organisation, wait_seconds):
        yield


@contextmanager
def _advisory_lock(engine: Engine, organisation: str, wait_seconds: float) -> Iterator[None]:
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        key = _lock_key(f"govflow-night:{schema}:{organisation}")
        connection.commit()  # the lock belongs to the session, not to a transaction
        deadline = time.monotonic() + wait_seconds
        while not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar_one():
            connection.commit()
            if time.monotonic() >= deadline:
                raise NightLockBusy(organisation)
            time.sleep(POLL_SECONDS)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def _file_lock(database: Path, organisation: str, wait_seconds: float) -> Iterator[None]:
    import fcntl  # POSIX; the lock is released by the kernel when the process ends, however it ends

    path = database.with_name(f"{database.name}.night-{organisation}.lock")
    with path.open("a") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise NightLockBusy(organisation) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
