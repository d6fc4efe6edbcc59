"""Runs that cannot collide: one nightly run per council at a time, and a bounded number of councils
at once.

Two guards, both held for a council's whole night and taken with a short wait:
- a Prefect global concurrency limit of one per council (`govflow-night-<council>`), which the UI
  shows and `prefect gcl ls` lists;
- the database's own lock (governance_model.storage.night_lock), the last guard, for runs that
  reach the database without the first (a lease the server let lapse, another Prefect server).
A run that cannot take them ends cleanly with "another nightly run for <council> is running" before
it has read or written anything: never half a night.

How many councils' nights run at once is the limit `govflow-council-nights` (created with
COUNCILS_AT_ONCE slots when missing; change it with `prefect gcl update govflow-council-nights --limit N`).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from prefect import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

from governance_model.storage.night_lock import NightLockBusy
from govflow import wiring
from govflow.errors import Error
from govflow.settings import Settings

COUNCILS_LIMIT = "govflow-council-nights"
COUNCILS_AT_ONCE = 2  # the default: this is sized for the 2-core machine the figures come from
COUNCIL_LIMIT_PREFIX = "govflow-night-"
WAIT_SECONDS = 10.0  # how long a second run waits for the first before it gives way
LEASE_SECONDS = 300  # a slot whose process died is freed by the server after this (renewed while alive)
# A lease the server could not renew (a hiccup) does not stop a night half-way: the database's lock
# still keeps a second run out.
LEASE = {"lease_duration": LEASE_SECONDS, "raise_on_lease_renewal_failure": False}


class Busy(Error):
    """Another nightly run for this council holds its guards."""

    def __init__(self, organisation: str, which: str) -> None:
        super().__init__(f"another nightly run for {organisation} is running ({which}): this run did nothing")
        self.organisation = organisation


def council_limit_name(organisation: str) -> str:
    return COUNCIL_LIMIT_PREFIX + organisation


def ensure_limit(name: str, limit: int) -> None:
    """Create the global concurrency limit `name` with `limit` slots unless it exists (as it is set)."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=limit))
            except ObjectAlreadyExists:  # created by a run starting at the same moment
                pass


@contextmanager
def only_night_for(settings: Settings, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the council's Prefect limit and database lock while the context runs; Busy if another
    run still holds either after `wait_seconds`."""
    organisation = settings.organisation
    name = council_limit_name(organisation)
    ensure_limit(name, 1)
    with ExitStack() as held:
        try:
            held.enter_context(concurrency(name, occupy=1, timeout_seconds=wait_seconds, strict=True, **LEASE))
        except TimeoutError:
            raise Busy(organisation, f"Prefect concurrency limit {name}") from None
        try:
            held.enter_context(wiring.night_lock(settings, wait_seconds))
        except NightLockBusy:
            raise Busy(organisation, "the database's night lock") from None
        yield


@contextmanager
def one_of_the_councils_at_once() -> Iterator[None]:
    """Hold one slot of `govflow-council-nights` (waiting as long as it takes) while the context runs."""
    ensure_limit(COUNCILS_LIMIT, COUNCILS_AT_ONCE)
    with concurrency(COUNCILS_LIMIT, occupy=1, strict=True, **LEASE):
        yield
