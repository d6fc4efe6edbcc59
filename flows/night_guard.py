"""Runs that cannot collide: one nightly run per council at a time, and a bounded number of councils
at once.

The guard is the database's own lock (governance_model.storage.night_lock), held for the council's
whole night and taken with a short wait: it holds for every run that reaches the database, whichever
Prefect server or worker started it. It was also a Prefect global concurrency limit of one per
council (`govflow-night-<council>`), but in the test suite a slot of it was sometimes not given back
until its 300 s lease ran out, and the next night of that council then gave way to a run that had
ended (tests/flows/test_nightly_reports.py, after other nights of the same council on the same
server); a guard that refuses a legitimate night is worse than none, so it was taken out.
A run that cannot take the lock ends cleanly with "another nightly run for <council> is running" before
it has read or written anything: never half a night.

How many councils' nights a nightly run has going at once is GOVFLOW_COUNCILS_AT_ONCE (default 2):
a semaphore in the nightly run, which is the one process that starts them. It was a Prefect global
concurrency limit; but slots taken in the nightly's task threads were given back only when their
lease ran out (300 s between one council's night and the next, seen in tests/flows/test_nightly_workers.py),
so the limit that decides how many run at once is now one the nightly holds itself. On workers the
runs of councils also go to a work queue whose concurrency limit is the same number (the Prefect
server's own bound: flows/deployment.py), and each worker runs one at a time (`--limit 1`).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from governance_model.storage.night_lock import NightLockBusy
from govflow import wiring
from govflow.errors import Error
from govflow.settings import Settings

COUNCILS_AT_ONCE = 2  # the default: this is sized for the 2-core machine the figures come from
WAIT_SECONDS = 10.0  # how long a second run waits for the first before it gives way


class Busy(Error):
    """Another nightly run for this council holds its guards."""

    def __init__(self, organisation: str, which: str) -> None:
        super().__init__(f"another nightly run for {organisation} is running ({which}): this run did nothing")
        self.organisation = organisation


@contextmanager
def only_night_for(settings: Settings, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the council's database night lock while the context runs; Busy if another run still
    holds it after `wait_seconds`."""
    try:
        with wiring.night_lock(settings, wait_seconds):
            yield
    except NightLockBusy:
        raise Busy(settings.organisation, "the database's night lock") from None


_AT_ONCE: dict[int, threading.BoundedSemaphore] = {}
_AT_ONCE_LOCK = threading.Lock()


@contextmanager
def one_of_the_councils_at_once(at_once: int = COUNCILS_AT_ONCE) -> Iterator[None]:
    """Hold one of `at_once` places (waiting as long as it takes) while the context runs."""
    with _AT_ONCE_LOCK:
        places = _AT_ONCE.setdefault(at_once, threading.BoundedSemaphore(at_once))
    with places:
        yield
